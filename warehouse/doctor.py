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

from warehouse import extensions, ownership
from warehouse.lake import CatalogState, literal, open_lake, postgres, s3_secret_sql, session
from warehouse.remote import explain
from warehouse.store import Store, WarehouseBusy

# Under an S3 data path, overwritten by each check. Not named .parquet: a data file of no
# catalog's would keep maintenance from deleting the orphans a path may hold (ownership.py).
PROBE = "newsflow-doctor.probe"


@dataclass(frozen=True)
class Check:
    ok: bool
    line: str


def diagnose(store: Store) -> list[Check]:
    """Every check, in order: extensions, catalog, warehouse, data path, whose data path it is
    and whether the data files the catalog uses are all there, write lock."""
    location = store.location
    found: list[Check] = []
    try:
        for name in location.extensions:
            extensions.extension_path(name)
    except RuntimeError as missing:
        return [Check(False, f"DuckDB extension missing: {missing}")]
    catalog = _catalog(store)
    found.append(catalog)
    state: CatalogState | None = None
    if catalog.ok:
        try:
            state = location.state()
        except duckdb.Error as error:
            found.append(_failure(error, store))
        else:
            found.append(_warehouse(store, state))
    data = _data(store)
    found.append(data)
    if state is not None and data.ok:
        found.extend(_files(store, state))
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


def _warehouse(store: Store, state: CatalogState) -> Check:
    if state == "none":
        return Check(True, "no warehouse yet: the first `newsflow run` creates it")
    if state == "started":
        return Check(
            True,
            "the warehouse's creation was stopped before its tables were made: the next "
            "`newsflow run` finishes it",
        )
    try:
        with contextlib.closing(store.connect()) as con:
            (count, latest) = con.execute(
                "SELECT count(*), max(snapshot_time) FROM snapshots()"
            ).fetchone()  # type: ignore[misc]
    except duckdb.Error as error:
        return _failure(error, store)
    return Check(True, f"warehouse: {count} snapshots, the latest at {latest:%Y-%m-%d %H:%M:%S%z}")


def _files(store: Store, state: CatalogState) -> list[Check]:
    """Whose the data path is (ownership.py), and whether every data file the catalog uses is
    there: a listing of the path against the catalog, no file read."""
    location = store.location
    try:
        if state == "none":
            with contextlib.closing(session(location)) as con:
                ownership.check_free(con, location)
            return []
        with contextlib.closing(open_lake(location, read_only=True)) as con:
            owner = ownership.claim(con, location, write=False)
            path = ownership.data_path(con, location)
            used = ownership.referenced_files(con)
            present = ownership.data_files(con, path)
            unknown = present - ownership.known_files(con)
    except ownership.DataPathTaken as taken:
        return [Check(False, str(taken))]
    except duckdb.Error as error:
        return [_failure(error, store)]
    checks = [
        Check(
            True,
            "the data path is this warehouse's"
            + (
                ""
                if owner.exclusive
                else f"; {len(unknown)} data files there are not its own, and maintenance "
                "leaves them"
            ),
        )
    ]
    missing = sorted(set(used) - present)
    if missing:
        checks.append(
            Check(
                False,
                f"{len(missing)} of the {len(used)} data files the catalog uses are missing from "
                f"{path} (the first: {missing[0]}, of table {used[missing[0]]}): queries that "
                "read them fail; restore them from a backup of the data path",
            )
        )
    else:
        checks.append(Check(True, f"all {len(used)} data files the catalog uses are there"))
    return checks


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
