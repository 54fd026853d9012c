"""A time limit on one document's clean step, so one pathological page cannot stall a drop.

Signals only reach the main thread, and Prefect may run a task in a worker thread, so the limit is
an asynchronous exception set on the working thread by a watchdog thread. Python raises it at the
next bytecode the thread runs: a single long call into lxml finishes first, which the size cap on
pages keeps short.

One watchdog serves every limit of the process. A timer thread per limit, as this was first
written, cost a thread's start and end per document: a third of the clean step's samples in a
profile of a 10,000-article run, taken from the spaCy workers on a machine they fill.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class TimeLimitExceeded(Exception):
    """The work inside `time_limit` ran past its limit."""


class _Watchdog:
    """Deadlines of the limits in force, and the one thread that enforces them."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.deadlines: dict[object, tuple[int, float]] = {}  # limit -> (thread, deadline)
        self.thread: threading.Thread | None = None
        self.wakes_at: float | None = None  # None: the watchdog waits for a limit

    def arm(self, limit: object, seconds: float) -> None:
        """Waking the watchdog hands it the GIL (milliseconds of this thread's time), so it is
        woken only for a deadline before the one it waits for: documents cleaned one after the
        other under the same limit wake it once per limit's length, not once each."""
        deadline = time.monotonic() + seconds
        with self.changed:
            self.deadlines[limit] = (threading.get_ident(), deadline)
            if self.thread is None:
                self.thread = threading.Thread(target=self._watch, name="time-limit", daemon=True)
                self.thread.start()
            elif self.wakes_at is None or deadline < self.wakes_at:
                self.changed.notify()

    def disarm(self, limit: object) -> None:
        """Once a limit is disarmed under the lock it can no longer fire; an exception set just
        before is raised here at the latest, inside the block's own exit."""
        with self.changed:
            self.deadlines.pop(limit, None)

    def _watch(self) -> None:
        with self.changed:
            while True:
                now = time.monotonic()
                for limit, (thread, deadline) in list(self.deadlines.items()):
                    if deadline <= now:
                        del self.deadlines[limit]
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(
                            ctypes.c_ulong(thread), ctypes.py_object(TimeLimitExceeded)
                        )
                self.wakes_at = min((d for _, d in self.deadlines.values()), default=None)
                self.changed.wait(None if self.wakes_at is None else self.wakes_at - now)


_watchdog = _Watchdog()


def _after_fork() -> None:
    """A forked child has no watchdog thread (nor the parent's limits): it starts its own."""
    global _watchdog
    _watchdog = _Watchdog()


os.register_at_fork(after_in_child=_after_fork)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TimeLimitExceeded in this thread once `seconds` have passed inside the block."""
    limit = object()
    watchdog = _watchdog
    watchdog.arm(limit, seconds)
    try:
        yield
    finally:
        watchdog.disarm(limit)
