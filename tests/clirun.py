"""Run the `newsflow` CLI as a separate process, the way users and crashes meet it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests import prefect_api
from tests.conftest import ROOT


@dataclass
class Outcome:
    returncode: int
    output: str


class Cli:
    """One CLI process in its own process group, so whatever it starts dies with it."""

    def __init__(self, *args: str, home: Path, **env: str) -> None:
        environ = {
            k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSFLOW_"))
        }
        # The session's one Prefect server (tests/prefect_api.py), unless the test names its own.
        environ |= {"NEWSFLOW_HOME": str(home), "PREFECT_API_URL": prefect_api.api_url(), **env}
        self.log = tempfile.TemporaryFile("w+")  # noqa: SIM115 (closed in wait())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flows.cli", *args],
            stdout=self.log,
            stderr=self.log,
            env=environ,
            cwd=ROOT,
            start_new_session=True,
        )

    def wait(self, timeout: float = 300) -> Outcome:
        try:
            returncode = self.process.wait(timeout=timeout)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)  # an orphaned local Prefect API
        self.log.seek(0)
        output = self.log.read()
        self.log.close()
        return Outcome(returncode, output)


def run(*args: str, home: Path, **env: str) -> Outcome:
    return Cli(*args, home=home, **env).wait()
