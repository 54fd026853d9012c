"""The home's own Prefect server, kept between `newsflow run`s when no server is configured.

Prefect's temporary API costs every run 10-20 s of start-up on two cores (and a second Python
with 250 MB), more than the NLP of a small drop. So the first run on a home starts `prefect
server start` in the background (SQLite under PREFECT_HOME, the database `newsflow serve` uses),
later runs reuse it, and it stops by itself once no run has used it for the idle period
(NEWSFLOW_SERVER_IDLE_MINUTES, default 60; 0 gives every run a temporary API, as Prefect does).
Its UI shows the runs. `newsflow server status|stop` look at it and stop it.

How runs and the server share the home, through two files in PREFECT_HOME:
- `server.lock`: a run holds it shared for as long as it uses the server; starting the server,
  stopping it and `newsflow serve` (which runs its own server on the same database) hold it
  exclusive. So the server never stops under a run, and two servers never share one SQLite file.
  A run touches the file when it starts and ends: its mtime is the server's last use.
- `server.json`: the server's address and the pid of its supervisor, `python -m
  flows.runtime.server`, a small process of its own session (Ctrl-C in the terminal does not
  reach it) that runs the server as its child and stops it when idle or on SIGTERM; and, beside
  it, the home's warm runner (flows/runtime/warm/runner.py), in the environment the first run
  started with, once that run has ended. A run trusts the server only when the supervisor
  `server.json` names runs and its child is what listens at that address (prefect_server.serving):
  ports are shared by every home, and anything may answer `/health` there.

This module imports nothing of Prefect: the CLI starts the server before Prefect loads, and the
supervisor stays small.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from flows.runtime import prefect_database, prefect_server
from flows.runtime.local_server import LOG_FILE, ServerError, running_api
from flows.runtime.prefect_server import end, listened, port_of, read_state, serving, write_state

STATE_FILE = "server.json"
LOCK_FILE = "server.lock"
DEFAULT_IDLE_MINUTES = 60
# Not 4200, the port `newsflow serve` takes by default, so that serving another home still works.
PORTS = range(4201, 4300)
START_TIMEOUT = 180.0  # a first start on a busy 2-core machine creates the database: 20-80 s


def prefect_home() -> Path:
    return Path(os.environ["PREFECT_HOME"])  # set by configure()


@dataclass(frozen=True)
class Background:
    """What `server.json` records about the running server."""

    api_url: str
    pid: int  # the supervisor's
    idle_seconds: int

    @property
    def ui_url(self) -> str:
        return self.api_url.removesuffix("/api")

    @classmethod
    def read(cls, folder: Path) -> Background | None:
        data = read_state(folder / STATE_FILE)
        try:
            return cls(str(data["api_url"]), int(data["pid"]), int(data["idle_seconds"]))
        except (TypeError, KeyError, ValueError):  # TypeError: no file
            return None

    def write(self, folder: Path) -> None:
        write_state(folder / STATE_FILE, self.__dict__)

    @staticmethod
    def clear(folder: Path, pid: int) -> None:
        """Remove `server.json` if it still names this supervisor."""
        recorded = Background.read(folder)
        if recorded is not None and recorded.pid == pid:
            (folder / STATE_FILE).unlink(missing_ok=True)


def running(folder: Path) -> Background | None:
    """The background server of this PREFECT_HOME, if it is up: the supervisor that
    `server.json` names runs, and its child listens at the recorded address and answers there.
    Whatever else answers on that port (another home's server, after this one stopped) is not
    this home's, and a run never records its flow run there."""
    recorded = Background.read(folder)
    if recorded is None or not _alive(recorded.pid) or not serving(recorded.pid, recorded.api_url):
        return None
    return recorded


class Lease:
    """The server a run uses, held from `lease()` until `release()` (or the process's end).

    `api_url` None lets Prefect start a temporary API for the run. As a context manager: waits
    until the server answers on entry, releases it on exit.
    """

    def __init__(
        self,
        api_url: str | None,
        started: Background | None = None,
        handle: IO[str] | None = None,
    ) -> None:
        self.api_url = api_url
        self.started = started  # set when this run started the server
        self._handle = handle
        self._waiting = started is not None

    def ready(self, timeout: float = START_TIMEOUT) -> str | None:
        """Wait until the server answers (only a server this run started can keep us waiting)."""
        if self.started is None or not self._waiting:
            return self.api_url
        deadline = time.monotonic() + timeout
        while not serving(self.started.pid, self.started.api_url, timeout=1.0):
            if not _alive(self.started.pid) or time.monotonic() > deadline:
                raise ServerError(self._not_started(timeout))
            time.sleep(0.2)
        self._waiting = False
        return self.api_url

    def _not_started(self, timeout: float) -> str:
        assert self.started is not None
        port = port_of(self.started.api_url)
        if port is not None and listened(port):
            why = (
                f"the home's Prefect server did not start: another process listens on its port "
                f"{port}, and a run never uses a server that is not its home's; run again (a new "
                "run takes another port)"
            )
        else:
            why = f"the home's Prefect server did not start within {timeout:.0f}s"
        return (
            f"{why}; its log ({prefect_home() / LOG_FILE}) ends with:\n"
            f"{_log_tail(prefect_home())}\n"
            "Set NEWSFLOW_SERVER_IDLE_MINUTES=0 to run with a temporary Prefect API."
        )

    def describe(self, run_id: str) -> list[str]:
        """What to tell the person after the run: where to see it, and that the server stays."""
        lines = []
        if self.api_url and self._handle is not None:  # a server of this home, with its UI
            lines.append(f"Prefect UI: {self.api_url.removesuffix('/api')}/runs/flow-run/{run_id}")
        if self.started is not None:
            lines.append(
                "the home's Prefect server keeps running for the next runs and stops after "
                f"{self.started.idle_seconds // 60} idle minutes (newsflow server status|stop)"
            )
        return lines

    def release(self) -> None:
        """Let the server go: the run's end is its last use."""
        if self._handle is not None and not self._handle.closed:
            os.utime(self._handle.name)
            self._handle.close()  # closing drops the flock

    def __enter__(self) -> Lease:
        self.ready()
        return self

    def __exit__(self, *_: object) -> None:
        self.release()


def lease(
    home: Path,
    runner_env: Mapping[str, str] | None = None,
    idle_seconds: int = DEFAULT_IDLE_MINUTES * 60,
) -> Lease:
    """The Prefect server a `newsflow run` on `home` should use, held until released.

    In order: PREFECT_API_URL when configured; the server of a `newsflow serve` on this home;
    the home's background server, started now (without waiting: see Lease.ready) if it is not
    running, to stop after `idle_seconds` unused (NEWSFLOW_SERVER_IDLE_MINUTES, resolved in
    flows/options.py); none when that is 0. A server started here comes with the
    home's warm runner when `runner_env` is given: the environment to start it in.
    """
    if not _background_wanted(idle_seconds):
        return Lease(os.environ.get("PREFECT_API_URL") or None)
    folder = prefect_home()
    handle = _open_lock(folder)
    try:
        # Under the lock: `newsflow serve` holds it exclusive until its serve.json is written.
        api = _serving_or_running(home, folder)
        held = (
            Lease(api, handle=handle)
            if api
            else _start_or_join(home, folder, handle, runner_env, idle_seconds)
        )
    except BaseException:
        handle.close()
        raise
    os.utime(handle.name)
    return held


def would_start(home: Path, idle_seconds: int = DEFAULT_IDLE_MINUTES * 60) -> bool:
    """Whether `lease` would start the home's server now (seconds of work), by the same tests."""
    return _background_wanted(idle_seconds) and _serving_or_running(home, prefect_home()) is None


def _background_wanted(idle_seconds: int) -> bool:
    """No server configured (PREFECT_API_URL) and the background server not turned off."""
    return not os.environ.get("PREFECT_API_URL") and idle_seconds > 0


def _serving_or_running(home: Path, folder: Path) -> str | None:
    """The API of a `newsflow serve` on this home, else of the home's background server."""
    serving = running_api(home)
    if serving is not None:
        return serving
    found = running(folder)
    return found.api_url if found else None


def _start_or_join(
    home: Path,
    folder: Path,
    handle: IO[str],
    runner_env: Mapping[str, str] | None,
    idle_seconds: int,
) -> Lease:
    """Start the server under the exclusive lock, unless another run just did."""
    _relock(handle, fcntl.LOCK_EX, START_TIMEOUT)
    try:
        found = running(folder)
        if found is not None:
            return Lease(found.api_url, handle=handle)
        started = _spawn(folder, idle_seconds, home, runner_env)
        return Lease(started.api_url, started, handle)
    finally:
        os.utime(handle.name)  # a fresh last use, before the supervisor may look
        _relock(handle, fcntl.LOCK_SH, START_TIMEOUT)


def runner_command(home: Path, api_url: str) -> list[str]:
    """The home's warm runner, which the supervisor runs beside the server (tests put a
    stand-in here). -P: nothing of the directory it was started in shadows an installed module."""
    return [sys.executable, "-P", "-m", "flows.runtime.warm.runner", str(home), api_url]


def _spawn(folder: Path, idle: int, home: Path, runner_env: Mapping[str, str] | None) -> Background:
    env = prefect_server.server_env()
    if prefect_database.seed(folder):
        # The copy holds the block types already: registering them again costs 3-4 s of the
        # start. (A later start registers them once, should a newer Prefect bring new ones.)
        env["PREFECT_API_BLOCKS_REGISTER_ON_START"] = "false"
    else:
        prefect_database.build_in_background(folder / LOG_FILE)
    # The supervisor holds the port for as long as it runs: no other home's server takes it.
    reserved = prefect_server.reserve_port([*PORTS, 0])
    if reserved is None:
        raise ServerError("no free TCP port on 127.0.0.1 for the home's Prefect server")
    port = reserved.getsockname()[1]
    api_url = prefect_server.api_url(port)
    with reserved, open(folder / LOG_FILE, "ab") as log:
        supervisor = subprocess.Popen(
            [
                *(sys.executable, "-m", "flows.runtime.server"),
                *(str(folder), str(idle), str(reserved.fileno())),
                *prefect_server.server_command(port),
            ],
            stdin=subprocess.PIPE,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
            pass_fds=(reserved.fileno(),),
        )
    # The runner's command and environment go through a pipe: the environment may hold secrets.
    runner = (
        {"command": runner_command(home, api_url), "env": dict(runner_env)} if runner_env else {}
    )
    with supervisor.stdin as spec:  # type: ignore[union-attr]
        spec.write(json.dumps(runner).encode())
    started = Background(api_url, supervisor.pid, idle)
    started.write(folder)
    return started


def stop(folder: Path) -> Background | None:
    """Stop the background server, unless a run is using it (ServerBusy); return what stopped."""
    with _locked(folder) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ServerBusy(
                "a newsflow run is using the home's Prefect server; it stops by itself once "
                "idle, or run this again when the run has ended"
            ) from None
        return _stop(folder)


@contextlib.contextmanager
def excluded(folder: Path, on_wait: Callable[[], None]) -> Iterator[Background | None]:
    """No background server while this block runs, nor can one start: `newsflow serve` starts
    its own server on the same database inside it. Waits (after calling `on_wait`) for runs
    that use the background server to end; yields the server it stopped, if any."""
    with _locked(folder) as handle:
        fcntl.flock(handle, fcntl.LOCK_UN)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield _stop(folder)


def _stop(folder: Path) -> Background | None:
    """Stop the recorded server (the caller holds the lock exclusive)."""
    recorded = Background.read(folder)
    if recorded is None:
        return None
    if _alive(recorded.pid) and _supervisor(recorded.pid):
        os.kill(recorded.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while _alive(recorded.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _alive(recorded.pid):
            os.killpg(recorded.pid, signal.SIGKILL)  # the supervisor leads its session
    Background.clear(folder, recorded.pid)
    return recorded


@dataclass(frozen=True)
class Status:
    server: Background | None
    idle_for: float  # seconds since the last run used it
    in_use: bool  # a run holds the server now


def status(folder: Path) -> Status:
    used = in_use(folder)
    idle_for = time.time() - (folder / LOCK_FILE).stat().st_mtime
    return Status(running(folder), idle_for, used)


def in_use(folder: Path) -> bool:
    """Whether a run (or a start, a stop or `newsflow serve`) holds the server's lock now."""
    with _locked(folder) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return False
        except BlockingIOError:
            return True


class ServerBusy(ServerError):
    """The server is in use by a run and was not stopped."""


def _open_lock(folder: Path) -> IO[str]:
    """`server.lock`, held shared (callers may relock it exclusive); closing it lets it go."""
    folder.mkdir(parents=True, exist_ok=True)
    handle = open(folder / LOCK_FILE, "a+")  # noqa: SIM115 (a Lease closes it)
    fcntl.flock(handle, fcntl.LOCK_SH)
    return handle


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[IO[str]]:
    with _open_lock(folder) as handle:
        yield handle


def _relock(handle: IO[str], mode: int, timeout: float) -> None:
    """Change the lock's mode (flock does so by letting it go first, so it never deadlocks with
    another holder changing its own)."""
    fcntl.flock(handle, fcntl.LOCK_UN)
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(handle, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise ServerError(
                    f"the lock on the home's Prefect server ({handle.name}) was held for over "
                    f"{timeout:.0f}s; is a `newsflow serve` starting?"
                ) from None
            time.sleep(0.1)


def _alive(pid: int) -> bool:
    """Whether the process runs (a zombie does not; one of ours is reaped here)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _supervisor(pid: int) -> bool:
    """Whether process `pid` is a home's supervisor (a pid that `server.json` names may belong
    to another process by now, after the supervisor was killed: that one is not stopped)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return b"\0flows.runtime.server\0" in handle.read()
    except OSError:
        return False


def _log_tail(folder: Path, lines: int = 15) -> str:
    try:
        return "\n".join((folder / LOG_FILE).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def supervise(folder: Path, idle: int, command: list[str], runner: dict[str, Any]) -> None:
    """Run the server until it has been idle for `idle` seconds, or until SIGTERM; and beside it
    the warm runner, when `runner` gives its command and environment, from the moment no run
    holds the server: the run that started the server needs the CPU more than the runner's
    start (which cannot take it at a lower priority: its runs would inherit that)."""
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    server = subprocess.Popen(command, stdin=subprocess.DEVNULL)
    warm = None
    started = time.time()
    nap = min(5.0, max(idle / 10, 0.2))
    try:
        # Short naps: a server that dies on start is noticed at once; each look is one stat().
        while not stopping.wait(nap if warm or not runner else min(nap, 0.5)):
            if server.poll() is not None:
                return
            if runner and warm is None and not in_use(folder):
                warm = subprocess.Popen(
                    runner["command"], env=runner["env"], stdin=subprocess.DEVNULL
                )
            if _idle_stop(folder, started, idle):
                return
    finally:
        if warm is not None:
            end(warm)
        end(server)
        Background.clear(folder, os.getpid())


def _idle_stop(folder: Path, started: float, idle: int) -> bool:
    """Whether no run has used the server for `idle` seconds; if so, keep runs out (the lock
    stays exclusive until this process exits) so none starts on a server about to stop."""
    lock = folder / LOCK_FILE
    if time.time() - max(started, lock.stat().st_mtime) < idle:
        return False
    handle = open(lock, "a+")  # noqa: SIM115 (held until this process exits)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return False  # a run is using the server
    if time.time() - max(started, lock.stat().st_mtime) < idle:
        handle.close()  # a run ended between the two looks
        return False
    Background.clear(folder, os.getpid())
    return True


if __name__ == "__main__":
    # The server's port, reserved by the run that started this process (prefect_server.
    # reserve_port), held until this process ends.
    with socket.socket(fileno=int(sys.argv[3])):
        supervise(Path(sys.argv[1]), int(sys.argv[2]), sys.argv[4:], json.loads(sys.stdin.read()))
