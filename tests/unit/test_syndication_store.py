"""Story and quote clusters as the lake keeps them through loads, versions, takedowns and
maintenance: each commit builds its rows with the pipeline's own builders (tasks/load.py)."""

from __future__ import annotations

import contextlib
import itertools
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flows.report import RunSummary, run_row
from tasks import load
from tasks.records import Analysis, Article, Mention, Quote
from tasks.syndication import Rules, Syndication
from warehouse import marts, syndication
from warehouse.maintenance import maintain
from warehouse.store import Store
from warehouse.takedowns import forget

DAY = datetime(2026, 3, 2, 9, tzinfo=UTC)
VOCABULARY = [f"w{i}" for i in range(5_000)]
SPEAKERS = ("Ana Ruiz", "Tom Hale", "Lena Ortiz")


def _body(seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(VOCABULARY) for _ in range(50)) for _ in range(6)]


def _said(seed: int) -> str:
    rng = random.Random(seed * 7919)
    return "“" + " ".join(rng.choice(VOCABULARY) for _ in range(14)) + "”"


def _article(
    story: int, outlet: str, at: datetime, trim: int = 6, extra: str = ""
) -> tuple[Article, Analysis]:
    """A copy of story `story`: its first `trim` paragraphs, each with its quote, and `extra`
    (a paragraph of the outlet's own)."""
    paragraphs = [f"{p} {_said(story * 10 + i)}" for i, p in enumerate(_body(story))][:trim]
    if extra:
        paragraphs.append(extra)
    text = "\n\n".join(paragraphs)
    quotes, mentions = [], []
    for i in range(min(trim, 6)):
        said = _said(story * 10 + i)
        start = text.index(said)
        speaker = SPEAKERS[(story + i) % len(SPEAKERS)]
        key = f"person:{speaker.lower()}"
        quotes.append(
            Quote(
                start,
                start + len(said),
                said,
                "direct",
                "test",
                0.9,
                "said",
                speaker_name=speaker,
                speaker_key=key,
            )
        )
        mentions.append(Mention(start, start + 3, speaker, speaker, "person", key, i))
    article = Article(
        article_id=f"{outlet}-{story}".lower().replace(" ", "-"),
        content_hash=uuid.uuid4().hex,
        source_file="x.jsonl",
        record=None,
        text=text,
        headline=f"Story {story}",
        url=f"https://{outlet.lower().replace(' ', '')}.example/{story}",
        outlet=outlet,
        published_at=at,
    )
    return article, Analysis(mentions=mentions, quotes=quotes)


def _load(store: Store, items: list[tuple[Article, Analysis]], rules: Rules | None = None) -> None:
    store.init()
    known = load.Known()
    ids = [a.article_id for a, _ in items]
    versions, _ = store.known_articles(ids, [])
    known.versions.update(versions)
    fresh, _, _ = load.assign_versions([a for a, _ in items], known)
    analyses = [dict((a.article_id, n) for a, n in items)[v.article.article_id] for v in fresh]
    summary = RunSummary(run_id=str(uuid.uuid4()), flow="test", drop_id="d", source="s")
    ctx = load.RunContext(summary.run_id, "d", DAY, "s")
    tables = {
        "articles": load.article_rows(fresh, ctx),
        "entity_mentions": load.mention_rows(fresh, analyses, ctx),
        "quotes": load.quote_rows(fresh, analyses, ctx),
        "story_prints": load.story_print_rows(fresh),
        "quote_prints": load.quote_print_rows(fresh, analyses),
    }
    for name, rows in tables.items():
        store.stage(summary.run_id, name, rows, "00000")
    store.commit(summary.run_id, run_row(summary), "test", {}, Syndication(rules or Rules()))


def _clusters(store: Store) -> dict[str, Any]:
    """Each story's cluster (as the set of its members), its flags, and the quote clusters."""
    with store.connect() as con:
        rows = con.execute(
            "SELECT article_id, story_cluster_id, is_wire_copy, story_similarity "
            "FROM current_articles"
        ).fetchall()
        quotes = con.execute(
            "SELECT o.quote_cluster_id, q.text FROM quote_occurrences o JOIN quotes q USING "
            "(quote_id)"
        ).fetchall()
    members: dict[int, set[str]] = {}
    for article, cluster, _, _ in rows:
        members.setdefault(cluster, set()).add(article)
    said: dict[int, set[str]] = {}
    for cluster, text in quotes:
        said.setdefault(cluster, set()).add(text)
    return {
        "stories": {a: frozenset(members[c]) for a, c, _, _ in rows},
        "wire": {a for a, _, w, _ in rows if w},
        "similarity": {a: s for a, _, _, s in rows},
        "quotations": sorted(sorted(t) for t in said.values()),
    }


