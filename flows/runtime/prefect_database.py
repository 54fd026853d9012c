"""A migrated, empty Prefect database that a new home's server starts from.

A Prefect server on a new SQLite database first creates Prefect's schema, one Alembic migration
after another: 11 of the 24 s a first server start takes on two cores, the same work for every
home. So a server start with no fresh database at hand also builds one, at the lowest CPU
priority, for the installed Prefect version in the user's cache (`$XDG_CACHE_HOME/newsflow`, else
`~/.cache/newsflow`): migrated and with Prefect's block types registered, nothing else. A new
home's server starts from a copy of it.

This module imports nothing of Prefect: the CLI seeds the database before Prefect loads.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.metadata
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATABASE = "prefect.db"  # Prefect's default file under PREFECT_HOME
URL_SETTING = "PREFECT_API_DATABASE_CONNECTION_URL"
SCHEMA_CHECK = "SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'"
BUILD_TIMEOUT = 600.0  # seconds; it runs at the lowest priority, behind whatever else runs


def template() -> Path:
    """The fresh database for the installed Prefect version (which fixes its schema)."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "newsflow" / f"prefect-{importlib.metadata.version('prefect')}.db"


def on_sqlite() -> bool:
    """Whether the server keeps its database in PREFECT_HOME (a configured database, e.g. on
    PostgreSQL, is created and migrated where it is; nothing here applies to it)."""
    return not os.environ.get(URL_SETTING)


def seed(prefect_home: Path) -> bool:
    """Give a home with no Prefect database yet a copy of the fresh one; whether it did.
    Call it before the home's server starts (the caller holds the home's server lock)."""
    target, source = prefect_home / DATABASE, template()
    if not on_sqlite() or target.exists() or not source.exists():
        return False
    partial = prefect_home / f".{DATABASE}.{os.getpid()}.tmp"
    shutil.copyfile(source, partial)
    os.replace(partial, target)  # a server never sees half a database
    return True


def build_in_background(log: Path) -> None:
    """Start building the fresh database if there is none (a process of its own session, at
    the lowest priority, so the run and the server that start now keep the CPU)."""
    if not on_sqlite() or template().exists():
        return
    with open(log, "ab") as output:
        subprocess.Popen(
            [sys.executable, "-m", "flows.runtime.prefect_database"],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def build() -> None:
    """Start a Prefect server on an empty database in a folder of its own, as a home's server
    starts (migrations, then block types), stop it, and put a single-file copy of the database
    in place atomically. Another process building it already makes this one leave."""
    from flows.runtime import prefect_server

    target = template()
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.with_suffix(".lock"), "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return
        if target.exists():
            return
        with tempfile.TemporaryDirectory(dir=target.parent) as work:
            # A port the system picks, never one of the homes', held until the server stops.
            reserved = prefect_server.reserve_port([0])
            if reserved is None:
                raise SystemExit("no free TCP port for the Prefect server building the database")
            port = reserved.getsockname()[1]
            server = subprocess.Popen(
                prefect_server.server_command(port),
                env={k: v for k, v in prefect_server.server_env().items() if k != URL_SETTING}
                | {"PREFECT_HOME": work},
                stdin=subprocess.DEVNULL,
            )
            try:
                deadline = time.monotonic() + BUILD_TIMEOUT
                while not prefect_server.serving(server.pid, prefect_server.api_url(port)):
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit("the Prefect server building the fresh database failed")
                    time.sleep(1.0)
            finally:
                prefect_server.end(server)
                reserved.close()
            copy = Path(work) / "copy.db"
            # The backup API writes one consistent file, whatever the journal left beside it.
            with (
                contextlib.closing(sqlite3.connect(Path(work) / DATABASE)) as source,
                contextlib.closing(sqlite3.connect(copy)) as destination,
            ):
                source.backup(destination)
                if not destination.execute(SCHEMA_CHECK).fetchone():
                    raise SystemExit(f"the server left no Prefect schema in {work}")
            os.replace(copy, target)
    for older in target.parent.glob("prefect-*.db"):
        if older != target:
            older.unlink(missing_ok=True)


if __name__ == "__main__":
    os.nice(19)
    build()
