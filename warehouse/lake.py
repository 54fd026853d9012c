"""Where the lakehouse lives and how DuckDB opens it: the one module that speaks DuckLake.

A DuckLake is a SQL catalog (tables, snapshots, which Parquet file holds which rows) plus the
Parquet files themselves. The embedded default keeps both in the home: the catalog in a SQLite
file, which lets several processes read while one writes (a DuckDB-file catalog would lock
readers out), and the data files under ``lake/``. When several machines share the warehouse the
catalog is a PostgreSQL database (``NEWSFLOW_CATALOG=postgres:dbname=… host=…``) and the data
files are on S3-compatible object storage (``NEWSFLOW_DATA_PATH=s3://bucket/prefix/``), reached
with the standard AWS_* variables. Any DuckDB client can open it with the `attach_sql` line.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NamedTuple
from urllib.parse import urlsplit

import duckdb
import pyarrow as pa

from warehouse import extensions
from warehouse.schemas import TABLES

ALIAS = "lake"
CATALOG_FILE = "catalog.sqlite"
DATA_FOLDER = "lake"
CATALOG_ENV = "NEWSFLOW_CATALOG"
DATA_PATH_ENV = "NEWSFLOW_DATA_PATH"
# Seconds libpq waits for a PostgreSQL catalog to answer a new connection, unless the connection
# string (connect_timeout=) or PGCONNECT_TIMEOUT says otherwise. libpq's own default is to wait
# as long as TCP does: about two minutes for a host that drops packets (a firewall, a wrong
# address), for every connection DuckDB opens and every retry of a task.
CONNECT_TIMEOUT_ENV = "PGCONNECT_TIMEOUT"
CONNECT_TIMEOUT = 10


class LocationError(ValueError):
    """A catalog or data path newsflow cannot use; the message says what to set instead."""


@dataclass(frozen=True, repr=False)
class Location:
    """A lake's catalog (what follows ``ducklake:`` in ATTACH) and its data path.

    `data_path` is None for a PostgreSQL catalog opened without one: the path the catalog
    recorded when it was created is used, so a machine need not repeat it.
    """

    catalog: str
    data_path: str | None

    @classmethod
    def of(cls, home: Path) -> Location:
        """The embedded default: both in the home."""
        return cls(f"sqlite:{home / CATALOG_FILE}", f"{home / DATA_FOLDER}/")

    @classmethod
    def resolve(
        cls, home: Path, catalog: str | None = None, data_path: str | None = None
    ) -> Location:
        """Where the warehouse lives: the catalog and data path given (the caller read them from
        --catalog / $NEWSFLOW_CATALOG and --data-path / $NEWSFLOW_DATA_PATH), else the home.
        Raises LocationError."""
        catalog = (catalog or "").strip()
        data_path = (data_path or "").strip()
        default = cls.of(home)
        where = _catalog(catalog) if catalog else default.catalog
        if data_path:
            path: str | None = _data_path(data_path)
        else:
            path = None if where.startswith("postgres:") else default.data_path
        return cls(where, path)

    def __repr__(self) -> str:  # what logs may show: never a password
        return f"Location({self.describe_catalog()!r}, {self.data_path!r})"

    @property
    def sqlite_file(self) -> Path | None:
        return (
            Path(self.catalog.removeprefix("sqlite:"))
            if self.catalog.startswith("sqlite:")
            else None
        )

    @property
    def postgres_dsn(self) -> str | None:
        """The libpq connection string of a PostgreSQL catalog."""
        return (
            self.catalog.removeprefix("postgres:") if self.catalog.startswith("postgres:") else None
        )

    @property
    def on_s3(self) -> bool:
        return bool(self.data_path and self.data_path.startswith("s3://"))

    @property
    def shared(self) -> bool:
        """Whether other machines may write here: the write lock must then hold across them."""
        return self.postgres_dsn is not None

    @property
    def extensions(self) -> tuple[str, ...]:
        """The DuckDB extensions that open this lake."""
        names = [
            "ducklake",
            "postgres_scanner" if self.postgres_dsn is not None else "sqlite_scanner",
        ]
        if self.on_s3:
            names.append("httpfs")
        return tuple(names)

    def describe_catalog(self) -> str:
        dsn = self.postgres_dsn
        return f"PostgreSQL {dsn}" if dsn is not None else f"SQLite {self.sqlite_file}"

    def describe_data(self) -> str:
        if self.data_path is None:
            return "the data path the catalog records"
        if self.on_s3:
            endpoint = _s3_endpoint(os.environ)
            return f"{self.data_path} (endpoint {endpoint or 'AWS S3'})"
        return self.data_path

    def exists(self) -> bool:
        """Whether a lake was created here, its tables included. Raises duckdb.Error when the
        catalog is unreachable."""
        return self.state() == "complete"

    def state(self) -> CatalogState:
        """`none`: no catalog; `complete`: a lake with its tables; `started`: a catalog without
        them, a creation that was stopped (a run killed in its first second), which is no
        warehouse yet and which the next writer finishes (Store.init). Raises duckdb.Error when
        the catalog is unreachable."""
        file = self.sqlite_file
        if file is not None:
            if not file.exists():
                return "none"
            with contextlib.closing(sqlite3.connect(f"{file.as_uri()}?mode=ro", uri=True)) as db:
                # Read-only: a reader creates nothing. A file holding no catalog is one an
                # interrupted first run made before DuckLake wrote into it.
                if not db.execute(_SQLITE_HAS_CATALOG).fetchone():
                    return "started"
                return "complete" if db.execute(_HAS_TABLES).fetchone() else "started"
        with contextlib.closing(postgres(self.postgres_dsn or "")) as con:
            if not _pg_rows(con, _PG_HAS_CATALOG):
                return "none"
            return "complete" if _pg_rows(con, _HAS_TABLES) else "started"

    def attach_sql(
        self, *, read_only: bool = False, snapshot: int | str | None = None, alias: str = ALIAS
    ) -> str:
        """The ATTACH statement.

        A SQLite catalog lives in the home, so the data path is given on every open and a home
        moved elsewhere still opens. A PostgreSQL catalog is shared: a data path that differs
        from the one it records is refused rather than written over.
        """
        options = []
        if self.data_path is not None:
            options.append(f"DATA_PATH {literal(self.data_path)}")
        if self.sqlite_file is not None:
            options.append("OVERRIDE_DATA_PATH true")
        if read_only:
            options.append("READ_ONLY")
        if isinstance(snapshot, int):
            options.append(f"SNAPSHOT_VERSION {snapshot}")
        elif snapshot is not None:
            options.append(f"SNAPSHOT_TIME {literal(snapshot)}")
        # Rows go to Parquet files, never inlined into the catalog: a takedown must be able to
        # purge every copy of a text, and the catalog is not a place anyone would look.
        if not read_only:
            options.append("DATA_INLINING_ROW_LIMIT 0")
        return f"ATTACH {literal('ducklake:' + self.catalog)} AS {alias} ({', '.join(options)})"


CatalogState = Literal["none", "started", "complete"]
# A lake is complete once its `runs` table exists: every table is created in one transaction.
_HAS_TABLES = (
    "SELECT 1 FROM ducklake_table WHERE table_name = 'runs' AND end_snapshot IS NULL LIMIT 1"
)
_SQLITE_HAS_CATALOG = "SELECT 1 FROM sqlite_master WHERE name = 'ducklake_table'"
_PG_HAS_CATALOG = "SELECT 1 FROM information_schema.tables WHERE table_name = 'ducklake_table'"


def _pg_rows(con: duckdb.DuckDBPyConnection, sql: str) -> bool:
    """Whether this query finds rows in the PostgreSQL database attached as `pg`."""
    return bool(con.execute(f"SELECT * FROM postgres_query('pg', {literal(sql)})").fetchall())


def _catalog(value: str) -> str:
    """`postgres:<libpq string>`, a postgres:// URI, or `sqlite:<file>`, checked."""
    if value.startswith(("postgres://", "postgresql://")):
        value = f"postgres:{value}"
    if value.startswith("postgres:"):
        dsn = value.removeprefix("postgres:").strip()
        if not dsn:
            raise LocationError(
                f"{CATALOG_ENV} / --catalog: give the database, e.g. "
                "postgres:dbname=newsflow host=db.example.org user=newsflow"
            )
        if _has_password(dsn):
            raise LocationError(
                f"{CATALOG_ENV} / --catalog must not hold the password (DuckDB repeats the "
                "connection string in its error messages): set PGPASSWORD or use ~/.pgpass, "
                "which PostgreSQL's client library reads"
            )
        return f"postgres:{dsn}"
    if value.startswith("sqlite:"):
        file = Path(value.removeprefix("sqlite:")).expanduser().resolve()
        return f"sqlite:{file}"
    raise LocationError(
        f"{CATALOG_ENV} / --catalog {value!r}: give postgres:dbname=… host=… user=… (or a "
        "postgresql:// URI), or sqlite:/path/catalog.sqlite"
    )


