"""Hand-made cases for evaluation/scoring.py.

Each case is small enough to count by hand, and chosen so that a plausible mistake in the metric
(>= instead of >, many-to-one matching, per-page F1 instead of F1 of means, ...) changes the result.
"""

import datetime as dt

import pytest

from evaluation.scoring import (
    PRF,
    MetadataValue,
    Span,
    fold,
    metadata_match,
    overlap_ratio,
    prf,
    quote_form,
    recall_by,
    score_bodies,
    score_page_body,
    score_people,
    score_quotes,
    score_segments,
    shingles,
)


def gold_quote(
    start: int,
    end: int,
    speaker: str = "Ann",
    speaker_start: int | None = 0,
    speaker_end: int | None = 3,
    verb: str = "said",
) -> dict:
    return {
        "quote": "x" * (end - start),
        "quote_start": start,
        "quote_end": end,
        "speaker": speaker,
        "speaker_start": speaker_start,
        "speaker_end": speaker_end,
        "verb": verb,
    }


def pred_quote(
    start: int | None,
    end: int | None,
    speaker_start: int | None = 0,
    speaker_end: int | None = 3,
    verb: str | None = "said",
) -> dict:
    return {
        "quote_start": start,
        "quote_end": end,
        "speaker_start": speaker_start,
        "speaker_end": speaker_end,
        "speaker": None if speaker_start is None else "Ann",
        "verb": verb,
        "kind": "direct",
        "speaker_name": "Ann Example",
    }


def doc(doc_id: str, quotes: list[dict]) -> dict:
    return {"doc_id": doc_id, "quotes": quotes}


# ---------------------------------------------------------------------------- shared helper


def test_prf_micro_and_zero_denominators() -> None:
    assert prf(3, 1, 2) == PRF(3, 1, 2, 0.75, 0.6, pytest.approx(2 * 0.75 * 0.6 / 1.35))
    assert prf(0, 0, 0) == PRF(0, 0, 0, 0.0, 0.0, 0.0)
    assert prf(0, 4, 0).f1 == 0.0


# ---------------------------------------------------------------------------- quotes


def test_overlap_ratio_is_relative_to_gold_length() -> None:
    gold = Span(100, 110)
    assert overlap_ratio(gold, Span(50, 200)) == 1.0  # a longer prediction is not punished
    assert overlap_ratio(gold, Span(105, 200)) == 0.5
    assert overlap_ratio(gold, Span(110, 120)) == 0.0  # end is exclusive
    assert overlap_ratio(gold, Span(None, None)) == 0.0
    assert overlap_ratio(Span(None, None), gold) == 0.0


def test_overlap_exactly_at_threshold_is_not_a_match() -> None:
    gold = [doc("a", [gold_quote(100, 110)])]
    # 3 of 10 gold chars = 0.3 exactly; 8 of 10 = 0.8 exactly: neither counts (strict >).
    at_03 = score_quotes(gold, [doc("a", [pred_quote(107, 130)])]).by_threshold[0.3]
    assert (at_03.micro.tp, at_03.micro.fp, at_03.micro.fn) == (0, 1, 1)
    at_08 = score_quotes(gold, [doc("a", [pred_quote(102, 130)])])
    assert at_08.by_threshold[0.8].micro.tp == 0
    assert at_08.by_threshold[0.3].micro.tp == 1
    # one character more and both thresholds are passed
    above = score_quotes(gold, [doc("a", [pred_quote(101, 130)])])
    assert above.by_threshold[0.8].micro.tp == 1


def test_two_predictions_on_one_gold_quote_give_one_tp_and_one_fp() -> None:
    gold = [doc("a", [gold_quote(100, 200)])]
    loose = pred_quote(90, 300)  # covers all of the gold quote
    partial = pred_quote(100, 160)  # covers 60 %
    result = score_quotes(gold, [doc("a", [partial, loose])]).by_threshold[0.3]
    assert (result.micro.tp, result.micro.fp, result.micro.fn) == (1, 1, 0)
    article = result.articles[0]
    assert article.matches[0].predicted == Span(90, 300)  # the larger ratio wins
    assert article.spurious == (Span(100, 160),)


