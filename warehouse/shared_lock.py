"""The write lock that holds across machines: a PostgreSQL advisory lock in the shared catalog.

When the catalog is PostgreSQL, loads may start on several machines, and the home's `flock`
only excludes runs of the same home. The catalog database is the one place every writer
reaches, so the lock lives there: a session-level advisory lock, held by a dedicated connection
for as long as the load runs. PostgreSQL releases it when that session ends, so a writer that
dies (SIGKILL, a lost machine) never leaves it behind.

DuckDB's postgres extension pools its connections and sends DISCARD ALL (which drops advisory
locks) when an autocommit statement returns one to the pool; inside an open BEGIN it keeps the
same PostgreSQL session, so the lock is taken, and held, in a transaction left open until the
end (tests/integration/test_ducklake_backends.py shows both).
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Iterator

import duckdb

from warehouse.lake import postgres

# One key per catalog database: "newsflow" in ASCII, a signed 64-bit integer.
KEY = int.from_bytes(b"newsflow", "big") & (2**63 - 1)
APPLICATION = "newsflow-writer"


class LockHeld(RuntimeError):
    """Another session holds the lock; the message names it (pid and host) when it can."""


def _with_name(dsn: str, name: str) -> str:
    """The DSN with an application_name that tells the lock's holder (shown in pg_stat_activity)."""
    if "://" in dsn:
        return f"{dsn}{'&' if '?' in dsn else '?'}application_name={name}"
    return f"{dsn} application_name={name}"


def _query(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[object, ...]]:
    return con.execute("SELECT * FROM postgres_query('pg', $q)", {"q": sql}).fetchall()


def holder(con: duckdb.DuckDBPyConnection) -> str:
    """Who holds the lock, as 'pid N on HOST' from its application_name, or 'unknown'."""
    rows = _query(
        con,
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
        "WHERE l.locktype = 'advisory' AND l.granted "
        f"AND ((l.classid::bigint << 32) | l.objid::bigint) = {KEY}",
    )
    name = str(rows[0][0]) if rows else ""
    _, _, who = name.partition(":")
    pid, _, host = who.partition("@")
    return f"pid {pid} on {host}" if pid and host else "unknown"


@contextlib.contextmanager
def hold(dsn: str, wait: float = 0.0) -> Iterator[None]:
    """Hold the catalog's advisory lock, waiting up to `wait` s; LockHeld if it stays taken."""
    me = f"{APPLICATION}:{os.getpid()}@{socket.gethostname()}"
    con = postgres(_with_name(dsn, me))
    taken = False
    try:
        con.execute("BEGIN")  # keeps one PostgreSQL session until ROLLBACK (see above)
        deadline = time.monotonic() + wait
        while not (taken := bool(_query(con, f"SELECT pg_try_advisory_lock({KEY})")[0][0])):
            if time.monotonic() >= deadline:
                raise LockHeld(holder(con))
            time.sleep(min(1.0, max(deadline - time.monotonic(), 0.01)))
        yield
    finally:
        if taken:
            with contextlib.suppress(duckdb.Error):
                _query(con, f"SELECT pg_advisory_unlock({KEY})")
        # Always ROLLBACK before close, even when the server is gone: closing a connection whose
        # PostgreSQL transaction is still open makes DuckDB roll it back in a destructor, and a
        # failure there aborts the process.
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        con.close()  # ends the session, which would release the lock anyway
