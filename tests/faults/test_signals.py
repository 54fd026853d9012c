"""Ctrl-C and SIGTERM at any moment of a real `newsflow run` (the console script, as users start
it): the run exits 130 (143), commits nothing, prints no traceback, and leaves no process behind.

Ctrl-C is SIGINT to the terminal's whole process group; a service manager or `kill` sends
SIGTERM to the process alone, so its children are its own to stop. The moments: while Python
imports, while the spaCy workers start and Prefect loads, and once the workers are up.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.clirun import Cli, council_drop
from warehouse.store import Store

ARTICLES = 120


@pytest.fixture(scope="module")
def drop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough articles for the run to start its two spaCy workers."""
    return council_drop(tmp_path_factory.mktemp("signals") / "drop", ARTICLES)


def _processes_in_group(group: int) -> list[str]:
    """The command lines of the processes of a process group still running (zombies aside)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            found.append(f"{entry.name}: {command[:120]}")
    return found


def _workers_started(group: int) -> bool:
    return sum("spawn_main" in p for p in _processes_in_group(group)) >= 2


@pytest.mark.parametrize(
    ("signum", "moment"),
    [
        (signal.SIGINT, 0.3),
        (signal.SIGINT, 1.0),
        (signal.SIGINT, 2.0),
        (signal.SIGINT, "workers"),
        (signal.SIGTERM, 0.3),
        (signal.SIGTERM, 1.0),
        (signal.SIGTERM, 2.0),
        (signal.SIGTERM, "workers"),
    ],
)
def test_a_signal_at_any_moment_commits_nothing_and_leaves_no_process(
    signum: signal.Signals, moment: float | str, drop: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    cli = Cli("run", str(drop), "--n-process", "2", home=home, console_script=True)
    group = cli.process.pid  # its own session: the run leads its process group
    if moment == "workers":
        deadline = time.monotonic() + 120
        while not _workers_started(group):
            assert cli.process.poll() is None, "the run ended before its workers started"
            assert time.monotonic() < deadline, "no spaCy workers within 120 s"
            time.sleep(0.05)
    else:
        time.sleep(float(moment))
    if signum == signal.SIGINT:
        os.killpg(group, signum)  # what Ctrl-C in a terminal does
    else:
        os.kill(group, signum)  # what `kill` or a service manager does
    returncode = cli.process.wait(timeout=60)
    time.sleep(3)  # what it started has had time to go
    left = _processes_in_group(group)
    outcome = cli.wait()  # the output, and whatever is left killed
    assert returncode == 128 + signum, outcome.output[-3000:]
    assert "Traceback" not in outcome.output, outcome.output[-3000:]
    assert left == [], left
    store = Store(home)
    if store.exists():
        with store.connect() as con:
            assert (
                con.execute("SELECT count(*) FROM runs WHERE status = 'completed'").fetchone()[0]
                == 0
            )
            assert con.execute("SELECT count(*) FROM articles").fetchone() == (0,)
