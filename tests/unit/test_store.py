"""The Parquet store: schemas, visibility by commit, recovery, locking, the catalog file."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from warehouse.schemas import TABLES
from warehouse.store import Store, WarehouseBusy

DAY = date(2026, 11, 24)


def _rejects(run_id: str, n: int = 1) -> pa.Table:
    rows = [
        {
            "drop_id": "d",
            "path": f"f{i}.txt",
            "record": None,
            "reason": "empty file",
            "detail": "",
            "run_id": run_id,
        }
        for i in range(n)
    ]
    return pa.Table.from_pylist(rows, schema=TABLES["rejects"])


def _run(run_id: str, status: str = "completed") -> pa.Table:
    now = datetime.now(UTC)
    return pa.Table.from_pylist(
        [
            {
                "run_id": run_id,
                "flow": "process-drop",
                "drop_id": "d",
                "source": "/x",
                "started_at": now,
                "finished_at": now,
                "status": status,
                "counts": [("articles", 0)],
                "timings": [("load", 0.1)],
                "schema_version": 1,
            }
        ],
        schema=TABLES["runs"],
    )


def test_empty_warehouse_answers_with_zero_rows(tmp_path: Path) -> None:
    store = Store(tmp_path)
    con = store.connect()
    for view in (
        "articles",
        "entity_mentions",
        "quotes",
        "files",
        "rejects",
        "runs",
        "entities",
        "speakers",
        "latest_articles",
    ):
        assert con.execute(f"SELECT count(*) FROM {view}").fetchone() == (0,)
    columns = [r[0] for r in con.execute("DESCRIBE articles").fetchall()]
    assert columns[: len(TABLES["articles"].names)] == TABLES["articles"].names


def test_rows_are_invisible_until_their_run_commits(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.init()
    store.write("rejects", _rejects("r1", 3), day=DAY, name="d-00000")
    assert store.connect().execute("SELECT count(*) FROM rejects").fetchone() == (0,)
    store.write("runs", _run("r1"), day=DAY, name="run-r1")
    assert store.connect().execute("SELECT count(*) FROM rejects").fetchone() == (3,)


def test_failed_run_stays_invisible_and_recover_removes_it(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.init()
    store.write("rejects", _rejects("ok"), day=DAY, name="d-00000")
    store.write("runs", _run("ok"), day=DAY, name="run-ok")
    orphan = store.write("rejects", _rejects("crashed", 2), day=DAY, name="e-00000")
    (orphan.parent / ".e-00001.parquet.123.tmp").write_bytes(b"partial")
    assert store.connect().execute("SELECT count(*) FROM rejects").fetchone() == (1,)
    assert store.recover() == 2
    assert not orphan.exists()
    assert store.connect().execute("SELECT count(*) FROM rejects").fetchone() == (1,)


def test_rewrite_of_same_batch_replaces_not_appends(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.init()
    store.write("rejects", _rejects("r1", 2), day=DAY, name="d-00000")
    store.write("rejects", _rejects("r1", 2), day=DAY, name="d-00000")
    store.write("runs", _run("r1"), day=DAY, name="run-r1")
    assert store.connect().execute("SELECT count(*) FROM rejects").fetchone() == (2,)


def test_wrong_schema_is_refused(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with pytest.raises((pa.ArrowInvalid, ValueError, KeyError)):
        store.write("rejects", pa.table({"nope": [1]}), day=DAY, name="x")


def test_second_writer_is_told_to_wait(tmp_path: Path) -> None:
    store = Store(tmp_path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from warehouse.store import Store\n"
            "with Store(Path(sys.argv[1])).write_lock():\n print('locked', flush=True); time.sleep(30)",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(WarehouseBusy, match=f"pid {holder.pid}"), store.write_lock():
            pass
    finally:
        holder.kill()
        holder.wait()
    with store.write_lock():
        pass


def test_a_scheduled_writer_waits_its_turn(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from warehouse.store import Store\n"
            "with Store(Path(sys.argv[1])).write_lock():\n print('locked', flush=True); time.sleep(3)\n"
            "print('released', flush=True)",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    store = Store(tmp_path)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(WarehouseBusy, match="did not finish within 1s"), store.write_lock(1):
            pass
        with store.write_lock(wait=60):
            assert holder.stdout.readline().strip() == "released"
    finally:
        holder.kill()
        holder.wait()


def test_catalog_file_opens_read_only_and_survives_republish(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.init()
    store.write("rejects", _rejects("r1"), day=DAY, name="d-00000")
    store.write("runs", _run("r1"), day=DAY, name="run-r1")
    reader = duckdb.connect(str(store.catalog), read_only=True)
    store.publish_catalog()  # a load republishing while a reader has the file open
    assert reader.execute("SELECT count(*) FROM rejects").fetchone() == (1,)
    with duckdb.connect() as other:
        other.execute(f"ATTACH '{store.catalog}' AS nf (READ_ONLY)")
        assert other.execute("SELECT count(*) FROM nf.rejects").fetchone() == (1,)
    reader.close()
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
