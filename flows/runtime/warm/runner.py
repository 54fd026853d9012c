"""The home's warm runner: a process that has imported what a `newsflow run` imports and loaded
spaCy's default model, and forks a process for each run (a zygote, as Android starts its apps
from one, or as the Gradle daemon keeps a warm JVM).

Why: on a home whose Prefect server is up, a one-article run took 8-9 s, 5-6 of them importing
Prefect (pydantic models of its settings, client and schemas) and loading the model in a worker;
the run's own work is under 3 s. Forked from this process, a run starts with all of that done,
and parses a small drop itself with the model it inherits.

How it lives: the home's supervisor (flows/runtime/server.py) starts it beside the Prefect server,
in the environment of the run that started the server, once that run has ended (those seconds of CPU
are the run's; and the runner cannot take them at a lower priority instead, since every run forked
from it would inherit that priority), and stops both together. It imports in the settings a run
gives itself (flows.cli.run_settings and the server's address: Prefect reads them at import), then
listens on the home's socket (flows/runtime/warm/client.py has the conversation). It serves only
while it is the one thread of its process: a fork copies only the thread that forks, and whatever
another thread held (a lock, a connection) would be lost.

What a run forked from here shares with the runner is checked for every run; a run that would
differ runs in the client's own process:
- the interpreter; the variables read once at start or import (SETTINGS_PREFIXES,
  SETTINGS_NAMES) and Prefect's settings files in the working directory; the groups; a priority
  no higher than the runner's;
- the code: size and time of every file of flows/, tasks/ and warehouse/, of Prefect's files in
  its home, and the time of site-packages. Changed code also makes the runner replace itself
  (the same command, once its runs and the run that found the change have ended: its imports
  would slow that one), so that the next run is warm again.
The rest of the client's process becomes the run's: its terminal (stdin, stdout and stderr),
directory, environment, arguments, main module, umask, priority and signal dispositions; and the
CLI's consoles are made again, since Rich settles colours when a console is made.

The runner holds Prefect and the model while idle, about 400 MB. It is opt-in: only runs with
NEWSFLOW_WARM=1 start it and use it (docs/running.md has the figures), and it stops with the
home's server.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import io
import json
import os
import selectors
import signal
import socket
import sys
import sysconfig
import threading
import time
import tomllib
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flows.runtime.prefect_server import serving
from flows.runtime.server import in_use
from flows.runtime.warm import client

PACKAGES = ("flows", "tasks", "warehouse")
ROOT = Path(__file__).resolve().parents[3]
# Read once, at the interpreter's start or at import (Prefect's settings, the locale, the time
# zone, the BLAS threads, newsflow's own settings): a run with other values is not this one's.
SETTINGS_PREFIXES = ("PREFECT_", "NEWSFLOW_", "PYTHON", "LC_", "OMP_", "OPENBLAS_", "MKL_")
SETTINGS_NAMES = ("HOME", "LANG", "TZ", "TMPDIR", "DO_NOT_TRACK")
# Prefect reads these from the working directory (pyproject.toml: its [tool.prefect] table) ...
CWD_FILES = (".env", "prefect.toml")
# ... and these from its home.
PREFECT_HOME_FILES = ("profiles.toml", "logging.yml")
# What a run imports after its start, beyond what the CLI imports: newsflow's modules in the
# order a run imports them, then what Prefect and DuckDB import only once a flow runs (1 s of
# a one-article run: Prefect's engines and their graphviz, FastAPI's encoder for the flow's
# parameters, anyio's event loop for Prefect's client, pyarrow's datasets for the tables DuckDB
# is handed).
MODULES = (
    "duckdb",
    "pyarrow",
    "flows.drops",
    "tasks.ingest",
    "warehouse.store",
    "flows.startup",
    "flows.runtime.interrupt",
    "flows.progress",
    "flows.process_drop",
    "flows.runners",
    "warehouse.remote",
    "prefect.flow_engine",
    "prefect.task_engine",
    "prefect.utilities.visualization",
    "fastapi.encoders",
    "anyio._backends._asyncio",
    "pyarrow.dataset",
)
WAIT_SECONDS = 0.5  # between looks at whether a run holds the server's lock
LOOK_SECONDS = 5.0  # between looks at whether the supervisor is still there
RESTART_GRACE = 5.0  # for a run on its own to take the server's lock (it does so within 1-2 s)


def log(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} newsflow warm runner {message}", flush=True)


def main(home: Path, api_url: str) -> None:
    started = time.monotonic()
    folder = Path(os.environ.get("PREFECT_HOME", home / "prefect"))  # as configure() has it
    baseline = Baseline.take(folder)
    supervisor = os.getppid()
    while in_use(folder):  # a restart's: the run that found the code changed (_restart_due)
        time.sleep(WAIT_SECONDS)
    prepare(home, api_url)
    threads = threading.enumerate()
    if len(threads) != 1:
        log(f"not serving: {len(threads)} threads run ({', '.join(t.name for t in threads)})")
        return
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        listener.bind(client.address(folder))
    except OSError as error:
        log(f"not serving: {error} (another runner of this home?)")
        return
    listener.listen(16)
    log(f"pid {os.getpid()} ready in {time.monotonic() - started:.1f}s")
    runner = Runner(listener, baseline, api_url, supervisor)
    request = runner.serve()
    if request is None:
        if runner.stale_since is not None and not runner.stopping:
            log("restarts: the code changed")
            os.execve(sys.executable, sys.orig_argv, baseline.env)
        return
    try:
        become(request)
    except Exception:  # the client gets no "started": it runs the command itself
        os._exit(1)
    from flows.cli.app import main

    main(request.env)


def prepare(home: Path, api_url: str) -> None:
    """Import and load, once, what a run needs, in the settings a run has when it imports."""
    from flows.cli.app import begin_process
    from flows.cli.run import run_settings

    begin_process()
    run_settings(str(home), verbose=False)
    os.environ["PREFECT_API_URL"] = api_url
    for name in MODULES:
        importlib.import_module(name)
    from tasks.clean import load_language_model
    from tasks.nlp import load_model

    load_model()
    load_language_model()
    _build_models()
    gc.collect()
    gc.freeze()  # the runs' collections leave what the runner holds alone (and its pages shared)


def _build_models() -> None:
    """Build the validators of Prefect's pydantic models now. Prefect defers them to each
    model's first use (pydantic's defer_build), so every forked run would build the ones it
    uses: 0.3 s of a one-article run for the artifact alone. A model that cannot be built yet
    is left to its first use, as before."""
    import pydantic

    models, seen = [pydantic.BaseModel], set()
    while models:
        for model in models.pop().__subclasses__():
            if model not in seen:
                seen.add(model)
                models.append(model)
    for model in seen:
        if not model.__pydantic_complete__:
            with contextlib.suppress(Exception):
                # Names resolved in the model's own module, never among this function's locals.
                model.model_rebuild(raise_errors=False, _parent_namespace_depth=0)


@dataclass(frozen=True)
class Baseline:
    """What the runner was started with and on: each run's must be the same."""

    executable: str
    env: dict[str, str]  # the whole environment it started in (for a restart)
    settings: dict[str, Any]
    code: dict[str, tuple[int, int] | None]
    folder: Path

    @classmethod
    def take(cls, folder: Path) -> Baseline:
        env = dict(os.environ)
        return cls(sys.executable, env, settings(env, os.getcwd()), code_state(folder), folder)

    def refuse(self, request: Request) -> str | None:
        """Why this runner must not run the request; None when it may."""
        if not client.eligible(request.argv, request.env):
            return "not a run it can take"
        if request.executable != self.executable:
            return f"another interpreter ({request.executable})"
        if request.gid != os.getgid() or sorted(request.groups) != sorted(os.getgroups()):
            return "other groups"
        nice = os.getpriority(os.PRIO_PROCESS, 0)
        if request.nice < nice:  # a process may lower its priority, not raise it
            return f"a higher priority (nice {request.nice}) than the runner's ({nice})"
        theirs = settings(request.env, request.cwd)
        if theirs != self.settings:
            return f"other settings: {', '.join(_differences(self.settings, theirs))}"
        return None