def _check(store: Store) -> None:
    """What every change must leave: each cluster's earliest copy its original, the others wire
    copies; quotations and "original reporting only" marts equal to their count from scratch."""
    with store.connect() as con:
        bad = con.execute(
            """SELECT story_cluster_id FROM current_articles GROUP BY ALL
               HAVING count(*) FILTER (WHERE NOT is_wire_copy) <> 1
                   OR arg_min(is_wire_copy, (coalesce(published_at, ingested_at), article_id))
                   OR (count(*) = 1 AND any_value(story_similarity) IS NOT NULL)"""
        ).fetchall()
        assert bad == []
        speakers = con.execute(
            """SELECT speaker_entity_key, count(*), count(DISTINCT article_id)
               FROM latest_quotes q JOIN current_articles c USING (article_id, version)
               WHERE NOT c.is_wire_copy AND speaker_name IS NOT NULL GROUP BY ALL ORDER BY 1"""
        ).fetchall()
        kept = con.execute(
            "SELECT i.entity_key, s.quotes, s.articles FROM speaker_counts_original s "
            "JOIN entity_ids i USING (entity_id) ORDER BY 1"
        ).fetchall()
        assert kept == speakers
        quotations = con.execute(
            """SELECT quote_cluster_id, count(*), count(DISTINCT article_id),
                      count(DISTINCT outlet), min(seen_at)
               FROM quote_occurrences GROUP BY ALL ORDER BY 1"""
        ).fetchall()
        mart = con.execute(
            "SELECT quote_cluster_id, occurrences, articles, outlets, first_seen "
            "FROM quote_clusters ORDER BY 1"
        ).fetchall()
        assert mart == quotations
        (stale,) = con.execute(
            "SELECT count(*) FROM story_index i ANTI JOIN current_articles c "
            "USING (article_id, version)"
        ).fetchone()
        assert stale == 0
    with contextlib.closing(store.writer()) as con:  # the original gender mixes, from scratch
        kept = sorted(con.execute("SELECT * FROM gender_mix_original").fetchall())
        con.execute("BEGIN")
        marts.rebuild(con, only=syndication.ORIGINAL_BY_GENDER_CALLS, counted=syndication.NOT_WIRE)
        rebuilt = sorted(con.execute("SELECT * FROM gender_mix_original").fetchall())
        con.execute("ROLLBACK")
    assert kept == rebuilt


def test_copies_form_one_story_with_the_earliest_as_its_original(tmp_path: Path) -> None:
    store = Store(tmp_path)
    _load(
        store,
        [
            _article(1, "Wire", DAY),
            _article(1, "Courier", DAY + timedelta(hours=3), trim=4, extra=" ".join(_body(50))),
            _article(1, "Herald", DAY + timedelta(hours=5), trim=5),
            _article(2, "Courier", DAY + timedelta(hours=1)),  # another story
        ],
    )
    found = _clusters(store)
    assert found["stories"]["wire-1"] == {"wire-1", "courier-1", "herald-1"}
    assert found["stories"]["courier-2"] == {"courier-2"}
    assert found["wire"] == {"courier-1", "herald-1"}
    assert found["similarity"]["herald-1"] == 1.0  # all of it is in the original
    assert 0.5 < found["similarity"]["courier-1"] < 1.0
    assert found["similarity"]["wire-1"] is None
    # the six quotes of story 1 are six quotations, each in every copy that kept it
    assert len(found["quotations"]) == 12
    _check(store)


def test_a_copy_loaded_later_but_published_first_becomes_the_original(tmp_path: Path) -> None:
    store = Store(tmp_path)
    _load(store, [_article(1, "Courier", DAY + timedelta(hours=3)), _article(2, "Herald", DAY)])
    with store.connect() as con:
        before = con.execute("SELECT sum(quotes) FROM speaker_counts_original").fetchone()
    assert _clusters(store)["wire"] == set()
    _load(store, [_article(1, "Wire", DAY)])
    found = _clusters(store)
    assert found["stories"]["courier-1"] == {"courier-1", "wire-1"}
    assert found["wire"] == {"courier-1"}
    with store.connect() as con:  # the story's quotes still count once
        assert con.execute("SELECT sum(quotes) FROM speaker_counts_original").fetchone() == before
    _check(store)


