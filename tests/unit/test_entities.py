"""Entities: resolution, title/role splitting and noise filtering, on sentences written here."""

from __future__ import annotations

from tasks.entities import entity_key, extract_mentions
from tasks.records import Mention


def _people(nlp, text: str) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    return _people_of(extract_mentions(nlp(text)))


def _people_of(mentions: list[Mention]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for m in mentions:
        if m.label == "person":
            found.setdefault(m.name, set()).add(m.text)
    return found


def test_surname_resolves_to_full_name(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Transport Minister Helen Ashby met union leaders on Monday. "
        "Ashby said the offer was final. Later, Ashby's office issued a statement."
    )
    people = _people(nlp, text)
    assert set(people) == {"Helen Ashby"}


def test_titles_and_roles_split_from_names(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Joint Chiefs of Staff Chairman General Mark Milley spoke to reporters on Monday.")
    (milley,) = [m for m in extract_mentions(doc) if m.label == "person"]
    assert milley.name == "Mark Milley"
    assert milley.title == "General"
    assert milley.role == "Joint Chiefs of Staff Chairman"
    assert milley.key == "person:mark milley"


def test_country_aliases_share_one_key(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(
        "The U.S. said on Monday it would keep troops in the region. "
        "Officials in the United States and the US embassy in Baghdad agreed."
    )
    keys = {m.key for m in extract_mentions(doc) if m.text in {"U.S.", "United States", "US"}}
    assert keys == {"place:united states"}


def test_platforms_are_not_people(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Farah said in a statement on Twitter that the policy had not changed.")
    labels = {m.name: m.label for m in extract_mentions(doc)}
    assert labels.get("Twitter") != "person"


def test_entity_key_is_stable_across_spellings() -> None:
    assert entity_key("Kererū Gorge", "place") == entity_key("Kereru  gorge", "place")
    assert entity_key("O'Regan", "person") == "person:oregan"
    assert entity_key("Mark Milley", "person") != entity_key("Mark Milley", "org")


def test_credits_bylines_and_captions_name_nobody(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Harbour master Ines Moreau said the quay would reopen on Monday.\n"
        "A crane lifts a container at the port on Sunday. (Tomas Lindqvist/Reuters)\n"
        "Dana Whitfield, The Associated Press\n"
        "Moreau added that repairs would cost less than feared. Pat Greer is a Halifax-based reporter covering the port."
    )
    assert set(_people(nlp, text)) == {"Ines Moreau"}


def test_a_town_before_an_office_or_after_downtown_is_a_place(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The detour runs through downtown Kessler Falls until March, the county said. "
        "Dalton Creek Mayor Ray Ortiz said shops would stay open, and Pruitt Hollow CEO "
        "Ann Booth agreed."
    )
    mentions = extract_mentions(nlp(text))
    labels = {m.name: m.label for m in mentions}
    assert set(_people_of(mentions)) == {"Ray Ortiz", "Ann Booth"}
    assert labels["Kessler Falls"] == "place" and labels["Dalton Creek"] == "place"
    assert labels["Pruitt Hollow"] == "org"  # a chief executive's is a company


def test_places_and_companies_tagged_as_people_are_not_counted(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Originally from Glace Bay, N.S., the fisherman Joel Arsenault moved west in 1998. "
        "He later worked at Covington Catholic High School before joining the Kinder Morgan pipeline crew."
    )
    assert set(_people(nlp, text)) == {"Joel Arsenault"}


def test_one_word_names_need_a_full_name_in_the_article(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The young goalie made 24 saves and Nino Niederreiter scored twice on Friday night. "
        "Niederreiter now has nine goals. Fans in Surrey cheered, and Surrey officials did too."
    )
    people = _people(nlp, text)
    assert "Surrey" not in people
    assert set(people) <= {"Nino Niederreiter"}


def test_short_and_long_forms_of_one_name_merge_the_right_way(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "For Fouzia Al Hashish, the first winter was the hardest. Al Hashish now teaches Arabic. "
        "Lobsterman Walt Pruitt disagreed. Walt Pruitt has fished the bay for forty years."
    )
    assert set(_people(nlp, text)) == {"Fouzia Al Hashish", "Walt Pruitt"}


def test_a_quoted_speaker_ner_missed_is_a_person(nlp) -> None:  # type: ignore[no-untyped-def]
    from tasks.analyze import analyze_texts

    text = "Ian Poulter was happy with the draw. “That would tick two boxes,” Poulter said."
    (analysis,) = analyze_texts([text])
    names = {m.name for m in analysis.mentions if m.label == "person"}
    assert names == {"Ian Poulter"}
    assert analysis.quotes[0].speaker_key == "person:ian poulter"


def test_one_name_people_kept_when_the_text_says_they_are_people(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Farmer Tom Reilly runs the dairy now. He took it over from his father, Bill, in 2010. "
        "A city official named Marta told reporters the road would reopen. "
        "Later, Reilly's daughter Anna said the cows were fine."
    )
    people = _people(nlp, text)
    assert {"Bill", "Marta", "Anna"} <= set(people)


def test_lone_capitalised_words_without_such_cues_are_still_dropped(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Councillors in Milton voted on Monday. Hamilton will vote next week, "
        "and Rogers said its network would carry the debate."
    )
    assert not {"Milton", "Hamilton", "Rogers"} & set(_people(nlp, text))


def test_possessives_with_any_apostrophe(nlp) -> None:  # type: ignore[no-untyped-def]
    for mark in "'’‘ʼ´":
        people = _people(nlp, f"Premier Dana Whitford{mark}s budget passed on Tuesday.")
        assert set(people) == {"Dana Whitford"}, mark


def test_names_with_initials_and_particles(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Coach C.J. Hartley praised kayaker Adam van Koeverden on Monday. "
        "Van Koeverden said he would race again in May."
    )
    people = _people(nlp, text)
    assert set(people) == {"C.J. Hartley", "Adam van Koeverden"}
    assert people["Adam van Koeverden"] == {"Adam van Koeverden", "Van Koeverden"}


def test_names_with_diacritics_keep_them_and_share_a_folded_key(nlp) -> None:  # type: ignore[no-untyped-def]
    (dion,) = [
        m
        for m in extract_mentions(nlp("Former minister Stéphane Dion spoke in Ottawa on Monday."))
        if m.label == "person"
    ]
    assert (dion.name, dion.key) == ("Stéphane Dion", "person:stephane dion")


def test_a_shared_surname_is_the_person_named_first(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Cookbook author Dorie Greenspan visited the kitchen with her husband Michael Greenspan. "
        "Later, Greenspan said she cooks simple food at home."
    )
    doc = nlp(text)
    (later,) = [m for m in extract_mentions(doc) if m.text == "Greenspan"]
    assert later.name == "Dorie Greenspan"


def test_a_pronoun_speaker_is_not_a_mention_of_the_name(nlp) -> None:  # type: ignore[no-untyped-def]
    from tasks.analyze import analyze_texts

    text = (
        "Helen Ashby, the transport minister, visited the depot on Friday. "
        '"The trains will run on time from March," she said. '
        'The minister added: "We have hired forty new drivers."'
    )
    (analysis,) = analyze_texts([text])
    assert any(q.speaker_name == "Helen Ashby" for q in analysis.quotes)  # attributed, still
    texts = {m.text for m in analysis.mentions if m.name == "Helen Ashby"}
    assert texts and texts <= {"Helen Ashby", "Ashby"}


def test_a_plural_or_a_second_spelling_of_a_name_is_the_same_person(nlp) -> None:  # type: ignore[no-untyped-def]
    people = _people(
        nlp,
        "Health Minister Sarah Marchetti defended the law on Tuesday. Advocates said the case of "
        'Noreen Aldous showed its limits. "Do we want more Noreen Aldouses?" asked one. '
        "A caption under the photo read: Minister Sara Marchetti speaks in Ottawa.",
    )
    assert "Noreen Aldouses" not in people
    assert "Sara Marchetti" not in people  # spelt without the h in the caption: still Sarah
    assert "Sarah Marchetti" in people


def test_first_names_of_opposite_genders_are_two_people(nlp) -> None:  # type: ignore[no-untyped-def]
    people = _people(
        nlp,
        "Daniel Okoro and his sister Danielle Okoro opened the bakery in 2019. "
        "Danielle Okoro said the first winter was hard.",
    )
    assert {"Daniel Okoro", "Danielle Okoro"} <= set(people)


def test_a_surname_after_an_acronym_role_takes_no_company_as_first_name(nlp) -> None:  # type: ignore[no-untyped-def]
    people = _people(
        nlp,
        "The arrest of Acmecorp CFO Lin in Vancouver has angered Beijing. Since Lin's arrest, "
        "two Canadians have been detained.",
    )
    assert "Acmecorp Lin" not in people


def test_a_surname_of_several_words_tagged_as_an_organisation_is_the_person(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Ahmad Al Khatib arrived in Halifax in 2016. Today Al Khatib drives a bus."
    people = _people_of(extract_mentions(_tagged_org(nlp, text, "Al Khatib")))
    assert people == {"Ahmad Al Khatib": {"Ahmad Al Khatib", "Al Khatib"}}


def _tagged_org(nlp, text: str, name: str, label: str = "ORG"):  # type: ignore[no-untyped-def]
    """The text parsed, with the last `name` in it tagged ORG (or `label`), as the small model
    sometimes tags people."""
    from spacy.tokens import Span

    doc = nlp(text)
    start = text.rindex(name)
    org = doc.char_span(start, start + len(name), label=label)
    assert isinstance(org, Span)
    doc.set_ents([org], default="unmodified")
    return doc


def test_a_first_name_and_a_surname_tagged_as_an_organisation_or_a_place_is_a_person(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Maureen Ostrowski added two goals in the third period to lead the home side."
    for label in ("ORG", "GPE"):
        people = _people_of(extract_mentions(_tagged_org(nlp, text, "Maureen Ostrowski", label)))
        assert set(people) == {"Maureen Ostrowski"}, label
    # A first name before common words names a company, a paper or a mountain range.
    for name in ("Boston Globe", "Warner Brothers", "Sierra Nevada"):
        text = f"Shares of {name} rose on Monday, a day after the report."
        assert _people_of(extract_mentions(_tagged_org(nlp, text, name))) == {}, name


def test_a_person_in_a_list_with_places_stays_a_person(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "It will feature senators Ted Harlan of Texas and Mark Ruvalo of Florida and Govs. Chris "
        "Delane of New Jersey and John Pastorek of Ohio."
    )
    people = set(_people(nlp, text))
    assert {"Ted Harlan", "Mark Ruvalo", "Chris Delane", "John Pastorek"} <= people


def test_an_organisation_after_a_word_for_a_person_is_a_person(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "“Spending has not kept pace,” economist Robert Marlowe wrote in a new report."
    people = _people_of(extract_mentions(_tagged_org(nlp, text, "Robert Marlowe")))
    assert set(people) == {"Robert Marlowe"}
    listed = "She played alongside fellow Canadians Marlowe Hughes and Ben Tate last week."
    mentions = extract_mentions(_tagged_org(nlp, listed, "Canadians Marlowe Hughes"))
    assert "Canadians Marlowe Hughes" not in _people_of(mentions)  # no first name opens it


def _person(name: str, start: int, **extra: object) -> Mention:
    return Mention(
        start, start + len(name), name, name, "person", entity_key(name, "person"), 0, **extra
    )  # type: ignore[arg-type]


def test_products_and_slogans_tagged_as_people_go_unless_the_article_treats_them_as_people(
    nlp,
) -> None:  # type: ignore[no-untyped-def]
    from tasks.entities import without_things
    from tasks.records import Quote

    switch, night, sword = (
        _person("Switch Lite", 0),
        _person("Night Mode", 20),
        _person("Pokemon Sword", 40),
    )
    mitt = _person("Mitt Romney", 60)  # a rare first name that is also a word: still a name
    initials = _person("J. Michael Pearson", 80)
    kept = without_things([switch, night, sword, mitt, initials], [], nlp.vocab)
    assert [m.name for m in kept] == ["Mitt Romney", "J. Michael Pearson"]
    # The same words as a speaker, or with a title or a pronoun that settled a gender: a person.
    said = Quote(100, 120, "“It works,” he said.", "direct", "test", 1.0, speaker_key=switch.key)
    titled = _person("Night Mode", 20, title="Ms.")
    pronoun = _person("Pokemon Sword", 40, gender="male", gender_source="text")
    kept = without_things([switch, titled, pronoun], [said], nlp.vocab)
    assert [m.name for m in kept] == ["Switch Lite", "Night Mode", "Pokemon Sword"]


def test_a_common_word_the_model_took_into_a_name_is_its_description(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Yesterday Billionaire Dana Whitcombe told donors the plan would pass."
    doc = _tagged_org(nlp, text, "Billionaire Dana Whitcombe", "PERSON")
    (person,) = [m for m in extract_mentions(doc) if m.label == "person"]
    assert (person.name, person.role) == ("Dana Whitcombe", "Billionaire")
    # A first word that is a common word and a common first name stays: "Will Warren".
    doc = _tagged_org(
        nlp, "On Monday Will Warren told donors the plan would pass.", "Will Warren", "PERSON"
    )
    assert [m.name for m in extract_mentions(doc) if m.label == "person"] == ["Will Warren"]


def test_a_results_list_gives_the_players_without_their_scores(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Lakeside (2-1): Maribel Okafor 14 points. Dana Whitcombe 9 points and 4 steals. "
        "Teresa Lindqvist 6 rebounds.\n\nRiverton (0-3): K. Amundsen 1 goal. P. Ferreira 2 saves."
    )
    people = set(_people(nlp, text))
    assert not any(ch.isdigit() for name in people for ch in name)
    assert {"Maribel Okafor", "Dana Whitcombe"} <= people


def test_a_person_named_by_title_and_surname_only_is_kept(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The council met on Tuesday. President Okonjo signed the bill, and Mr. Whitcombe voted "
        "against it. Later, the General Uselessness of the debate was plain."
    )
    people = set(_people(nlp, text))
    assert {"Okonjo", "Whitcombe"} <= people
    assert "Uselessness" not in people


def test_a_name_and_its_fuller_form_with_middle_initial_are_one_person(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Marguerite A. Delacroix opened the session. Later, Marguerite Delacroix thanked the "
        "staff, and Delacroix left early."
    )
    assert set(_people(nlp, text)) == {"Marguerite A. Delacroix"}


def test_credit_lines_and_closing_author_bios_name_nobody(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Harbour master Ines Moreau said the quay would reopen on Monday. Moreau said repairs "
        "would cost less than feared. (Reporting by Tomas Lindqvist in Oslo; Editing by Dana "
        "Whitfield)\n"
        "Podcast produced by Priya Raman.\n"
        "On Twitter follow Corey Mahler https://twitter.com/cmahler\n"
        "Gina Holloway is founder of HarbourWatch.org. Walter Brandt is an economist at the "
        "University of Bergen."
    )
    assert set(_people(nlp, text)) == {"Ines Moreau"}


def test_a_person_the_article_names_before_stays_in_its_closing_lines(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Harbour master Ines Moreau said the quay would reopen on Monday.\n"
        "The council approved the repairs.\n"
        "Moreau is a former captain of the ferry.\n"
        "New Brunswick Gov. Andrew Corley is currently pushing for a second quay."
    )
    assert set(_people(nlp, text)) == {"Ines Moreau", "Andrew Corley"}


def test_a_full_name_listed_with_places_stays_a_person(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The polls also suggest that Kasich and Bernie Sanders are the only candidates still in "
        "the race who are ahead of the field in Ohio and Pennsylvania."
    )
    assert "Bernie Sanders" in _people(nlp, text)


def test_companies_named_like_people_are_not_people(nlp) -> None:  # type: ignore[no-untyped-def]
    for text in (
        "The carnage has helped shrink the fund, just as rivals like Jeffrey Ubben Capital grew.",
        "The owner of the Chicago Tribune, Baltimore Sun and Hartford Courant made an offer.",
        "The indie developer Tequila Works made the game.",
    ):
        assert _people(nlp, text) == {}, text


def test_players_in_a_results_list_are_people(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "GIRLS BASKETBALL\n\nPalm Bay d. Rockledge 70-44\n\n"
        "Palm Bay (1-0): Tolivert 25 points. Davis 17 points. Bean-Laing 5 points.\n\n"
        "Heritage (1-0): Armani Sheffield 19 points and 3 steals. K. Hupfer 1 goal."
    )
    people = set(_people(nlp, text))
    assert {"Tolivert", "Davis", "Bean-Laing", "Armani Sheffield", "K. Hupfer"} <= people
    assert not {"Palm Bay", "Rockledge", "Heritage"} & people


def test_surnames_joined_to_a_particle_and_names_that_are_titles(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The talks turned on the fate of President Bashar al-Assad, and Assad's allies "
        "objected. Former Vermont Gov. Howard Dean endorsed the deal."
    )
    assert set(_people(nlp, text)) == {"Bashar al-Assad", "Howard Dean"}
