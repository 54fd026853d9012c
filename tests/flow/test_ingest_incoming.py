"""The ingest-incoming flow on the seed drops: oldest first, each once, again when it changes."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEEDS
from warehouse.store import Store

WIRE, MIXED = SEEDS / "2026-11-20-wire", SEEDS / "2026-11-22-mixed"
STORY = "%port-carrow-harbor-dredging%"

pytestmark = pytest.mark.usefixtures("prefect_server")


def _query(home: Path, sql: str) -> list[tuple[Any, ...]]:
    with Store(home).connect() as con:
        return con.execute(sql).fetchall()


def _copy(drop: Path, incoming: Path, age_seconds: float) -> Path:
    """Copy a seed drop into incoming with its content written `age_seconds` ago."""
    target = Path(shutil.copytree(drop, incoming / drop.name))
    when = time.time() - age_seconds
    for item in [target, *target.rglob("*")]:
        os.utime(item, (when, when))
    return target


def test_new_drops_load_oldest_first_once_and_again_when_changed(tmp_path: Path) -> None:
    from flows.ingest_incoming import ingest_incoming

    home = tmp_path / "home"
    incoming = home / "incoming"
    incoming.mkdir(parents=True)
    # The mixed drop holds version 2 of a wire story: it must load after the wire drop,
    # although its name sorts first here.
    _copy(MIXED, incoming, age_seconds=100).rename(incoming / "a-mixed")
    wire = _copy(WIRE, incoming, age_seconds=1000)

    outcome = ingest_incoming(home=str(home), quiet_seconds=0)
    assert sorted(outcome.values()) == [
        "loaded: 5 articles, 0 rejects",
        "loaded: 6 articles, 5 rejects",
    ]
    assert _query(
        home, f"SELECT version, source_file FROM articles WHERE url LIKE '{STORY}' ORDER BY 1"
    ) == [
        (1, "port-carrow-dredging.json"),
        (2, "port-carrow-dredging-updated.json"),
    ]

    runs = _query(home, "SELECT count(*) FROM runs")
    again = ingest_incoming(home=str(home), quiet_seconds=0)
    assert set(again.values()) == {"already loaded"}
    assert _query(home, "SELECT count(*) FROM runs") == runs  # no run at all

    # The wire updates one story in place: the drop loads again, that story as a new version.
    story = wire / "port-carrow-dredging.json"
    item = json.loads(story.read_text())
    first, rest = item["body"].split("\n\n", 1)  # a paragraph added under the lede
    item["body"] = "\n\n".join(
        [
            first,
            "Harbor master Dana Quill said the council would meet again on Thursday "
            "to settle the matter.",
            rest,
        ]
    )
    story.write_text(json.dumps(item))
    changed = ingest_incoming(home=str(home), quiet_seconds=0)
    assert changed[str(wire.resolve())] == "loaded: 1 articles, 0 rejects"
    versions = _query(home, f"SELECT max(version), count(*) FROM articles WHERE url LIKE '{STORY}'")
    assert versions == [(3, 3)]
    assert _query(home, "SELECT count(*) - count(DISTINCT content_hash) FROM articles") == [(0,)]


def test_a_drop_still_changing_waits(tmp_path: Path) -> None:
    from flows.ingest_incoming import ingest_incoming

    home = tmp_path / "home"
    shutil.copytree(WIRE, home / "incoming" / WIRE.name)
    outcome = ingest_incoming(home=str(home), quiet_seconds=3600)
    assert list(outcome.values()) == ["waiting"]
    assert _query(home, "SELECT count(*) FROM articles") == [(0,)]
    (home / "incoming" / WIRE.name / "_SUCCESS").touch()
    outcome = ingest_incoming(home=str(home), quiet_seconds=3600)
    assert list(outcome.values()) == ["loaded: 5 articles, 0 rejects"]


def test_a_failing_drop_does_not_hold_up_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flows.ingest_incoming as module

    home = tmp_path / "home"
    incoming = home / "incoming"
    incoming.mkdir(parents=True)
    _copy(WIRE, incoming, age_seconds=1000).rename(incoming / "broken")
    _copy(WIRE, incoming, age_seconds=100)
    real = module.process_drop

    def process_drop(drop: str, **kwargs: Any) -> Any:
        if Path(drop).name == "broken":
            raise OSError(5, "Input/output error")
        return real(drop, **kwargs)

    monkeypatch.setattr(module, "process_drop", process_drop)
    with pytest.raises(RuntimeError, match=r"1 of 2 drop\(s\) failed to load \(broken\)"):
        module.ingest_incoming(home=str(home), quiet_seconds=0)
    assert _query(home, "SELECT count(*) FROM articles") == [(5,)]
