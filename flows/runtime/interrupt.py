"""Ctrl-C and SIGTERM for `newsflow run`: stop within seconds, say what happened, exit 128+signal.

Left to themselves, a Ctrl-C at the terminal (SIGINT to the whole process group) stops Prefect's
temporary API server and the spaCy workers at the same moment as the flow; Prefect's exit hooks
then retry sending their queued events to the dead API for minutes, and the run may end with a
connection error although its load committed. So the first signal raises KeyboardInterrupt in
the flow (nothing after it is committed: a load only becomes visible with its commit record), and
the process then leaves by `exit_now`: child processes stopped, Prefect's queued events sent only
to a server that still answers (a long-lived one, for at most a few seconds), the outcome
reported, `os._exit`. A watchdog leaves the same way if the flow has not unwound in time; a
second signal leaves at once.

The console script calls `guard` first thing, so that this holds from a run's first instruction:
a signal before the flow runs (while Prefect imports, the spaCy workers start, the lake opens)
has nothing to unwind and leaves at once. Left to Python, SIGTERM there killed the process and
orphaned the workers it had started, and Ctrl-C printed a traceback, or was lost in a library
that catches it. And whatever a library swallows, a run that was asked to stop never commits
(`check`).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.util
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

# Seconds the flow gets to unwind after the first signal before the watchdog leaves for it.
GRACE_SECONDS = 3.0
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _State:
    received: int | None = None
    report: Callable[[int], None] | None = None
    lock = threading.Lock()
    leaving = False
    guarded = False  # guard() ran: the handlers stay until the process ends
    unwinding = False  # inside interruptible(): a signal lets the flow unwind first


def received() -> int | None:
    """The signal that interrupted the run, if one did."""
    return _State.received


def check() -> None:
    """Stop here if a signal asked the run to stop (a library may have swallowed the
    KeyboardInterrupt it raised): the flow calls it before its commit."""
    if _State.received is not None:
        raise KeyboardInterrupt


def guard(argv: list[str]) -> None:
    """For `newsflow run`, from its first instruction on: SIGINT and SIGTERM end the process
    with 128+signal, and its child processes with it, whatever it is doing. Other commands keep
    Python's defaults (`serve` stops on Ctrl-C in its own way)."""
    if argv[1:2] != ["run"] or _State.guarded:
        return
    _State.guarded = True
    _install()


@contextlib.contextmanager
def interruptible(report: Callable[[int], None]) -> Iterator[None]:
    """Inside, SIGINT and SIGTERM stop the run, which unwinds first (nothing after the signal is
    committed); `report(signum)` says what was committed, here and, after a guard(), until the
    process ends.

    Prefect swaps in its own SIGTERM handler while a flow runs, so the deadline does not rest
    on which handler runs: every signal with a Python handler is also written to a wakeup pipe,
    and a watcher thread starts the watchdog (or, on a second signal, leaves at once).
    """
    _State.report = report
    restore = None if _State.guarded else _install()
    _State.unwinding = True
    try:
        yield
    finally:
        _State.unwinding = False
        if restore is not None:
            restore()


def _install() -> Callable[[], None]:
    """Our handlers, the wakeup pipe and its watcher; returns what puts the previous ones back."""
    _State.received = None
    read, write = os.pipe()
    os.set_blocking(write, False)
    previous_fd = signal.set_wakeup_fd(write, warn_on_full_buffer=False)
    previous = {s: signal.signal(s, _on_signal) for s in _SIGNALS}
    unraisable = sys.unraisablehook
    sys.unraisablehook = _quiet_interrupts(unraisable)
    threading.Thread(target=_watch, args=(read,), name="newsflow-signals", daemon=True).start()

    def restore() -> None:
        sys.unraisablehook = unraisable
        for number, handler in previous.items():
            signal.signal(number, handler)
        signal.set_wakeup_fd(previous_fd)
        os.close(write)  # the watcher reads end-of-file and stops

    return restore


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    """A running flow stops where it is (nothing after this point is committed); outside one,
    there is nothing to unwind. Once the process is leaving, more signals change nothing."""
    if _State.leaving:
        return
    _State.received = _State.received or signum
    if _State.unwinding:
        raise KeyboardInterrupt
    exit_now(signum)