def test_one_prediction_over_two_gold_quotes_matches_only_one() -> None:
    gold = [doc("a", [gold_quote(300, 340), gold_quote(100, 140)])]
    result = score_quotes(gold, [doc("a", [pred_quote(100, 340)])]).by_threshold[0.8]
    assert (result.micro.tp, result.micro.fp, result.micro.fn) == (1, 0, 1)
    article = result.articles[0]
    # gold quotes are visited by start offset, whatever their order in the list
    assert article.matches[0].gold.start == 100
    assert article.missed[0].start == 300


def test_ratio_tie_goes_to_the_tighter_prediction() -> None:
    gold = [doc("a", [gold_quote(100, 120), gold_quote(120, 200)])]
    wide = pred_quote(100, 200)
    tight = pred_quote(100, 120)
    result = score_quotes(gold, [doc("a", [wide, tight])]).by_threshold[0.8]
    # both cover the first gold quote fully; taking the tight one leaves the wide one for the
    # second quote (80/80), so nothing is lost
    assert (result.micro.tp, result.micro.fp, result.micro.fn) == (2, 0, 0)


def test_speaker_accuracy_with_floating_quotes() -> None:
    gold = [
        doc(
            "a",
            [
                gold_quote(100, 150, speaker="Ann", speaker_start=10, speaker_end=13),
                gold_quote(200, 250, speaker="", speaker_start=None, speaker_end=None),
                gold_quote(300, 350, speaker="", speaker_start=None, speaker_end=None),
                gold_quote(400, 450, speaker="she", speaker_start=390, speaker_end=393),
            ],
        )
    ]
    predicted = [
        doc(
            "a",
            [
                pred_quote(100, 150, speaker_start=5, speaker_end=11),  # overlaps 10..13
                pred_quote(200, 250, speaker_start=None, speaker_end=None),  # both floating
                pred_quote(300, 350, speaker_start=10, speaker_end=13),  # gold floats, pred not
                pred_quote(400, 450, speaker_start=None, speaker_end=None),  # gold named
            ],
        )
    ]
    scores = score_quotes(gold, predicted)
    at_03 = scores.by_threshold[0.3]
    assert at_03.micro.tp == 4
    assert at_03.speaker_matches == 2
    assert scores.speaker_accuracy == 0.5
    errors = at_03.articles[0].speaker_errors
    assert [e.gold.start for e in errors] == [300, 400]
    assert errors[1].gold_speaker == Span(390, 393, "she")
    assert errors[1].predicted_speaker.is_empty
    assert "speaker" in at_03.breakdown()


def test_verb_accuracy_is_case_insensitive() -> None:
    gold = [doc("a", [gold_quote(0, 50, verb="Said"), gold_quote(60, 90, verb="told")])]
    predicted = [doc("a", [pred_quote(0, 50, verb="said "), pred_quote(60, 90, verb=None)])]
    scores = score_quotes(gold, predicted)
    assert scores.verb_accuracy == 0.5
    assert scores.by_threshold[0.3].articles[0].verb_errors[0].gold_verb == "told"


def test_missing_predicted_doc_counts_all_gold_quotes_as_fn() -> None:
    gold = [
        doc("a", [gold_quote(0, 50)]),
        doc("b", [gold_quote(0, 50), gold_quote(60, 90), gold_quote(100, 150)]),
    ]
    predicted = [doc("a", [pred_quote(0, 50)]), doc("zzz", [pred_quote(0, 10)])]
    scores = score_quotes(gold, predicted)
    micro = scores.by_threshold[0.3].micro
    assert (micro.tp, micro.fp, micro.fn) == (1, 0, 3)
    assert micro.recall == 0.25
    assert scores.missing_doc_ids == ("b",)
    assert scores.extra_doc_ids == ("zzz",)  # not scored, but not silently dropped either
    assert scores.by_threshold[0.3].articles[1].prediction_missing


