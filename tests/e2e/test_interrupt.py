"""Ctrl-C on a real `newsflow run`: it stops within seconds, exits 130, and a rerun loads the drop
exactly once."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from tests.clirun import Cli, council_drop, run
from warehouse.store import Store

ARTICLES = 200


def _batch_written(home: Path) -> bool:
    """The run has staged at least one (uncommitted) batch of articles."""
    return any((home / "staging").glob("*/articles/*.parquet"))


def test_ctrl_c_stops_the_run_and_a_rerun_loads_every_article_once(tmp_path: Path) -> None:
    drop, home = council_drop(tmp_path / "drop", ARTICLES), tmp_path / "home"
    # Batches of 24 are parsed by the spaCy worker processes (two here): they get the Ctrl-C too.
    # The run holds at its second batch, one batch staged: on a fast machine the whole drop
    # loaded before the signal came.
    reached = tmp_path / "reached"
    cli = Cli(
        "run", str(drop), "--batch-size", "24", "--n-process", "2", home=home,
        NEWSFLOW_FAILPOINT="nlp:2:pause", NEWSFLOW_FAILPOINT_REACHED=str(reached),
        NEWSFLOW_FAILPOINT_SECONDS="120",
    )  # fmt: skip
    deadline = time.monotonic() + 240
    while not (reached.exists() and _batch_written(home)):
        assert cli.process.poll() is None, "the run ended before it wrote a batch"
        assert time.monotonic() < deadline, "no batch written within 240 s"
        time.sleep(0.1)
    os.killpg(cli.process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    interrupted_at = time.monotonic()
    outcome = cli.wait(timeout=30)
    assert outcome.returncode == 130, outcome.output[-2000:]
    assert time.monotonic() - interrupted_at < 10
    assert "interrupted (SIGINT)" in outcome.output
    assert "Traceback" not in outcome.output, outcome.output
    assert "Unable to connect" not in outcome.output, outcome.output
    with Store(home).connect() as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (0,)
    assert not any((home / "staging").rglob("*.parquet"))  # the staged batches are gone too

    rerun = run("run", str(drop), home=home)
    assert rerun.returncode == 0, rerun.output[-2000:]
    with Store(home).connect() as con:
        rows, stories = con.execute(
            "SELECT count(*), count(DISTINCT article_id) FROM articles"
        ).fetchone()
    assert rows == stories == ARTICLES
