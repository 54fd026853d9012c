"""The home's background Prefect server (flows/runtime/server.py): started once, reused, stopped on
demand and when idle, never under a run, and out of the way of `newsflow serve`.

A small HTTP stand-in answers /api/health in place of `prefect server start` (which takes 10-80 s
to start here): what is tested is the supervisor, the lock and the state file, the real server's
start is not under test (10-80 s); `make demo` and `newsflow bench --cold` start it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from flows.runtime import server as background
from flows.runtime.local_server import Running
from flows.runtime.prefect_server import healthy
from flows.runtime.warm import client as warm_client
from tests.servers import free_port

STAND_IN = """
import http.server, sys
class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/api/health" else 404)
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Health).serve_forever()
"""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A PREFECT_HOME whose background server is the stand-in; stopped after the test."""
    prefect_home = tmp_path / "home" / "prefect"
    monkeypatch.setenv("PREFECT_HOME", str(prefect_home))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("NEWSFLOW_SERVER_IDLE_MINUTES", raising=False)
    monkeypatch.setattr(
        background.prefect_server,
        "server_command",
        lambda port: [sys.executable, "-c", STAND_IN, str(port)],
    )
    # It would start a real Prefect server (tests/integration/test_prefect_database.py covers it).
    monkeypatch.setattr(background.prefect_database, "build_in_background", lambda log: None)
    yield prefect_home
    recorded = background.Background.read(prefect_home)
    if recorded is not None and background._alive(recorded.pid):
        background._stop(prefect_home)


