"""The options that say where a warehouse lives, and how a command opens it: read-only, or
under the write lock, with a one-line error when it cannot."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any

import typer

from flows.cli.output import COMMAND_AGAIN, busy, errors, fail
from flows.settings import store_for

if TYPE_CHECKING:
    from warehouse.store import Store

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


def locate(home: str | None, catalog: str | None, data_path: str | None) -> None:
    """Where the warehouse lives, settled before anything opens it; exit 2 when it is unusable.

    The choice goes into $NEWSFLOW_CATALOG / $NEWSFLOW_DATA_PATH, where the command's
    existing_store, exclusive and reader find it (and a process the command starts: the
    dashboard, a served run)."""
    import os

    from warehouse.lake import CATALOG_ENV, DATA_PATH_ENV, LocationError

    try:
        store_for(home, catalog, data_path)
    except LocationError as error:
        raise fail(str(error), 2) from None
    for name, value in ((CATALOG_ENV, catalog), (DATA_PATH_ENV, data_path)):
        if value:
            os.environ[name] = value


def unreachable(error: BaseException, store: Store) -> typer.Exit | None:
    """One line and exit 1 when the catalog or the data files cannot be reached or used."""
    from warehouse.remote import explain

    reason = explain(error, store.location)
    return None if reason is None else fail(reason)


def existing_store(home: str | None) -> Store:
    """The warehouse a read command reads; a home without one is an error, and nothing is
    created there (a mistyped --home must not look like an empty warehouse)."""
    import duckdb

    from warehouse.store import WarehouseMissing

    store = store_for(home)
    try:
        store.check()
    except WarehouseMissing as error:
        raise fail(str(error)) from None
    except duckdb.Error as error:
        raise (unreachable(error, store) or error) from None
    return store


@contextlib.contextmanager
def exclusive(home: str | None) -> Iterator[Store]:
    """The home's warehouse under its write lock, for a command that changes it; a one-line error
    and exit 1 when there is none or it cannot be reached, 3 when a load (or another such
    command) holds it."""
    import duckdb

    from warehouse.ownership import DataPathTaken
    from warehouse.store import WarehouseBusy

    store = existing_store(home)
    try:
        with store.write_lock():
            yield store
    except WarehouseBusy as error:
        raise busy(error, COMMAND_AGAIN) from None
    except (duckdb.Error, DataPathTaken) as error:
        raise (unreachable(error, store) or error) from None


def reader(home: str | None, at: str | None = None) -> Any:
    """A read-only connection to the home's warehouse, or a one-line error and exit 1."""
    import duckdb

    store = existing_store(home)
    snapshot: int | str | None = int(at) if at is not None and at.isdigit() else at
    try:
        return store.connect(at=snapshot)
    except duckdb.Error as error:
        if (failure := unreachable(error, store)) is not None:
            raise failure from None
        errors().print(
            f"[red]error:[/] cannot open the warehouse at {at or 'its latest snapshot'}: {error}"
        )
        raise typer.Exit(1) from None
