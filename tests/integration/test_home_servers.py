"""Each home's runs record their flow runs in that home's Prefect server, and in no other.

Homes share the ports their servers take (4201 onwards), and anything can answer `/health` on a
port: a run trusts a server only when it is its home's (flows/runtime/prefect_server.py). Runs
here are small processes that lease their home's server as `newsflow run` does and record a
flow run in it; the servers are stand-ins that answer `/api/health` and keep what is posted to
`/api/flow_runs/` in their PREFECT_HOME (a real server's start is not under test: 10-80 s;
tests/e2e and tests/integration/test_serve.py start real ones beside a reserved port).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.runtime import server as background
from tests.servers import free_port

pytestmark = pytest.mark.integration

STAND_IN = """
import http.server, os, sys
class Prefect(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/api/health" else 404)
        self.end_headers()
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with open(os.path.join(os.environ["PREFECT_HOME"], "flow_runs.jsonl"), "ab") as runs:
            runs.write(body + b"\\n")
        self.send_response(201)
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Prefect).serve_forever()
"""

# A run as `newsflow run` begins one (flows/startup.begin): lease the home's server, wait for
# it, record a flow run there. It starts on a signal (a file appearing), so that runs of two
# homes pick their ports at the same moment.
RUN = f"""
import json, os, sys, time, urllib.request
from pathlib import Path
from flows.runtime import prefect_server, server as background
prefect_server.server_command = lambda port, calm=True: [sys.executable, "-c", {STAND_IN!r}, str(port)]
background.prefect_database.build_in_background = lambda log: None
home, go = Path(sys.argv[1]), Path(sys.argv[2])
while not go.exists():
    time.sleep(0.001)
with background.lease(home) as held:
    request = urllib.request.Request(
        held.api_url + "/flow_runs/", data=json.dumps({{"home": str(home)}}).encode(),
        method="POST", headers={{"Content-Type": "application/json"}},
    )
    urllib.request.urlopen(request, timeout=10).close()
print(held.api_url)
"""


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSFLOW_"))}
    return env | {"PREFECT_HOME": str(home / "prefect")}


def _recorded(home: Path) -> list[str]:
    """The homes of the flow runs the server started for `home` was given."""
    runs = home / "prefect" / "flow_runs.jsonl"
    lines = runs.read_text().splitlines() if runs.exists() else []
    return [json.loads(line)["home"] for line in lines]


def _answers(api: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api}/health", timeout=0.5) as reply:
            return bool(reply.status == 200)
    except OSError:
        return False


@pytest.fixture
def homes(tmp_path: Path) -> Iterator[list[Path]]:
    """Two homes; their servers are stopped after the test."""
    pair = [tmp_path / "first", tmp_path / "second"]
    yield pair
    for home in pair:
        recorded = background.Background.read(home / "prefect")
        if recorded is not None and background._alive(recorded.pid):
            background._stop(home / "prefect")


def test_two_homes_started_at_once_each_record_their_runs_in_their_own_server(
    homes: list[Path], tmp_path: Path
) -> None:
    go = tmp_path / "go"
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", RUN, str(home), str(go)],
            env=_env(home),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for home in homes
    ]
    time.sleep(1.0)  # both have imported what a run imports before it leases
    go.touch()
    results = [run.communicate(timeout=60) for run in runs]
    for run, (_out, err) in zip(runs, results, strict=True):
        assert run.returncode == 0, err
    urls = [out.strip() for out, _err in results]
    assert urls[0] != urls[1]  # two servers, on two ports
    for home in homes:
        assert _recorded(home) == [str(home)]  # its own run, and no other home's


def test_a_foreign_server_on_the_port_the_state_file_names_is_not_trusted(
    homes: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = homes[0]
    folder = home / "prefect"
    folder.mkdir(parents=True)
    # Another process answers /health on the port, and the pid server.json names is alive (a
    # pid reused after the home's supervisor was killed): nothing of it is this home's server.
    (tmp_path / "foreign").mkdir()
    port = free_port()
    foreign = subprocess.Popen(
        [sys.executable, "-c", STAND_IN, str(port)],
        env=_env(home) | {"PREFECT_HOME": str(tmp_path / "foreign")},
    )
    unrelated = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        api = f"http://127.0.0.1:{port}/api"
        deadline = time.monotonic() + 20
        while not _answers(api):
            assert time.monotonic() < deadline, "the foreign stand-in did not start"
            time.sleep(0.05)
        background.Background(api, unrelated.pid, 3600).write(folder)
        assert background.running(folder) is None

        go = tmp_path / "go"
        go.touch()
        done = subprocess.run(
            [sys.executable, "-c", RUN, str(home), str(go)],
            env=_env(home),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() != api  # the home started its own server, on another port
        assert _recorded(home) == [str(home)]
        assert not (tmp_path / "foreign" / "flow_runs.jsonl").exists()
    finally:
        for process in (foreign, unrelated):
            process.terminate()
            process.wait()


def test_stopping_a_home_whose_supervisor_is_gone_stops_no_other_process(
    homes: list[Path], tmp_path: Path
) -> None:
    folder = homes[0] / "prefect"
    folder.mkdir(parents=True)
    unrelated = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        # The pid of a supervisor killed with -9, now another process's.
        background.Background("http://127.0.0.1:4201/api", unrelated.pid, 3600).write(folder)
        assert background.stop(folder) is not None
        assert unrelated.poll() is None
        assert background.Background.read(folder) is None
    finally:
        unrelated.terminate()
        unrelated.wait()
