"""One Prefect server for every CLI process a test session starts.

A `newsflow run` with no server configured starts Prefect's temporary API and waits for it:
10-20 s on this 2-core machine, paid by each of the suite's few dozen CLI runs. Users get the
home's background server for that (tests/integration/test_server.py covers it); the tests get this one,
started on first use and stopped when the session ends.
"""

from __future__ import annotations

import atexit
import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

_STARTED: list[tuple[subprocess.Popen[bytes], str]] = []
_RESERVED: list[socket.socket] = []


def api_url() -> str:
    """The session's Prefect API, started now if this is its first use."""
    if _STARTED:
        return _STARTED[0][1]
    # Imported here: conftest points Prefect at the session's home before anything imports it.
    from flows.runtime.prefect_server import QUIET_SERVICES, reserve_port, server_command, serving

    reserved = reserve_port([0])  # held for the session, as a home's supervisor holds its port
    assert reserved is not None
    port = reserved.getsockname()[1]
    folder = Path(tempfile.mkdtemp(prefix="newsflow-tests-prefect-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {f"PREFECT_SERVER_SERVICES_{name}_ENABLED": "false" for name in QUIET_SERVICES}
    env |= {"PREFECT_HOME": str(folder), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    url = f"http://127.0.0.1:{port}/api"
    with open(folder / "server.log", "ab") as log:
        server = subprocess.Popen(
            server_command(port),  # the command the home's background server runs
            stdout=log,
            stderr=log,
            env=env,
            start_new_session=True,
        )
    atexit.register(_stop, server)
    deadline = time.monotonic() + 180
    while not serving(server.pid, url):
        if server.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the tests' Prefect server did not start: see {folder}/server.log")
        time.sleep(0.5)
    _STARTED.append((server, url))
    _RESERVED.append(reserved)
    return url


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