def test_micro_sums_over_articles() -> None:
    gold = [doc("a", [gold_quote(0, 10)]), doc("b", [gold_quote(0, 10), gold_quote(20, 30)])]
    predicted = [doc("a", [pred_quote(0, 10), pred_quote(50, 60)]), doc("b", [pred_quote(20, 30)])]
    micro = score_quotes(gold, predicted).by_threshold[0.8].micro
    assert (micro.tp, micro.fp, micro.fn) == (2, 1, 1)
    assert micro.precision == pytest.approx(2 / 3)


def test_duplicate_doc_ids_are_rejected() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        score_quotes([doc("a", []), doc("a", [])], [])


# ---------------------------------------------------------------------------- people


def test_people_case_and_whitespace_normalisation() -> None:
    gold = [{"doc_id": "a", "people": ["Mary  Smith", "Omar Haddad", "Li Wei"]}]
    predicted = [
        {"doc_id": "a", "people": ["mary smith", " OMAR\nHaddad ", "Lee Way", "mary Smith"]}
    ]
    scores = score_people(gold, predicted)
    assert (scores.micro.tp, scores.micro.fp, scores.micro.fn) == (2, 1, 1)
    assert scores.docs[0].false_positives == ("Lee Way",)
    assert scores.docs[0].false_negatives == ("Li Wei",)


def test_people_missing_doc() -> None:
    gold = [{"doc_id": "a", "people": ["A B"]}, {"doc_id": "b", "people": ["C D", "E F"]}]
    scores = score_people(gold, [{"doc_id": "a", "people": ["a b"]}])
    assert (scores.micro.tp, scores.micro.fp, scores.micro.fn) == (1, 0, 2)
    assert scores.missing_doc_ids == ("b",)


def test_fold() -> None:
    assert fold("  Jean\t Dupont ") == "jean dupont"


# ---------------------------------------------------------------------------- HTML bodies


def test_shingles_are_counted_as_multisets() -> None:
    text = "red fish blue fish red fish blue fish"
    counts = shingles(text)
    assert counts[("red", "fish", "blue", "fish")] == 2
    assert counts[("fish", "blue", "fish", "red")] == 1
    assert sum(counts.values()) == 5  # 8 tokens -> 5 four-grams


def test_shingles_short_and_empty_text() -> None:
    assert shingles("only two") == {("only", "two"): 1}
    assert shingles("") == {}
    assert shingles(" -- ") == {}  # no \w tokens at all


def test_page_score_uses_counts_not_sets() -> None:
    gold = "a b c d a b c d"  # shingles: abcd x2, bcda, cdab, dabc
    predicted = "a b c d"  # shingle abcd x1
    page = score_page_body(gold, predicted)
    # TP 1, FP 0, FN 4 (one abcd still missing) -> normalised by 5
    assert page.tp == pytest.approx(0.2)
    assert page.fn == pytest.approx(0.8)
    assert page.precision == 1.0
    assert page.recall == pytest.approx(0.2)
    assert not page.exact
    # a repeated shingle found twice counts twice: TP 5 (abcd x2 + 3), FP 1 (bcdx)
    assert score_page_body(gold, gold + " x").precision == pytest.approx(5 / 6)


def test_text_shorter_than_four_tokens() -> None:
    assert score_page_body("Hello world", "hello, world!").recall == 0.0  # case is kept
    page = score_page_body("Hello world", "Hello, world!")
    assert (page.precision, page.recall, page.exact) == (1.0, 1.0, True)