def _has_password(dsn: str) -> bool:
    if "://" in dsn:
        parts = urlsplit(dsn)
        return parts.password is not None or "password=" in parts.query
    return re.search(r"(^|\s)password\s*=", dsn) is not None


def _data_path(value: str) -> str:
    """An s3://bucket/prefix/ URL or a local folder, always ending in '/'."""
    if "://" in value:
        if not value.startswith("s3://") or not urlsplit(value).netloc:
            raise LocationError(
                f"{DATA_PATH_ENV} / --data-path {value!r}: give s3://bucket/prefix/ or a folder"
            )
        return value.rstrip("/") + "/"
    return f"{Path(value).expanduser().resolve()}/"


def literal(value: str) -> str:
    """A SQL string literal (for statements that take no parameters: ATTACH, COPY, secrets)."""
    return "'" + value.replace("'", "''") + "'"


def _s3_endpoint(environ: Mapping[str, str]) -> str:
    """AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, as the AWS tools read them ('' for AWS)."""
    return environ.get("AWS_ENDPOINT_URL_S3") or environ.get("AWS_ENDPOINT_URL") or ""


def s3_secret_sql(environ: Mapping[str, str]) -> str:
    """A temporary (in-memory, this connection's) DuckDB secret from the standard AWS variables.

    A custom endpoint (MinIO, Ceph, moto, …) is addressed path-style, and over plain HTTP when
    its URL says http://. Nothing of it is ever written down: DuckDB keeps temporary secrets in
    memory and redacts them from duckdb_secrets().
    """
    options = ["TYPE s3"]
    for option, names in (
        ("KEY_ID", ("AWS_ACCESS_KEY_ID",)),
        ("SECRET", ("AWS_SECRET_ACCESS_KEY",)),
        ("SESSION_TOKEN", ("AWS_SESSION_TOKEN",)),
        ("REGION", ("AWS_REGION", "AWS_DEFAULT_REGION")),
    ):
        value = next((environ[n] for n in names if environ.get(n)), "")
        if value:
            options.append(f"{option} {literal(value)}")
    endpoint = _s3_endpoint(environ)
    if endpoint:
        url = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
        options.append(f"ENDPOINT {literal(url.netloc + url.path.rstrip('/'))}")
        options.append("URL_STYLE 'path'")
        options.append(f"USE_SSL {'false' if url.scheme == 'http' else 'true'}")
    return f"CREATE OR REPLACE TEMPORARY SECRET newsflow_s3 ({', '.join(options)})"


