"""The lakehouse store: one commit per run, idempotent retries, snapshots, locking, portability."""

from __future__ import annotations

import contextlib
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from warehouse import extensions, marts
from warehouse.lake import Location, open_lake
from warehouse.schemas import TABLES
from warehouse.store import Store, WarehouseMissing, close_writers


def _rejects(run_id: str, n: int = 1) -> pa.Table:
    rows = [
        {
            "drop_id": "d",
            "path": f"f{i}.txt",
            "reason": "empty file",
            "detail": "",
            "run_id": run_id,
        }
        for i in range(n)
    ]
    return pa.Table.from_pylist(rows, schema=TABLES["rejects"])


def _run(run_id: str, status: str = "completed") -> pa.Table:
    now = datetime.now(UTC)
    row = {
        "run_id": run_id,
        "flow": "process-drop",
        "drop_id": "d",
        "source": "/x",
        "started_at": now,
        "finished_at": now,
        "status": status,
        "counts": [("articles", 0)],
        "schema_version": 3,
    }
    return pa.Table.from_pylist([row], schema=TABLES["runs"])


def _count(store: Store, table: str, at: int | None = None) -> int:
    with store.connect(at=at) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_a_new_home_has_no_warehouse_until_the_first_load(tmp_path: Path) -> None:
    store = Store(tmp_path / "home")
    with pytest.raises(WarehouseMissing, match="no warehouse in"):
        store.connect()
    assert not (tmp_path / "home").exists()  # reading created nothing
    store.init()
    with store.connect() as con:
        for table in (*TABLES, "latest_articles", "latest_mentions", "latest_quotes"):
            assert con.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
        columns = [r[0] for r in con.execute("DESCRIBE articles").fetchall()]
    assert columns == TABLES["articles"].names


def test_a_catalog_without_its_tables_is_no_warehouse_and_the_next_writer_finishes_it(
    tmp_path: Path,
) -> None:
    # What a run killed in its first second leaves: DuckLake made its catalog (a transaction of
    # its own), the lake's tables never committed. Every later run failed on `files`.
    with contextlib.closing(open_lake(Location.of(tmp_path), read_only=False)):
        pass
    store = Store(tmp_path)
    assert Location.of(tmp_path).state() == "started" and not store.exists()
    assert store.seen_files(["0" * 64]) == {}  # the look-ups of a run: nothing loaded yet
    with pytest.raises(WarehouseMissing):
        store.connect()
    store.init()
    assert store.exists() and _count(store, "files") == 0


def test_rows_are_invisible_until_their_run_commits_and_the_run_names_its_snapshot(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path)
    store.init()
    store.stage("r1", "rejects", _rejects("r1", 3), "00000")
    assert _count(store, "rejects") == 0
    snapshot = store.commit("r1", _run("r1"), "run r1", {"drop_id": "d"})
    assert _count(store, "rejects") == 3
    with store.connect() as con:
        (recorded,) = con.execute("SELECT snapshot_id FROM runs WHERE run_id = 'r1'").fetchone()
        (info,) = con.execute(
            "SELECT commit_extra_info FROM snapshots() WHERE snapshot_id = $s", {"s": snapshot}
        ).fetchone()
    assert recorded == snapshot and '"run_id": "r1"' in info
    assert _count(store, "rejects", at=snapshot - 1) == 0  # the snapshot before the run
    assert not (tmp_path / "staging" / "r1").exists()


def test_a_retried_commit_and_a_restaged_batch_never_duplicate(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.init()
    store.stage("r1", "rejects", _rejects("r1", 2), "00000")
    store.stage("r1", "rejects", _rejects("r1", 2), "00000")  # a retried batch
    first = store.commit("r1", _run("r1"), "run r1", {})
    assert store.commit("r1", _run("r1"), "run r1", {}) == first  # a retried commit
    assert _count(store, "rejects") == 2 and _count(store, "runs") == 1


def test_a_commit_that_fails_half_way_leaves_nothing_and_can_be_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path)
    store.init()
    store.stage("r1", "rejects", _rejects("r1", 2), "00000")

    def broken(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(marts, "apply", broken)
    store.stage("r1", "articles", _article("a1", "r1"), "00000")
    with pytest.raises(OSError, match="disk full"):
        store.commit("r1", _run("r1"), "run r1", {})
    assert _count(store, "rejects") == 0 and _count(store, "runs") == 0
    monkeypatch.undo()
    store.commit("r1", _run("r1"), "run r1", {})
    assert _count(store, "rejects") == 2 and _count(store, "current_articles") == 1


def _article(article_id: str, run_id: str, version: int = 1) -> pa.Table:
    now = datetime.now(UTC)
    row = {
        "article_id": article_id,
        "version": version,
        "content_hash": f"{article_id}-{version}",
        "drop_id": "d",
        "source_file": "a.txt",
        "text": "Body.",
        "word_count": 1,
        "ingested_at": now,
        "run_id": run_id,
    }
    return pa.Table.from_pylist([row], schema=TABLES["articles"])


def test_wrong_schema_is_refused(tmp_path: Path) -> None:
    with pytest.raises((pa.ArrowInvalid, ValueError, KeyError)):
        Store(tmp_path).stage("r1", "rejects", pa.table({"nope": [1]}), "x")


def test_a_missing_column_is_added_when_the_lake_opens_for_writing(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.init()
    with contextlib.closing(store.writer()) as con:
        con.execute("ALTER TABLE runs DROP COLUMN snapshot_id")  # a lake of an older schema
    store.init()
    with store.connect() as con:
        columns = [r[0] for r in con.execute("DESCRIBE runs").fetchall()]
    assert columns == TABLES["runs"].names


def test_a_copied_home_opens_in_its_new_place_for_any_duckdb_client(tmp_path: Path) -> None:
    store = Store(tmp_path / "a")
    store.init()
    store.stage("r1", "rejects", _rejects("r1", 2), "00000")
    store.commit("r1", _run("r1"), "run r1", {})
    close_writers()
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    shutil.rmtree(tmp_path / "a")
    moved = Store(tmp_path / "b")
    assert _count(moved, "rejects") == 2
    moved.init()  # a writer records the new data path in the catalog
    close_writers()
    # A plain DuckDB client, with nothing but the extensions and the catalog's file name.
    with extensions.connect(extensions=("ducklake", "sqlite_scanner")) as con:
        con.execute(
            f"ATTACH 'ducklake:sqlite:{tmp_path / 'b' / 'catalog.sqlite'}' AS nf (READ_ONLY)"
        )
        assert con.execute("SELECT count(*) FROM nf.rejects").fetchone() == (2,)


def test_a_reader_never_waits_for_an_open_commit(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.init()
    store.stage("r1", "rejects", _rejects("r1", 1), "00000")
    store.commit("r1", _run("r1"), "run r1", {})
    with contextlib.closing(store.writer()) as writer:
        writer.execute("BEGIN")
        writer.execute("INSERT INTO rejects SELECT * FROM rejects")
        assert _count(store, "rejects") == 1  # the open transaction is invisible
        writer.execute("COMMIT")
    assert _count(store, "rejects") == 2
    with pytest.raises(duckdb.Error):
        store.connect(at=10_000)  # no such snapshot: an error, not an empty answer
