"""Quotes: one test per pattern news uses, on sentences written here."""

from __future__ import annotations

import itertools

import pytest

from tasks.entities import extract_mentions
from tasks.quotes import extract_quotes, quote_marks
from tasks.records import Quote


def _quotes(nlp, text: str) -> list[Quote]:  # type: ignore[no-untyped-def]
    doc = nlp(text)
    return extract_quotes(doc, extract_mentions(doc))


def _only(quotes: list[Quote], fragment: str) -> Quote:
    found = [q for q in quotes if fragment in q.text]
    assert len(found) == 1, f"{fragment!r} in {[q.text for q in quotes]}"
    return found[0]


INTRO = "Mayor Ruth Okafor opened the new bridge on Monday.\n\n"


def test_direct_with_speaker_after(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + "“This bridge will carry the town for another century,” Okafor said."
    quote = _only(_quotes(nlp, text), "carry the town")
    assert quote.text.startswith("“") and quote.text.endswith("”")
    assert (quote.kind, quote.verb, quote.speaker_text) == ("direct", "said", "Okafor")
    assert quote.speaker_name == "Ruth Okafor"
    assert text[quote.speaker_start : quote.speaker_end] == "Okafor"


def test_inverted_verb_and_straight_marks(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + '"We waited eleven years for this crossing," said Okafor.'
    quote = _only(_quotes(nlp, text), "eleven years")
    assert quote.speaker_name == "Ruth Okafor" and quote.verb == "said"


def test_speaker_first_with_colon(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + "Okafor told the crowd: “Nobody here will pay a toll to cross this river.”"
    quote = _only(_quotes(nlp, text), "pay a toll")
    assert quote.kind == "direct" and quote.speaker_name == "Ruth Okafor"
    assert quote.verb == "told"


def test_split_quote_gives_two_quotes(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + "“It took a long time,” Okafor said, “but the town never gave up on it.”"
    quotes = _quotes(nlp, text)
    first, second = _only(quotes, "long time"), _only(quotes, "never gave up")
    assert first.speaker_name == second.speaker_name == "Ruth Okafor"
    assert first.end <= second.start


def test_multi_paragraph_quote(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + (
        "“We started with nothing but a petition and a borrowed room at the library,” Okafor said. "
        "“Then the county listened.\n\n"
        "“Now the buses will run every ten minutes across the river, all year round.”"
    )
    quotes = _quotes(nlp, text)
    second = _only(quotes, "Then the county listened")
    third = _only(quotes, "buses will run")
    assert second.speaker_name == third.speaker_name == "Ruth Okafor"
    assert third.speaker_start is None  # floating: continues the speaker, names nobody


def test_floating_quote_continues_previous_speaker(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + (
        "“The old ferry was slow and it was dangerous in winter,” Okafor said.\n\n"
        "“Children crossed the ice on foot when it broke down, every single year.”"
    )
    quote = _only(_quotes(nlp, text), "crossed the ice")
    assert quote.speaker_name == "Ruth Okafor" and quote.speaker_start is None


def test_mixed_quote(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + "Okafor told reporters that “there has been no decision on tolls,” and left."
    quote = _only(_quotes(nlp, text), "no decision")
    assert quote.kind == "mixed" and quote.text.startswith("that “")
    assert quote.speaker_name == "Ruth Okafor"


def test_indirect_quote(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + "Okafor said that the county would pay for the lighting on the bridge."
    quote = _only(_quotes(nlp, text), "county would pay")
    assert quote.kind == "indirect" and quote.text.startswith("that the county")
    assert not quote.text.endswith(".")
    assert quote.speaker_name == "Ruth Okafor"


def test_indirect_with_told_and_no_that(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        INTRO + "Okafor told reporters the bridge had come in under budget by two million dollars."
    )
    quote = _only(_quotes(nlp, text), "under budget")
    assert quote.kind == "indirect" and quote.speaker_name == "Ruth Okafor"


def test_according_to(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + "The bridge cost $48 million, according to the county treasurer Alan Price."
    quote = _only(_quotes(nlp, text), "cost $48 million")
    assert quote.speaker_name == "Alan Price" and quote.kind == "indirect"
    assert "according" not in quote.text


def test_pronoun_speaker(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + "“I walked across it first thing this morning with my grandson,” she said."
    quote = _only(_quotes(nlp, text), "grandson")
    assert quote.speaker_text == "she" and quote.speaker_name == "Ruth Okafor"


def test_role_noun_speaker(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Transport Minister Helen Ashby visited the site on Tuesday.\n\n"
        "“The bridge meets every national standard for flood resilience,” the minister said."
    )
    quote = _only(_quotes(nlp, text), "flood resilience")
    assert quote.speaker_name == "Helen Ashby"


@pytest.mark.parametrize(
    "text",
    [
        INTRO + "The council voted to “pause” the plan until spring.",
        INTRO + "The film “The Salt Road” opens at the Orpheum on Friday.",
    ],
)
def test_scare_quotes_and_titles_are_not_quotes(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    assert [q for q in _quotes(nlp, text) if "“" in q.text] == []


def test_odd_number_of_marks_does_not_abort(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + "“This is open,” Okafor said. She added “and never closed\n\nThe end came later."
    quotes = _quotes(nlp, text)
    assert _only(quotes, "This is open").speaker_name == "Ruth Okafor"


def test_quote_marks_tolerate_mis_faced_marks() -> None:
    text = "He said. ” . . . [It was] poorly worded.”"
    (span,) = quote_marks(text)
    assert text[span.start : span.end] == "” . . . [It was] poorly worded.”"


def test_quotes_never_overlap(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + (
        "Okafor said the bridge was “built to last” and that “nobody will pay a toll to cross it,” "
        "adding that buses would start in May."
    )
    quotes = sorted(_quotes(nlp, text), key=lambda q: q.start)
    assert all(a.end <= b.start for a, b in itertools.pairwise(quotes))
    assert all(0 <= q.start < q.end <= len(text) for q in quotes)


def test_clause_before_the_tag_and_after_it(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + (
        "The ferry will stop running in March, Okafor said, but the buses will carry "
        "its passengers for free."
    )
    quotes = _quotes(nlp, text)
    before, after = _only(quotes, "ferry will stop"), _only(quotes, "buses will carry")
    assert before.speaker_name == after.speaker_name == "Ruth Okafor"
    assert before.kind == after.kind == "indirect"


def test_a_list_of_quotes_shares_its_speaker(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + "Protesters outside shouted “Open the bridge now!” and “No tolls ever again!”"
    quotes = _quotes(nlp, text)
    assert _only(quotes, "Open the bridge").speaker_text == "Protesters"
    assert _only(quotes, "No tolls").speaker_text == "Protesters"


def test_called_gives_the_description(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + "Okafor called the old ferry a relic that nobody should have to ride in winter."
    quote = _only(_quotes(nlp, text), "relic")
    assert quote.speaker_name == "Ruth Okafor" and quote.verb == "called"


def test_questions_and_negated_speech_are_not_quotes(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + (
        "Okafor did not say whether the tolls would return. She has not said she would run again. "
        "Reporters asked what the bridge had cost."
    )
    assert _quotes(nlp, text) == []


def test_doubled_apostrophes_are_quote_marks(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + "''The ferry was never enough for a town this size,'' Okafor said."
    quote = _only(_quotes(nlp, text), "ferry was never")
    assert quote.text.startswith("''") and quote.text.endswith("''")
    assert (quote.kind, quote.speaker_name) == ("direct", "Ruth Okafor")


@pytest.mark.parametrize(
    ("sentence", "content"),
    [
        ("Okafor urged the council to fund a second crossing.", "the council to fund a second"),
        ("Okafor called for an inquiry into the ferry contract.", "an inquiry into the ferry"),
        ("Okafor accused the province of stalling the project.", "the province of stalling"),
        ("Okafor called the old ferry a relic of another century.", "the old ferry a relic"),
        ("The council denied the report about the tolls.", "the report about the tolls"),
        ("Okafor noted the long delays on the old ferry route.", "the long delays on the old"),
        ("Okafor touted the bridge as the safest crossing.", "the bridge as the safest"),
    ],
)
def test_speech_act_content_is_its_complement(nlp, sentence: str, content: str) -> None:  # type: ignore[no-untyped-def]
    quote = _only(_quotes(nlp, INTRO + sentence), content)
    assert quote.kind == "indirect" and quote.speaker_text is not None
    assert quote.text.startswith(content.split()[0])


def test_calling_someone_is_not_a_speech_act(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + "Okafor called the police after the crash on the bridge."
    assert _quotes(nlp, text) == []


def test_parenthetical_tag_splits_the_report_in_two(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + "The second span, Okafor said on Monday, will open before the winter."
    quotes = _quotes(nlp, text)
    before, after = _only(quotes, "second span"), _only(quotes, "will open before")
    assert before.text == "The second span" and after.text == "will open before the winter"
    assert before.speaker_text == after.speaker_text == "Okafor"


def test_hearsay_tag_is_not_a_speaker(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + "The old ferry, we are told, will be sold to a museum in the spring."
    assert _quotes(nlp, text) == []


def test_follow_on_participle_is_its_own_quote_with_the_main_speaker(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + (
        "Okafor announced that the tolls would end in March, adding that the province "
        "had agreed to pay for the upkeep."
    )
    quotes = _quotes(nlp, text)
    first, second = _only(quotes, "tolls would end"), _only(quotes, "province had agreed")
    assert first.end < second.start and "adding" not in first.text
    assert first.speaker_text == second.speaker_text == "Okafor"


def test_speech_under_a_failed_attempt_reports_nothing(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + "The contractor failed to report that the cables had been cut short."
    assert _quotes(nlp, text) == []


def test_post_signed_with_a_dash(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + (
        "The bridge is open and the ferry can finally retire. Thank you all for waiting "
        "so long. — Ruth Okafor (@ruthokafor) May 2, 2019"
    )
    quote = _only(_quotes(nlp, text), "ferry can finally retire")
    assert quote.text.startswith("The bridge") and quote.text.endswith("so long")
    assert quote.speaker_text == "Ruth Okafor" and quote.kind == "direct"


def test_pull_quote_closed_by_a_name(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + "Nobody should have to wait an hour for a ferry to see a doctor. Ruth Okafor."
    quote = _only(_quotes(nlp, text), "wait an hour")
    assert quote.speaker_name == "Ruth Okafor" and quote.text.endswith("doctor")


def test_sentence_ending_with_a_titled_name_is_not_signed(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + "The ribbon was cut by the province's new transport minister, Sen. Ruth Okafor."
    assert _quotes(nlp, text) == []


def test_asked_whether_is_a_reported_question(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + "Okafor asked whether the province would pay for the second span."
    quote = _only(_quotes(nlp, text), "province would pay")
    assert quote.text.startswith("whether") and quote.speaker_text == "Okafor"


def test_reported_clause_runs_to_the_end_of_the_sentence(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + (
        "Okafor said the tolls had been a burden for years, but the province would now pay "
        "for the upkeep."
    )
    quote = _only(_quotes(nlp, text), "tolls had been")
    assert quote.text.endswith("pay for the upkeep")


def test_reported_clause_stops_at_the_next_speaker(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        INTRO
        + "Okafor said the tolls would end, but the treasurer said the province could not pay."
    )
    quotes = _quotes(nlp, text)
    assert _only(quotes, "tolls would end").text == "the tolls would end"
    assert _only(quotes, "could not pay").speaker_text == "the treasurer"


def test_it_said_is_the_organisation_named_before(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + (
        "The Ministry of Transport sent a letter to the council on Friday. It said the bridge "
        "would need new cables within five years."
    )
    quote = _only(_quotes(nlp, text), "new cables")
    assert quote.speaker_text == "It" and quote.speaker_name == "Ministry of Transport"


def test_relative_clause_reports_what_follows_the_verb(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + "Okafor thanked the workers, who she said were the real builders of the bridge."
    quote = _only(_quotes(nlp, text), "real builders")
    assert quote.text == "were the real builders of the bridge"
    assert quote.speaker_name == "Ruth Okafor"


@pytest.mark.parametrize(
    "sentence",
    [
        "Okafor opened the meeting by saying the tolls would end in March.",
        "Okafor praised the crews before explaining that the tolls would end in March.",
    ],
)
def test_speech_verb_after_a_preposition_has_the_main_speaker(nlp, sentence: str) -> None:  # type: ignore[no-untyped-def]
    quote = _only(_quotes(nlp, INTRO + sentence), "tolls would end")
    assert quote.text.endswith("end in March") and quote.speaker_text == "Okafor"


def test_criticised_for_saying_is_not_the_critic_speaking(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + "Critics attacked Okafor for saying that the tolls would end in March."
    # The attack is the critics' speech act (its content runs from whom they attacked); what
    # Okafor said is not theirs.
    quotes = [(q.speaker_text, q.verb, q.text[:6]) for q in _quotes(nlp, text)]
    assert quotes == [("Critics", "attacked", "Okafor")]


@pytest.mark.parametrize(
    ("sentence", "second", "speaker"),
    [
        (
            "Okafor said this week that the province would formally end the tolls by March and "
            "suggested that it would sell the ferry.",
            "sell the ferry",
            "Okafor",
        ),
        (
            "Okafor said the tolls would end in March, though she noted the ferry would keep "
            "running.",
            "keep running",
            "she",
        ),
    ],
)
def test_second_report_inside_a_reported_clause_is_its_own_quote(  # type: ignore[no-untyped-def]
    nlp, sentence: str, second: str, speaker: str
) -> None:
    quotes = _quotes(nlp, INTRO + sentence)
    first, other = _only(quotes, "end"), _only(quotes, second)
    assert first.end < other.start and first.text.endswith("March")
    assert other.speaker_text == speaker and other.speaker_name == "Ruth Okafor"


def test_second_clause_the_parse_hung_on_the_verb_is_reported_too(nlp) -> None:  # type: ignore[no-untyped-def]
    # A parse as the small model gives it for a list of clauses: the second is a complement of
    # "says" of its own, not a conjunct of the first.
    from spacy.tokens import Doc

    words = "Okafor says he missed the ferry , lost his job and was never home ."
    heads = [1, 1, 3, 1, 5, 3, 3, 1, 9, 7, 7, 7, 11, 11, 1]
    deps = "nsubj ROOT nsubj ccomp det dobj punct ccomp poss dobj cc conj advmod advmod punct"
    tags = "NNP VBZ PRP VBD DT NN , VBD PRP$ NN CC VBD RB RB ."
    pos = "PROPN VERB PRON VERB DET NOUN PUNCT VERB PRON NOUN CCONJ AUX ADV ADV PUNCT"
    doc = Doc(
        nlp.vocab,
        words=words.split(),
        heads=heads,
        deps=deps.split(),
        tags=tags.split(),
        pos=pos.split(),
    )
    quote = _only(extract_quotes(doc, []), "missed the ferry")
    assert quote.text.endswith("was never home")


@pytest.mark.parametrize(
    ("sentence", "content"),
    [
        ("Okafor told the drivers to slow down on the new bridge.", "to slow down on the new"),
        ("Okafor warned residents not to cross the old ferry ramp.", "not to cross the old"),
    ],
)
def test_instruction_to_someone_is_the_infinitive(nlp, sentence: str, content: str) -> None:  # type: ignore[no-untyped-def]
    quote = _only(_quotes(nlp, INTRO + sentence), content)
    assert quote.text.startswith(content) and quote.speaker_text == "Okafor"


def test_asking_to_speak_is_no_quote(nlp) -> None:  # type: ignore[no-untyped-def]
    assert _quotes(nlp, INTRO + "Okafor asked to speak first at the meeting.") == []


def test_short_quote_after_a_tag_continues_the_speaker(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + "“Who remembers the old ferry timetable?” Okafor asked. “Nobody does.”"
    quote = _only(_quotes(nlp, text), "Nobody does")
    assert quote.speaker_name == "Ruth Okafor" and quote.text == "“Nobody does.”"


@pytest.mark.parametrize(
    ("sentence", "content"),
    [
        (
            "A notice last week said at 7 p.m., there were no buses left in the depot.",
            "at 7 p.m., there were no buses left in the depot",
        ),
        ("Okafor said on Monday, that the ferry would stop in June.", "that the ferry would stop"),
    ],
)
def test_phrase_set_off_before_the_clause_is_the_clauses(nlp, sentence: str, content: str) -> None:  # type: ignore[no-untyped-def]
    quote = _only(
        _quotes(nlp, INTRO + sentence), "ferry would stop" if "ferry" in content else "buses"
    )
    assert quote.text.startswith(content)


@pytest.mark.parametrize(
    ("sentence", "content"),
    [
        (
            "Okafor admitted that the bridge had cost twice the estimate.",
            "that the bridge had cost",
        ),
        (
            "Okafor slammed the county for delaying the bridge by a decade.",
            "the county for delaying",
        ),
    ],
)
def test_verbs_that_double_their_last_consonant(nlp, sentence: str, content: str) -> None:  # type: ignore[no-untyped-def]
    quote = _only(_quotes(nlp, INTRO + sentence), content)
    assert quote.speaker_text == "Okafor" and quote.text.startswith(content)


@pytest.mark.parametrize(
    ("sentence", "content"),
    [
        (
            "But she said smaller towns that depend on the ferry — especially those upstream — "
            "are likely to suffer most.",
            "smaller towns that depend on the ferry",
        ),
        (
            "Okafor said Tuesday one of the council's ideas, to close the old road, could save money.",
            "one of the council's ideas",
        ),
    ],
)
def test_subject_the_parse_gave_the_verb_opens_the_clause(nlp, sentence: str, content: str) -> None:  # type: ignore[no-untyped-def]
    quote = _only(_quotes(nlp, INTRO + sentence), content.split()[-1])
    assert content in quote.text and quote.text.endswith(("most", "money"))


@pytest.mark.parametrize(
    ("sentence", "content"),
    [
        (
            "Okafor said after the vote she would not accept the county's offer if it were made.",
            "she would not accept the county's offer if it were made",
        ),
        (
            "The Herald reported at the time that the engineer, Sam Lee, told the council that the "
            "cables were not in line with the plan.",
            "that the engineer, Sam Lee, told the council that the cables",
        ),
    ],
)
def test_clause_the_parse_hung_after_the_verb_is_reported(nlp, sentence: str, content: str) -> None:  # type: ignore[no-untyped-def]
    quote = _only(_quotes(nlp, INTRO + sentence), content.split()[-1])
    assert quote.text.startswith(content) and quote.speaker_text in {"Okafor", "The Herald"}


@pytest.mark.parametrize(
    "sentence",
    [
        "Okafor expressed concern that the bridge was too narrow for the buses.",
        "Okafor responded to the revelation that the county was paying for the ferry.",
    ],
)
def test_what_a_noun_holds_is_not_reported(nlp, sentence: str) -> None:  # type: ignore[no-untyped-def]
    assert _quotes(nlp, INTRO + sentence) == []


@pytest.mark.parametrize(
    ("sentence", "content"),
    [
        ("Okafor pointed out that the old ferry had never made a profit.", "that the old ferry"),
        ("The council charged that the county had hidden the costs for years.", "that the county"),
        ("Okafor pointed a finger at the county engineers after the vote.", None),
        ("Police charged the driver with careless driving after the crash.", None),
    ],
)
def test_verbs_that_report_speech_in_one_construction(
    nlp, sentence: str, content: str | None
) -> None:  # type: ignore[no-untyped-def]
    quotes = _quotes(nlp, INTRO + sentence)
    assert [q.text[: len(content)] for q in quotes] == ([content] if content else [])


@pytest.mark.parametrize(
    ("sentence", "content"),
    [
        (
            "Since 2019, ferry traffic on the river has doubled to 4,000 trips a year, the report said.",
            "Since 2019, ferry traffic",
        ),
        (
            'As the crowd cheered, the engineers cut the ribbon "with both hands," she said.',
            "As the crowd cheered, the engineers",
        ),
    ],
)
def test_reported_clause_keeps_the_phrase_it_opens_with(nlp, sentence: str, content: str) -> None:  # type: ignore[no-untyped-def]
    quote = _only(_quotes(nlp, INTRO + sentence), content)
    assert quote.text.startswith(content) and quote.kind in {"indirect", "mixed"}


def test_clause_a_subordinator_opens_is_no_report(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + "The toll rose to 40 dollars on Monday, officials said, as drivers waited."
    assert [q.text for q in _quotes(nlp, text)] == ["The toll rose to 40 dollars on Monday"]


@pytest.mark.parametrize(
    ("sentence", "content"),
    [
        ("Okafor assured residents that the bridge was safe for heavy trucks.", "that the bridge"),
        ("Okafor blamed the county for the delays on the bridge.", "the county for the delays"),
        (
            "Okafor defended her decision to close the old road for a month.",
            "her decision to close",
        ),
    ],
)
def test_assurances_and_speech_acts_report_their_content(nlp, sentence: str, content: str) -> None:  # type: ignore[no-untyped-def]
    quote = _only(_quotes(nlp, INTRO + sentence), content)
    assert quote.text.startswith(content) and quote.speaker_text == "Okafor"


@pytest.mark.parametrize(
    ("after", "reported"),
    [
        ("since most riders paid no fare at all", True),
        ("though she gave no figures for the last decade", False),
    ],
)
def test_reason_after_the_tag_goes_on_with_the_report(nlp, after: str, reported: bool) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + f"The ferry ran at a loss for years, Okafor said, {after}."
    assert (after in [q.text for q in _quotes(nlp, text)]) is reported


@pytest.mark.parametrize(
    ("sentence", "content"),
    [
        ("Okafor explained how the tolls would pay for the bridge within a decade.", "how the"),
        ("Okafor questioned why the county had waited so long to repair the road.", "why the"),
        ("Okafor said what she knew about the bridge.", None),
    ],
)
def test_explained_how_reports_the_clause(nlp, sentence: str, content: str | None) -> None:  # type: ignore[no-untyped-def]
    quotes = _quotes(nlp, INTRO + sentence)
    assert [q.text[: len(content)] for q in quotes] == ([content] if content else [])


@pytest.mark.parametrize(
    "sentence",
    [
        "The ferry was the town's only link until the 1990s when, after years of losses, the "
        "county announced its closure.",
        "The council published its plan on Monday, with a new road and two bridges: Okafor "
        "promised a vote within five years.",
    ],
)
def test_clause_before_a_subordinate_or_a_colon_is_not_reported(nlp, sentence: str) -> None:  # type: ignore[no-untyped-def]
    assert not any(q.text.startswith("The") for q in _quotes(nlp, INTRO + sentence))


def test_pledged_money_is_no_quote(nlp) -> None:  # type: ignore[no-untyped-def]
    assert _quotes(nlp, INTRO + "Okafor pledged two million dollars to the restoration fund.") == []


def test_quoted_words_inside_a_sentence_belong_to_its_report(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        INTRO + 'Tenants in the tower fear "renovictions" this spring, a landlord tells the Herald.'
    )
    quote = _only(_quotes(nlp, text), "renovictions")
    assert quote.text.startswith("Tenants in the tower") and quote.kind == "mixed"


def test_clause_before_a_relative_speech_verb_is_not_its_report(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + (
        "Okafor runs the council with care and is a tireless engineer, former teacher and "
        "neighbour who has often complained."
    )
    assert _quotes(nlp, text) == []


def test_transcript_lines_are_quotes_of_the_named(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Radio host Ann Lee spoke to Mayor Ruth Okafor on Monday.\n\n"
        '"LEE: Will the new bridge really open this summer, as the county promised?\n\n'
        '"OKAFOR: It will open in June, on time and on budget.\n\n'
        "UPDATE: The bridge opened on June 3, a week ahead of the date set by the county."
    )
    quotes = _quotes(nlp, text)
    first, second = _only(quotes, "really open"), _only(quotes, "on budget")
    assert (first.speaker_name, second.speaker_name) == ("Ann Lee", "Ruth Okafor")
    assert second.text == "It will open in June, on time and on budget."
    assert not any("June 3" in q.text for q in quotes)


def test_the_organisation_a_role_names_is_not_its_holder(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Bank of Canada Governor Lena Marsh spoke in Ottawa. The bank said it would keep its "
        "rate at two per cent."
    )
    quote = _only(_quotes(nlp, text), "two per cent")
    assert quote.speaker_text == "The bank" and quote.speaker_name is None


def test_the_name_in_apposition_to_a_party_member_is_the_speaker(nlp) -> None:  # type: ignore[no-untyped-def]
    quote = _only(
        _quotes(nlp, "One Democrat, Sen. Carla Nunez of Arizona, said the bill would fail."),
        "bill would fail",
    )
    assert quote.speaker_text == "Sen. Carla Nunez" and quote.speaker_name == "Carla Nunez"


def test_a_surname_of_several_words_is_the_person_named_in_full(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Ahmad Al Khatib arrived in Halifax in 2016. Al Khatib now drives a bus. "
        '"They gave me a chance," Al Khatib said.'
    )
    doc = nlp(text)
    named_in_full = [m for m in extract_mentions(doc) if m.text != "Al Khatib"]  # NER missed
    quote = _only(extract_quotes(doc, named_in_full), "a chance")
    assert quote.speaker_text == "Al Khatib" and quote.speaker_name == "Ahmad Al Khatib"


def test_split_quote_with_inverted_verb_and_appositive(nlp) -> None:  # type: ignore[no-untyped-def]
    # The small model makes the name the subject of the quote's second half, not of "said".
    text = '"The risk," said Edward Leamer, an economist, "is that we will lose jobs."'
    quotes = _quotes(nlp, text)
    assert {q.speaker_name for q in quotes} == {"Edward Leamer"}
    assert len(quotes) == 2


def test_according_to_a_document_by_a_person(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "A living wage for a single adult is about $12 an hour, according to calculations by "
        "Amy Glasmeier of the Massachusetts Institute of Technology."
    )
    (quote,) = _quotes(nlp, text)
    assert quote.speaker_name == "Amy Glasmeier"


def test_speaker_after_the_quote_and_before_an_appositive(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The effort reflects her advisers' wariness of polls that show deep dissatisfaction with "
        "the economy despite modest growth. “It is not the position that everything is "
        "hunky-dory,” Gene Sperling, a top outside Clinton adviser, said at a recent event."
    )
    quote = _only(_quotes(nlp, text), "hunky-dory")
    assert quote.speaker_name == "Gene Sperling" and quote.speaker_text == "Gene Sperling"


def test_a_study_speaks_for_its_named_author(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "A study by Michael Greenstone of the University of Chicago concluded that at current "
        "battery prices, electric cars are not competitive."
    )
    quote = _only(_quotes(nlp, text), "electric cars")
    assert quote.speaker_name == "Michael Greenstone"


def test_called_for_a_quoted_phrase(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + 'Okafor has also broadly called for "a second bridge by 2030."'
    quote = _only(_quotes(nlp, text), "second bridge")
    assert quote.speaker_name == "Ruth Okafor"


def test_an_embedded_post_signed_on_its_own_line(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The campaign drew mockery online.\n\n"
        "So many people were talking about the bridge today, it was all over my feed: "
        "https://t.co/Nc0nKoXGBP\n\n"
        "— Dianna E. Anderson 🏳️‍🌈 (@diannaeanderson) November 18, 2019\n\n"
        "More posts followed."
    )
    quote = _only(_quotes(nlp, text), "all over my feed")
    assert quote.speaker_name == "Dianna E. Anderson" and quote.rule == "signed"


def test_a_person_s_advisers_are_not_the_person(nlp) -> None:  # type: ignore[no-untyped-def]
    text = INTRO + "Okafor's advisers said the second span would wait until 2030."
    quote = _only(_quotes(nlp, text), "second span")
    assert quote.speaker_text == "Okafor's advisers" and quote.speaker_name is None
