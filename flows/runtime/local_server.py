"""A local Prefect server for `newsflow serve`, and how other commands find the one running.

`newsflow serve` starts `prefect server start` as a child process when no PREFECT_API_URL is
configured: SQLite under PREFECT_HOME (inside the home), logs in `PREFECT_HOME/server.log`, and
its address in `$NEWSFLOW_HOME/serve.json` while it runs. `newsflow trigger` and `newsflow run`
read that file, so they talk to the same server instead of starting a second one on the same
SQLite file (which is where 'database is locked' errors come from).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

SERVE_FILE = "serve.json"
LOG_FILE = "server.log"
DEFAULT_PORT = 4200


class ServerError(RuntimeError):
    """The Prefect server could not be started or reached; the message says what to do."""


def healthy(api_url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=timeout) as reply:
            return reply.status == 200
    except (OSError, urllib.error.URLError):
        return False


@dataclass(frozen=True)
class Running:
    """What `newsflow serve` records about its server while it runs.

    `server_pid` is None when serve uses a configured server; otherwise it is the process to
    stop should `newsflow serve` ever die without stopping its server (kill -9).
    """

    api_url: str
    server_pid: int | None

    @classmethod
    def read(cls, home: Path) -> Running | None:
        try:
            data = json.loads((home / SERVE_FILE).read_text())
            return cls(data["api_url"], data.get("server_pid"))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, home: Path) -> None:
        target = home / SERVE_FILE
        tmp = target.with_name(f".{SERVE_FILE}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(self.__dict__))
        os.replace(tmp, target)

    @staticmethod
    def clear(home: Path) -> None:
        (home / SERVE_FILE).unlink(missing_ok=True)


def running_api(home: Path) -> str | None:
    """The API of the server a `newsflow serve` on this home runs, if it answers."""
    running = Running.read(home)
    return running.api_url if running and healthy(running.api_url) else None


class LocalServer:
    """`prefect server start` on 127.0.0.1:`port`, stopped with this object."""

    def __init__(self, prefect_home: Path, port: int = DEFAULT_PORT) -> None:
        self.prefect_home = prefect_home
        self.port = port
        self.api_url = f"http://127.0.0.1:{port}/api"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 120.0) -> None:
        """Start the server and wait until it answers (a cold start takes 5-20 s)."""
        if _port_taken(self.port):
            raise ServerError(
                f"port {self.port} is already in use (another Prefect server?). Use it with "
                f"PREFECT_API_URL=http://127.0.0.1:{self.port}/api, stop it, or pass --port"
            )
        log = self.prefect_home / LOG_FILE
        with open(log, "ab") as handle:
            # A session of its own: Ctrl-C reaches `newsflow serve`, which stops the runner
            # (cancelling runs through this server) before it stops the server.
            self.process = subprocess.Popen(
                [
                    *(sys.executable, "-m", "prefect", "server", "start"),
                    *("--host", "127.0.0.1", "--port", str(self.port)),
                ],
                stdout=handle,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while not healthy(self.api_url):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
                raise ServerError(
                    f"the Prefect server did not start within {timeout:.0f}s; "
                    f"its log ({log}) ends with:\n{tail}"
                )
            time.sleep(0.5)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def stop(self, grace: float = 20.0) -> None:
        if self.process is not None and self.process.poll() is None:
            end(self.process, grace)

    def __enter__(self) -> LocalServer:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def end(process: subprocess.Popen[bytes], grace: float = 20.0) -> None:
    """Stop a server process: SIGTERM lets it shut down cleanly, SIGKILL after `grace` s."""
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _port_taken(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0