def bound_connect_wait() -> None:
    """CONNECT_TIMEOUT for the PostgreSQL connections of this process (DuckDB's postgres
    extension links libpq, which reads PG* variables at each connection)."""
    if not os.environ.get(CONNECT_TIMEOUT_ENV, "").strip():  # set and empty is unset
        os.environ[CONNECT_TIMEOUT_ENV] = str(CONNECT_TIMEOUT)


def postgres(dsn: str) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with this PostgreSQL database attached as `pg` (postgres_query)."""
    bound_connect_wait()
    con = extensions.connect(extensions=("postgres_scanner",))
    try:
        con.execute(f"ATTACH {literal(dsn)} AS pg (TYPE postgres)")
    except BaseException:
        con.close()
        raise
    return con


def session(location: Location) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that can reach this lake's catalog and data path, nothing attached."""
    if location.postgres_dsn is not None:
        bound_connect_wait()
    con = extensions.connect(extensions=location.extensions)
    if location.on_s3:
        try:
            con.execute(s3_secret_sql(os.environ))
        except BaseException:
            con.close()
            raise
    return con


def attach(
    con: duckdb.DuckDBPyConnection,
    location: Location,
    *,
    read_only: bool,
    snapshot: int | str | None = None,
) -> None:
    """Attach the lake as `lake` and make it the default database (creating it when a writer
    finds none)."""
    if not read_only:
        _prepare_sqlite(location)
    con.execute(location.attach_sql(read_only=read_only, snapshot=snapshot))
    con.execute(f"USE {ALIAS}")


