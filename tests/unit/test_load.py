"""Versions, duplicates and takedowns as the load decides them (tasks/load.py)."""

from __future__ import annotations

from dataclasses import replace

from tasks.load import Known, assign_versions
from tasks.records import Article
from warehouse.schemas import story_identities

STORY = Article(
    article_id="3f1c",
    content_hash="c0ffee",
    source_file="wire.json",
    record="KC-2291",
    text="The council closed the footbridge.",
    url="https://courier.example/footbridge",
    outlet="Kettle Creek Courier",
    publisher_id="KC-2291",
)


def test_a_forgotten_story_is_refused_by_every_name_it_went_by() -> None:
    known = Known(
        taken_down=story_identities(
            STORY.article_id, STORY.content_hash, STORY.url, STORY.outlet, STORY.publisher_id
        )
    )
    # Without its URL its id is the publisher's id (another article_id); edited, another hash.
    by_publisher_id = replace(
        STORY, article_id="9a2b", content_hash="edited", url=None, outlet="kettle creek courier"
    )
    by_text = replace(STORY, article_id="77d0", url=None, publisher_id=None, record=None)
    by_url = replace(STORY, article_id="3f1c", content_hash="edited", publisher_id=None)
    other_story = replace(
        STORY, article_id="5e5e", content_hash="other", url=None, publisher_id="KC-2292"
    )
    same_id_elsewhere = replace(
        other_story, content_hash="else", outlet="Another Paper", publisher_id="KC-2291"
    )
    fresh, duplicates, forgotten = assign_versions(
        [by_publisher_id, by_text, by_url, other_story, same_id_elsewhere], known
    )
    assert forgotten == [by_publisher_id, by_text, by_url]
    assert [v.article for v in fresh] == [other_story, same_id_elsewhere] and not duplicates


def test_an_outlet_takedown_refuses_its_stories_only() -> None:
    known = Known(taken_down={"outlet:Kettle Creek Courier"})
    elsewhere = replace(STORY, article_id="1", content_hash="2", outlet="Harlow Falls Herald")
    fresh, _, forgotten = assign_versions([STORY, elsewhere], known)
    assert forgotten == [STORY] and [v.article for v in fresh] == [elsewhere]
