"""Lines an outlet repeats across its articles, and the text drops' template sets."""

from __future__ import annotations

import random
from pathlib import Path

from evaluation.text_drops import FIRST_SET, TEMPLATES, build, read_templates
from tasks.clean import clean_batch
from tasks.line_model import boilerplate_probability
from tasks.records import Article, RawRecord
from tasks.repetition import line_key, repeated_lines, template_keys

STORIES = [
    "The harbour board approved a dredging plan on Monday after two years of delays and "
    "complaints from the fishing fleet.",
    "A fire destroyed a barn on the county road overnight, and no one was hurt, the fire "
    "chief said on Wednesday morning.",
    "The school district will add two bus routes in March to serve the new housing estate "
    "north of the river.",
]
# Wordings no rule of the line filter names: only their recurring makes them boilerplate.
TEMPLATE = ["Tap to hear this story read aloud", "Pass this along to a neighbour"]


def _record(number: int, body: str, outlet: str = "Harbour Times") -> RawRecord:
    return RawRecord(
        path=f"{number}.txt", record=None, format="text", body=body, title=None, outlet=outlet
    )


def test_lines_an_outlet_repeats_are_dropped_whatever_their_wording() -> None:
    bodies = [
        "\n\n".join([TEMPLATE[0], story, f"Lena Ortiz reported from Dunmore {n}.", TEMPLATE[1]])
        for n, story in enumerate(STORIES)
    ]
    articles = clean_batch([_record(n, b) for n, b in enumerate(bodies)])
    assert [a.text for a in articles if isinstance(a, Article)] == STORIES


def test_one_article_alone_keeps_lines_it_has_no_one_to_share_with() -> None:
    (article,) = clean_batch([_record(0, "\n\n".join([STORIES[0], TEMPLATE[1]]))])
    assert isinstance(article, Article)
    assert TEMPLATE[1] in article.text


def test_other_outlets_lines_and_quotes_are_not_the_template() -> None:
    quote = "“We will not close the harbour this winter,” the mayor said."
    records = [_record(n, "\n\n".join([s, quote])) for n, s in enumerate(STORIES)]
    records.append(_record(9, "\n\n".join([STORIES[0], TEMPLATE[0]]), outlet="Other Post"))
    records += [_record(10 + n, "\n\n".join([s, TEMPLATE[0]])) for n, s in enumerate(STORIES)]
    articles = clean_batch(records)
    assert all(isinstance(a, Article) and quote in a.text for a in articles[:3])
    assert TEMPLATE[0] in articles[3].text  # (its outlet has it once)
    assert all(isinstance(a, Article) and TEMPLATE[0] not in a.text for a in articles[4:])


def test_the_same_story_sent_three_times_keeps_its_text() -> None:
    body = "\n\n".join([STORIES[0], "Boats will be moved to the north quay first."])
    assert repeated_lines([body.split("\n\n")] * 3) == frozenset()


def test_keys_mask_names_and_numbers_and_catch_labels_and_credits() -> None:
    assert line_key("Jaime Ortiz reported from Porto Lindo.") == line_key(
        "Ana Lee reported from Dunmore."
    )
    assert line_key("Meal Prep Menu for Eating Plan A") == ""  # names are all there is
    assert "^N story" in template_keys("Further story: Council delays the ferry vote")
    assert template_keys("Crowds gather at the quay. [Kestrel Agency]")[-1] == "$[N ]"


def test_line_model_ships_and_tells_a_share_label_from_a_sentence() -> None:
    assert boilerplate_probability("Share on WhatsApp") > 0.5
    assert boilerplate_probability(STORIES[0]) < 0.5


def test_every_template_set_fills_every_placeholder() -> None:
    body = "\n".join(STORIES)
    for path in (FIRST_SET, TEMPLATES / "second.toml", TEMPLATES / "third.toml"):
        templates = read_templates(Path(path))
        for seed in range(30):
            document = build("doc", body, random.Random(seed), templates)
            assert "{" not in document.text and document.inserts


def test_a_sign_off_and_a_label_with_an_opening_capital_recur_as_templates() -> None:
    # "Fresh from N" is all names to the plain key (its opening capital masked); "— N" is a mark
    # and a name.
    bodies = [
        "\n\n".join([story, "— Kestrel Wire", "Fresh from Gull Point Radio"]) for story in STORIES
    ]
    articles = clean_batch([_record(n, b) for n, b in enumerate(bodies)])
    assert [a.text for a in articles if isinstance(a, Article)] == STORIES
    assert line_key("Fresh from Gull Point Radio") == ""
    assert "=fresh from N" in template_keys("Fresh from Gull Point Radio")


def test_a_sentence_in_three_stories_is_a_template_only_when_it_reads_as_the_sites() -> None:
    background = (
        "The ferry service has been cut twice since the port authority changed hands in the spring."
    )
    moderation = (
        "Comments that stray from the topic or attack other readers will be removed by our "
        "moderators."
    )
    assert boilerplate_probability(background) < 0.5 < 0.9 < boilerplate_probability(moderation)
    found = repeated_lines([[story, background, moderation] for story in STORIES])
    assert line_key(moderation) in found
    assert line_key(background) not in found  # a background paragraph follow-ups share
    more = [
        "Two new buses will run on the coast road from June, the transit office said on Monday "
        "after a long consultation.",
        "The library will stay open late on Thursdays through the exam season this year, its "
        "board decided last night.",
    ]
    assert line_key(background) in repeated_lines(
        [[story, background] for story in STORIES + more]
    )  # in five stories or more it is the outlet's all the same
