"""A data path belongs to one warehouse: no other catalog writes there, maintenance deletes
nothing of another's, and a home whose catalog is gone does not start a new one over its files.

The campaign of issue 33 found both: two homes given one NEWSFLOW_DATA_PATH, where `maintain` on
one deleted all of the other's Parquet files; and a home whose catalog.sqlite was deleted, where
a run silently started a new warehouse over the old lake/ and a plain `maintain` then deleted it.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from flows.settings import store_for
from tests.conftest import newsflow
from warehouse.maintenance import maintain
from warehouse.ownership import MARKER, DataPathTaken
from warehouse.schemas import TABLES
from warehouse.store import Store, close_writers


def _load(store: Store, run_id: str) -> None:
    """One committed run with two rejects: a data file for `rejects` and one for `runs`."""
    store.init()
    rows = [
        {"drop_id": "d", "path": f"{run_id}-{i}.txt", "reason": "empty file", "run_id": run_id}
        for i in range(2)
    ]
    store.stage(run_id, "rejects", pa.Table.from_pylist(rows, schema=TABLES["rejects"]), "0")
    now = datetime.now(UTC)
    run = {"run_id": run_id, "drop_id": "d", "started_at": now, "status": "completed"}
    store.commit(run_id, pa.Table.from_pylist([run], schema=TABLES["runs"]), run_id, {})


def _files(folder: Path) -> set[Path]:
    return set(folder.rglob("*.parquet"))


def _rejects(store: Store) -> int:
    with store.connect() as con:
        return con.execute("SELECT count(*) FROM rejects").fetchone()[0]


@pytest.fixture(autouse=True)
def _fresh_writers() -> None:
    close_writers()  # each test's stores open their lakes anew


def test_a_second_home_given_the_same_data_path_is_refused_and_maintain_keeps_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared-lake"
    monkeypatch.setenv("NEWSFLOW_DATA_PATH", str(shared))
    first = store_for(tmp_path / "a")
    _load(first, "r1")
    files = _files(shared)

    second = store_for(tmp_path / "b")
    with pytest.raises(DataPathTaken, match="belongs to another warehouse") as taken:
        _load(second, "r2")
    assert f"catalog SQLite {tmp_path / 'a' / 'catalog.sqlite'}" in str(taken.value)
    assert not (tmp_path / "b" / "catalog.sqlite").exists()  # not even a catalog was made
    with pytest.raises(DataPathTaken):
        maintain(second)

    maintain(first)
    assert _files(shared) == files and _rejects(first) == 2


def test_a_home_whose_catalog_is_gone_refuses_a_new_warehouse_over_its_files(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    _load(Store(home), "r1")
    close_writers()
    files = _files(home / "lake")
    for path in home.glob("catalog.sqlite*"):
        path.unlink()
    drop = tmp_path / "drop"
    drop.mkdir()
    article = {"url": "https://example.org/a", "title": "Port", "text": "The port said so. " * 9}
    (drop / "a.json").write_text(json.dumps(article))

    run = newsflow("run", str(drop), home=home)
    assert run.returncode == 1, run.stdout + run.stderr
    (line,) = run.stderr.strip().splitlines()  # one line: what happened, what to do
    assert "deleted or replaced" in line and "restore that catalog" in line
    assert "move the data folder aside" in line
    assert not (home / "catalog.sqlite").exists()

    doctor = newsflow("doctor", home=home)
    assert doctor.returncode == 1 and "deleted or replaced" in doctor.stdout
    assert newsflow("maintain", home=home).returncode == 1
    assert _files(home / "lake") == files


def test_a_home_from_before_the_marker_whose_catalog_is_gone_is_refused_too(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    _load(Store(home), "r1")
    close_writers()
    (home / "lake" / MARKER).unlink()  # as a home written before the marker existed
    for path in home.glob("catalog.sqlite*"):
        path.unlink()
    with pytest.raises(DataPathTaken, match="holds 2 data files that this catalog does not know"):
        Store(home).init()


def test_a_home_from_before_the_marker_gets_one_and_keeps_files_it_cannot_tell_apart(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    store = Store(home)
    _load(store, "r1")
    close_writers()
    (home / "lake" / MARKER).unlink()
    # A file no catalog here knows: another home's (an exported NEWSFLOW_DATA_PATH), or left by
    # a load killed in its commit. Nothing tells which, so it must stay.
    mine = next(iter(_files(home / "lake")))
    stranger = mine.with_name("ducklake-of-another-home.parquet")
    shutil.copy(mine, stranger)

    _load(store, "r2")  # the first write marks the path as this warehouse's
    owner = json.loads((home / "lake" / MARKER).read_text())
    assert owner["exclusive"] is False
    report = maintain(store, purge=True)
    assert stranger.exists() and report.unknown_kept == 1
    assert _rejects(store) == 4
    doctor = newsflow("doctor", home=home)
    assert doctor.returncode == 0 and "1 data files there are not its own" in doctor.stdout


def test_maintain_deletes_what_a_killed_load_left_in_a_path_of_its_own(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = Store(home)
    _load(store, "r1")
    owner = json.loads((home / "lake" / MARKER).read_text())
    assert owner["exclusive"] is True
    mine = next(iter(_files(home / "lake")))
    orphan = mine.with_name("ducklake-of-a-killed-commit.parquet")
    shutil.copy(mine, orphan)
    assert maintain(store).unknown_kept == 0
    assert not orphan.exists() and _rejects(store) == 2
