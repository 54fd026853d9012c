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

NEWSFLOW = Path(sys.executable).with_name("newsflow")

COUNCIL_OUTLETS = ("Ashby Courier", "Port Carrow Gazette", "Kettle Creek Record")
COUNCIL_SPEAKERS = ("Maria Lopez", "John Carter", "Aisha Khan", "Peter Novak")
COUNCIL_PROJECTS = ("bridge", "school", "harbour wall", "clinic")


def council_drop(folder: Path, articles: int) -> Path:
    """A drop of short council stories, one .txt file each, every one different: enough of them
    and the run parses them in spaCy worker processes."""
    folder.mkdir()
    for i in range(articles):
        speaker, project = COUNCIL_SPEAKERS[i % 4], COUNCIL_PROJECTS[i // 4 % 4]
        paragraphs = [
            f'"We will finish the {project} by {2027 + k}," {speaker} said at meeting {i}. '
            f"The council of {COUNCIL_OUTLETS[i % 3].split()[0]} voted {k + 3} to {k % 2} on "
            f"plan {i}."
            for k in range(4)
        ]
        body = "\n\n".join(paragraphs)
        (folder / f"story-{i:04d}.txt").write_text(f"Council backs plan {i}\n\n{body}\n")
    return folder


@dataclass
class Outcome:
    returncode: int
    output: str


class Cli:
    """One CLI process in its own process group, so whatever it starts dies with it."""

    def __init__(self, *args: str, home: Path, console_script: bool = False, **env: str) -> None:
        environ = {
            k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSFLOW_"))
        }
        # The session's one Prefect server (tests/prefect_api.py), unless the test names its own.
        environ |= {"NEWSFLOW_HOME": str(home), "PREFECT_API_URL": prefect_api.api_url(), **env}
        self.log = tempfile.TemporaryFile("w+")  # noqa: SIM115 (closed in wait())
        # The console script is what users run (with the warm runner's client in front);
        # `python -m flows.cli` skips the client.
        command = [str(NEWSFLOW)] if console_script else [sys.executable, "-m", "flows.cli"]
        self.process = subprocess.Popen(
            [*command, *args],
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
