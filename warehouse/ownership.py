"""Which warehouse a data path belongs to: a marker in it names the one catalog that owns it.

A DuckLake catalog knows which Parquet files hold its rows, but nothing in a data path says
which catalog wrote it. Two catalogs given the same path (an exported NEWSFLOW_DATA_PATH, a home
whose catalog was deleted and made anew) each take the other's files for orphans, and the first
`maintain` deletes them. So the first writer of a data path leaves `newsflow-lake.json` in it,
naming its catalog by an id the catalog itself keeps (the uuid DuckLake gave its first schema:
a copied home is still the same warehouse); every opening for writing and every maintenance
checks it, and refuses a path another catalog owns. A path holding data files its catalog does
not know at all (the catalog that wrote them is gone) is refused too: a new warehouse never
starts over an old one's files.

A home made before the marker gets one on its first write. If its path then held data files its
catalog did not know (another home's, or left by an interrupted load: nothing tells which), the
marker says so, and maintenance never deletes unknown files there.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse.lake import ALIAS, Location, attach, session

MARKER = "newsflow-lake.json"
_META = f"__ducklake_metadata_{ALIAS}"


class DataPathTaken(RuntimeError):
    """The data path holds another warehouse's files; the message says what to do."""


@dataclass(frozen=True)
class Owner:
    """What the marker says."""

    lake_id: str
    catalog: str  # Location.describe_catalog(): never a password
    claimed_at: str
    exclusive: bool  # no data file of another origin was in the path when it was claimed


def open_writer(location: Location) -> duckdb.DuckDBPyConnection:
    """The lake attached for writing, once its data path is found to be this catalog's.

    A SQLite catalog that does not exist yet is not even created over a path that holds data."""
    con = session(location)
    try:
        if location.sqlite_file is not None and not location.sqlite_file.exists():
            check_free(con, location)
        attach(con, location, read_only=False)
        claim(con, location)
    except BaseException:
        con.close()
        raise
    return con


def check_free(con: duckdb.DuckDBPyConnection, location: Location) -> None:
    """Raise DataPathTaken unless the data path of a catalog still to be made holds no
    warehouse: neither a marker nor a data file (`con` need not have the lake attached)."""
    path = location.data_path
    if path is None:  # a PostgreSQL catalog's recorded path: there is a catalog
        return
    owner = read_owner(con, path)
    if owner is not None:
        raise DataPathTaken(_taken(path, owner, location))
    if found := data_files(con, path):
        raise DataPathTaken(_orphaned(path, len(found)))


def claim(con: duckdb.DuckDBPyConnection, location: Location, *, write: bool = True) -> Owner:
    """This catalog's marker in its data path: checked, or written on the path's first write
    (with `write=False`, only what it would say). Raises DataPathTaken when the path is
    another catalog's."""
    path, me = data_path(con, location), lake_id(con)
    owner = read_owner(con, path)
    if owner is not None:
        if owner.lake_id != me:
            raise DataPathTaken(_taken(path, owner, location))
        return owner
    present = data_files(con, path)
    unknown = present - known_files(con)
    if unknown and unknown == present:
        raise DataPathTaken(_orphaned(path, len(unknown)))
    owner = Owner(me, location.describe_catalog(), datetime.now(UTC).isoformat(), not unknown)
    if write:
        if "://" not in path:
            Path(path).mkdir(parents=True, exist_ok=True)
        fields = asdict(owner)
        columns = ", ".join(f"${name} AS {name}" for name in fields)
        con.execute(
            f"COPY (SELECT {columns}) TO $target (FORMAT json)", fields | {"target": path + MARKER}
        )
    return owner


def _taken(path: str, owner: Owner, location: Location) -> str:
    if owner.catalog == location.describe_catalog():
        return (
            f"{path} holds the data files of a warehouse whose catalog ({owner.catalog}) was "
            "deleted or replaced since: restore that catalog from a backup, or move the data "
            "folder aside to start a new warehouse"
        )
    return (
        f"{path} belongs to another warehouse (catalog {owner.catalog}): give this one its own "
        "data path (--data-path / NEWSFLOW_DATA_PATH), or restore the catalog that wrote it"
    )


def _orphaned(path: str, files: int) -> str:
    return (
        f"{path} holds {files} data files that this catalog does not know (the catalog that "
        "wrote them was deleted, or they are another warehouse's): restore that catalog from a "
        "backup, or move the data folder aside to start a new warehouse"
    )


def lake_id(con: duckdb.DuckDBPyConnection) -> str:
    """The catalog's own id: the uuid DuckLake gave its first schema when it made the catalog."""
    (uuid,) = con.execute(  # type: ignore[misc]
        f"SELECT schema_uuid::VARCHAR FROM {_META}.ducklake_schema "
        "ORDER BY schema_id, begin_snapshot LIMIT 1"
    ).fetchone()
    return str(uuid)


def data_path(con: duckdb.DuckDBPyConnection, location: Location) -> str:
    """Where the lake's data files are (ending in '/'): the location's path, else the one the
    attached catalog records (a PostgreSQL catalog opened without one)."""
    if location.data_path is not None:
        return location.data_path
    (path,) = con.execute(  # type: ignore[misc]
        f"SELECT value FROM {_META}.ducklake_metadata WHERE key = 'data_path' AND scope IS NULL"
    ).fetchone()
    return str(path)


def read_owner(con: duckdb.DuckDBPyConnection, path: str) -> Owner | None:
    """The marker in this data path; None when there is none or it cannot be read as one."""
    target = path + MARKER
    # A pattern, not the name: S3 answers a glob without a wildcard with the name, found or not.
    listed = con.execute("SELECT file FROM glob($p)", {"p": target + "*"}).fetchall()
    if (target,) not in listed:
        return None
    (text,) = con.execute("SELECT content FROM read_text($p)", {"p": target}).fetchone()  # type: ignore[misc]
    try:
        said = json.loads(text)
        return Owner(**{name: said[name] for name in Owner.__dataclass_fields__})
    except (ValueError, TypeError, KeyError):  # not JSON, not an object, a field missing
        return None


def data_files(con: duckdb.DuckDBPyConnection, path: str) -> set[str]:
    """The names of the Parquet files under a data path (DuckLake names each by a uuid)."""
    rows = con.execute("SELECT file FROM glob($p)", {"p": path + "**/*.parquet"}).fetchall()
    return {file.rsplit("/", 1)[-1] for (file,) in rows}


def referenced_files(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """name → table of every data and delete file that a snapshot still kept uses."""
    rows = con.execute(
        f"SELECT f.path, any_value(t.table_name) FROM (SELECT table_id, path FROM "
        f"{_META}.ducklake_data_file UNION ALL SELECT table_id, path FROM "
        f"{_META}.ducklake_delete_file) f JOIN {_META}.ducklake_table t USING (table_id) "
        "GROUP BY f.path"
    ).fetchall()
    return {path.rsplit("/", 1)[-1]: table for path, table in rows}


def known_files(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The names of every file the catalog wrote and has not deleted yet: the ones snapshots
    use and the ones waiting for deletion."""
    waiting = con.execute(
        f"SELECT path FROM {_META}.ducklake_files_scheduled_for_deletion"
    ).fetchall()
    return set(referenced_files(con)) | {path.rsplit("/", 1)[-1] for (path,) in waiting}


def unknown_files(con: duckdb.DuckDBPyConnection, location: Location) -> set[str]:
    """The names of the data files in the data path that the catalog does not know."""
    return data_files(con, data_path(con, location)) - known_files(con)
