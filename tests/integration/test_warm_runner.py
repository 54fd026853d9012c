"""The warm runner (flows/runtime/warm/runner.py) and its client (flows/runtime/warm/client.py): a `newsflow run`
goes through a runner only when it would run exactly as it does in its own process, and then
ends as it would there; anything else runs the command in the client's process.

The runner here is the real one (its socket, checks, fork and take-over of the client's process)
with nothing imported ahead: the runs under test fail or stop before the flow, so they need
neither Prefect nor spaCy. tests/e2e/test_through_the_runner.py runs a whole drop through a real one.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from flows.runtime.warm import client as warm_client
from tests.integration.test_server import STAND_IN as SERVER_STAND_IN
from tests.integration.test_server import wait_until
from tests.servers import free_port

NEWSFLOW = Path(sys.executable).with_name("newsflow")  # the console script, as users run it
STAND_IN = """
import json, os, sys, time
from pathlib import Path
from flows.cli import app
from flows.runtime import interrupt
from flows.runtime.warm import runner as warm_runner

def main(entry_env=None):
    if sys.argv[2:] == ["state"]:  # what the run has of the process it stands in for
        umask = os.umask(0)
        print(json.dumps({
            "umask": umask,
            "nice": os.getpriority(os.PRIO_PROCESS, 0),
            "cwd": os.getcwd(),
            "who": os.environ.get("WHO"),
            "argv": sys.argv,
            "main": sys.modules["__main__"].__file__,
            "stdin": sys.stdin.read(),
        }))
        raise SystemExit(4)
    if sys.argv[2:] == ["sleep"]:  # a run that waits to be stopped, as a flow does
        with interrupt.interruptible(lambda signum: print("interrupted", signum, flush=True)):
            print("sleeping", flush=True)
            try:
                time.sleep(60)
            except KeyboardInterrupt:
                interrupt.exit_now()
    cli_main(entry_env)

cli_main, app.main = app.main, main
warm_runner.prepare = lambda home, api_url: None  # the runs under test need nothing more
if len(sys.argv) > 3:
    warm_runner.ROOT = Path(sys.argv[3])  # the code it watches
warm_runner.main(Path(sys.argv[1]), sys.argv[2])
"""


@dataclass
class Runner:
    home: Path
    env: dict[str, str]  # the environment it started in: a client's, for it to take the run
    log: Path
    process: subprocess.Popen[bytes]

    def logged(self) -> str:
        return self.log.read_text()

    def wait_for(self, text: str, count: int = 1) -> None:
        assert wait_until(lambda: self.logged().count(text) >= count, 60), self.logged()

    def newsflow(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return self.run([str(NEWSFLOW), *args], **env)

    def run(self, command: list[str], **env: str) -> subprocess.CompletedProcess[str]:
        """A client to its end, in the runner's environment with `env` changed (stdin: a pipe,
        as descriptor 0 may be closed in CI, and a client without one runs on its own)."""
        return subprocess.run(
            command,
            env=self.env | env,
            cwd=self.home.parent,
            input="",
            capture_output=True,
            text=True,
            timeout=120,
        )

    def sleeping(self, output: Path) -> subprocess.Popen[bytes]:
        """A client whose run waits to be stopped, once that run has said so in `output`."""
        with open(output, "w") as handle:
            client = subprocess.Popen(
                [str(NEWSFLOW), "run", "sleep"],
                env=self.env,
                cwd=self.home.parent,
                stdin=subprocess.DEVNULL,
                stdout=handle,
                stderr=handle,
            )
        assert wait_until(lambda: "sleeping" in output.read_text(), 60), output.read_text()
        return client


@pytest.fixture
def api_url() -> Iterator[str]:
    """The home's server, as far as the runner asks it: a stand-in that answers /api/health."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER_STAND_IN, str(port)])
    url = f"http://127.0.0.1:{port}/api"
    yield url
    server.terminate()
    server.wait()


