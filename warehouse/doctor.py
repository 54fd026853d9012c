"""`newsflow doctor`: where the warehouse lives, and whether this machine can reach and write it.

Each check is one line; a failing one says what is wrong in words a user can act on (the same
explanations a failing run gives, see warehouse/remote.py), so a cron job or a new worker can be
checked before its first night. Checks that depend on a failed one are skipped, not repeated.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse import extensions
from warehouse.lake import literal, open_lake, postgres, s3_secret_sql
from warehouse.remote import explain
from warehouse.store import Store, WarehouseBusy

PROBE = "newsflow-doctor.parquet"  # under the data path; the next `maintain` deletes it


@dataclass(frozen=True)
class Check:
    ok: bool
    line: str


def diagnose(store: Store) -> list[Check]:
    """Every check, in order: extensions, catalog, warehouse, data files, write lock."""
    location = store.location
    found: list[Check] = []
    try:
        for name in location.extensions:
            extensions.extension_path(name)
    except RuntimeError as missing:
        return [Check(False, f"DuckDB extension missing: {missing}")]
    catalog = _catalog(store)
    found.append(catalog)
    if catalog.ok:
        found.append(_warehouse(store))
    found.append(_data(store))
    if catalog.ok and store.home.exists():
        found.append(_lock(store))
    return found


def _failure(error: BaseException, store: Store) -> Check:
    return Check(False, explain(error, store.location) or f"{type(error).__name__}: {error}")


def _catalog(store: Store) -> Check:
    location = store.location
    file, dsn = location.sqlite_file, location.postgres_dsn
    if file is not None:
        folder = next(p for p in (file, *file.parents) if p.exists())
        if not os.access(folder, os.W_OK):
            return Check(False, f"the catalog's folder {folder} is not writable by this user")
        return Check(
            True, f"catalog file {'exists' if file.exists() else 'is created by the first run'}"
        )
    try:
        with contextlib.closing(postgres(dsn or "")) as con:
            (version, may_create) = con.execute(
                "SELECT * FROM postgres_query('pg', 'SELECT current_setting(''server_version''), "
                "has_schema_privilege(current_schema(), ''CREATE'')')"
            ).fetchone()  # type: ignore[misc]
    except duckdb.Error as error:
        return _failure(error, store)
    if not may_create and not location.exists():
        return Check(False, "the catalog database lets this user create no tables (GRANT CREATE)")
    return Check(True, f"catalog reachable: PostgreSQL {version}")


def _warehouse(store: Store) -> Check:
    try:
        if not store.exists():
            return Check(True, "no warehouse yet: the first `newsflow run` creates it")
        with contextlib.closing(store.connect()) as con:
            (count, latest) = con.execute(
                "SELECT count(*), max(snapshot_time) FROM snapshots()"
            ).fetchone()  # type: ignore[misc]
    except duckdb.Error as error:
        return _failure(error, store)
    return Check(True, f"warehouse: {count} snapshots, the latest at {latest:%Y-%m-%d %H:%M:%S%z}")


def _data(store: Store) -> Check:
    """Write a small file where the data files go and read it back."""
    location = store.location
    path = location.data_path
    if path is None:  # the path the catalog records
        try:
            with contextlib.closing(open_lake(location, read_only=True)) as con:
                (path,) = con.execute(
                    "SELECT value FROM __ducklake_metadata_lake.ducklake_metadata "
                    "WHERE key = 'data_path'"
                ).fetchone()  # type: ignore[misc]
        except duckdb.Error as error:
            return _failure(error, store)
    if not path.startswith("s3://"):
        folder = Path(path)
        if not folder.exists():
            parent = next(p for p in folder.parents if p.exists())
            if not os.access(parent, os.W_OK):
                return Check(False, f"the data folder {folder} cannot be created in {parent}")
            return Check(True, f"data folder {folder} is created by the first run")
        try:
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".newsflow-doctor-"):
                pass
        except OSError as error:
            return Check(False, f"the data folder {folder} is not writable: {error.strerror}")
        return Check(True, f"data folder {folder} is writable")
    probe = literal(path + PROBE)
    con = extensions.connect(extensions=("httpfs",))
    try:
        con.execute(s3_secret_sql(os.environ))
        con.execute(f"COPY (SELECT 'newsflow doctor' AS probe) TO {probe} (FORMAT parquet)")
        (read,) = con.execute(f"SELECT probe FROM read_parquet({probe})").fetchone()  # type: ignore[misc]
    except duckdb.Error as error:
        return _failure(error, Store(store.home, dataclasses.replace(location, data_path=path)))
    finally:
        con.close()
    return Check(read == "newsflow doctor", f"data path {path} is writable and readable")


def _lock(store: Store) -> Check:
    try:
        with store.write_lock(wait=0):
            return Check(True, "write lock free: no load is running")
    except WarehouseBusy as busy:
        return Check(True, f"write lock taken, a load is running: {busy}")
    except duckdb.Error as error:
        return _failure(error, store)
