"""The `newsflow` command's entry point: a `newsflow run` goes to the home's warm runner when one
is up (flows/runtime/warm/runner.py); otherwise, and for every other command, the command runs here.

A one-article run on a home whose Prefect server is up spent 5-6 of its 8-9 s importing Prefect
and loading spaCy's model. The runner has done both once and forks a process for each run, which
then pays for its own work only. Every `newsflow` command imports this module first, so it
imports nothing but the standard library; and anything out of the ordinary (no runner, one
started in other settings or on other code, any error on the socket) runs the command here, as
before: correctness never depends on the runner.

The conversation, on a Unix socket in Linux's abstract namespace (no path to outgrow the
108-byte limit, nothing left behind by a runner that was killed), each side checking that the
other is the same user (SO_PEERCRED), so that nobody else can have the runner run anything, nor
pose as it to read a client's environment:
1. client → runner: argv, cwd, environment, the signals it ignores, umask, priority, groups;
2. runner → client: {"ready": true}, or {"local": why}: run here;
3. client → runner: {"go": true}, with its stdin, stdout and stderr (SCM_RIGHTS). The runner
   forks only now: a client that gave up waiting for 2 never meets a run of its command;
4. the forked run → client: {"started": pid} once it stands in for the client. Until then, the
   end of the conversation means that nothing ran: run here;
5. runner → client: {"exit": code} once the run has ended (negative: killed by that signal).
Meanwhile the client sends {"signal": n} for each SIGINT, SIGTERM and SIGHUP it gets, and the
runner passes it on to the run; a client that goes away has its run sent SIGTERM.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import socket
import struct
import sys
from collections import deque
from collections.abc import Mapping
from types import FrameType
from typing import Any, NoReturn

ON = "NEWSFLOW_WARM"  # "1": runs start in the home's warm runner (opt-in), which a run starts
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
HANDSHAKE_SECONDS = 5.0
MAX_REQUEST = 1 << 20  # the request of step 1 below (argv and the environment, as JSON)
_PEERCRED = struct.Struct("3i")  # pid, uid, gid


def run_warm_if_up() -> dict[str, str]:
    """Hand this command to the home's runner and leave with the run's exit code; when the
    command is to run in this process, return the environment it started with, before any of it
    changed it (what the home's runner, should this run start it, starts in: runner_env)."""
    entry = dict(os.environ)
    if eligible(sys.argv, os.environ):
        code = hand_over(sys.argv, prefect_home(sys.argv))
        if code is not None:
            leave(code)
    return entry


def eligible(argv: list[str], env: dict[str, str] | os._Environ[str]) -> bool:
    """Whether the runner may run this command: `run`, not --verbose (the runner imported
    Prefect with its logs quiet, as a run does unless --verbose), and NEWSFLOW_WARM=1."""
    return (
        sys.platform == "linux"
        and argv[1:2] == ["run"]
        and "--verbose" not in argv
        and env.get(ON) == "1"
    )


def prefect_home(argv: list[str]) -> str:
    """The PREFECT_HOME a run of `argv` would use (flows.settings.configure), which names the
    runner it can use."""
    from flows.settings import home_dir

    given = os.environ.get("PREFECT_HOME")
    return given if given is not None else str(home_dir(_home_option(argv)) / "prefect")


def _home_option(argv: list[str]) -> str | None:
    """The value of the last --home before a `--`, as the command line parser would take it."""
    found = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--home" and i + 1 < len(argv):
            found = argv[i + 1]
        elif arg.startswith("--home="):
            found = arg.partition("=")[2]
    return found


def address(folder: str | os.PathLike[str]) -> str:
    """The runner's socket for a PREFECT_HOME: abstract (the leading NUL), one per user and home."""
    digest = hashlib.sha256(os.fsencode(os.path.abspath(folder))).hexdigest()[:32]
    return f"\0newsflow-runner-{os.getuid()}-{digest}"


def peer(conn: socket.socket) -> tuple[int, int, int]:
    """The pid, uid and gid of the process at the other end, as the kernel knows them."""
    pid, uid, gid = _PEERCRED.unpack(
        conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _PEERCRED.size)
    )
    return pid, uid, gid


def send(conn: socket.socket, message: dict[str, Any]) -> None:
    conn.send(json.dumps(message).encode())


def receive(conn: socket.socket) -> dict[str, Any] | None:
    """The next message; None when the other end has gone."""
    data = conn.recv(4096)
    return json.loads(data) if data else None