def start_runner(tmp_path: Path, api_url: str, *extra: str) -> Runner:
    home = tmp_path / "home"
    (home / "prefect").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSFLOW_"))}
    env["NEWSFLOW_HOME"] = str(home)
    env["NEWSFLOW_WARM"] = "1"
    log = tmp_path / "runner.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-P", "-c", STAND_IN, str(home), api_url, *extra],
            env=env,
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    runner = Runner(home, env, log, process)
    runner.wait_for(" ready in ")
    return runner


@pytest.fixture
def runner(tmp_path: Path, api_url: str) -> Iterator[Runner]:
    started = start_runner(tmp_path, api_url)
    yield started
    _stop(started)


def _stop(runner: Runner) -> None:
    if runner.process.poll() is None:
        runner.process.terminate()
        runner.process.wait(30)


def test_a_run_through_the_runner_ends_as_a_local_one(runner: Runner, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-drop"
    warm = runner.newsflow("run", str(missing))
    local = runner.newsflow("run", str(missing), NEWSFLOW_WARM="0")
    assert warm.returncode == local.returncode == 2
    assert warm.stderr == local.stderr and "does not exist" in warm.stderr
    assert warm.stdout == local.stdout == ""
    runner.wait_for(" ended: 2")  # the first one ran in the runner
    assert runner.logged().count(" ended: ") == 1

    # A relative path is the client's: the run works in the client's directory.
    relative = runner.newsflow("run", "no-such-drop")
    assert relative.returncode == 2 and "no-such-drop does not exist" in relative.stderr
    runner.wait_for(" ended: 2", count=2)


def test_the_run_stands_in_for_the_clients_process(runner: Runner, tmp_path: Path) -> None:
    """Its terminal (here stdin), directory, environment, arguments, main module (which spaCy's
    workers run), umask and priority; the runner's own are not the client's."""
    nice = min(os.getpriority(os.PRIO_PROCESS, 0) + 5, 19)
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    done = subprocess.run(
        ["nice", "-n", "5", str(NEWSFLOW), "run", "state"],
        env=runner.env | {"WHO": "the client"},
        cwd=workdir,
        input="from the client's stdin",
        capture_output=True,
        text=True,
        umask=0o027,
        timeout=60,
    )
    assert done.returncode == 4, done.stderr
    runner.wait_for(" ended: 4")
    state = json.loads(done.stdout)
    assert state == {
        "umask": 0o027,
        "nice": nice,
        "cwd": str(workdir),
        "who": "the client",
        "argv": [str(NEWSFLOW), "run", "state"],
        "main": str(NEWSFLOW),
        "stdin": "from the client's stdin",
    }


@pytest.mark.skipif(os.getuid() != 0, reason="only root may raise a priority")
def test_a_run_at_a_higher_priority_than_the_runners_runs_on_its_own(
    runner: Runner, tmp_path: Path
) -> None:
    done = runner.run(["nice", "-n", "-1", str(NEWSFLOW), "run", str(tmp_path / "no-such-drop")])
    assert done.returncode == 2
    runner.wait_for("left a run to its client")
    assert "a higher priority" in runner.logged()


def test_other_settings_run_in_the_clients_own_process(runner: Runner, tmp_path: Path) -> None:
    """Prefect and the model were loaded in the runner's settings: a run in others (here a
    batch size; a `.env` Prefect would read in its directory) runs on its own."""
    missing = str(tmp_path / "no-such-drop")
    other = runner.newsflow("run", missing, NEWSFLOW_BATCH_SIZE="7")
    assert other.returncode == 2 and "does not exist" in other.stderr
    runner.wait_for("left a run to its client")
    assert "other settings: NEWSFLOW_BATCH_SIZE" in runner.logged()

    (runner.home.parent / ".env").write_text("PREFECT_LOGGING_LEVEL=DEBUG\n")
    beside = runner.newsflow("run", missing)
    assert beside.returncode == 2
    runner.wait_for("other settings: .env")
    verbose = runner.newsflow("run", missing, "--verbose")
    assert verbose.returncode == 2
    assert " ended: " not in runner.logged()  # none of them ran in the runner


def test_a_runner_on_changed_code_declines_then_replaces_itself(
    tmp_path: Path, api_url: str
) -> None:
    code = tmp_path / "code"
    (code / "flows" / "cli").mkdir(parents=True)
    module = code / "flows" / "cli" / "app.py"
    module.write_text("# the code the runner imported\n")
    runner = start_runner(tmp_path, api_url, str(code))
    try:
        pid = runner.process.pid
        module.write_text("# the code a `git pull` brought, longer than before\n")
        # A client of the new code may ask in a form the old runner does not know: the code is
        # checked first.
        with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as conn:
            conn.connect(warm_client.address(runner.home / "prefect"))
            conn.send(b'{"a request of the next version": true}')
            assert warm_client.receive(conn) == {"local": "the code changed"}
        missing = str(tmp_path / "no-such-drop")
        assert runner.newsflow("run", missing).returncode == 2  # here, not in the runner
        runner.wait_for("restarts: the code changed")
        runner.wait_for(" ready in ", count=2)
        assert runner.process.pid == pid and runner.process.poll() is None  # the same process
        assert runner.newsflow("run", missing).returncode == 2
        runner.wait_for(" ended: 2")  # the next run is warm again
    finally:
        _stop(runner)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_to_the_client_stops_the_run_as_it_stops_a_local_one(
    runner: Runner, tmp_path: Path, signum: int
) -> None:
    output = tmp_path / "output"
    client = runner.sleeping(output)
    client.send_signal(signum)
    assert client.wait(30) == 128 + signum
    assert f"interrupted {signum}" in output.read_text()
    runner.wait_for(f" ended: {128 + signum}")


def test_the_run_of_a_client_that_went_away_is_stopped(runner: Runner, tmp_path: Path) -> None:
    output = tmp_path / "output"
    client = runner.sleeping(output)
    client.kill()
    client.wait()
    runner.wait_for(" ended: 143")  # SIGTERM, as the interrupted run reported
    assert "interrupted 15" in output.read_text()


def test_a_killed_runner_leaves_nothing_in_the_way(runner: Runner, tmp_path: Path) -> None:
    runner.process.kill()
    runner.process.wait()
    started = time.monotonic()
    local = runner.newsflow("run", str(tmp_path / "no-such-drop"))
    assert local.returncode == 2 and "does not exist" in local.stderr
    assert time.monotonic() - started < 30  # no wait on a socket nobody answers


def test_a_runner_that_does_not_answer_is_given_up_and_never_runs_the_command(
    runner: Runner, tmp_path: Path
) -> None:
    runner.process.send_signal(signal.SIGSTOP)
    try:
        started = time.monotonic()
        local = runner.newsflow("run", str(tmp_path / "no-such-drop"))
        assert local.returncode == 2 and "does not exist" in local.stderr  # here, after a wait
        assert time.monotonic() - started >= warm_client.HANDSHAKE_SECONDS
    finally:
        runner.process.send_signal(signal.SIGCONT)
    # The runner reads the request it was sent, but forks only on the client's go: the command
    # ran once, in the client.
    assert runner.newsflow("run", str(tmp_path / "no-such-drop")).returncode == 2
    runner.wait_for(" ended: 2")
    assert runner.logged().count(" ended: ") == 1


NOBODY = 65534
AS_NOBODY = """
import json, socket, sys
conn = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
conn.connect("\\0" + sys.argv[1])  # abstract: no NUL on a command line
request = {"argv": ["newsflow", "run", "x"], "cwd": "/", "env": {}, "executable": sys.executable,
           "ignored": [], "main": None, "umask": 0, "nice": 0, "groups": []}
try:
    conn.send(json.dumps(request).encode())
    print("answered", repr(conn.recv(4096)))
except (BrokenPipeError, ConnectionResetError):
    print("answered b''")  # hung up on before it could send its request, or before it was read
"""
POSING = """
import socket, sys
listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
listener.bind("\\0" + sys.argv[1])
listener.listen()
print("listening", flush=True)
conn, _ = listener.accept()
conn.settimeout(5)
try:
    print("received", repr(conn.recv(4096)), flush=True)
except OSError as error:
    print("received nothing:", type(error).__name__, flush=True)
"""


@pytest.fixture
def other_user() -> list[str]:
    """A Python another user can run (the project's may live in root's home)."""
    python = ["/usr/bin/python3", "-I", "-c"]
    if os.getuid() != 0 or not Path(python[0]).exists():
        pytest.skip("needs root and /usr/bin/python3 to act as another user")
    return python


def test_another_user_can_neither_use_the_runner_nor_pose_as_it(
    runner: Runner, tmp_path: Path, other_user: list[str]
) -> None:
    address = warm_client.address(runner.home / "prefect").removeprefix("\0")
    other = subprocess.run(
        [*other_user, AS_NOBODY, address], user=NOBODY, capture_output=True, text=True, timeout=30
    )
    assert other.stdout.strip() == "answered b''", other.stderr  # hung up on, unanswered
    runner.wait_for(f"refused a connection from uid {NOBODY}")
    _stop(runner)

    posing = subprocess.Popen([*other_user, POSING, address], user=NOBODY, stdout=subprocess.PIPE)
    assert posing.stdout is not None and posing.stdout.readline() == b"listening\n"
    local = runner.newsflow("run", str(tmp_path / "no-such-drop"))
    assert local.returncode == 2 and "does not exist" in local.stderr  # ran here
    assert posing.communicate(timeout=30)[0].decode().startswith("received b''")


def test_no_runner_is_asked_for_other_commands_or_when_it_is_off() -> None:
    env = {"NEWSFLOW_WARM": "1"}
    assert warm_client.eligible(["newsflow", "run", "drop"], env)
    assert not warm_client.eligible(["newsflow", "sql", "SELECT 1"], env)
    assert not warm_client.eligible(["newsflow", "run", "drop", "--verbose"], env)
    assert not warm_client.eligible(["newsflow", "run", "drop"], {})


def test_the_runner_is_the_one_of_the_home_the_run_would_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PREFECT_HOME")
    monkeypatch.delenv("NEWSFLOW_HOME")
    assert warm_client.prefect_home(["newsflow", "run", "d"]) == str(tmp_path / "data/prefect")
    argv = ["newsflow", "run", "d", "--home", "a", "--home=b"]
    assert warm_client.prefect_home(argv) == str(tmp_path / "b" / "prefect")
    monkeypatch.setenv("PREFECT_HOME", "elsewhere")
    assert warm_client.prefect_home(argv) == "elsewhere"
    # One socket per user and home, named in the abstract namespace: no path, so no limit of
    # 108 bytes to a deep home, and nothing a runner that was killed leaves behind.
    deep = tmp_path / ("x" * 200)
    assert warm_client.address(deep).startswith("\0newsflow-runner-")
    assert warm_client.address(deep) == warm_client.address(deep / ".." / deep.name)
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as probe:
        probe.bind(warm_client.address(deep))


def test_a_signal_between_the_go_and_the_arming_is_still_passed_on() -> None:
    """The run can print before the client is scheduled again after its go; a Ctrl-C then came
    before the client was armed, was noted, and never reached the run (the flaky SIGINT case
    above, under load)."""
    ours, runner_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    signals = warm_client._Signals(ours, ignored=[])
    try:
        signals._on(signal.SIGINT, None)  # as the handler does, before arm()
        runner_end.settimeout(0.2)
        with pytest.raises(TimeoutError):
            runner_end.recv(4096)  # nothing sent before the run is asked for
        signals.arm()
        signals._on(signal.SIGTERM, None)
        runner_end.settimeout(5)
        sent = [json.loads(runner_end.recv(4096)) for _ in range(2)]
        assert sent == [{"signal": signal.SIGINT}, {"signal": signal.SIGTERM}]
        assert signals.received == [signal.SIGINT, signal.SIGTERM]
    finally:
        signals.restore()
        ours.close()
        runner_end.close()
