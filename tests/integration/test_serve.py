"""`newsflow serve` as a user runs it: a real Prefect server, the served deployments, a new drop
in the incoming folder loaded by the polling schedule, a triggered run, and a clean Ctrl-C.

Slow by nature (a server start, subprocess flow runs); timeouts are generous for a 2-core machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SEEDS
from tests.servers import free_port
from warehouse.store import Store

WIRE, REGIONAL, MIXED = (
    SEEDS / "2026-11-20-wire",  # 5 articles
    SEEDS / "2026-11-21-regional",  # 6
    SEEDS / "2026-11-22-mixed",  # 6
)

pytestmark = pytest.mark.integration


@dataclass
class Served:
    home: Path
    api: str
    process: subprocess.Popen[str]
    log: Path
    env: dict[str, str]


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSFLOW_"))}
    env |= {
        "NEWSFLOW_HOME": str(home),
        "NEWSFLOW_POLL_SECONDS": "3",
        "NEWSFLOW_QUIET_SECONDS": "2",
    }
    return env


def _api(api: str, path: str, body: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(
        f"{api}{path}",
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="GET" if body is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())


def _wait_for(what: str, check: Callable[[], Any], timeout: float, log: Path) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(2)
    pytest.fail(f"{what} did not happen within {timeout:.0f}s; serve log:\n{log.read_text()}")


def _articles(home: Path) -> int:
    with Store(home).connect() as con:
        return int(con.execute("SELECT count(*) FROM articles").fetchone()[0])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    home = tmp_path_factory.mktemp("served") / "home"
    log = home.parent / "serve.log"
    env = _env(home)
    with open(log, "w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "flows.cli", "serve", "--port", str(free_port())],
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
    server_pid: int | None = None
    try:

        def running() -> dict[str, Any] | None:
            assert process.poll() is None, f"newsflow serve exited:\n{log.read_text()}"
            try:
                return json.loads((home / "serve.json").read_text())
            except (OSError, ValueError):
                return None

        recorded = _wait_for("the server start", running, 180, log)
        server_pid, api = recorded["server_pid"], recorded["api_url"]

        def deployed() -> bool:
            try:
                return bool(_api(api, "/deployments/name/process-drop/on-demand"))
            except OSError:  # 404 until the runner has sent its deployments
                return False

        _wait_for("the deployments", deployed, 60, log)
        yield Served(home, api, process, log, env)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if server_pid is not None:  # the server runs in a session of its own
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server_pid, signal.SIGKILL)


def test_deployments_are_served_with_their_schedules(served: Served) -> None:
    scheduled = _api(served.api, "/deployments/name/ingest-incoming/scheduled")
    schedules = {s["slug"]: s["schedule"] for s in scheduled["schedules"]}
    assert schedules["nightly"]["cron"] == "0 2 * * *"
    assert schedules["nightly"]["timezone"] == "UTC"
    assert schedules["poll"]["interval"] == 3  # NEWSFLOW_POLL_SECONDS
    assert scheduled["global_concurrency_limit"]["limit"] == 1
    on_demand = _api(served.api, "/deployments/name/process-drop/on-demand")
    assert on_demand["schedules"] == []
    assert on_demand["global_concurrency_limit"]["limit"] == 1


def test_a_new_drop_is_loaded_by_the_polling_deployment(served: Served) -> None:
    deployment = _api(served.api, "/deployments/name/ingest-incoming/scheduled")

    def polled() -> bool:
        runs = _api(
            served.api,
            "/flow_runs/filter",
            {
                "deployments": {"id": {"any_": [deployment["id"]]}},
                "flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}},
                "limit": 1,
            },
        )
        return bool(runs)

    # The scheduler creates the first runs within its loop (60 s); poll from then on.
    _wait_for("a first completed poll", polled, 150, served.log)
    shutil.copytree(WIRE, served.home / "incoming" / WIRE.name)
    _wait_for("the load of the new drop", lambda: _articles(served.home) == 5, 120, served.log)
    with Store(served.home).connect() as con:
        sources = [s for (s,) in con.execute("SELECT source FROM runs").fetchall()]
    assert sources == [str((served.home / "incoming" / WIRE.name).resolve())]


def test_trigger_and_run_use_the_served_server(served: Served) -> None:
    def newsflow(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "flows.cli", *args],
            capture_output=True,
            text=True,
            env=served.env,
            cwd=ROOT,
            timeout=300,
        )

    before = _articles(served.home)
    triggered = newsflow("trigger", str(REGIONAL), "--wait")
    assert triggered.returncode == 0, triggered.stdout + triggered.stderr
    assert "Completed" in triggered.stdout and "/runs/flow-run/" in triggered.stdout
    assert _articles(served.home) == before + 6
    assert "articles loaded" in triggered.stdout and "quotes" in triggered.stdout  # the counts

    ran = newsflow("run", str(MIXED))
    assert ran.returncode == 0, ran.stdout + ran.stderr
    runs = _api(served.api, "/flow_runs/filter", {"flows": {"name": {"any_": ["process-drop"]}}})
    assert str(MIXED) in {r["parameters"].get("drop") for r in runs}  # the run is in the UI


def test_a_second_serve_on_the_home_stops_at_once_and_leaves_the_first_alone(
    served: Served,
) -> None:
    recorded = (served.home / "serve.json").read_text()
    second = subprocess.run(
        [sys.executable, "-m", "flows.cli", "serve", "--port", "4391"],
        capture_output=True,
        text=True,
        env=served.env,
        cwd=ROOT,
        timeout=120,
    )
    assert second.returncode == 1
    assert f"another newsflow serve (pid {served.process.pid})" in second.stderr
    assert served.api in second.stderr and "Traceback" not in second.stderr
    assert (served.home / "serve.json").read_text() == recorded
    scheduled = _api(served.api, "/deployments/name/ingest-incoming/scheduled")
    assert not scheduled["paused"] and scheduled["schedules"][0]["schedule"]


def test_ctrl_c_stops_serving_and_the_server(served: Served) -> None:
    served.process.send_signal(signal.SIGINT)
    assert served.process.wait(60) == 0
    output = served.log.read_text()
    assert "stopped serving" in output
    assert not (served.home / "serve.json").exists()
    assert (served.home / "prefect" / "prefect.db").is_file()  # Prefect's state stays in the home
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{served.api}/health", timeout=5)
    server_log = (served.home / "prefect" / "server.log").read_text()
    for noise in ("database is locked", "Traceback"):
        assert noise not in output and noise not in server_log


def test_prefect_deploy_from_prefect_yaml_to_a_process_pool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`prefect deploy --all` as the README says, against a plain `prefect server start`."""
    from flows.runtime.local_server import LocalServer

    prefect_home = tmp_path / "prefect"
    prefect_home.mkdir()
    monkeypatch.setenv("PREFECT_HOME", str(prefect_home))  # the server's own state
    with LocalServer(prefect_home, free_port()) as server:
        env = _env(tmp_path / "home") | {
            "PREFECT_HOME": str(prefect_home),
            "PREFECT_API_URL": server.api_url,
        }
        prefect = [sys.executable, "-m", "prefect"]
        for command in (
            ["work-pool", "create", "newsflow", "--type", "process"],
            ["deploy", "--all", "--prefect-file", "deployments/prefect.yaml"],
        ):
            done = subprocess.run(
                prefect + command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300
            )
            assert done.returncode == 0, done.stdout + done.stderr
        scheduled = _api(server.api_url, "/deployments/name/ingest-incoming/scheduled")
        on_demand = _api(server.api_url, "/deployments/name/process-drop/on-demand")
    assert scheduled["work_pool_name"] == on_demand["work_pool_name"] == "newsflow"
    schedules = {s["slug"]: s["schedule"] for s in scheduled["schedules"]}
    assert schedules["nightly"]["cron"] == "0 2 * * *" and schedules["poll"]["interval"] == 300
    assert scheduled["concurrency_options"]["collision_strategy"] == "CANCEL_NEW"
    assert on_demand["global_concurrency_limit"]["limit"] == 1
