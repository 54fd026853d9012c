"""Named points where a test can kill the process, to prove a crash there loses nothing.

`NEWSFLOW_FAILPOINT=name` (or `name:n` for the n-th time the point is reached) makes the process
SIGKILL itself there: no cleanup, no finally blocks, exactly what a power cut or the OOM killer
does. `name:n:pause` holds the process there for NEWSFLOW_FAILPOINT_SECONDS instead, so a test can
act while a load is in flight; it first creates the file NEWSFLOW_FAILPOINT_REACHED names, if set,
so the test acts when the process is at the point, not when it guesses it is. Unset, a failpoint
costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from pathlib import Path

_hits: Counter[str] = Counter()


def failpoint(name: str) -> None:
    wanted = os.environ.get("NEWSFLOW_FAILPOINT")
    if not wanted:
        return
    point, _, rest = wanted.partition(":")
    if point != name:
        return
    nth, _, action = rest.partition(":")
    _hits[name] += 1
    if _hits[name] != int(nth or 1):
        return
    if action == "pause":
        if reached := os.environ.get("NEWSFLOW_FAILPOINT_REACHED"):
            Path(reached).touch()
        time.sleep(float(os.environ.get("NEWSFLOW_FAILPOINT_SECONDS", "20")))
    else:
        os.kill(os.getpid(), signal.SIGKILL)