def wait_until(check: Callable[[], bool], timeout: float = 20.0) -> bool:
    """Whether `check` came true within `timeout` seconds (test_warm_runner's waits too)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def test_the_first_run_starts_the_server_and_a_second_run_reuses_it(
    folder: Path, tmp_path: Path
) -> None:
    first = background.lease(tmp_path / "home")
    with first:
        assert first.started is not None
        assert healthy(first.api_url or "")
    second = background.lease(tmp_path / "home")
    with second:
        assert second.started is None  # nothing started: the same server
        assert second.api_url == first.api_url
    recorded = background.Background.read(folder)
    assert recorded is not None and recorded.pid == first.started.pid
    assert background.status(folder).server == recorded


def test_stop_stops_the_server(folder: Path, tmp_path: Path) -> None:
    with background.lease(tmp_path / "home") as held:
        api = held.api_url or ""
    stopped = background.stop(folder)
    assert stopped is not None and stopped.api_url == api
    assert not background._alive(stopped.pid)
    assert wait_until(lambda: not healthy(api, timeout=0.5))
    assert background.status(folder).server is None
    assert background.stop(folder) is None  # nothing left to stop


def test_stop_refuses_while_a_run_uses_the_server(folder: Path, tmp_path: Path) -> None:
    with background.lease(tmp_path / "home") as held:
        assert background.status(folder).in_use
        with pytest.raises(background.ServerBusy):
            background.stop(folder)
        assert healthy(held.api_url or "")
    assert background.stop(folder) is not None


def test_an_idle_server_stops_itself_but_never_under_a_run(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = background.lease(tmp_path / "home", idle_seconds=1)
    with held:
        assert held.started is not None
        time.sleep(3)  # three idle periods, with the run still holding the server
        assert healthy(held.api_url or "")
    pid = held.started.pid
    assert wait_until(lambda: not background._alive(pid))
    assert not healthy(held.api_url or "", timeout=0.5)
    assert background.Background.read(folder) is None
    # The next run starts a new one.
    with background.lease(tmp_path / "home") as again:
        assert again.started is not None and again.started.pid != pid


def test_no_background_server_when_idle_minutes_is_zero(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with background.lease(tmp_path / "home", idle_seconds=0) as held:
        assert held.api_url is None and held.started is None  # Prefect's temporary API
    assert background.Background.read(folder) is None


def test_newsflow_serve_stops_the_background_server_before_starting_its_own(
    folder: Path, tmp_path: Path
) -> None:
    with background.lease(tmp_path / "home") as held:
        api = held.api_url or ""
    with background.excluded(folder, on_wait=lambda: None) as stopped:
        assert stopped is not None and stopped.api_url == api
        assert not healthy(api, timeout=0.5)
    assert background.Background.read(folder) is None


def test_a_run_uses_the_server_newsflow_serve_runs(folder: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    port = free_port()
    serving = subprocess.Popen(background.prefect_server.server_command(port))
    try:
        api = f"http://127.0.0.1:{port}/api"
        assert wait_until(lambda: healthy(api, timeout=0.5))
        home.mkdir(parents=True, exist_ok=True)
        Running(api, serving.pid).write(home)  # as `newsflow serve` records its server
        with background.lease(home) as held:
            assert held.api_url == api and held.started is None
        assert background.Background.read(folder) is None  # no background server started
    finally:
        serving.terminate()
        serving.wait()


RECORDING_STAND_IN = (
    "import os, sys\n"
    "open(os.path.join(os.environ['PREFECT_HOME'], 'register-blocks'), 'w').write("
    "os.environ.get('PREFECT_API_BLOCKS_REGISTER_ON_START', 'default'))\n" + STAND_IN
)


def test_a_new_home_starts_from_the_fresh_database_and_a_first_start_builds_it(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(
        background.prefect_server,
        "server_command",
        lambda port: [sys.executable, "-c", RECORDING_STAND_IN, str(port)],
    )
    builds: list[Path] = []
    monkeypatch.setattr(background.prefect_database, "build_in_background", builds.append)
    with background.lease(tmp_path / "home"):
        pass  # no fresh database yet: the server creates its own, and one is built
    assert builds == [folder / "server.log"]
    assert (folder / "register-blocks").read_text() == "default"
    background._stop(folder)

    fresh = background.prefect_database.template()
    fresh.parent.mkdir(parents=True)
    fresh.write_bytes(b"SQLite format 3\0 (a fresh database)")
    other = tmp_path / "other" / "prefect"
    monkeypatch.setenv("PREFECT_HOME", str(other))
    with background.lease(tmp_path / "other"):
        pass
    assert (other / "prefect.db").read_bytes() == fresh.read_bytes()
    # Its block types are in the copy: the server does not register them again.
    assert (other / "register-blocks").read_text() == "false"
    assert builds == [folder / "server.log"]
    background._stop(other)


RUNNER_STAND_IN = (
    "import json, os, sys, time\n"
    "json.dump({'argv': sys.argv[1:], 'pid': os.getpid(), 'env': dict(os.environ)},"
    " open(sys.argv[1], 'w'))\n"
    "time.sleep(600)\n"
)


def test_the_server_comes_with_a_warm_runner_in_the_first_runs_environment(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = tmp_path / "runner.json"
    monkeypatch.setattr(
        background,
        "runner_command",
        lambda home, api_url: [sys.executable, "-c", RUNNER_STAND_IN, str(record), api_url],
    )
    started_in = {"PATH": os.environ["PATH"], "AS": "started", warm_client.ON: "1"}
    with background.lease(tmp_path / "home", warm_client.runner_env(started_in)) as held:
        assert held.started is not None
    assert wait_until(record.exists)
    runner = json.loads(record.read_text())
    assert runner["argv"][1] == held.api_url  # the runner's Prefect talks to this server
    assert runner["env"]["AS"] == "started"  # not the server's environment
    background.stop(folder)
    assert not background._alive(runner["pid"])  # stopped with the server

    # Started without NEWSFLOW_WARM=1: no runner.
    unset = warm_client.runner_env({"PATH": os.environ["PATH"]})
    assert unset is None
    with background.lease(tmp_path / "home", unset) as held:
        assert held.started is not None
    supervisor = held.started.pid
    children = Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split()
    assert len(children) == 1  # the server alone
