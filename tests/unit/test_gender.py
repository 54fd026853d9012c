"""Gender of people: the text first (titles, role nouns, pronouns that refer to the person),
then the first-name statistic; sentences written here."""

from __future__ import annotations

from tasks.entities import extract_mentions, speaker_mentions
from tasks.gender import agreeing_speakers, name_call, name_statistic, with_gender
from tasks.nlp import text_of
from tasks.quotes import extract_quotes
from tasks.records import Mention
from tasks.subjects import clause_subjects


def _speakers(nlp, text: str):  # type: ignore[no-untyped-def]
    """The quotes as extracted, the people with their gender, and the quotes after the
    pronoun speakers are resolved by gender (the order tasks/analyze.py runs them in)."""
    doc = nlp(text)
    mentions = extract_mentions(doc)
    quotes = extract_quotes(doc, mentions)
    mentions = speaker_mentions(doc, mentions, quotes)
    starts = [s.start_char for s in doc.sents]
    subjects = clause_subjects(doc)
    gendered = with_gender(text_of(doc), starts, mentions, quotes, subjects)
    return quotes, gendered, agreeing_speakers(text_of(doc), starts, gendered, quotes, subjects)


def _genders(nlp, text: str) -> dict[str, Mention]:  # type: ignore[no-untyped-def]
    _, gendered, _ = _speakers(nlp, text)
    return {m.name: m for m in gendered if m.label == "person"}


def test_a_she_that_refers_to_the_person_decides_a_unisex_name(nlp) -> None:  # type: ignore[no-untyped-def]
    people = _genders(
        nlp,
        "Taylor Ellery runs the shelter on Main Street. She opened it in 2015 after her "
        "own family lost their home, and she still works the night shift.",
    )
    taylor = people["Taylor Ellery"]
    assert name_call("Taylor Ellery").gender == "unknown"  # the data cannot decide Taylor
    assert (taylor.gender, taylor.gender_source) == ("female", "text")
    assert taylor.gender_probability is not None and taylor.gender_probability > 0.5


def test_pronouns_go_to_the_person_they_agree_with(nlp) -> None:  # type: ignore[no-untyped-def]
    people = _genders(
        nlp,
        "Mary Collins thanked Robert Hale for the donation. She said the money would pay "
        "for a new roof, and she hopes to open the hall in June.",
    )
    assert people["Robert Hale"].gender == "male"
    assert people["Mary Collins"].gender_source == "text"
    assert people["Mary Collins"].gender == "female"


def test_titles_and_role_nouns_are_text_evidence(nlp) -> None:  # type: ignore[no-untyped-def]
    people = _genders(
        nlp,
        "Ms. Taylor Brandt chaired the meeting. Company spokeswoman Robin Kessler declined to "
        "comment. Sam Oduya, a father of three, said the plan was unfair.",
    )
    for name, gender in (("Taylor Brandt", "female"), ("Robin Kessler", "female")):
        assert (people[name].gender, people[name].gender_source) == (gender, "text"), name
    assert people["Sam Oduya"].gender == "male"


def test_a_gendered_first_name_decides_when_the_text_says_nothing(nlp) -> None:  # type: ignore[no-untyped-def]
    people = _genders(nlp, "The report was written by Margaret Ilves and Thomas Brandauer.")
    assert (people["Margaret Ilves"].gender, people["Margaret Ilves"].gender_source) == (
        "female",
        "name",
    )
    assert people["Thomas Brandauer"].gender == "male"


def test_a_name_the_data_cannot_decide_stays_unknown(nlp) -> None:  # type: ignore[no-untyped-def]
    people = _genders(nlp, "The report was written by Kim Albrecht and C.J. Moravec.")
    for name in ("Kim Albrecht", "C.J. Moravec"):
        if name in people:
            assert people[name].gender == "unknown"
            assert people[name].gender_source is None
            assert people[name].gender_probability is None


def test_pronouns_inside_a_direct_quote_are_not_about_the_speaker(nlp) -> None:  # type: ignore[no-untyped-def]
    people = _genders(
        nlp,
        'Robin Pike spoke after the vote. "She was right and he was wrong, she told us '
        'she would win," Pike said.',
    )
    assert people["Robin Pike"].gender == "unknown"


def test_the_name_table_is_searched_in_place() -> None:
    table = name_statistic()
    p_female, count = table.lookup("Margaret") or (0.0, 0)
    assert p_female > 0.9 and count > 1000
    assert table.lookup("Stéphane") == table.lookup("stephane")
    assert table.lookup("Jean-Xqz") == table.lookup("jean")  # a hyphenated name by its first part
    assert table.lookup("Qzxwvy") is None


def test_she_said_is_the_woman_it_agrees_with_not_the_last_man_named(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Dana Whitfield has run the food bank for a decade. Last week she met with Mayor "
        'Thomas Breck. "We need more volunteers before the winter," she said.'
    )
    quotes, gendered, resolved = _speakers(nlp, text)
    before = [q for q in quotes if q.speaker_text == "she"]
    after = [q for q in resolved if q.speaker_text == "she"]
    assert [q.speaker_name for q in before] == ["Thomas Breck"]  # the last person named
    assert [q.speaker_name for q in after] == ["Dana Whitfield"]
    assert after[0].speaker_key == next(m.key for m in gendered if m.name == "Dana Whitfield")


