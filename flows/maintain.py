"""The `maintain` flow: weekly compaction and expiry of the lakehouse (warehouse/maintenance.py).

It takes the same write lock as a load and waits for it, so it never runs beside one; a load
that starts meanwhile waits for it in turn.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from prefect import flow
from prefect.artifacts import create_table_artifact

from flows.settings import store_for
from warehouse.maintenance import maintain as run_maintenance

FLOW_NAME = "maintain"


@flow(name=FLOW_NAME, log_prints=True, validate_parameters=False)
def maintain(
    home: str | None = None,
    keep_days: float = 30,
    purge: bool = False,
    lock_wait_seconds: float = 3600,
) -> dict[str, Any]:
    """Merge small files, expire snapshots older than `keep_days`, delete unneeded files."""
    store = store_for(home)
    store.check()
    with store.write_lock(wait=lock_wait_seconds):
        report = run_maintenance(store, keep_days, purge)
    rows = [
        {"table": t, "files before": n, "files after": report.files_after.get(t, 0)}
        for t, n in sorted(report.files_before.items())
    ]
    create_table_artifact(
        rows,
        key="maintain",
        description=f"{report.snapshots_expired} snapshots expired; "
        f"{report.bytes_before / 1e6:,.1f} → {report.bytes_after / 1e6:,.1f} MB",
    )
    return asdict(report)