def test_a_takedown_passes_the_original_to_the_next_copy(tmp_path: Path) -> None:
    store = Store(tmp_path)
    _load(
        store,
        [
            _article(1, "Wire", DAY),
            _article(1, "Courier", DAY + timedelta(hours=1), trim=5),
            _article(1, "Herald", DAY + timedelta(hours=2), trim=4),
        ],
    )
    forget(store, "outlet", "Wire", "licence ended")
    found = _clusters(store)
    assert found["stories"]["courier-1"] == {"courier-1", "herald-1"}
    assert found["wire"] == {"herald-1"}
    assert found["similarity"]["courier-1"] is None
    assert found["similarity"]["herald-1"] == 1.0
    with store.connect() as con:
        assert con.execute(
            "SELECT count(*) FROM quote_occurrences WHERE article_id = 'wire-1'"
        ).fetchone() == (0,)
    _check(store)
    forget(store, "outlet", "Courier", "licence ended")
    assert _clusters(store)["wire"] == set()
    _check(store)


def test_a_new_version_stays_in_its_story(tmp_path: Path) -> None:
    store = Store(tmp_path)
    _load(store, [_article(1, "Wire", DAY), _article(1, "Courier", DAY + timedelta(hours=2))])
    _load(store, [_article(3, "Wire", DAY + timedelta(days=1))])
    with store.connect() as con:
        (lonely,) = con.execute(
            "SELECT story_cluster_id FROM current_articles WHERE article_id = 'wire-3'"
        ).fetchone()
    edited = _article(1, "Wire", DAY, extra="An editor's note was added to the story.")
    alone = _article(3, "Wire", DAY + timedelta(days=1), trim=5)
    _load(store, [edited, alone])
    found = _clusters(store)
    assert found["stories"]["wire-1"] == {"wire-1", "courier-1"}
    assert found["wire"] == {"courier-1"}
    with store.connect() as con:
        assert con.execute(
            "SELECT story_cluster_id, version FROM current_articles WHERE article_id = 'wire-3'"
        ).fetchone() == (lonely, 2)
    _check(store)


def test_copies_outside_the_window_are_separate_stories(tmp_path: Path) -> None:
    store = Store(tmp_path)
    rules = Rules(window_days=2)
    _load(store, [_article(1, "Wire", DAY)], rules)
    _load(store, [_article(1, "Courier", DAY + timedelta(days=5))], rules)
    _load(store, [_article(1, "Herald", DAY + timedelta(days=1))], rules)
    found = _clusters(store)
    assert found["stories"]["herald-1"] == {"wire-1", "herald-1"}
    assert found["stories"]["courier-1"] == {"courier-1"}
    _check(store)


def test_clusters_survive_maintenance(tmp_path: Path) -> None:
    store = Store(tmp_path)
    for day, outlets in enumerate((("Wire", "Courier"), ("Herald",), ("Post", "Ledger"))):
        at = DAY + timedelta(days=day)
        _load(
            store,
            [
                _article(s, o, at + timedelta(hours=s))
                for s, o in itertools.product(range(day, day + 3), outlets)
            ],
        )
    forget(store, "outlet", "Herald", "test")
    before = _clusters(store)
    maintain(store, purge=True)
    assert _clusters(store) == before
    _check(store)


def test_a_lake_without_clusters_counts_every_story_as_original(tmp_path: Path) -> None:
    """A warehouse of schema v4 gets the tables of v5: its stories are nobody's copies."""
    store = Store(tmp_path)
    _load(store, [_article(1, "Wire", DAY), _article(1, "Courier", DAY + timedelta(hours=2))])
    with store.connect() as con:
        everything = con.execute("SELECT * FROM speaker_counts ORDER BY ALL").fetchall()
    with contextlib.closing(store.writer()) as con:
        con.execute("DROP TABLE speaker_counts_original")
        con.execute("DROP TABLE outlet_month_sources_original")
        con.execute("UPDATE current_articles SET is_wire_copy = NULL, story_cluster_id = NULL")
    store.init()
    with store.connect() as con:
        assert (
            con.execute("SELECT * FROM speaker_counts_original ORDER BY ALL").fetchall()
            == everything
        )
