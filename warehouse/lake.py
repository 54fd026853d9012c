"""Where the lakehouse lives and how DuckDB opens it: the one module that speaks DuckLake.

A DuckLake is a SQL catalog (tables, snapshots, which Parquet file holds which rows) plus the
Parquet files themselves. The embedded default keeps both in the home: the catalog in a SQLite
file, which lets several processes read while one writes (a DuckDB-file catalog would lock
readers out), and the data files under ``lake/``. Any DuckDB client can open it with the
`attach_sql` line.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from warehouse import extensions
from warehouse.schemas import TABLES

ALIAS = "lake"
CATALOG_FILE = "catalog.sqlite"
DATA_FOLDER = "lake"


@dataclass(frozen=True)
class Location:
    """A lake's catalog (what follows ``ducklake:`` in ATTACH) and its data path."""

    catalog: str
    data_path: str

    @classmethod
    def of(cls, home: Path) -> Location:
        return cls(f"sqlite:{home / CATALOG_FILE}", f"{home / DATA_FOLDER}/")

    @property
    def sqlite_file(self) -> Path | None:
        return (
            Path(self.catalog.removeprefix("sqlite:"))
            if self.catalog.startswith("sqlite:")
            else None
        )

    def exists(self) -> bool:
        file = self.sqlite_file
        return file is not None and file.exists()

    def attach_sql(self, *, read_only: bool = False, snapshot: int | str | None = None) -> str:
        """The ATTACH statement; the data path is given so a home moved elsewhere still opens."""
        options = [f"DATA_PATH {_literal(self.data_path)}", "OVERRIDE_DATA_PATH true"]
        if read_only:
            options.append("READ_ONLY")
        if isinstance(snapshot, int):
            options.append(f"SNAPSHOT_VERSION {snapshot}")
        elif snapshot is not None:
            options.append(f"SNAPSHOT_TIME {_literal(snapshot)}")
        # Rows go to Parquet files, never inlined into the catalog: a takedown must be able to
        # purge every copy of a text, and the catalog is not a place anyone would look.
        if not read_only:
            options.append("DATA_INLINING_ROW_LIMIT 0")
        return f"ATTACH {_literal('ducklake:' + self.catalog)} AS {ALIAS} ({', '.join(options)})"


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def open_lake(
    location: Location, *, read_only: bool, snapshot: int | str | None = None
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the lake attached as `lake` and made the default database."""
    con = extensions.connect(extensions=("ducklake", "sqlite_scanner"))
    if not read_only:
        _prepare_sqlite(location)
    con.execute(location.attach_sql(read_only=read_only, snapshot=snapshot))
    con.execute(f"USE {ALIAS}")
    return con


def _prepare_sqlite(location: Location) -> None:
    """WAL mode (readers and the writer never block each other), and the data path of this home.

    DuckLake records the data path in the catalog; when a home was copied or moved, the copy's
    own folder is written back so that other DuckDB clients find the files too.
    """
    file = location.sqlite_file
    if file is None:
        return
    file.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(file)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        has_metadata = db.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'ducklake_metadata'"
        ).fetchone()
        if has_metadata:
            db.execute(
                "UPDATE ducklake_metadata SET value = ? WHERE key = 'data_path' AND value <> ?",
                (location.data_path, location.data_path),
            )
            db.commit()


def duckdb_types(schema: pa.Schema) -> dict[str, str]:
    """The DuckDB column types DuckDB itself gives these Arrow fields."""
    with contextlib.closing(duckdb.connect()) as con:
        empty = schema.empty_table()  # noqa: F841 (read by the query below)
        return {
            name: kind for name, kind, *_ in con.execute("DESCRIBE SELECT * FROM empty").fetchall()
        }


def ensure_tables(con: duckdb.DuckDBPyConnection, views: dict[str, str]) -> bool:
    """Create missing tables and columns (additive only) and the views; True if anything changed.

    Runs in the caller's transaction, so a new lake's tables appear in one snapshot.
    """
    existing: dict[str, set[str]] = {}
    for table, column in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = $db",
        {"db": ALIAS},
    ).fetchall():
        existing.setdefault(table, set()).add(column)
    changed = False
    for table, schema in TABLES.items():
        types = duckdb_types(schema)
        if table not in existing:
            columns = ", ".join(f'"{name}" {kind}' for name, kind in types.items())
            con.execute(f'CREATE TABLE {ALIAS}."{table}" ({columns})')
            changed = True
            continue
        for field in schema:
            if field.name not in existing[table]:
                con.execute(
                    f'ALTER TABLE {ALIAS}."{table}" ADD COLUMN "{field.name}" {types[field.name]}'
                )
                changed = True
    present = {
        name
        for (name,) in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE database_name = $db", {"db": ALIAS}
        ).fetchall()
    }
    for name, sql in views.items():
        if name not in present or changed:
            con.execute(f'CREATE OR REPLACE VIEW {ALIAS}."{name}" AS {sql}')
            changed = True
    return changed
