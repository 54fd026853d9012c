"""One `newsflow serve` per home.

Two serves on one home fight over the same deployments and files: the second replaced the first's
schedules, and on exit paused every deployment and deleted `serve.json`, leaving the first
serving nothing. So `newsflow serve` holds an exclusive lock on `$NEWSFLOW_HOME/.serve.lock`
for as long as it runs, taken before it touches anything; a second one stops at once and names
the first.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from flows.runtime.local_server import Running
from warehouse.pid_lock import Held, pid_lock

LOCK_FILE = ".serve.lock"


class ServeBusy(RuntimeError):
    """Another `newsflow serve` runs on this home; the message names it."""


@contextlib.contextmanager
def one_serve(home: Path) -> Iterator[None]:
    """Hold the home's serve lock, or raise ServeBusy naming the serve that holds it."""
    lock = contextlib.ExitStack()
    try:
        lock.enter_context(pid_lock(home / LOCK_FILE))
    except Held as held:
        running = Running.read(home)
        where = f" with its API at {running.api_url}" if running else ""
        raise ServeBusy(
            f"another newsflow serve (pid {held.holder}) is serving {home}{where}; use it "
            f"(`newsflow trigger` talks to it), stop it (Ctrl-C in its terminal, or kill "
            f"{held.holder}), or serve another --home"
        ) from None
    with lock:
        yield