def settings(env: Mapping[str, str], cwd: str) -> dict[str, Any]:
    """What of the environment and the working directory is read once, at start or import."""
    chosen = {
        k: v
        for k, v in env.items()
        if (k.startswith(SETTINGS_PREFIXES) or k in SETTINGS_NAMES) and k != client.ON
    }
    files: dict[str, Any] = {name: _read(Path(cwd, name)) for name in CWD_FILES}
    files["pyproject.toml [tool.prefect]"] = _tool_prefect(Path(cwd, "pyproject.toml"))
    return {"env": chosen, "files": files}


def _differences(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    """Names only: values may be secrets, and this goes to the server's log."""
    return sorted(
        name
        for part in ("env", "files")
        for name in ours[part].keys() | theirs[part].keys()
        if ours[part].get(name) != theirs[part].get(name)
    )


def _read(path: Path) -> str | None:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return None


def _tool_prefect(path: Path) -> Any:
    try:
        return tomllib.loads(path.read_text()).get("tool", {}).get("prefect")
    except (OSError, ValueError):
        return _read(path)  # unreadable or not TOML: as it is


def code_state(folder: Path) -> dict[str, tuple[int, int] | None]:
    """Size and modification time of what the runner imported or read: every file of the
    project's packages, Prefect's files in its home, and site-packages (a package installed or
    removed changes its time)."""
    paths = [
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*")
        if "__pycache__" not in path.parts and path.is_file()
    ]
    paths += [folder / name for name in PREFECT_HOME_FILES]
    paths.append(Path(sysconfig.get_paths()["purelib"]))
    state: dict[str, tuple[int, int] | None] = {}
    for path in paths:
        try:
            stat = path.stat()
            state[str(path)] = (stat.st_size, stat.st_mtime_ns)
        except OSError:
            state[str(path)] = None
    return state


@dataclass
class Request:
    """A client's command, as it asked for it."""

    conn: socket.socket
    argv: list[str]
    cwd: str
    env: dict[str, str]
    ignored: list[int]
    main: str | None
    executable: str
    umask: int
    nice: int
    groups: list[int]
    gid: int  # as the kernel tells it
    fds: list[int] = field(default_factory=list)

    @classmethod
    def receive(cls, conn: socket.socket, gid: int) -> Request | None:
        """The request of a client that connected; None for a look (`newsflow server status`)
        or anything malformed."""
        data, _, flags, _ = conn.recvmsg(client.MAX_REQUEST)
        try:
            if not data or flags & socket.MSG_TRUNC:
                raise ValueError("not a whole request")
            asked = json.loads(data)
            return cls(
                conn,
                [str(a) for a in asked["argv"]],
                str(asked["cwd"]),
                {str(k): str(v) for k, v in asked["env"].items()},
                [int(s) for s in asked["ignored"]],
                None if asked["main"] is None else str(asked["main"]),
                str(asked["executable"]),
                int(asked["umask"]),
                int(asked["nice"]),
                [int(g) for g in asked["groups"]],
                gid,
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None

    def go(self) -> bool:
        """Whether the client, told that its run is ready, said go; its three descriptors come
        with it."""
        data, self.fds, flags, _ = socket.recv_fds(self.conn, 4096, 3)
        if len(self.fds) != 3 or flags & (socket.MSG_TRUNC | socket.MSG_CTRUNC):
            return False
        message = json.loads(data) if data else None
        return isinstance(message, dict) and message.get("go") is True

    def close_fds(self) -> None:
        for fd in self.fds:
            os.close(fd)
        self.fds = []


class Runner:
    """The accept loop: one thread, children reaped as they end (SIGCHLD wakes the loop)."""

    def __init__(
        self, listener: socket.socket, baseline: Baseline, api_url: str, supervisor: int
    ) -> None:
        self.listener = listener
        self.baseline = baseline
        self.api_url = api_url
        self.supervisor = supervisor
        self.runs: dict[int, socket.socket | None] = {}  # pid → its client (None: gone)
        self.stale_since: float | None = None  # when a run found the code changed
        self.stopping = False
        self.selector = selectors.DefaultSelector()
        self.wake_read, self.wake_write = os.pipe()

    def serve(self) -> Request | None:
        """Fork a child for each run it may take. Returns in each child, with its request; in
        the runner, None once it is to stop or to restart (and no child of it runs)."""
        for fd in (self.wake_read, self.wake_write):
            os.set_blocking(fd, False)
        signal.set_wakeup_fd(self.wake_write)
        for signum in (signal.SIGCHLD, signal.SIGTERM):
            signal.signal(signum, _noted)  # the number comes through the wake-up pipe
        self.selector.register(self.listener, selectors.EVENT_READ)
        self.selector.register(self.wake_read, selectors.EVENT_READ)
        while self.runs or not (self.stopping or self._restart_due()):
            for key, _ in self.selector.select(WAIT_SECONDS if self.stale_since else LOOK_SECONDS):
                if key.fileobj is self.listener and not self.stopping:
                    request = self._accept()
                    if request is None:
                        continue
                    pid = os.fork()
                    if pid == 0:
                        self._leave_to(request)
                        return request
                    request.close_fds()
                    self.runs[pid] = request.conn
                    self.selector.register(request.conn, selectors.EVENT_READ, pid)
                elif key.fileobj == self.wake_read:
                    self._signals()
                elif key.fileobj is not self.listener:
                    self._from_client(key.data, key.fileobj)  # type: ignore[arg-type]
            self._reap()
            if os.getppid() != self.supervisor and not self.stopping:
                log("stops: its supervisor has gone")
                self._stop()
        self.selector.close()
        self.listener.close()
        return None

    def _accept(self) -> Request | None:
        """A client's request once it said go, if the runner may take it; otherwise the client
        is told to run the command itself (or, if it is not this user's, hung up on)."""
        conn, _ = self.listener.accept()
        conn.settimeout(client.HANDSHAKE_SECONDS)
        request = None
        try:
            pid, uid, gid = client.peer(conn)
            if uid != os.getuid():
                log(f"refused a connection from uid {uid} (pid {pid})")
            elif self._stale():  # before the request: its form may have changed with the code
                log(f"left a run to its client (pid {pid}): the code changed")
                conn.recvmsg(client.MAX_REQUEST)  # read (a socket closed unread resets the reply)
                client.send(conn, {"local": "the code changed"})
            elif (request := Request.receive(conn, gid)) is not None:
                refused = self.baseline.refuse(request)
                if refused is None and not serving(self.supervisor, self.api_url, timeout=1.0):
                    refused = "the home's Prefect server does not answer"
                if refused is not None:
                    log(f"left a run to its client (pid {pid}): {refused}")
                    client.send(conn, {"local": refused})
                else:
                    client.send(conn, {"ready": True})
                    if request.go():
                        sys.stdout.flush()  # or the child would write it again
                        return request
        except (OSError, ValueError):
            pass
        if request is not None:
            request.close_fds()
        conn.close()
        return None

    def _stale(self) -> bool:
        """Whether the code changed since the runner imported it (once it has, it stays so)."""
        if self.stale_since is None and code_state(self.baseline.folder) != self.baseline.code:
            self.stale_since = time.monotonic()
        return self.stale_since is not None

    def _restart_due(self) -> bool:
        """The code changed, and the run that found it so (which runs on its own) has taken the
        server's lock, or has had RESTART_GRACE seconds to: the new runner then waits for that
        run to end before it imports, instead of importing beside its start."""
        if self.stale_since is None:
            return False
        return in_use(self.baseline.folder) or time.monotonic() - self.stale_since > RESTART_GRACE

    def _leave_to(self, request: Request) -> None:
        """In the child: nothing of the runner's loop stays open but the run's conversation."""
        signal.set_wakeup_fd(-1)
        self.selector.close()
        self.listener.close()
        os.close(self.wake_read)
        os.close(self.wake_write)
        for conn in self.runs.values():
            if conn is not None:
                conn.close()
        self.runs.clear()

    def _signals(self) -> None:
        try:
            numbers = os.read(self.wake_read, 256)
        except BlockingIOError:
            return
        if signal.SIGTERM in numbers and not self.stopping:
            log("stops: SIGTERM")
            self._stop()

    def _stop(self) -> None:
        """No more runs; the running ones are stopped as a SIGTERM to a local run would."""
        self.stopping = True
        self.selector.unregister(self.listener)
        self.listener.close()
        for pid in self.runs:
            os.kill(pid, signal.SIGTERM)

    def _from_client(self, pid: int, conn: socket.socket) -> None:
        """A signal to pass on, or the client gone (its run is stopped)."""
        try:
            message = client.receive(conn)
        except (OSError, ValueError):
            message = None
        if message is None:
            self.selector.unregister(conn)
            conn.close()
            self.runs[pid] = None
            os.kill(pid, signal.SIGTERM)
        elif message.get("signal") in client.FORWARDED:
            os.kill(pid, int(message["signal"]))

    def _reap(self) -> None:
        """Tell each ended run's client how it ended."""
        while self.runs:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            conn = self.runs.pop(pid, None)
            code = os.waitstatus_to_exitcode(status)
            log(f"run {pid} ended: {code}")
            if conn is not None:
                self.selector.unregister(conn)
                with contextlib.suppress(OSError):  # the client may be gone
                    client.send(conn, {"exit": code})
                conn.close()


def _noted(_signum: int, _frame: types.FrameType | None) -> None:
    """Nothing: the signal's number is on the wake-up pipe."""


def become(request: Request) -> None:
    """In the child: stand in for the client's process, as if `newsflow` had started there."""
    for signum in (*client.FORWARDED, signal.SIGCHLD):
        default = signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL
        signal.signal(signum, signal.SIG_IGN if signum in request.ignored else default)
    os.chdir(request.cwd)
    os.umask(request.umask)
    os.setpriority(os.PRIO_PROCESS, 0, request.nice)
    for target, fd in enumerate(request.fds):
        os.dup2(fd, target)
    request.close_fds()
    os.environ.clear()
    os.environ.update(request.env)
    sys.argv = request.argv
    _streams()
    main = types.ModuleType("__main__")  # as the console script is: spaCy's workers run it
    main.__file__ = request.main
    sys.modules["__main__"] = main
    client.send(request.conn, {"started": os.getpid()})


# The runner's own streams, kept from being collected (which would close descriptors 0-2,
# now the client's).
_RUNNER_STREAMS: list[io.TextIOWrapper] = []


def _streams() -> None:
    """sys.stdin, stdout and stderr made again for the client's descriptors, as the interpreter
    makes them at start: stdout line-buffered on a terminal, stderr always."""
    for name, fd in (("stdin", 0), ("stdout", 1), ("stderr", 2)):
        old = getattr(sys, name)
        _RUNNER_STREAMS.append(old)
        line_buffering = name == "stderr" or (name == "stdout" and os.isatty(fd))
        new = io.TextIOWrapper(
            open(fd, "rb" if name == "stdin" else "wb", closefd=False),  # noqa: SIM115
            encoding=old.encoding,
            errors=old.errors,
            newline="\n",
            line_buffering=line_buffering,
            write_through=old.write_through,
        )
        setattr(sys, name, new)
        setattr(sys, f"__{name}__", new)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