def hand_over(argv: list[str], folder: str) -> int | None:
    """Run `argv` in the runner of this PREFECT_HOME and return its exit code; None when the
    command is to run here (no runner, it declined, or the conversation failed before the run
    started)."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as conn:
            conn.settimeout(HANDSHAKE_SECONDS)
            conn.connect(address(folder))
            if peer(conn)[1] != os.getuid():
                return None
            ignored = [int(s) for s in FORWARDED if signal.getsignal(s) is signal.SIG_IGN]
            signals = _Signals(conn, ignored)
            try:
                return _converse(conn, argv, ignored, signals)
            finally:
                signals.restore()
    except (OSError, ValueError):
        return None


def _converse(
    conn: socket.socket, argv: list[str], ignored: list[int], signals: _Signals
) -> int | None:
    umask = os.umask(0)
    os.umask(umask)
    # What a process inherits from the one that starts it, and the run would otherwise take
    # from the runner instead: the files it creates, its priority, its groups.
    request = {
        "argv": argv,
        "cwd": os.getcwd(),
        "env": dict(os.environ),
        "executable": sys.executable,
        "ignored": ignored,
        "main": getattr(sys.modules["__main__"], "__file__", None),
        "umask": umask,
        "nice": os.getpriority(os.PRIO_PROCESS, 0),
        "groups": os.getgroups(),
    }
    send(conn, request)
    reply = receive(conn)
    if signals.received:  # before anything ran: as if the command had been stopped at once
        return 128 + signals.received[0]
    if not reply or reply.get("ready") is not True:
        return None
    # The terminal goes with the go, to a runner that has just answered: descriptors in a
    # message nobody reads would keep the client's pipes open after it has gone.
    socket.send_fds(conn, [json.dumps({"go": True}).encode()], [0, 1, 2])
    signals.arm()
    conn.settimeout(None)
    started = receive(conn)
    if not started or "started" not in started:  # nothing ran
        return 128 + signals.received[0] if signals.received else None
    return _outcome(conn)


class _Signals:
    """SIGINT, SIGTERM and SIGHUP while the runner has the command: noted, and once the run is
    asked for, passed on to it. Those this process ignores stay ignored (and the run ignores
    them too)."""

    def __init__(self, conn: socket.socket, ignored: list[int]) -> None:
        self.conn = conn
        self.received: list[int] = []
        self._unsent: deque[int] = deque()
        self._armed = False
        self._previous = {s: signal.signal(s, self._on) for s in FORWARDED if s not in ignored}
        # The run gets the signals now: not this process's own watcher (flows.runtime.interrupt).
        self._wakeup = signal.set_wakeup_fd(-1)

    def arm(self) -> None:
        """The run is asked for: pass on every signal from now, and those already noted. A
        Ctrl-C that came between the go and this (its run printed at once, the client was not
        yet scheduled again) was otherwise noted and never sent: the run went on, the client
        waited for it."""
        self._armed = True
        self._send_unsent()

    def _on(self, signum: int, _frame: FrameType | None) -> None:
        self.received.append(signum)
        self._unsent.append(signum)
        if self._armed:
            self._send_unsent()

    def _send_unsent(self) -> None:
        # popleft is one step: a handler that runs in between sends the others, none twice.
        while self._unsent:
            signum = self._unsent.popleft()
            with contextlib.suppress(OSError):
                send(self.conn, {"signal": signum})

    def restore(self) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        signal.set_wakeup_fd(self._wakeup)


def _outcome(conn: socket.socket) -> int:
    """The run's exit code, once it has started. Whatever fails from here on, the command must
    not run again here."""
    try:
        while True:
            message = receive(conn)
            if message is None:
                break
            if "exit" in message:
                return int(message["exit"])
    except (OSError, ValueError):
        pass
    sys.stderr.write(
        "newsflow: the warm runner stopped before it said how the run ended; "
        '`newsflow sql "SELECT * FROM runs ORDER BY started_at DESC LIMIT 1"` shows it\n'
    )
    return 1


def leave(code: int) -> NoReturn:
    """Exit as the run did: with its code, or killed by the signal that killed it."""
    if code < 0:
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    sys.exit(code if code >= 0 else 128 - code)


def runner_env(entry: Mapping[str, str] | None) -> Mapping[str, str] | None:
    """The environment to start the home's warm runner in, should this run start the home's
    server: `entry`, the one `newsflow` started with (None: not started through the console
    script, without NEWSFLOW_WARM=1, or not on Linux)."""
    if entry is None or entry.get(ON) != "1" or sys.platform != "linux":
        return None
    return entry


def runner_pid(folder: str | os.PathLike[str]) -> int | None:
    """The pid of the runner listening for this PREFECT_HOME, if one is (`server status`)."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as conn:
            conn.settimeout(1.0)
            conn.connect(address(folder))
            pid, uid, _gid = peer(conn)
    except OSError:
        return None
    return pid if uid == os.getuid() else None
