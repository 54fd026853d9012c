"""The error classes of `newsflow eval people`, on articles and predictions written here."""

from __future__ import annotations

from evaluation.people_errors import classify, in_a_list, tally

TEXT = (
    "Volunteer Martha Jensen handed out flyers while Carly Fiorina spoke.\n"
    "Nominees: Ann Lee, Bo Park, Cy Diaz and Dee Moss.\n"
    "Later Walt Pruitt said the harbour had never been busier. He added that prices rose."
)
GOLD = {
    "doc_id": "a",
    "people": ["Martha Jensen", "Carly Fiorina", "Bo Park", "Walt Pruitt", "Jo March"],
    "peopleFemale": ["Martha Jensen", "Carly Fiorina"],
    "peopleMale": ["Walt Pruitt"],
    "peopleUnknown": ["Bo Park", "Jo March"],
    "sourcesMale": ["Walt Pruitt"],
}
PREDICTED = {
    "doc_id": "a",
    "people": ["Volunteer Martha Jensen", "Walt Pruitt", "Harbour Master"],
    "peopleFemale": ["Walt Pruitt"],
    "peopleMale": [],
    "mentions": [
        {"name": "Volunteer Martha Jensen", "label": "person", "gender_source": None},
        {"name": "Carly Fiorina", "label": "org", "gender_source": None},
        {"name": "Walt Pruitt", "label": "person", "gender_source": "name"},
        {"name": "Harbour Master", "label": "person", "gender_source": None},
    ],
}


def test_each_error_gets_the_class_that_says_what_would_fix_it() -> None:
    found = {(e.kind, e.cause, e.name) for e in classify(GOLD, PREDICTED, TEXT)}
    assert found == {
        ("missed", "title glued", "Martha Jensen"),
        ("missed", "wrong type", "Carly Fiorina"),
        ("missed", "missed in a list", "Bo Park"),
        ("missed", "not in the text as written", "Jo March"),
        ("invented", "title glued", "Volunteer Martha Jensen"),
        ("invented", "not a person", "Harbour Master"),
        ("gender", "from the name, wrong", "Walt Pruitt"),
        ("source", "quoted, not a source", "Walt Pruitt"),
    }
    counts = tally(classify(GOLD, PREDICTED, TEXT))
    assert counts["missed"]["title glued"] == 1 and sum(counts["missed"].values()) == 4


def test_a_name_in_a_sentence_of_prose_is_not_in_a_list() -> None:
    prose = "On Tuesday the harbour master, Walt Pruitt, told the council the pier would reopen."
    assert not in_a_list(prose, "Walt Pruitt")
    assert in_a_list("Cast: Ann Lee, Bo Park, Cy Diaz, Dee Moss and Eve Roy, with music", "Bo Park")