def _quiet_interrupts(hook: Callable[[Any], object]) -> Callable[[Any], object]:
    """An interrupt that lands in a finalizer is swallowed there (the watchdog still stops the
    run); Python would print its traceback, which says nothing to a person who pressed Ctrl-C."""

    def quiet(unraisable: Any) -> object:
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            return None
        return hook(unraisable)

    return quiet


def _watch(fd: int) -> None:
    """The first signal starts the watchdog; a second one (Ctrl-C again) leaves at once."""
    seen = 0
    with open(fd, "rb", buffering=0) as pipe:
        while data := pipe.read(64):
            for signum in data:
                if signum not in _SIGNALS:
                    continue
                seen += 1
                if seen > 1:
                    exit_now()
                _State.received = _State.received or signum
                watchdog = threading.Timer(GRACE_SECONDS, exit_now)
                watchdog.daemon = True
                watchdog.start()


def exit_now(signum: int | None = None) -> NoReturn:
    """Stop what this process started, report the outcome once, and leave with 128+signal."""
    _State.received = signum = _State.received or signum or signal.SIGINT
    with _State.lock:
        if _State.leaving:  # the other thread is on its way out
            threading.Event().wait()
        _State.leaving = True
    for number in _SIGNALS:  # from here on, nothing may interrupt the report
        signal.pthread_sigmask(signal.SIG_BLOCK, {number})
    if sys.stderr.isatty():  # a progress bar may have hidden the cursor: show it again
        sys.stderr.write("\x1b[?25h\n")
    _stop_children()
    if _State.report is None:  # before the flow: nothing ran, nothing to send or to read
        name = signal.Signals(signum).name
        sys.stderr.write(f"interrupted ({name}) before the run began: nothing was loaded\n")
    else:
        _drain_events()
        _stop_temporary_api()
        try:
            _State.report(signum)
        except Exception as error:  # the report must not keep the process alive
            sys.stderr.write(f"interrupted; could not read the outcome: {error}\n")
    _kill_stragglers()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(128 + signum)


def _stop_children() -> None:
    """spaCy or Dask worker processes: terminated, then killed if they linger."""
    children = multiprocessing.active_children()
    for child in children:
        with contextlib.suppress(Exception):
            child.terminate()
    deadline = time.monotonic() + 2.0  # for all of them together: the exit must stay prompt
    for child in children:
        child.join(max(deadline - time.monotonic(), 0.0))
        if child.is_alive():
            with contextlib.suppress(Exception):
                child.kill()
    # The worker pools' semaphores, released as a normal exit would (else the resource tracker
    # prints a warning about them after we are gone).
    with contextlib.suppress(Exception):
        multiprocessing.util._run_finalizers(0)  # type: ignore[attr-defined]


def _kill_stragglers() -> None:
    """Whatever child of this process is still there (a worker that was being spawned when the
    signal came, the clean step's child): killed. Not one in a session of its own (the home's
    Prefect server, meant to outlive the run), nor multiprocessing's resource tracker, which
    leaves by itself once the last process that uses it is gone, removing what they left."""
    group = os.getpgrp()
    for pid in _children():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            if int(fields[2]) == group and b"resource_tracker" not in command:
                os.kill(pid, signal.SIGKILL)
        except (OSError, IndexError, ValueError):  # gone meanwhile
            continue


def _children() -> list[int]:
    """The pids of this process's children (Linux; none elsewhere)."""
    pids: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{os.getpid()}/task").iterdir():
            with contextlib.suppress(OSError):
                pids += [int(pid) for pid in (task / "children").read_text().split()]
    return pids


def _drain_events() -> None:
    """Send Prefect's queued events (run states for the UI), if its API still answers."""
    if "prefect" not in sys.modules:
        return
    from prefect._internal.concurrency.services import _QueueServiceBase
    from prefect.settings import get_current_settings

    from flows.runtime.prefect_server import healthy

    api = get_current_settings().api.url
    if api and healthy(api, timeout=1.0):
        with contextlib.suppress(Exception):
            _QueueServiceBase.drain_all(timeout=3.0)


def _stop_temporary_api() -> None:
    """The API server Prefect started for this run alone (never a long-lived one)."""
    module = sys.modules.get("prefect.server.api.server")
    if module is None:
        return
    for server in list(module.SubprocessASGIServer._instances.values()):
        with contextlib.suppress(Exception):
            server.stop()
