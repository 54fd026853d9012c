"""A drop through a real warm runner (Prefect imported, the model loaded, the flow run in a
forked process) ends as it does in a process of its own: same summary, same exit code."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from flows.runtime import server as background
from tests import prefect_api
from tests.conftest import SEEDS

NEWSFLOW = Path(sys.executable).with_name("newsflow")
WIRE = SEEDS / "2026-11-20-wire"


def _summary(output: str) -> str:
    """The summary without what differs from run to run: its timings and its run's id."""
    output = re.sub(r"flow-run/[0-9a-f-]+", "flow-run/ID", output)
    return "\n".join(line for line in output.splitlines() if not line.startswith("│ time"))


def test_a_drop_through_the_runner_loads_and_reports_as_a_local_run(tmp_path: Path) -> None:
    folder = tmp_path / "prefect"  # one PREFECT_HOME, so both homes have the runner's server
    folder.mkdir()
    api_url = prefect_api.api_url()
    background.Background(api_url, os.getpid(), 3600).write(folder)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSFLOW_"))}
    env["PREFECT_HOME"] = str(folder)
    env["NEWSFLOW_WARM"] = "1"
    env["COLUMNS"] = "200"  # one line of timings (the run's consoles are made for the client's)
    warm, local = tmp_path / "warm", tmp_path / "local"
    log = tmp_path / "runner.log"
    with open(log, "wb") as output:
        runner = subprocess.Popen(
            background.runner_command(warm, api_url),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 240
        while " ready in " not in log.read_text():
            assert runner.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)

        def newsflow(home: Path, **extra: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [str(NEWSFLOW), "run", str(WIRE), "--home", str(home)],
                env=env | extra,
                input="",  # a descriptor 0 to pass on (CI may have it closed)
                capture_output=True,
                text=True,
                timeout=300,
            )

        through = newsflow(warm)
        assert " ended: 0" in log.read_text(), log.read_text()  # it ran in the runner
        alone = newsflow(local, NEWSFLOW_WARM="0")
    finally:
        runner.terminate()
        runner.wait(30)
    assert through.returncode == alone.returncode == 0, through.stderr + alone.stderr
    assert "articles loaded" in through.stdout
    assert _summary(through.stdout) == _summary(alone.stdout)
    assert through.stderr == alone.stderr
