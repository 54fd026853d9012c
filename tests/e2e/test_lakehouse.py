"""Snapshots, time travel, takedowns with purge, and migration, through the real CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT, SEEDS, newsflow

WIRE, REGIONAL = SEEDS / "2026-11-20-wire", SEEDS / "2026-11-21-regional"
LEGACY = ROOT / "tests" / "fixtures" / "legacy-v2-home"


def _rows(home: Path, sql: str, *extra: str) -> list[dict]:  # type: ignore[type-arg]
    done = newsflow("sql", sql, "--format", "json", *extra, home=home)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("lake") / "home"
    for drop in (WIRE, REGIONAL):
        assert newsflow("run", str(drop), home=home).returncode == 0
    return home


@pytest.fixture
def home(loaded: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "home"
    shutil.copytree(loaded, copy)
    return copy


def test_each_run_is_a_snapshot_and_sql_at_answers_as_it_was(home: Path) -> None:
    runs = _rows(home, "SELECT run_id, drop_id, snapshot_id FROM runs ORDER BY snapshot_id")
    assert [r["drop_id"].rsplit("-", 1)[0] for r in runs] == [
        "2026-11-20-wire",
        "2026-11-21-regional",
    ]
    listed = newsflow("snapshots", home=home)
    assert listed.returncode == 0 and runs[0]["run_id"][:8] in listed.stdout
    # Readable in 80 columns: which drop each run loaded, what the other commits were.
    assert "2026-11-20-wire" in listed.stdout and "schema v" in listed.stdout
    (first,) = _rows(
        home, "SELECT count(*) AS n FROM articles", "--at", str(runs[0]["snapshot_id"])
    )
    (now,) = _rows(home, "SELECT count(*) AS n FROM articles")
    assert first["n"] == 5 and now["n"] == 11
    bad = newsflow("sql", "SELECT 1", "--at", "999", home=home)
    assert bad.returncode == 1 and "cannot open the warehouse at 999" in bad.stderr


def test_sql_only_reads_the_warehouse_and_reaches_no_other_file(home: Path, tmp_path: Path) -> None:
    counts = "SELECT (SELECT count(*) FROM articles) AS a, (SELECT count(*) FROM entities) AS e"
    before = _rows(home, counts)
    catalog = home / "catalog.sqlite"
    secret = tmp_path / "secret.txt"
    secret.write_text("not the warehouse's")
    out = tmp_path / "out.csv"
    refused = {
        # The campaign's write: the catalog attached again, read-write, past the write lock.
        f"ATTACH 'ducklake:sqlite:{catalog}' AS w; DELETE FROM w.articles": "ATTACH is refused",
        "DELETE FROM articles": "DELETE is refused",
        f"COPY (SELECT headline FROM articles) TO '{out}'": "COPY is refused",
        f"SELECT * FROM read_text('{secret}')": "reads only the warehouse's own files",
    }
    for query, said in refused.items():
        done = newsflow("sql", query, home=home)
        assert done.returncode in (1, 2) and said in " ".join(done.stderr.split()), done.stderr
        assert len(done.stderr.strip().splitlines()) <= 2 and "Traceback" not in done.stderr
    assert _rows(home, counts) == before and not out.exists()

    copied = newsflow(
        "sql", f"COPY (SELECT count(*) AS n FROM articles) TO '{out}'", "--allow-files", home=home
    )
    assert copied.returncode == 0, copied.stderr
    assert out.read_text().split() == ["n", str(before[0]["a"])]
    still = newsflow("sql", f"ATTACH '{catalog}' AS w (TYPE sqlite)", "--allow-files", home=home)
    assert still.returncode == 2 and "ATTACH is refused" in still.stderr


def test_a_takedown_leaves_no_copy_of_the_text_and_refuses_the_story_again(home: Path) -> None:
    (story,) = _rows(
        home,
        "SELECT article_id, url, headline, text FROM articles "
        "WHERE url IS NOT NULL ORDER BY word_count DESC LIMIT 1",
    )
    phrase = story["text"][:80]
    done = newsflow("forget", "--article-id", story["article_id"], "--reason", "test", home=home)
    assert done.returncode == 0 and "forgot 1 stories" in done.stdout
    assert (
        _rows(
            home,
            "SELECT count(*) AS n FROM quotes WHERE article_id = $$" + story["article_id"] + "$$",
        )[0]["n"]
        == 0
    )
    assert newsflow("maintain", "--purge", home=home).returncode == 0

    files = [str(p) for p in (home / "lake").rglob("*.parquet")]
    with duckdb.connect() as con:
        texts = con.execute(
            "SELECT count(*) FROM read_parquet($f, union_by_name = true) "
            "WHERE columns(*)::VARCHAR LIKE '%' || $p || '%'",
            {"f": files, "p": phrase},
        ).fetchone()
    assert texts == (0,)
    for path in home.rglob("*"):
        if path.is_file():
            assert phrase.encode() not in path.read_bytes(), path

    # The same story (same URL, edited) in a later drop is refused, not loaded again.
    later = home.parent / "later"
    later.mkdir()
    record = {"url": story["url"], "title": story["headline"], "text": story["text"] + " Edited."}
    (later / "story.json").write_text(json.dumps(record))
    assert newsflow("run", str(later), home=home).returncode == 0
    reasons = _rows(
        home, "SELECT reason, count(*) AS n FROM rejects WHERE drop_id LIKE 'later%' GROUP BY 1"
    )
    assert reasons == [{"reason": "taken down", "n": 1}]
    assert _rows(
        home, "SELECT count(*) AS n FROM articles WHERE url = $$" + story["url"] + "$$"
    ) == [{"n": 0}]


def test_a_story_forgotten_by_its_url_is_refused_when_it_comes_back_without_one(
    home: Path, tmp_path: Path
) -> None:
    text = (
        "The Kettle Creek council voted on Tuesday to close the old footbridge over the creek "
        "until an engineer has inspected its supports. Residents who cross it every morning "
        "said the detour adds twenty minutes to the walk into town. The mayor said the bridge "
        "would reopen once the inspection found it safe, and that repairs would be paid from "
        "the reserve fund rather than a new levy."
    )
    story = {
        "id": "KC-2291",
        "outlet": "Kettle Creek Courier",
        "url": "https://courier.example/2026/11/footbridge-closed",
        "title": "Footbridge Closed Pending Inspection",
        "text": text,
    }
    first = tmp_path / "first"
    first.mkdir()
    (first / "story.json").write_text(json.dumps(story))
    assert newsflow("run", str(first), home=home).returncode == 0
    done = newsflow("forget", "--url", story["url"], "--reason", "publisher request", home=home)
    assert done.returncode == 0 and "forgot 1 stories" in done.stdout

    # The same story from a scraper that keeps the publisher's id but not the URL, edited.
    again = tmp_path / "again"
    again.mkdir()
    del story["url"]
    story["text"] = text + " The council meets again next week."
    (again / "story.json").write_text(json.dumps(story))
    assert newsflow("run", str(again), home=home).returncode == 0
    assert _rows(home, "SELECT reason FROM rejects WHERE drop_id LIKE 'again%'") == [
        {"reason": "taken down"}
    ]
    assert _rows(
        home, "SELECT count(*) AS n FROM articles WHERE headline LIKE 'Footbridge Closed%'"
    ) == [{"n": 0}]


def test_a_takedown_that_matches_nothing_says_so_and_refuses_the_story_later(home: Path) -> None:
    url = "https://example.org/2026/12/not-loaded-yet"
    done = newsflow("forget", "--url", url, "--reason", "publisher request", home=home)
    assert done.returncode == 0
    said = " ".join(done.stdout.split())
    assert f"nothing loaded matches url '{url}'" in said and "refused" in said
    later = home.parent / "later"
    later.mkdir()
    record = {
        "url": url,
        "title": "Harbour Dredging Resumes",
        "text": "The port said work resumes.",
    }
    (later / "story.json").write_text(json.dumps(record))
    assert newsflow("run", str(later), home=home).returncode == 0
    assert _rows(home, "SELECT reason FROM rejects WHERE drop_id LIKE 'later%'") == [
        {"reason": "taken down"}
    ]


def test_doctor_finds_a_data_file_the_catalog_uses_that_is_gone(home: Path) -> None:
    fine = newsflow("doctor", home=home)
    assert fine.returncode == 0 and "data files the catalog uses are there" in fine.stdout
    gone = max(
        (home / "lake" / "main" / "articles").glob("*.parquet"), key=lambda p: p.stat().st_size
    )
    gone.unlink()
    done = newsflow("doctor", home=home)
    said = " ".join(done.stdout.split())
    assert done.returncode == 1 and "1 of the" in said and "are missing" in said
    assert f"{gone.name}, of table articles" in said


def test_migrate_converts_a_home_of_the_parquet_store(tmp_path: Path) -> None:
    home = tmp_path / "old"
    shutil.copytree(LEGACY, home)
    refused = newsflow("show", home=home)
    assert refused.returncode == 1 and "newsflow migrate" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) <= 2
    done = newsflow("migrate", home=home)
    assert done.returncode == 0, done.stderr
    assert "articles" in done.stdout and "11" in done.stdout
    counts = _rows(
        home,
        "SELECT (SELECT count(*) FROM articles) AS a, (SELECT count(*) FROM entity_mentions) AS m, "
        "(SELECT count(*) FROM quotes) AS q, (SELECT count(*) FROM runs) AS r, "
        "(SELECT count(*) FROM entities) AS e",
    )[0]
    assert counts == {"a": 11, "m": 188, "q": 120, "r": 2, "e": counts["e"]} and counts["e"] > 50
    assert (home / "warehouse.v2-migrated").is_dir()
    assert newsflow("migrate", home=home).returncode == 1  # once only
