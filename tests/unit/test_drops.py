"""Drops in the incoming folder: when one is ready, in what order, and when it is loaded."""

from __future__ import annotations

import os
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest

from flows.drops import DropState, list_drops, state_of
from tasks import ingest
from tests.conftest import SEEDS
from warehouse.schemas import TABLES
from warehouse.store import Store

WIRE = SEEDS / "2026-11-20-wire"
LATER = time.time() + 3600  # "now" an hour on: every drop has been quiet long enough


def _drop(incoming: Path, name: str = WIRE.name) -> Path:
    return Path(shutil.copytree(WIRE, incoming / name))


def _set_mtime(path: Path, when: float) -> None:
    for item in [path, *path.rglob("*")]:
        os.utime(item, (when, when))


def test_a_folder_is_ready_after_the_quiet_period_or_with_a_marker(tmp_path: Path) -> None:
    drop = _drop(tmp_path)
    (found,) = list_drops(tmp_path)
    assert not found.is_ready(60, time.time())
    assert found.is_ready(60, LATER)
    (drop / "_SUCCESS").touch()
    (marked,) = list_drops(tmp_path)
    assert marked.is_ready(60, time.time())


def test_a_copy_that_restores_old_times_is_still_changing(tmp_path: Path) -> None:
    """`cp -p` and `tar x` set old mtimes; the change time still says the copy just happened."""
    drop = _drop(tmp_path)
    _set_mtime(drop, time.time() - 86400)
    (found,) = list_drops(tmp_path)
    assert not found.is_ready(60, time.time())


def test_a_growing_file_drop_is_not_ready(tmp_path: Path) -> None:
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(b"PK partial")
    with archive.open("ab") as handle:
        handle.write(b" more bytes")
    (found,) = list_drops(tmp_path)
    assert not found.is_ready(60, time.time())
    assert found.is_ready(60, LATER)


def test_oldest_first_and_unfinished_names_skipped(tmp_path: Path) -> None:
    newer, older = _drop(tmp_path, "b-newer"), _drop(tmp_path, "a-older-content-z")
    _set_mtime(newer, time.time() - 100)
    _set_mtime(older, time.time() - 1000)
    _drop(tmp_path, ".hidden")
    (tmp_path / "upload.zip.part").write_bytes(b"PK")
    assert [d.path.name for d in list_drops(tmp_path)] == ["a-older-content-z", "b-newer"]


def _commit(store: Store, drop: Path, source: str, started: datetime) -> None:
    """What a completed process-drop run leaves: its files rows and its runs row."""
    entries = ingest.scan(drop)
    drop_id = ingest.drop_id_for(drop, entries)
    files = [
        {
            "drop_id": drop_id,
            "path": e.path,
            "sha256": e.sha256,
            "bytes": e.bytes,
            "status": "loaded",
            "records": 1,
            "run_id": "r1",
        }
        for e in entries
    ]
    store.stage("r1", "files", pa.Table.from_pylist(files, schema=TABLES["files"]), "f")
    run = {
        "run_id": "r1",
        "flow": "process-drop",
        "drop_id": drop_id,
        "source": source,
        "started_at": started,
        "finished_at": started,
        "status": "completed",
        "schema_version": 3,
    }
    store.commit("r1", pa.Table.from_pylist([run], schema=TABLES["runs"]), "run r1", {})


def test_loaded_means_every_current_file_hash_is_recorded(tmp_path: Path) -> None:
    incoming, store = tmp_path / "incoming", Store(tmp_path / "home")
    store.init()
    drop = _drop(incoming)
    (found,) = list_drops(incoming)
    assert state_of(found, store, 60, time.time()) == DropState.WAITING
    assert state_of(found, store, 60, LATER) == DropState.READY

    # Recorded by a run on another path (so the shortcut by start time cannot apply).
    _commit(store, drop, "/elsewhere", datetime.now(UTC) - timedelta(days=1))
    assert state_of(found, store, 60, LATER) == DropState.LOADED

    # The same bytes written again: still loaded. Other bytes: a new drop id, to load again.
    (drop / "rail-strike-ashby.txt").write_bytes((WIRE / "rail-strike-ashby.txt").read_bytes())
    (again,) = list_drops(incoming)
    assert state_of(again, store, 60, LATER) == DropState.LOADED
    with (drop / "rail-strike-ashby.txt").open("a") as handle:
        handle.write("\nA late paragraph added by the wire.\n")
    (changed,) = list_drops(incoming)
    assert state_of(changed, store, 60, LATER) == DropState.READY


def test_a_drop_unchanged_since_a_completed_run_started_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    incoming, store = tmp_path / "incoming", Store(tmp_path / "home")
    store.init()
    drop = _drop(incoming)
    (found,) = list_drops(incoming)
    _commit(store, drop, str(found.path), datetime.now(UTC) + timedelta(seconds=1))

    def no_hashing(_drop: Path) -> list[object]:
        raise AssertionError("a drop loaded since its last change was hashed again")

    monkeypatch.setattr(ingest, "scan", no_hashing)
    assert state_of(found, store, 60, LATER) == DropState.LOADED


def test_an_empty_folder_is_empty(tmp_path: Path) -> None:
    (tmp_path / "nothing-yet").mkdir()
    (found,) = list_drops(tmp_path)
    store = Store(tmp_path / "home")
    assert state_of(found, store, 60, LATER) == DropState.EMPTY
