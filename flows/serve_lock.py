"""One `newsflow serve` per home.

Two serves on one home fight over the same deployments and files: the second replaced the first's
schedules, and on exit paused every deployment and deleted `serve.json`, leaving the first
serving nothing. So `newsflow serve` holds an exclusive lock on `$NEWSFLOW_HOME/.serve.lock`
for as long as it runs, taken before it touches anything; a second one stops at once and names
the first.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from flows.local_server import Running

LOCK_FILE = ".serve.lock"


class ServeBusy(RuntimeError):
    """Another `newsflow serve` runs on this home; the message names it."""


@contextlib.contextmanager
def one_serve(home: Path) -> Iterator[None]:
    """Hold the home's serve lock, or raise ServeBusy naming the serve that holds it."""
    home.mkdir(parents=True, exist_ok=True)
    with open(home / LOCK_FILE, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            running = Running.read(home)
            where = f" with its API at {running.api_url}" if running else ""
            raise ServeBusy(
                f"another newsflow serve (pid {holder}) is serving {home}{where}; use it "
                f"(`newsflow trigger` talks to it), stop it (Ctrl-C in its terminal, or kill "
                f"{holder}), or serve another --home"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
