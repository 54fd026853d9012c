"""A local Prefect server for `newsflow serve`, and how other commands find the one running.

`newsflow serve` starts `prefect server start` as a child process when no PREFECT_API_URL is
configured: SQLite under PREFECT_HOME (inside the home), logs in `PREFECT_HOME/server.log`, and
its address in `$NEWSFLOW_HOME/serve.json` while it runs. `newsflow trigger` and `newsflow run`
read that file, so they talk to the same server instead of starting a second one on the same
SQLite file (which is where 'database is locked' errors come from).
"""

from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from flows.runtime.prefect_server import (
    api_url,
    end,
    healthy,
    read_state,
    reserve_port,
    server_command,
    serving,
    write_state,
)

SERVE_FILE = "serve.json"
LOG_FILE = "server.log"
DEFAULT_PORT = 4200


class ServerError(RuntimeError):
    """The Prefect server could not be started or reached; the message says what to do."""


@dataclass(frozen=True)
class Running:
    """What `newsflow serve` records about its server while it runs.

    `server_pid` is None when serve uses a configured server; otherwise it is the server's
    process: what tells it from anything else that may answer on its port, and what to stop
    should `newsflow serve` ever die without stopping its server (kill -9).
    """

    api_url: str
    server_pid: int | None

    @classmethod
    def read(cls, home: Path) -> Running | None:
        data = read_state(home / SERVE_FILE)
        try:
            return cls(str(data["api_url"]), data.get("server_pid")) if data else None
        except KeyError:
            return None

    def write(self, home: Path) -> None:
        write_state(home / SERVE_FILE, self.__dict__)

    @staticmethod
    def clear(home: Path) -> None:
        (home / SERVE_FILE).unlink(missing_ok=True)


def running_api(home: Path) -> str | None:
    """The API of the server a `newsflow serve` on this home runs, if it is up: the server it
    started (none other on that port), or the configured one it uses."""
    running = Running.read(home)
    if running is None:
        return None
    if running.server_pid is None:
        return running.api_url if healthy(running.api_url) else None
    return running.api_url if serving(running.server_pid, running.api_url) else None


class LocalServer:
    """`prefect server start` on 127.0.0.1:`port`, stopped with this object."""

    def __init__(self, prefect_home: Path, port: int = DEFAULT_PORT) -> None:
        self.prefect_home = prefect_home
        self.port = port
        self.api_url = api_url(port)
        self.process: subprocess.Popen[bytes] | None = None
        self._port: socket.socket | None = None

    def start(self, timeout: float = 120.0) -> None:
        """Start the server and wait until it answers (a cold start takes 5-20 s)."""
        # Held until the server stops: no home's background server can take the port meanwhile.
        self._port = reserve_port([self.port])
        if self._port is None:
            raise ServerError(
                f"port {self.port} is already in use (another Prefect server?). Use it with "
                f"PREFECT_API_URL={self.api_url}, stop it, or pass --port"
            )
        log = self.prefect_home / LOG_FILE
        with open(log, "ab") as handle:
            # A session of its own: Ctrl-C reaches `newsflow serve`, which stops the runner
            # (cancelling runs through this server) before it stops the server.
            self.process = subprocess.Popen(
                server_command(self.port, calm=False),
                stdout=handle,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while not serving(self.process.pid, self.api_url):
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
        if self._port is not None:
            self._port.close()

    def __enter__(self) -> LocalServer:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