def test_bodies_empty_prediction_left_out_of_precision_mean() -> None:
    gold = {
        "p1": "one two three four five",  # 2 shingles
        "p2": "six seven eight nine ten",
        "p3": "alpha beta gamma delta",
    }
    predicted: dict[str, str | None] = {
        "p1": "one two three four five",  # perfect
        "p2": "six seven eight nine ten eleven",  # tp 2, fp 1 -> P 2/3, R 1
        "p3": None,  # no shingles: out of precision, recall 0
    }
    scores = score_bodies(gold, predicted)
    assert scores.pages["p3"].precision is None
    assert scores.pages["p3"].recall == 0.0
    assert scores.precision == pytest.approx((1 + 2 / 3) / 2)
    assert scores.recall == pytest.approx(2 / 3)
    assert scores.f1 == pytest.approx(2 * (5 / 6) * (2 / 3) / (5 / 6 + 2 / 3))  # F1 of the means
    assert scores.accuracy == pytest.approx(1 / 3)
    # an empty string and a missing key are the same as None
    assert score_bodies(gold, {**predicted, "p3": ""}) == scores
    del predicted["p3"]
    assert score_bodies(gold, predicted).precision == scores.precision


def test_bodies_f1_is_not_the_mean_of_page_f1s() -> None:
    gold = {"p1": "a b c d e", "p2": "f g h i j k l"}
    predicted: dict[str, str | None] = {"p1": "a b c d e z y x", "p2": "f g h i j"}
    scores = score_bodies(gold, predicted)
    p1, p2 = scores.pages["p1"], scores.pages["p2"]
    assert (p1.precision, p1.recall) == (pytest.approx(2 / 5), 1.0)
    assert (p2.precision, p2.recall) == (1.0, pytest.approx(2 / 4))
    precision, recall = (2 / 5 + 1) / 2, (1 + 2 / 4) / 2
    assert scores.f1 == pytest.approx(2 * precision * recall / (precision + recall))


# ---------------------------------------------------------------------------- segments


def test_segments_with_none_output() -> None:
    pages = [
        {
            "file": "html/a.html.gz",
            "with": ["Main  text here.", "Second part."],
            "without": ["Menu"],
        },
        {"file": "html/b.html.gz", "with": ["Body of b."], "without": ["Share this", "Login"]},
        {"file": "html/c.html.gz", "with": ["Never run."], "without": ["Footer"]},
    ]
    outputs: dict[str, str | None] = {
        "html/a.html.gz": "Menu\nMain text\n here. Something else.",
        "html/b.html.gz": None,
    }
    scores = score_segments(pages, outputs)
    # a: tp 1, fn 1, fp 1, tn 0; b (None): fn 1, tn 2; c (absent): fn 1, tn 1
    assert (scores.micro.tp, scores.micro.fp, scores.micro.fn, scores.tn) == (1, 1, 3, 3)
    assert scores.micro.precision == 0.5
    assert scores.micro.recall == 0.25
    assert scores.accuracy == pytest.approx(4 / 8)
    a, b, c = scores.pages
    assert a.missing == ("Second part.",)
    assert a.leaked == ("Menu",)
    assert b.no_output and c.no_output and not a.no_output


# ---------------------------------------------------------------------------- metadata


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        ("A Quiet  Harbour", "a quiet harbour", True),
        ("A Quiet Harbour", "A Quiet Harbour - Gull", True),  # 22 < 1.5 * 15
        ("A Quiet Harbour", "A Quiet Harbour | Daily Gull", False),  # 28 chars: too long
        ("Harbour", "Harbour", True),
        ("A Quiet Harbour", "A Harbour", False),
        ("A Quiet Harbour", None, False),
    ],
)
def test_metadata_title(gold: str, predicted: str | None, expected: bool) -> None:
    assert metadata_match("title", gold, predicted) is expected


