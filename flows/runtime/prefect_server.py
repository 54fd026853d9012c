"""How this project starts a Prefect server and tells that it is up: the command and its
environment, the port it takes, and the test that the server answering there is the one that
was started. One definition for the home's background server, `newsflow serve`'s server, the
fresh database's build and the tests.

Why a port is reserved: two homes starting their servers at once used to probe the same free
port, release it, and both start a server on it; the one that lost the race died, and the other
answered its home's runs, which then recorded their flow runs in another home's database. A
reservation is a socket bound to the port (and never listening) that the starter holds for the
server's life: another starter's probe fails on it, while the server binds beside it.

Why the listener is checked: anything can answer `/health` on a port. A server is trusted only
when the process that listens there is the one started for it (or that process's child), which
Linux's /proc tells without asking the server anything. This module imports nothing of Prefect.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

HOST = "127.0.0.1"
LISTEN = "0A"  # the TCP state of a listening socket in /proc/net/tcp

# Services a server that only records `newsflow run`s does not need: they schedule deployments,
# watch workers and automations, and each wakes up every few seconds. Runs, task runs, logs,
# events and artifacts are recorded as usual.
QUIET_SERVICES = (
    "SCHEDULER",
    "LATE_RUNS",
    "FOREMAN",
    "PAUSE_EXPIRATIONS",
    "CANCELLATION_CLEANUP",
    "REPOSSESSOR",
    "TRIGGERS",
)


def server_command(port: int, calm: bool = True) -> list[str]:
    """The server to run (tests put a stand-in here): Prefect's, with its task queue polled
    calmly (quiet_server.py) unless `calm` is False (`newsflow serve` schedules deployments and
    runs the server as Prefect ships it)."""
    module = "flows.runtime.quiet_server" if calm else "prefect"
    return [
        *(sys.executable, "-m", module, "server", "start"),
        *("--host", HOST, "--port", str(port)),
    ]


def server_env() -> dict[str, str]:
    """The environment a home's server runs in: this process's, less a configured API, with
    no telemetry and none of the services it does not need."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env |= {f"PREFECT_SERVER_SERVICES_{name}_ENABLED": "false" for name in QUIET_SERVICES}
    return env | {"PREFECT_SERVER_ANALYTICS_ENABLED": "false"}


def api_url(port: int) -> str:
    return f"http://{HOST}:{port}/api"


def reserve_port(ports: Iterable[int]) -> socket.socket | None:
    """A socket that holds the first port of `ports` nothing else holds (0: one the system
    picks) until it is closed; None when every one is taken.

    It binds without SO_REUSEADDR, so it fails on a port another socket holds (a reservation
    included); once bound, it allows SO_REUSEADDR, which lets the server (Prefect's uvicorn
    binds with it) listen beside it. It never listens itself, so it takes no connection."""
    for port in ports:
        holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            holder.bind((HOST, port))
        except OSError:
            holder.close()
            continue
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        return holder
    return None


def port_of(api: str) -> int | None:
    return urlsplit(api).port


def healthy(api: str, timeout: float = 2.0) -> bool:
    """Whether something answers `/health` at `api` (whatever it is: see `serving`)."""
    try:
        with urllib.request.urlopen(f"{api.rstrip('/')}/health", timeout=timeout) as reply:
            return reply.status == 200
    except (OSError, urllib.error.URLError):
        return False


def serving(pid: int, api: str, timeout: float = 2.0) -> bool:
    """Whether the server started as process `pid` (or as a child of it, as the home's
    supervisor runs it) listens at `api` and answers there: the one test of "our server is up"."""
    port = port_of(api)
    return port is not None and listener_in(pid, port) and healthy(api, timeout)


def listener_in(pid: int, port: int) -> bool:
    """Whether process `pid` or one of its children holds the socket that listens on `port`."""
    sockets = _listening_sockets(port)
    return bool(sockets) and any(sockets & _sockets_of(p) for p in (pid, *_children(pid)))


def listened(port: int) -> bool:
    """Whether any process listens on `port` (to say why a server could not start)."""
    return bool(_listening_sockets(port))


def _listening_sockets(port: int) -> set[str]:
    """The inodes of the IPv4 sockets listening on `port` (servers here listen on HOST only),
    as /proc/net/tcp lists them."""
    wanted = f":{port:04X}"
    found = set()
    with contextlib.suppress(OSError), open("/proc/net/tcp") as rows:
        next(rows, None)  # the header
        for row in rows:
            fields = row.split()
            if fields[1].endswith(wanted) and fields[3] == LISTEN:
                found.add(fields[9])
    return found


def _sockets_of(pid: int) -> set[str]:
    """The inodes of the sockets process `pid` holds (a process of another user: none)."""
    fds = Path(f"/proc/{pid}/fd")
    held = set()
    with contextlib.suppress(OSError):
        for fd in os.listdir(fds):
            with contextlib.suppress(OSError):
                target = os.readlink(fds / fd)
                if target.startswith("socket:["):
                    held.add(target[len("socket:[") : -1])
    return held


def _children(pid: int) -> list[int]:
    children: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                children += map(int, Path(f"/proc/{pid}/task/{task}/children").read_text().split())
    return children


def end(process: subprocess.Popen[bytes], grace: float = 20.0) -> None:
    """Stop a server process: SIGTERM lets it shut down cleanly, SIGKILL after `grace` s."""
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def read_state(path: Path) -> dict[str, Any] | None:
    """A state file (`server.json`, `serve.json`): None when absent or unreadable."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_state(path: Path, data: dict[str, Any]) -> None:
    """Replace a state file at once: a reader sees the old one or the new one, never half."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)
