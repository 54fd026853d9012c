"""A time limit on one document's clean step, so one pathological page cannot stall a drop.

Signals only reach the main thread, and Prefect may run a task in a worker thread, so the limit is
an asynchronous exception set on the working thread by a timer thread. Python raises it at the
next bytecode the thread runs: a single long call into lxml finishes first, which the size cap on
pages keeps short.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class TimeLimitExceeded(Exception):
    """The work inside `time_limit` ran past its limit."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TimeLimitExceeded in this thread once `seconds` have passed inside the block."""
    target = threading.get_ident()
    lock = threading.Lock()
    finished = False

    def expire() -> None:
        with lock:
            if not finished:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(
                    ctypes.c_ulong(target), ctypes.py_object(TimeLimitExceeded)
                )

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        # Once `finished` is set under the lock the timer can no longer fire; an exception it
        # set just before is raised here at the latest, inside the block's own exit.
        with lock:
            finished = True
        timer.cancel()
