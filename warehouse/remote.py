"""What goes wrong when the warehouse lives on servers, said in one line a user can act on.

DuckDB's messages for these failures are accurate but long (an HTTP dump, a libpq paragraph);
`explain` recognises the ones a user meets (bad credentials, a missing bucket, PostgreSQL down
or refusing, a data path that disagrees with the catalog) and says what to check. It never
repeats a credential: the catalog string holds no password (Location refuses one), and DuckDB's
S3 errors carry neither the key id nor the secret.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

import duckdb

from warehouse.lake import (
    CONNECT_TIMEOUT,
    CONNECT_TIMEOUT_ENV,
    DATA_PATH_ENV,
    Location,
    postgres,
)
from warehouse.ownership import DataPathTaken

# libpq's words for a connection the server dropped, by when it noticed.
_LOST = ("server closed the connection", "no connection to the server")
# What libpq and DuckDB's postgres extension say when the catalog server cannot be used.
_PG_SIGNS = ("Postgres", "PostgreSQL", "libpq", "Connection refused", *_LOST)
_PG_DETAIL = re.compile(r"failed: (?:FATAL:\s*)?([^\n]+)")


def explain(error: BaseException, location: Location) -> str | None:
    """One line for a failure to reach or use the catalog or the data files; None otherwise."""
    if isinstance(error, DataPathTaken):  # its message says it all
        return str(error)
    if not isinstance(error, duckdb.Error):
        return None
    text = str(error)
    data = location.data_path or "the data path"
    if "SignatureDoesNotMatch" in text or "InvalidAccessKeyId" in text:
        return (
            f"the object store refused the credentials for {data}: check AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN if you use one)"
        )
    if "AccessDenied" in text or "HTTP 403" in text or "HTTP code 403" in text:
        return f"the object store denies access to {data}: these credentials may not use it"
    if "NoSuchBucket" in text:
        bucket = urlsplit(location.data_path or "").netloc
        return (
            f"bucket {bucket!r} does not exist on {_endpoint()}: create it, or fix "
            f"{DATA_PATH_ENV} / --data-path"
        )
    if isinstance(error, duckdb.HTTPException) or "Could not establish connection" in text:
        return f"cannot reach the object store at {_endpoint()} for {data}: {_first_line(text)}"
    dsn = location.postgres_dsn
    if dsn is not None and any(sign in text for sign in _PG_SIGNS):
        catalog = location.describe_catalog()
        detail = _PG_DETAIL.search(text)
        if any(lost in text for lost in _LOST):
            reason = "the server closed the connection"
        else:
            reason = detail.group(1).strip() if detail else _first_line(text)
        if "does not exist" in reason:
            return f"{reason} ({catalog}): create it first, e.g. createdb, or fix --catalog"
        if "password authentication failed" in reason or "no password supplied" in reason:
            return (
                f"PostgreSQL refused the login ({catalog}): {reason}; set PGPASSWORD or ~/.pgpass"
            )
        if "timeout expired" in reason:
            return (
                f"the PostgreSQL catalog ({catalog}) did not answer in time: check its host and "
                "port, and that a firewall lets them through (the wait is connect_timeout in the "
                f"catalog string, else {CONNECT_TIMEOUT_ENV}, {CONNECT_TIMEOUT} s by default)"
            )
        return f"cannot reach the PostgreSQL catalog ({catalog}): {reason}; is the server running?"
    if "data_path is not set" in text:
        return (
            f"a new PostgreSQL catalog needs the place of its data files: set {DATA_PATH_ENV} "
            "or --data-path (e.g. s3://bucket/newsflow/)"
        )
    if "does not match existing data path" in text:
        recorded = re.search(r'existing data path in the catalog "([^"]+)"', text)
        where = recorded.group(1) if recorded else "another path"
        return (
            f"the catalog keeps its data files at {where}, not {data}: unset {DATA_PATH_ENV} "
            "/ --data-path or give that path"
        )
    if dsn is not None and isinstance(error, duckdb.TransactionException):
        # A catalog lost inside a transaction comes back in words that depend on the statement
        # it hit ("Current transaction is aborted", or a failed ROLLBACK with no reason at all):
        # the catalog itself says whether it is down, and why.
        down = _unreachable(dsn)
        if down is not None:
            return explain(down, location)
    return None


def _unreachable(dsn: str) -> duckdb.Error | None:
    """The error a new connection to the catalog meets; None when it connects."""
    try:
        postgres(dsn).close()
    except duckdb.Error as error:
        return error
    return None


def _endpoint() -> str:
    return os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or "AWS S3"


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), text)
