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


def received() -> int | None:
    """The signal that interrupted the run, if one did."""
    return _State.received


@contextlib.contextmanager
def interruptible(report: Callable[[int], None]) -> Iterator[None]:
    """Inside, SIGINT and SIGTERM stop the run; `report(signum)` says what was committed.

    Prefect swaps in its own SIGTERM handler while a flow runs, so the deadline does not rest
    on which handler runs: every signal with a Python handler is also written to a wakeup pipe,
    and a watcher thread starts the watchdog (or, on a second signal, leaves at once).
    """
    _State.received, _State.report = None, report
    read, write = os.pipe()
    os.set_blocking(write, False)
    previous_fd = signal.set_wakeup_fd(write, warn_on_full_buffer=False)
    previous = {s: signal.signal(s, _on_signal) for s in _SIGNALS}
    unraisable = sys.unraisablehook
    sys.unraisablehook = _quiet_interrupts(unraisable)
    threading.Thread(target=_watch, args=(read,), name="newsflow-signals", daemon=True).start()
    try:
        yield
    finally:
        sys.unraisablehook = unraisable
        for number, handler in previous.items():
            signal.signal(number, handler)
        signal.set_wakeup_fd(previous_fd)
        os.close(write)  # the watcher reads end-of-file and stops


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    """The flow stops where it is; nothing after this point is committed."""
    _State.received = _State.received or signum
    raise KeyboardInterrupt


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
    _drain_events()
    _stop_temporary_api()
    if _State.report is not None:
        try:
            _State.report(signum)
        except Exception as error:  # the report must not keep the process alive
            sys.stderr.write(f"interrupted; could not read the outcome: {error}\n")
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