def open_lake(
    location: Location, *, read_only: bool, snapshot: int | str | None = None
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the lake attached as `lake` and made the default database."""
    con = session(location)
    try:
        attach(con, location, read_only=read_only, snapshot=snapshot)
    except BaseException:
        con.close()
        raise
    return con


def _prepare_sqlite(location: Location) -> None:
    """WAL mode (readers and the writer never block each other), and the data path of this home.

    DuckLake records the data path in the catalog; when a home was copied or moved, the copy's
    own folder is written back so that other DuckDB clients find the files too.
    """
    file = location.sqlite_file
    if file is None or location.data_path is None:
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


@contextlib.contextmanager
def memory_limit(con: duckdb.DuckDBPyConnection, limit: str) -> Iterator[None]:
    """DuckDB's memory cap for the work inside, the connection's own again after it: work that
    needs more spills to the temp directory. After a failure the cap is put back if it can be:
    a transaction the failure aborted (a catalog that went away) refuses any statement, and that
    refusal must not take the place of the error that explains it."""
    (before,) = con.execute("SELECT current_setting('memory_limit')").fetchone()  # type: ignore[misc]
    restore = f"SET memory_limit = {literal(before)}"
    con.execute(f"SET memory_limit = {literal(limit)}")
    try:
        yield
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute(restore)
        raise
    con.execute(restore)


def duckdb_types(con: duckdb.DuckDBPyConnection, schema: pa.Schema) -> dict[str, str]:
    """The DuckDB column types DuckDB itself gives these Arrow fields."""
    con.register("empty_of_schema", schema.empty_table())
    try:
        rows = con.execute("DESCRIBE SELECT * FROM empty_of_schema").fetchall()
    finally:
        con.unregister("empty_of_schema")
    return {name: kind for name, kind, *_ in rows}


class Ensured(NamedTuple):
    changed: bool  # anything created, added or replaced
    replaced: tuple[str, ...]  # tables dropped because a view of their name replaces them
    created: tuple[str, ...] = ()  # tables created (a new lake's, or a newer schema's)
    added: tuple[str, ...] = ()  # tables new to a lake that had tables: empty of its older rows


def ensure_tables(con: duckdb.DuckDBPyConnection, views: dict[str, str]) -> Ensured:
    """Create missing tables and columns (additive only) and the views.

    A table standing where a view now goes is dropped first: schema v3 kept the marts by name
    (`entities`, `co_occurrences`, …) in tables, derived data the caller rebuilds. Runs in the
    caller's transaction, so a new lake's tables appear in one snapshot.
    """
    existing: dict[str, set[str]] = {}
    for table, column in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = $db",
        {"db": ALIAS},
    ).fetchall():
        existing.setdefault(table, set()).add(column)
    present = {
        name
        for (name,) in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE database_name = $db", {"db": ALIAS}
        ).fetchall()
    }
    replaced = tuple(sorted((existing.keys() - present) & views.keys()))
    for name in replaced:
        con.execute(f'DROP TABLE {ALIAS}."{name}"')
    changed = bool(replaced)
    created = []
    had_tables = bool(existing.keys() - present)
    added = []
    for table, schema in TABLES.items():
        missing = [f.name for f in schema if f.name not in existing.get(table, ())]
        if not missing:
            continue
        types = duckdb_types(con, schema)
        changed = True
        if table not in existing:
            columns = ", ".join(f'"{name}" {kind}' for name, kind in types.items())
            con.execute(f'CREATE TABLE {ALIAS}."{table}" ({columns})')
            created.append(table)
            if had_tables:
                added.append(table)
            continue
        for name in missing:
            con.execute(f'ALTER TABLE {ALIAS}."{table}" ADD COLUMN "{name}" {types[name]}')
    for name, sql in views.items():
        if name not in present or changed:
            con.execute(f'CREATE OR REPLACE VIEW {ALIAS}."{name}" AS {sql}')
            changed = True
    return Ensured(changed, replaced, tuple(created), tuple(added))
