"""Lines an outlet repeats across its articles, and the text drops' template sets."""

from __future__ import annotations

import random
from pathlib import Path

from evaluation.text_drops import FIRST_SET, TEMPLATES, build, read_templates
from tasks.line_model import boilerplate_probability
from tasks.repetition import line_key, repeated_lines, template_keys
from tests.local_texts import STORIES


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
