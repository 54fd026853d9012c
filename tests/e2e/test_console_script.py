"""The path a user takes, through the installed `newsflow` console script and nothing of the test
session's: the first run on a home starts the home's Prefect server, prints its summary and
where to see the run; a run stopped with Ctrl-C exits 130 and commits nothing; `newsflow server
stop` ends the server."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import SEEDS, wait_for_file
from warehouse.store import Store

NEWSFLOW = Path(sys.executable).with_name("newsflow")


def _env(home: Path, **extra: str) -> dict[str, str]:
    """A user's environment: no Prefect server of theirs, the home given, nothing else set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSFLOW_"))}
    return env | {"NEWSFLOW_HOME": str(home), "COLUMNS": "200", **extra}


def _newsflow(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(NEWSFLOW), *args],
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


def _articles(home: Path) -> int:
    with Store(home).connect() as con:
        return con.execute("SELECT count(*) FROM articles").fetchone()[0]  # type: ignore[index]


def test_run_on_a_new_home_then_ctrl_c_of_the_next_run(tmp_path: Path) -> None:
    home = tmp_path / "home"
    try:
        first = _newsflow(home, "run", str(SEEDS / "2026-11-20-wire"))
        assert first.returncode == 0, first.stdout + first.stderr
        assert "starting the home's Prefect server" in first.stderr
        assert re.search(r"articles loaded\s+│ 5\s", first.stdout), first.stdout
        assert re.search(r"quotes\s+│ \d+", first.stdout), first.stdout
        ui = re.search(r"Prefect UI: (http://127\.0\.0\.1:\d+)/runs/flow-run/", first.stdout)
        assert ui is not None, first.stdout
        status = _newsflow(home, "server", "status")
        assert status.returncode == 0 and ui.group(1) in status.stdout, status.stdout

        # The next run holds after its first batch's NLP, nothing staged yet for the commit;
        # Ctrl-C in the terminal sends SIGINT to the whole process group.
        reached = tmp_path / "reached"
        env = _env(
            home,
            NEWSFLOW_FAILPOINT="nlp:1:pause",
            NEWSFLOW_FAILPOINT_REACHED=str(reached),
            NEWSFLOW_FAILPOINT_SECONDS="120",
        )
        drop = SEEDS / "2026-11-21-regional"
        with open(tmp_path / "interrupted.log", "w+") as log:
            run = subprocess.Popen(
                [str(NEWSFLOW), "run", str(drop)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            try:
                wait_for_file(reached, "the second run's first batch")
                os.killpg(run.pid, signal.SIGINT)
                stopped_at = time.monotonic()
                returncode = run.wait(timeout=60)
            finally:
                if run.poll() is None:
                    os.killpg(run.pid, signal.SIGKILL)
            log.seek(0)
            output = log.read()
        assert returncode == 130, output
        assert time.monotonic() - stopped_at < 15, output
        assert "interrupted (SIGINT): nothing of this run was committed" in output, output
        assert "Traceback" not in output, output
        assert _articles(home) == 5  # the first run's, and none of the interrupted one's

        again = _newsflow(home, "run", str(drop))
        assert again.returncode == 0, again.stdout + again.stderr
        assert re.search(r"articles loaded\s+│ 6\s", again.stdout), again.stdout
    finally:
        stop = _newsflow(home, "server", "stop")
    assert stop.returncode == 0, stop.stdout + stop.stderr
    assert "no background Prefect server runs" in _newsflow(home, "server", "status").stdout
