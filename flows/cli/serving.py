"""`newsflow serve`, `trigger` and `server`: the deployments, and the home's Prefect server."""

from __future__ import annotations

import os
import signal
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from flows.cli.home import CatalogOption, DataPathOption, HomeOption, locate
from flows.cli.output import console, errors, print_summary
from flows.runtime.local_server import DEFAULT_PORT
from flows.settings import configure, store_for

commands = typer.Typer()


@commands.command()
def serve(
    home: HomeOption = None,
    catalog: CatalogOption = None,
    data_path: DataPathOption = None,
    poll_seconds: Annotated[
        int | None,
        typer.Option(
            min=1,
            envvar="NEWSFLOW_POLL_SECONDS",
            help="Look for new drops this often (default 300).",
        ),
    ] = None,
    nightly: Annotated[
        str | None,
        typer.Option(
            envvar="NEWSFLOW_NIGHTLY", help="Cron of the nightly run (default '0 2 * * *')."
        ),
    ] = None,
    timezone: Annotated[
        str | None,
        typer.Option(
            envvar="NEWSFLOW_TIMEZONE",
            help="Timezone of the clock schedules: the nightly run and the weekly maintenance "
            "(default $NEWSFLOW_TIMEZONE or UTC).",
        ),
    ] = None,
    port: Annotated[
        int, typer.Option(help="Port of the local Prefect server and UI.")
    ] = DEFAULT_PORT,
) -> None:
    """Serve the scheduled and on-demand deployments (and a local Prefect server) until Ctrl-C.

    Prefect logs at INFO here: its runs' logs are what the UI shows.
    """
    locate(home, catalog, data_path)
    home_path = configure(home)
    # Ctrl-C is how serving stops, even when a script started us with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from flows.runtime.serve_lock import ServeBusy, one_serve

    try:
        with one_serve(home_path):  # before Prefect, deployments or serve.json are touched
            from flows.runtime import serve as serving
            from flows.runtime.local_server import ServerError

            try:
                schedules = serving.Schedules.resolve(poll_seconds, nightly, timezone)
                serving.serve(
                    home_path,
                    schedules,
                    port,
                    announce=lambda text: console().print(text, soft_wrap=True),
                )
            except (ServerError, ValueError) as error:
                errors().print(f"[red]cannot serve:[/] {error}")
                raise typer.Exit(1) from None
    except ServeBusy as error:
        errors().print(f"[red]cannot serve:[/] {error}")
        raise typer.Exit(1) from None
    console().print("stopped serving")


@commands.command()
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
    locate(home, catalog, data_path)
    home_path = configure(home, quiet=True)
    if drop is not None and not drop.exists():
        errors().print(f"[red]error:[/] {drop} does not exist; give a folder, file or archive.")
        raise typer.Exit(2)
    from flows.runtime import serve as serving
    from flows.runtime.local_server import ServerError

    started = datetime.now(UTC)
    try:
        run, ui = serving.trigger(home_path, drop, wait)
    except ServerError as error:
        errors().print(f"[red]cannot trigger:[/] {error}")
        raise typer.Exit(1) from None
    state = run.state.name if run.state else "Scheduled"
    console().print(f"flow run {run.name} ({run.id}): {state}", soft_wrap=True)
    console().print(f"watch it at {ui}/runs/flow-run/{run.id}", soft_wrap=True)
    if wait:  # what the run (or the runs an incoming-folder run started) loaded
        from flows.engine import runs_since

        for summary in runs_since(store_for(home_path), started):
            print_summary(summary)
            if summary.message:
                console().print(f"failed: {summary.message}", soft_wrap=True)
    if wait and not (run.state and run.state.is_completed()):
        raise typer.Exit(1)


server_app = typer.Typer(
    help="The home's background Prefect server, which `newsflow run` starts and reuses.",
    no_args_is_help=True,
)
commands.add_typer(server_app, name="server")


@server_app.command("status")
def server_status(home: HomeOption = None) -> None:
    """Whether the home's Prefect server runs, where its UI is, and when it stops by itself."""
    configure(home, quiet=True)
    from flows.runtime import server as background
    from flows.runtime.warm.client import runner_pid

    state = background.status(background.prefect_home())
    if state.server is None:
        console().print(
            "no background Prefect server runs for this home; `newsflow run` starts one"
        )
        return
    minutes = state.server.idle_seconds / 60
    use = (
        "in use by a run"
        if state.in_use
        else f"idle for {state.idle_for / 60:.0f} of {minutes:.0f} minutes, then it stops"
    )
    console().print(f"Prefect UI: {state.server.ui_url}   (API {state.server.api_url})")
    console().print(f"supervisor pid {state.server.pid}; {use}")
    runner = runner_pid(background.prefect_home())
    if runner is None:
        console().print(
            "no warm runner (with NEWSFLOW_WARM=1, it starts beside the server once the run "
            "that started it has ended)"
        )
        return
    resident = int(Path(f"/proc/{runner}/statm").read_text().split()[1]) * os.sysconf("SC_PAGESIZE")
    console().print(
        f"warm runner pid {runner}, {resident / 2**20:,.0f} MiB: runs start in it with Prefect "
        "and spaCy's model loaded, for runs with NEWSFLOW_WARM=1"
    )


@server_app.command("stop")
def server_stop(home: HomeOption = None) -> None:
    """Stop the home's Prefect server now (it also stops by itself once idle)."""
    configure(home, quiet=True)
    from flows.runtime import server as background

    try:
        stopped = background.stop(background.prefect_home())
    except background.ServerBusy as error:
        errors().print(f"[red]not stopped:[/] {error}")
        raise typer.Exit(1) from None
    console().print(f"stopped {stopped.ui_url}" if stopped else "no background Prefect server ran")
