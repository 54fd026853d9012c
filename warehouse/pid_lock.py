"""An exclusive lock on a file that names its holder: one writer per home, one serve per home.

A flock ends with the process that holds it (a crash or kill -9 never leaves a stale lock), and
the pid written into the file lets the refusal say which process to wait for or stop.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path


class Held(RuntimeError):
    """Another process holds the lock; `holder` is the pid it wrote ("unknown" if none)."""

    def __init__(self, holder: str) -> None:
        super().__init__(f"pid {holder}")
        self.holder = holder


@contextlib.contextmanager
def pid_lock(path: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold the lock on `path`, waiting up to `wait` seconds; raises Held when it stays taken."""
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait
    with open(path, "a+") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    raise Held(handle.read().strip() or "unknown") from None
                time.sleep(min(1.0, max(deadline - time.monotonic(), 0.01)))
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