def test_a_first_name_written_two_ways_decides_by_the_one_the_data_knows(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Justice Minister Jody Varga introduced the bill. A photo caption reads: Minister "
        "Jodie Varga in Ottawa on Monday."
    )
    people = _genders(nlp, text)
    assert name_call("Jody Varga").gender == "unknown"  # Jody is 68% female in the data
    assert set(people) == {"Jody Varga"}  # the caption's spelling is the same person
    assert (people["Jody Varga"].gender, people["Jody Varga"].gender_source) == ("female", "name")


def test_he_said_is_the_man_already_quoted_not_the_man_named_in_passing(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        '"We sold out by noon," Ian Brody said on Saturday. Brody started the market in 2015 '
        'with a loan from his uncle, Tom Keller. "It was a gamble," he said.'
    )
    quotes, _, resolved = _speakers(nlp, text)
    gamble = [q for q in resolved if "gamble" in q.text]
    assert [q.speaker_text for q in quotes if "gamble" in q.text] == ["he"]
    assert [q.speaker_name for q in quotes if "gamble" in q.text] == ["Tom Keller"]  # the last
    assert [q.speaker_name for q in gamble] == ["Ian Brody"]


def _resolved(nlp, text: str, fragment: str) -> str | None:  # type: ignore[no-untyped-def]
    """The name the quote containing `fragment` is finally attributed to."""
    _, _, resolved = _speakers(nlp, text)
    found = [q for q in resolved if fragment in q.text]
    assert len(found) == 1, [q.text for q in resolved]
    return found[0].speaker_name


def test_he_said_continues_the_subject_not_a_man_named_in_passing(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Ben Alvarez has coached the team for six years. Alvarez borrowed a drill from Owen "
        'Tate, who coaches in Regina. "It keeps the kids moving," he said.'
    )
    quotes, _, _ = _speakers(nlp, text)
    assert [q.speaker_name for q in quotes if "kids" in q.text] == ["Owen Tate"]  # the last
    assert _resolved(nlp, text, "kids") == "Ben Alvarez"


def test_a_definite_description_is_the_person_named_before(nlp) -> None:  # type: ignore[no-untyped-def]
    scorer = (
        "Tomas Berglund scored twice as the Hawks beat Regina 4-1. The 24-year-old forward "
        "said the team had finally found its rhythm."
    )
    assert _resolved(nlp, scorer, "rhythm") == "Tomas Berglund"
    senator = (
        'Senator Paul Danner criticised the budget on Tuesday. "It spends money we do not '
        'have," the Ohio Republican said.'
    )
    assert _resolved(nlp, senator, "money") == "Paul Danner"  # one Republican, not the party


def test_a_description_of_someone_introduced_without_a_name_stays_unnamed(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Marcus Hale, the fire chief, praised the rescue crews. A city official said the "
        'bridge would stay closed. "We cannot risk it," the official said.'
    )
    assert _resolved(nlp, text, "risk it") is None


def test_they_said_is_no_person(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Union members met with Premier Alan Ruiz on Friday. They said the offer was too low."
    assert _resolved(nlp, text, "too low") is None


def test_a_description_left_to_a_group_is_no_person_for_the_quotes_after_it(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        'The vote failed on Monday. "We will try again," the Ohio Democrat said. Senator Ann '
        'Lowe agreed. "It matters," the senator said.'
    )
    assert _resolved(nlp, text, "try again") == "Democrat"  # no one named before: as it was
    assert _resolved(nlp, text, "It matters") == "Ann Lowe"


def test_a_subject_pronoun_is_evidence_about_the_subject_before_it(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Robin Quill met Casey Ardent in Ottawa on Monday. Later he said the talks had gone well."
    )
    people = _genders(nlp, text)
    assert name_call("Robin Quill").gender == name_call("Casey Ardent").gender == "unknown"
    assert (people["Robin Quill"].gender, people["Robin Quill"].gender_source) == ("male", "text")
    assert people["Casey Ardent"].gender == "unknown"  # nearer, but not whom "he" continues


def test_she_after_a_woman_named_earlier_does_not_overrule_a_man_s_name(nlp) -> None:  # type: ignore[no-untyped-def]
    # The pronouns are Margaret Holloway's, named paragraphs before; the only person in their
    # reach is a man, whose name must not be overruled by them.
    people = _genders(
        nlp,
        "Margaret Holloway entered the race in March.\n\n"
        "The campaign had a rough summer. Polls tightened in August and September.\n\n"
        'Donors worried about the debates. "It was a bad stretch," said strategist David '
        "Kessler. Then she recovered. She won the debates, and she raised more money than "
        "anyone expected.",
    )
    assert people["David Kessler"].gender == "male"


def test_a_results_heading_states_the_gender_of_the_players_under_it(nlp) -> None:  # type: ignore[no-untyped-def]
    people = _genders(
        nlp,
        "GIRLS BASKETBALL\n\nPalm Bay (1-0): Tolivert 25 points. Davis 17 points.\n\n"
        "BOYS SOCCER\n\nViera (4-0): Jordan Munoz 8 saves. Kelly Hupfer 1 goal.",
    )
    assert people["Tolivert"].gender == people["Davis"].gender == "female"
    assert people["Kelly Hupfer"].gender == "male"
    assert people["Davis"].gender_source == "text"
