"""The commands to look at the warehouse: `dashboard` (a local web app) and `report` (the Gender
and Sources views of a period as one HTML file)."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from flows.cli.home import (
    CatalogOption,
    DataPathOption,
    HomeOption,
    existing_store,
    locate,
    reader,
)
from flows.cli.output import COMMAND_AGAIN, busy, console, fail

if TYPE_CHECKING:
    from rich.console import Console

    from warehouse.store import Store

commands = typer.Typer()

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"


@commands.command()
def dashboard(
    home: HomeOption = None,
    catalog: CatalogOption = None,
    data_path: DataPathOption = None,
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port on 127.0.0.1.")] = 8501,
) -> None:
    """Serve the dashboard on 127.0.0.1 (Ctrl-C stops it): women among sources, top sources, a
    page per person, quotes in their articles, the runs. It reads the warehouse read-only."""
    locate(home, catalog, data_path)
    store = existing_store(home)
    add_dashboard_marts(store)
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
        "--global.developmentMode", "false",
        "--client.toolbarMode", "minimal",
        "--", "--home", str(store.home),
    ]  # fmt: skip
    console().print(f"newsflow dashboard of {store.home}: http://127.0.0.1:{port}  (Ctrl-C stops)")
    try:
        done = subprocess.run(command)
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    raise typer.Exit(done.returncode)


def add_dashboard_marts(store: Store, say: Console | None = None) -> None:
    """A warehouse written before the dashboard's marts gets them once (a load would add them
    too); the dashboard itself only reads. `say`: where the note goes (stdout by default)."""
    from warehouse.schemas import DASHBOARD_MARTS
    from warehouse.store import WarehouseBusy

    with store.connect() as con:
        present = {
            name
            for (name,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'lake'"
            ).fetchall()
        }
    if DASHBOARD_MARTS.keys() <= present:
        return
    (say or console()).print("adding the dashboard's marts to this warehouse (once) …")
    try:
        with store.write_lock():
            store.init()
    except WarehouseBusy as error:
        raise busy(error, COMMAND_AGAIN) from None


def _day(value: str, option: str) -> datetime:
    try:
        return datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        raise fail(f"{option} {value!r}: give a date as YYYY-MM-DD", 2) from None


@commands.command()
def report(
    start: Annotated[str, typer.Option("--from", help="First published day, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="Last published day, YYYY-MM-DD.")],
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.")],
    outlet: Annotated[
        list[str] | None, typer.Option(help="Only this outlet (repeat for more).")
    ] = None,
    language: Annotated[
        list[str] | None, typer.Option(help="Only this language, e.g. en (repeat for more).")
    ] = None,
    home: HomeOption = None,
    catalog: CatalogOption = None,
    data_path: DataPathOption = None,
    at: Annotated[
        str | None, typer.Option(help="As the warehouse was at this snapshot id or timestamp.")
    ] = None,
) -> None:
    """Write the Gender and Sources views of a period as one self-contained HTML file (charts and
    data inline, nothing fetched), stamped with the snapshot it shows: to send to an editor.
    Months are whole: a period counts the months its days fall in."""
    first, last = _day(start, "--from").date(), _day(end, "--to").date()
    if last < first:
        raise fail(f"--to {end} comes before --from {start}", 2)
    locate(home, catalog, data_path)
    from flows.dashboard.report import write
    from warehouse.figures import Filters

    add_dashboard_marts(existing_store(home))
    filters = Filters(first, last, tuple(outlet or ()), tuple(language or ()))
    try:
        with reader(home, at) as con:
            snapshot = write(con, filters, out)
    except OSError as error:
        raise fail(f"cannot write {out}: {error.strerror or error}") from None
    console().print(f"wrote {out} (snapshot {snapshot}, {first} to {last})")
