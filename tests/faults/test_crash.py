"""Kill a real `newsflow run` at several points; the re-run must leave exactly a clean run's rows.

Each failpoint makes the process SIGKILL itself (see warehouse/failpoints.py): no cleanup code
runs, as after a power cut. Between the crash and the re-run the warehouse must show the state
before the run; after the re-run, the same rows as a run that never crashed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS
from warehouse.store import Store

DROP = SEEDS / "2026-11-21-regional"
FIRST = SEEDS / "2026-11-20-wire"
TABLES = ("articles", "entity_mentions", "quotes", "files", "rejects")


@dataclass
class Outcome:
    returncode: int
    stderr: str


def _run(drop: Path, home: Path, failpoint: str | None = None) -> Outcome:
    """Run the CLI in its own process group; whatever it started dies with it, as in a crash."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSFLOW_"))}
    env |= {"NEWSFLOW_HOME": str(home), "NEWSFLOW_BATCH_SIZE": "2"}
    if failpoint:
        env["NEWSFLOW_FAILPOINT"] = failpoint
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "flows.cli", "run", str(drop)],
            stdout=log,
            stderr=log,
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
        try:
            returncode = process.wait(timeout=300)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # the orphaned local Prefect API, if any
        log.seek(0)
        return Outcome(returncode, log.read())


def _counts(home: Path) -> dict[str, int]:
    con = Store(home).connect()
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    counts["distinct articles"] = con.execute(
        "SELECT count(DISTINCT (article_id, version)) FROM articles"
    ).fetchone()[0]
    return counts


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, int]]:
    home = tmp_path_factory.mktemp("clean")
    assert _run(FIRST, home).returncode == 0
    before = _counts(home)
    assert _run(DROP, home).returncode == 0
    return {"before": before, "after": _counts(home)}


@pytest.mark.parametrize(
    "failpoint", ["ingest", "nlp:2", "before-rename:3", "after-write:4", "commit"]
)
def test_killed_run_leaves_old_state_and_rerun_completes_it(
    failpoint: str, expected: dict[str, dict[str, int]], tmp_path: Path
) -> None:
    home = tmp_path / "home"
    assert _run(FIRST, home).returncode == 0
    crashed = _run(DROP, home, failpoint)
    assert crashed.returncode == -9, crashed.stderr[-2000:]
    assert _counts(home) == expected["before"]

    rerun = _run(DROP, home)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert _counts(home) == expected["after"]
    assert expected["after"]["articles"] == expected["after"]["distinct articles"]
    assert not list((home / "warehouse").rglob("*.tmp"))
