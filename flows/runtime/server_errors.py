"""Why the Prefect server a run talks to failed, in words a person can act on.

The server answers a failed write of its own database with a bare HTTP 500, which reached
users as `PrefectHTTPStatusError 500` with no hint that the disk holding the home's Prefect
database was full. The server's log is not the run's to read (it may be another process's, or
remote), so what is checked is what the run can see: the free space where the database lives.
"""

from __future__ import annotations

import shutil
from pathlib import Path

# Below this the server's SQLite database can fail a write (a transaction's journal and pages).
LOW_SPACE_BYTES = 64 * 2**20


def _server_status(error: BaseException) -> int | None:
    """The HTTP status of the Prefect API error behind `error` (its causes included), if any."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        response = getattr(current, "response", None)
        status = getattr(response, "status_code", None)
        if type(current).__name__ == "PrefectHTTPStatusError" and isinstance(status, int):
            return status
        current = current.__cause__ or current.__context__
    return None


def explain(error: BaseException, prefect_home: Path) -> str | None:
    """One line for a server-side failure of the Prefect API, or None when `error` is another."""
    status = _server_status(error)
    if status is None or status < 500:
        return None
    try:
        free = shutil.disk_usage(prefect_home).free
    except OSError:
        free = None
    if free is not None and free < LOW_SPACE_BYTES:
        return (
            f"the disk that holds the home's Prefect database ({prefect_home}) is full "
            f"({free // 2**20} MiB free), so the Prefect server could not record the run: free "
            "some space there (or set PREFECT_HOME to a folder on another disk) and run again"
        )
    return (
        f"the home's Prefect server failed (HTTP {status}); its database is in {prefect_home}: "
        "`newsflow server stop` then run again restarts it, --verbose shows its error"
    )
