"""One load of a drop on this machine, as `newsflow run` starts it and Python code may: the drop
hashed once, the lake prepared once, the home's Prefect server and the spaCy workers started
while Prefect loads, then the `process-drop` flow.

What it does not do is talk to a person: the caller gets an Outcome (or an exception) and says
what it means. Call `flows.configure(home)` first, once per process: Prefect reads its settings at
import, and the flow is imported here.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from flows.options import RunOptions
from flows.progress import Sink

if TYPE_CHECKING:
    from flows.report import RunSummary
    from tasks.records import FileEntry
    from warehouse.store import Store


class Status(StrEnum):
    LOADED = "loaded"  # the flow ran and committed
    EMPTY = "empty"  # the drop holds no input files
    ALREADY_LOADED = "already loaded"  # every file of the drop is in the warehouse


@dataclass
class Outcome:
    """How a run that did not fail ended."""

    status: Status
    files: int
    summary: RunSummary | None = None
    # The load committed, and then this failed (publishing the run, ending the flow run).
    late_error: Exception | None = None
    # Where the run can be looked at (the Prefect UI of the server it used).
    links: list[str] = field(default_factory=list)


class RunFailed(RuntimeError):
    """A run that committed nothing; the message says why in one line (`error` is the cause)."""

    def __init__(self, reason: str, error: Exception) -> None:
        super().__init__(reason)
        self.error = error


# What a caller learns of an interrupted run before the process leaves: the signal's name and
# the run's summary if its load had committed (None: nothing of it was committed).
OnInterrupt = Callable[[str, "RunSummary | None"], None]


def local_run(
    drop: Path,
    options: RunOptions,
    *,
    runner: str = "thread",
    dask_address: str | None = None,
    retry_rejects: bool = False,
    announce: Callable[[str], None] = lambda _message: None,
    progress: Sink | None = None,
    on_interrupt: OnInterrupt | None = None,
    warm_env: Mapping[str, str] | None = None,
) -> Outcome:
    """Load `drop` (a folder, a file or an archive) into the warehouse of `options`.

    `announce` hears of slow starts (the home's Prefect server starting). With `on_interrupt`,
    SIGINT and SIGTERM stop the run, it is told what the run left, and the process exits with
    128+signal (flows/runtime/interrupt.py); without it, a KeyboardInterrupt is raised as usual.
    With `warm_env`, a home's server this run starts comes with the warm runner, started in
    that environment (flows/runtime/warm/, opt-in).
    Raises RunFailed, warehouse.store.WarehouseBusy when another run holds the warehouse, and
    duckdb.Error or warehouse.ownership.DataPathTaken when the lake cannot be opened.
    """
    from tasks.ingest import scan

    store = options.store
    entries = scan(drop)
    if not entries:
        return Outcome(Status.EMPTY, 0)

    from flows.runtime.server import would_start
    from flows.startup import begin, new_local_lake, prepare_lake

    # The lake opens (and is created or upgraded) in a thread while the spaCy workers start and
    # Prefect is imported; the flow waits for the server only. Unless the home's Prefect server
    # would have to start for a lake that may hold the drop: then that is known first.
    surely_new = new_local_lake(store)
    preparing = prepare_lake(store, lambda: _all_done(drop, entries, store, retry_rejects))
    idle = 60 * options.server_idle_minutes
    if not surely_new and would_start(options.home, idle) and preparing.result():
        return Outcome(Status.ALREADY_LOADED, len(entries))
    server = begin(options, entries, runner, warm_env)
    if server.started:
        announce(f"starting the home's Prefect server ({server.started.ui_url}) …")

    from flows import progress as progress_hooks
    from flows.process_drop import Scanned, process_drop
    from flows.runners import flow_with_runner
    from flows.runtime import interrupt
    from flows.startup import without_heartbeats

    if preparing.result():
        return Outcome(Status.ALREADY_LOADED, len(entries))

    workers = options.n_process
    flow = flow_with_runner(process_drop, runner, dask_address, workers)
    if runner == "dask":  # the workers are the processes: each parses its batches itself
        options = replace(options, n_process=1, batches_in_flight=2 * workers)
    source, started = str(drop.resolve()), datetime.now(UTC)

    def report(signum: int) -> None:
        if on_interrupt is not None:
            on_interrupt(signal.Signals(signum).name, _after_interrupt(store, source, started))

    interruptible = (
        interrupt.interruptible(report) if on_interrupt is not None else contextlib.nullcontext()
    )
    try:
        with interruptible, server, without_heartbeats():
            progress_hooks.attach(progress)
            summary = flow(
                str(drop),
                options=options,
                scanned=Scanned(entries),
                prepared=True,
                lock_wait_seconds=0,
                retry_rejects=retry_rejects,
            )
    except BaseException as error:
        # Ctrl-C, SIGTERM (Prefect raises its TerminationSignal for that one while a flow runs)
        signum = getattr(error, "signal", None)
        interrupted = isinstance(error, KeyboardInterrupt) or signum is not None
        if on_interrupt is not None and (interrupt.received() or interrupted):
            interrupt.exit_now(signum)
        if not isinstance(error, Exception):
            raise
        committed = committed_run(store, source, started)
        if committed is not None:  # the load is in: whatever failed after it, it did not fail
            return Outcome(Status.LOADED, len(entries), committed, late_error=error)
        from warehouse.store import WarehouseBusy

        if isinstance(error, WarehouseBusy):
            raise
        raise RunFailed(_cause(error, options), error) from error
    finally:
        progress_hooks.attach(None)
    return Outcome(Status.LOADED, len(entries), summary, links=server.describe(summary.run_id))


def _all_done(path: Path, entries: list[FileEntry], store: Store, retry_rejects: bool) -> bool:
    """Whether every file of the drop is loaded (and, to retry rejects, none was refused for a
    limit when last read)."""
    from flows.drops import loaded
    from tasks.records import LIMIT_REASONS

    if not loaded(path, entries, store):
        return False
    return not retry_rejects or not store.limit_rejects([e.sha256 for e in entries], LIMIT_REASONS)


def _cause(error: BaseException, options: RunOptions) -> str:
    """Why a run failed, in one line: the warehouse's or the Prefect server's own explanation
    when there is one."""
    from flows.runtime import server_errors
    from flows.settings import prefect_home
    from warehouse.remote import explain

    return (
        explain(error, options.store.location)
        or server_errors.explain(error, prefect_home(options.home))
        or f"{type(error).__name__}: {error}"
    )


def committed_run(store: Store, source: str, since: datetime) -> RunSummary | None:
    """The completed run on this source that started after `since`, if one committed (None
    too when the catalog cannot be reached to tell: the failure says why)."""
    import duckdb

    try:
        runs = [r for r in runs_since(store, since) if r.source == source]
    except duckdb.Error:
        return None
    return next((r for r in reversed(runs) if r.status == "completed"), None)


def runs_since(store: Store, since: datetime) -> list[RunSummary]:
    """The `runs` rows of the runs that started after `since`, oldest first."""
    from flows.report import RunSummary

    if not store.exists():
        return []
    with store.connect() as con:
        result = con.execute(
            "SELECT * FROM runs WHERE started_at >= $since ORDER BY started_at", {"since": since}
        )
        columns = [d[0] for d in result.description or []]
        rows = result.fetchall()
    return [RunSummary.from_row(dict(zip(columns, row, strict=True))) for row in rows]


def _after_interrupt(store: Store, source: str, since: datetime) -> RunSummary | None:
    """What an interrupted run leaves: its whole load (if it had committed) or nothing."""
    committed = committed_run(store, source, since)
    if committed is not None:
        return committed
    from warehouse.store import WarehouseBusy

    # What the run wrote is invisible already; removing it now leaves the disk as before too.
    # The flow may still be unwinding (the watchdog reports for it): give it a moment to let go
    # of the write lock. (Should it still hold it, the next run removes the batches instead.)
    with contextlib.suppress(WarehouseBusy, OSError), store.write_lock(wait=2.0):
        store.discard_staging()
    return None
