"""The Parquet store: where tables live, how a load becomes visible, and who may write.

Layout under ``$NEWSFLOW_HOME/warehouse``::

    <table>/ingest_date=YYYY-MM-DD/<drop_id>-<run>-<batch>.parquet

A load is made visible by one atomic rename: the run's ``runs`` file with status ``completed``,
written after every data file of the run. The views only show rows whose ``run_id`` has such a
file, so a crash at any point leaves the old state; the next run under the write lock deletes the
orphaned files. File names are deterministic (drop + run + batch), so a retried write replaces its
own earlier attempt instead of adding rows, and never touches a committed run's files.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.failpoints import failpoint
from warehouse.schemas import RUN_SCOPED, SCHEMA_VERSION, TABLES
from warehouse.views import parquet_scan, view_statements

CATALOG = "newsflow.duckdb"
_EMPTY_PARTITION = "ingest_date=1970-01-01"
_ROW_GROUP = 64_000


class WarehouseBusy(RuntimeError):
    """Another process holds the write lock of this home."""


@dataclass(frozen=True)
class Store:
    home: Path

    @property
    def root(self) -> Path:
        return self.home / "warehouse"

    @property
    def catalog(self) -> Path:
        return self.home / CATALOG

    def exists(self) -> bool:
        """Whether a warehouse was created here: read commands must not create one."""
        return self.catalog.exists()

    def init(self) -> None:
        """Create the table folders, each with an empty file that carries the schema.

        DuckDB cannot create a view over a glob that matches nothing, and an empty warehouse must
        still answer queries with zero rows and the right columns.
        """
        for table, schema in TABLES.items():
            target = self.root / table / _EMPTY_PARTITION / f"_schema-v{SCHEMA_VERSION}.parquet"
            if not target.exists():
                self._write(schema.empty_table(), target)
        if not self.catalog.exists():
            self.publish_catalog()

    def write(self, table: str, rows: pa.Table, *, day: date, name: str) -> Path:
        """Write one table file atomically; the same (day, name) replaces an earlier attempt."""
        rows = rows.cast(TABLES[table]) if rows.schema != TABLES[table] else rows
        target = self.root / table / f"ingest_date={day.isoformat()}" / f"{name}.parquet"
        self._write(rows, target)
        return target

    def _write(self, rows: pa.Table, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        pq.write_table(rows, tmp, compression="zstd", row_group_size=_ROW_GROUP)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        failpoint("before-rename")
        os.replace(tmp, target)
        _fsync_dir(target.parent)
        failpoint("after-write")

    def connect(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with the warehouse views.

        It never opens the catalog file, so a query can never hold a lock that a load needs.
        """
        self.init()
        con = duckdb.connect(":memory:")
        for statement in view_statements(self.root.resolve()):
            con.execute(statement)
        return con

    def publish_catalog(self) -> None:
        """Rewrite ``newsflow.duckdb`` by rename, so clients holding the old file keep working."""
        self.home.mkdir(parents=True, exist_ok=True)
        tmp = self.catalog.with_name(f".{CATALOG}.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        with contextlib.closing(duckdb.connect(str(tmp))) as con:
            for statement in view_statements(self.root.resolve()):
                con.execute(statement)
        os.replace(tmp, self.catalog)

    def seen_files(self, shas: list[str]) -> dict[str, set[str]]:
        """For each of these file hashes already committed: the drops it came in."""
        with contextlib.closing(self.connect()) as con:
            rows = con.execute(
                "SELECT sha256, list(DISTINCT drop_id) FROM files "
                "WHERE sha256 IN (SELECT unnest($shas::VARCHAR[])) GROUP BY sha256",
                {"shas": shas},
            ).fetchall()
        return {sha: set(drops) for sha, drops in rows}

    def recorded_files(self, drop_id: str) -> set[tuple[str, str]]:
        """(path, sha256) of every file committed runs recorded for this drop."""
        with contextlib.closing(self.connect()) as con:
            rows = con.execute(
                "SELECT DISTINCT path, sha256 FROM files WHERE drop_id = $drop", {"drop": drop_id}
            ).fetchall()
        return {(path, sha) for path, sha in rows}

    def last_completed_start(self, source: str) -> datetime | None:
        """When the latest completed run on this source path started, if any did."""
        with contextlib.closing(self.connect()) as con:
            (started,) = con.execute(
                "SELECT max(started_at) FROM runs WHERE status = 'completed' AND source = $source",
                {"source": source},
            ).fetchone() or (None,)
        return started

    def known_articles(self, ids: list[str], hashes: list[str]) -> tuple[dict[str, int], set[str]]:
        """Latest version of these stories, and which of these content hashes are loaded."""
        with contextlib.closing(self.connect()) as con:
            versions = con.execute(
                "SELECT article_id, max(version) FROM articles "
                "WHERE article_id IN (SELECT unnest($ids::VARCHAR[])) GROUP BY article_id",
                {"ids": ids},
            ).fetchall()
            loaded = con.execute(
                "SELECT DISTINCT content_hash FROM articles "
                "WHERE content_hash IN (SELECT unnest($hashes::VARCHAR[]))",
                {"hashes": hashes},
            ).fetchall()
        return dict(versions), {h for (h,) in loaded}

    @contextlib.contextmanager
    def write_lock(self, wait: float = 0.0) -> Iterator[None]:
        """Hold the home's exclusive write lock, waiting up to `wait` seconds for it.

        The CLI does not wait (a person should hear at once that another load is running); a
        scheduled or triggered run waits its turn rather than fail.
        """
        self.home.mkdir(parents=True, exist_ok=True)
        path = self.home / ".write.lock"
        deadline = time.monotonic() + wait
        with open(path, "a+") as handle:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        handle.seek(0)
                        holder = handle.read().strip() or "unknown"
                        raise WarehouseBusy(
                            f"another newsflow run (pid {holder}) is loading into {self.home}"
                            + (f" and did not finish within {wait:.0f}s" if wait else "")
                            + "; wait for it to finish and run again (its drop will then be "
                            "skipped if it was the same one)"
                        ) from None
                    time.sleep(min(1.0, max(deadline - time.monotonic(), 0.01)))
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def recover(self) -> int:
        """Delete temp files and files of runs that never committed. Call under the write lock."""
        removed = 0
        for tmp in self.root.rglob(".*.tmp"):
            tmp.unlink(missing_ok=True)
            removed += 1
        con = self.connect()
        for table in RUN_SCOPED:
            scan = parquet_scan(self.root.resolve(), table, "filename = true")
            orphans = con.execute(
                f"SELECT DISTINCT filename FROM {scan} "
                "WHERE run_id NOT IN (SELECT run_id FROM committed_runs)"
            ).fetchall()
            for (filename,) in orphans:
                Path(filename).unlink(missing_ok=True)
                removed += 1
        return removed


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
