"""What a query given to `newsflow sql` may do: read the warehouse, and nothing else.

The lake is attached read-only, but a DuckDB connection can do more than read the database it
was given: ATTACH the same catalog again for writing (and DELETE through it, without the write
lock, so the marts no longer agree with the tables), COPY … TO any file, read_text() any file
the user can read. So the statements of a query are checked by their kind before any runs, and
the connection loses DuckDB's external access (files, extensions, the network) except for the
lake's own data files. `--allow-files` gives back files and COPY, never ATTACH or writes.
"""

from __future__ import annotations

import duckdb

from warehouse.lake import Location, literal
from warehouse.ownership import data_path

_KIND = duckdb.StatementType
# Queries, settings, and temporary objects in the connection's own in-memory database (CREATE
# TEMP TABLE, a macro, the enum a PIVOT makes): the lake itself refuses any change.
READING = frozenset(
    {
        _KIND.SELECT,
        _KIND.EXPLAIN,
        _KIND.CALL,
        _KIND.PRAGMA,
        _KIND.SET,
        _KIND.VARIABLE_SET,
        _KIND.TRANSACTION,
        _KIND.CREATE,
    }
)
WITH_FILES = frozenset({_KIND.COPY, _KIND.EXPORT})


class Refused(ValueError):
    """A statement `newsflow sql` does not run; the message says why and what to do instead."""


def check(statements: list[duckdb.Statement], allow_files: bool) -> None:
    """Raise Refused for the first statement that is not a read (or a COPY, with files)."""
    allowed = READING | WITH_FILES if allow_files else READING
    for statement in statements:
        if statement.type in allowed:
            continue
        kind = statement.type.name.replace("_", " ")
        if statement.type in WITH_FILES:
            instead = (
                "give --allow-files to write results to a file, or print them with "
                "--format csv > file"
            )
        elif statement.type in (_KIND.ATTACH, _KIND.DETACH):
            instead = "other DuckDB clients attach the lake themselves, read-only (docs/sql.md)"
        else:
            instead = (
                "the warehouse changes only through `newsflow run`, `forget`, `gender` and "
                "`maintain`, which take its write lock"
            )
        raise Refused(f"newsflow sql only reads the warehouse: {kind} is refused; {instead}")


def confine(con: duckdb.DuckDBPyConnection, location: Location) -> None:
    """From now on `con` reaches no file and no server but the lake's; for good (DuckDB does
    not let a connection take external access back)."""
    path = data_path(con, location)
    con.execute(f"SET allowed_directories = [{literal(path)}]")
    con.execute("SET enable_external_access = false")