def test_metadata_title_length_limit_is_strict() -> None:
    assert not metadata_match("title", "abcd", "abcd12")  # 6 == 1.5 * 4: not less
    assert metadata_match("title", "abcd", "abcd1")


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        ("Jo Bloggs", "By Jo Bloggs, staff reporter", True),
        ("Jo Bloggs", "Jo Blogg", False),
        ("Dr. Jo Bloggs", "jo bloggs", False),  # every gold token must be present
        (["Jo Bloggs", "Sam Roe"], "Sam Roe; Jo Bloggs", True),
        (["Jo Bloggs", "Sam Roe"], ["Jo Bloggs"], False),
        ("Jo Bloggs", ["Sam Roe", "Jo Bloggs"], True),
        ("Jo Bloggs", None, False),
    ],
)
def test_metadata_author(gold: str | list[str], predicted: MetadataValue, expected: bool) -> None:
    assert metadata_match("author", gold, predicted) is expected


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        ("2021-03-04", "2021-03-04T22:10:00+01:00", True),
        ("2021-03-04", dt.date(2021, 3, 4), True),
        ("2021-03-04", dt.datetime(2021, 3, 4, 23, 59), True),
        ("2021-03-04", "2021-03-05", False),
        ("2021-03-04", "2021-04-03", False),
        ("2021-3-4", "2021-03-04", True),  # unpadded gold dates exist in the corpus
        ("2021-03-04", "4 March 2021", False),  # only YYYY-MM-DD is read
        ("2021-03-04", None, False),
    ],
)
def test_metadata_date(gold: str, predicted: MetadataValue, expected: bool) -> None:
    assert metadata_match("date", gold, predicted) is expected


def test_metadata_empty_gold_and_unknown_field() -> None:
    assert metadata_match("author", "", None)
    assert not metadata_match("author", "", "Jo Bloggs")
    with pytest.raises(ValueError, match="unknown"):
        metadata_match("subtitle", "x", "x")  # type: ignore[arg-type]


def test_recall_by_form_and_cue_class() -> None:
    gold = [
        {
            "doc_id": "a",
            "quotes": [
                {
                    "quote": '"We will build it."',
                    "quote_start": 0,
                    "quote_end": 19,
                    "cue_class": "say",
                },
                {
                    "quote": "that the bridge is late",
                    "quote_start": 30,
                    "quote_end": 53,
                    "cue_class": "say",
                },
                {
                    "quote": 'the "worst" ferry',
                    "quote_start": 60,
                    "quote_end": 77,
                    "cue_class": "speech_act",
                },
            ],
        }
    ]
    predicted = [{"doc_id": "a", "quotes": [{"quote_start": 0, "quote_end": 19}]}]
    at_03 = score_quotes(gold, predicted).by_threshold[0.3]
    assert [quote_form(q) for q in gold[0]["quotes"]] == ["direct", "indirect", "mixed"]
    assert recall_by(gold, at_03, quote_form) == {
        "direct": (1, 1),
        "indirect": (0, 1),
        "mixed": (0, 1),
    }
    assert recall_by(gold, at_03, lambda q: q.get("cue_class")) == {
        "say": (1, 2),
        "speech_act": (0, 1),
    }
    assert recall_by(gold, at_03, lambda q: None) == {}


def test_gender_classes_and_female_share() -> None:
    from evaluation.scoring import female_share, score_gender

    gold = [
        {
            "doc_id": "a",
            "peopleFemale": ["Ann Lee", "Joy Park"],
            "peopleMale": ["Tom Ray"],
            "sourcesFemale": ["Ann Lee"],
            "sourcesMale": ["Tom Ray"],
        }
    ]
    predicted = [
        {
            "doc_id": "a",
            "peopleFemale": ["Ann Lee"],
            "peopleMale": ["Tom Ray", "Joy Park"],
            "sourcesFemale": ["Ann Lee"],
            "sourcesMale": ["Tom Ray"],
        }
    ]
    scores = score_gender(gold, predicted)
    female, male = scores["peopleFemale"].micro, scores["peopleMale"].micro
    assert (female.tp, female.fp, female.fn) == (1, 0, 1)  # Joy Park called a man
    assert (male.tp, male.fp, male.fn) == (1, 1, 0)
    assert scores["sourcesFemale"].micro.f1 == 1.0
    assert female_share(gold) == female_share(predicted) == 0.5
    assert female_share(gold, "people") == 2 / 3
