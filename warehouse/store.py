"""The warehouse as the pipeline sees it: look-ups, staging, the run's one commit, the write lock.

A run stages each batch's rows as Parquet files under ``staging/<run id>/`` (atomic, and a
retried batch replaces its own file), then commits everything in ONE lakehouse transaction:
the rows of every table, the marts they change, and the run's `runs` row. Readers see all of
it or none of it. A crash before that commit leaves only staging files (deleted by the next run)
and, if it came during the commit, data files no snapshot references (deleted by `maintain`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from warehouse import marts, ownership, shared_lock, syndication
from warehouse.failpoints import failpoint
from warehouse.lake import ALIAS, Location, ensure_tables, memory_limit, open_lake
from warehouse.pid_lock import Held, pid_lock
from warehouse.schemas import PRINT_TABLES, RUN_TABLES, SCHEMA_VERSION
from warehouse.views import VIEWS

STAGED = ("articles", "entity_mentions", "quotes", "rejects", "files")
# DuckDB's memory for a load's commit, which spills past it rather than grow with the drop: a
# 10,000-article commit took 520 MB above the flow's process uncapped, 280 MB capped, no slower.
COMMIT_MEMORY = "256MB"


class WarehouseBusy(RuntimeError):
    """Another process holds the write lock of this home."""


class WarehouseMissing(RuntimeError):
    """The home has no warehouse (or one in a format this version does not read)."""


@dataclass(frozen=True)
class Store:
    """The warehouse of one home. Its lake is `at` when given (a catalog and data path elsewhere,
    see flows.settings.store_for; migration's target), else in the home."""

    home: Path
    at: Location | None = None

    @property
    def location(self) -> Location:
        return self.at or Location.of(self.home)

    @property
    def staging(self) -> Path:
        return self.home / "staging"

    def exists(self) -> bool:
        """Whether a warehouse was created here: read commands must not create one.

        Raises duckdb.Error when a PostgreSQL catalog cannot be reached.
        """
        return self.location.exists()

    def legacy(self) -> bool:
        """A home written by newsflow before the lakehouse (Parquet folders, schema v2)."""
        return not self.exists() and (self.home / "warehouse" / "runs").is_dir()

    def check(self) -> None:
        """Raise WarehouseMissing with what to do, unless the home holds a lakehouse."""
        if self.legacy():
            raise WarehouseMissing(
                f"{self.home} holds a warehouse in the format of newsflow before the lakehouse "
                f"(Parquet folders, schema v2); convert it once with `newsflow migrate --home "
                f"{self.home}`"
            )
        if not self.exists():
            where = (
                str(self.home)
                if self.location == Location.of(self.home)
                else self.location.describe_catalog()
            )
            raise WarehouseMissing(
                f"no warehouse in {where}; check --home / NEWSFLOW_HOME (--catalog / "
                "NEWSFLOW_CATALOG), or load a drop there first with `newsflow run DROP`"
            )

    # -- connections -------------------------------------------------------------------------

    def connect(self, at: int | str | None = None) -> duckdb.DuckDBPyConnection:
        """A read-only connection, as the warehouse is now or at a snapshot (id or timestamp).

        It never takes a lock a load needs: the catalog is read in WAL mode, the files are
        immutable.
        """
        self.check()
        return self._spilling(open_lake(self.location, read_only=True, snapshot=at))

    def writer(self) -> duckdb.DuckDBPyConnection:
        """This process's read-write connection to the lake (one per location, opened once, after
        its data path is found to be this catalog's: raises ownership.DataPathTaken)."""
        with _LOCK:
            con = _WRITERS.get(self.location)
            if con is None:
                con = self._spilling(ownership.open_writer(self.location))
                _WRITERS[self.location] = con
        cursor = con.cursor()
        cursor.execute(f"USE {ALIAS}")  # a cursor starts in the in-memory database
        return cursor

    def _spilling(self, con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
        """Queries that outgrow memory spill into the home, not into `.tmp` of whatever folder
        the command was started from."""
        spill = str(self.home / "spill").replace("'", "''")
        con.execute(f"SET temp_directory = '{spill}'")
        return con

    def _read(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """A look-up for the pipeline; a home with no warehouse yet holds nothing."""
        if not self.exists():
            return []
        with contextlib.closing(self.writer()) as con:
            return con.execute(sql, params or {}).fetchall()

    def init(self) -> None:
        """Create the lake, or add what a newer schema has (tables, columns, views).

        DuckLake makes its catalog in a transaction of its own, before this one makes the
        tables: a process killed between the two leaves a catalog without tables, which
        `exists()` does not count as a warehouse and this finishes."""
        with contextlib.closing(self.writer()) as con:
            failpoint("catalog-created")
            con.execute("BEGIN")
            try:
                ensured = ensure_tables(con, VIEWS)
                if ensured.changed:
                    if ensured.replaced:
                        marts.rebuild(con)
                    elif new_marts := tuple(m for m in marts.MARTS if m.name in ensured.added):
                        marts.rebuild(con, only=new_marts)  # their counts of the rows before
                    if "person_gender" in ensured.added and not ensured.replaced:
                        marts.rebuild_genders(con)
                    if "speaker_counts_original" in ensured.created:
                        syndication.start_original_marts(con)
                    elif "gender_mix_original" in ensured.added:
                        marts.rebuild(
                            con,
                            only=syndication.ORIGINAL_BY_GENDER_CALLS,
                            counted=syndication.NOT_WIRE,
                        )
                    commit_message(
                        con, f"schema v{SCHEMA_VERSION}", {"schema_version": SCHEMA_VERSION}
                    )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    # -- what is already loaded --------------------------------------------------------------

    def seen_files(self, shas: list[str]) -> dict[str, set[str]]:
        """For each of these file hashes already committed: the drops it came in."""
        rows = self._read(
            "SELECT sha256, list(DISTINCT drop_id) FROM files "
            "WHERE sha256 IN (SELECT unnest($shas::VARCHAR[])) GROUP BY sha256",
            {"shas": shas},
        )
        return {sha: set(drops) for sha, drops in rows}

    def recorded_files(self, drop_id: str) -> set[tuple[str, str]]:
        """(path, sha256) of every file committed runs recorded for this drop."""
        rows = self._read(
            "SELECT DISTINCT path, sha256 FROM files WHERE drop_id = $drop", {"drop": drop_id}
        )
        return {(path, sha) for path, sha in rows}

    def limit_rejects(
        self, shas: list[str], reasons: frozenset[str]
    ) -> dict[str, set[tuple[str, str | None, str]]]:
        """For each of these files whose latest reading rejected something for one of these
        reasons (a limit's): every reject that reading recorded, as (path, record, reason).

        A file's reading is a committed run that read it (a `files` row other than a whole-file
        duplicate); its rejects are that run's rows for the file or its archive members."""
        rows = self._read(
            "WITH latest AS (SELECT f.sha256, f.path, f.run_id FROM files f JOIN runs USING "
            "(run_id) WHERE f.sha256 IN (SELECT unnest($shas::VARCHAR[])) "
            "AND NOT (f.status = 'duplicate' AND f.records = 0) "
            "QUALIFY row_number() OVER (PARTITION BY f.sha256 ORDER BY runs.started_at DESC) = 1) "
            "SELECT l.sha256, r.path, r.record, r.reason FROM latest l JOIN rejects r "
            "ON r.run_id = l.run_id AND (r.path = l.path OR starts_with(r.path, l.path || '!'))",
            {"shas": shas},
        )
        found: dict[str, set[tuple[str, str | None, str]]] = {}
        for sha, path, record, reason in rows:
            found.setdefault(sha, set()).add((path, record, reason))
        return {sha: seen for sha, seen in found.items() if any(r in reasons for *_, r in seen)}

    def last_completed_start(self, source: str) -> datetime | None:
        """When the latest completed run on this source path started, if any did."""
        rows = self._read(
            "SELECT max(started_at) FROM runs WHERE status = 'completed' AND source = $source",
            {"source": source},
        )
        return rows[0][0] if rows else None

    def known_articles(self, ids: list[str], hashes: list[str]) -> tuple[dict[str, int], set[str]]:
        """Latest version of these stories, and which of these content hashes are loaded."""
        versions = self._read(
            "SELECT article_id, max(version) FROM articles "
            "WHERE article_id IN (SELECT unnest($ids::VARCHAR[])) GROUP BY article_id",
            {"ids": ids},
        )
        loaded = self._read(
            "SELECT DISTINCT content_hash FROM articles "
            "WHERE content_hash IN (SELECT unnest($hashes::VARCHAR[]))",
            {"hashes": hashes},
        )
        return dict(versions), {h for (h,) in loaded}

    def taken_down(self, names: list[str]) -> set[str]:
        """Which of these names (tasks.load.takedown_names) a takedown forbids: the identities
        of the stories it forgot, and the url / article id / outlet it named."""
        forgotten = self._read(
            "SELECT DISTINCT coalesce(identity, 'article_id:' || article_id) AS name "
            "FROM forgotten WHERE name IN (SELECT unnest($names::VARCHAR[]))",
            {"names": names},
        )
        named = self._read(
            "SELECT DISTINCT kind || ':' || value AS name FROM takedowns "
            "WHERE kind <> 'drop' AND name IN (SELECT unnest($names::VARCHAR[]))",
            {"names": names},
        )
        return {name for (name,) in forgotten + named}

    # -- staging and the commit --------------------------------------------------------------

    def stage(self, run_id: str, table: str, rows: pa.Table, name: str) -> Path:
        """Write one batch of a table for this run; the same name replaces an earlier attempt."""
        schema = (RUN_TABLES | PRINT_TABLES)[table]
        rows = rows.cast(schema) if rows.schema != schema else rows
        target = self.staging / run_id / table / f"{name}.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        pq.write_table(rows, tmp, compression="zstd")
        failpoint("before-rename")
        os.replace(tmp, target)
        failpoint("after-write")
        return target

    def discard_staging(self, keep: str | None = None) -> int:
        """Delete staged rows of runs that never committed (call under the write lock)."""
        removed = 0
        if self.staging.is_dir():
            for run in self.staging.iterdir():
                if run.name != keep:
                    shutil.rmtree(run, ignore_errors=True)
                    removed += 1
        return removed

    def committed_snapshot(self, run_id: str) -> int | None:
        rows = self._read(
            "SELECT snapshot_id FROM runs WHERE run_id = $run AND status = 'completed'",
            {"run": run_id},
        )
        return rows[0][0] if rows else None

    def commit(
        self,
        run_id: str,
        run_row: pa.Table | Callable[[], pa.Table],
        describe: str,
        info: dict[str, Any],
        clusterer: syndication.Clusterer | None = None,
    ) -> int:
        """Make the run's staged rows, the marts they change, their story and quote clusters (by
        the `clusterer`'s decisions; none without one) and its `runs` row visible at once. The
        row may be given as a function, called once the rest is written: a row that times the
        run then counts the commit's work too.

        Safe to retry: a run that already committed is not committed again.
        """
        done = self.committed_snapshot(run_id)
        if done is not None:
            return done
        staged = {
            table: sorted((self.staging / run_id / table).glob("*.parquet"))
            for table in (*STAGED, *PRINT_TABLES)
        }
        with contextlib.closing(self.writer()) as con, memory_limit(con, COMMIT_MEMORY):
            con.execute("BEGIN")
            try:
                snapshot = _next_snapshot(con)
                for table in STAGED:
                    files = staged[table]
                    if files:
                        con.execute(
                            f"INSERT INTO {ALIAS}.{table} BY NAME SELECT * FROM read_parquet($f)",
                            {"f": [str(f) for f in files]},
                        )
                clustering = _update_marts(con, staged, clusterer)
                row = run_row() if callable(run_row) else run_row
                row = row.set_column(
                    row.schema.get_field_index("snapshot_id"),
                    "snapshot_id",
                    pa.array([snapshot], pa.int64()),
                )
                con.register("run_row", row)
                con.execute(f"INSERT INTO {ALIAS}.runs BY NAME SELECT * FROM run_row")
                con.unregister("run_row")
                # How long its clustering took: `newsflow snapshots` and benchmarks read it.
                extra = {"run_id": run_id, "clustering_seconds": round(clustering, 3)}
                commit_message(con, describe, info | extra)
                failpoint("commit")
                con.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(duckdb.Error):
                    con.execute("ROLLBACK")
                raise
        failpoint("after-commit")
        shutil.rmtree(self.staging / run_id, ignore_errors=True)
        return snapshot

    def record_failure(self, run_row: pa.Table, describe: str) -> None:
        """A failed run's `runs` row, in a commit of its own: it shows what happened, no rows."""
        with contextlib.closing(self.writer()) as con:
            con.execute("BEGIN")
            try:
                con.register("run_row", run_row)
                con.execute(f"INSERT INTO {ALIAS}.runs BY NAME SELECT * FROM run_row")
                con.unregister("run_row")
                commit_message(con, describe, {"run_id": run_row["run_id"][0].as_py()})
                con.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(duckdb.Error):
                    con.execute("ROLLBACK")
                raise

    @contextlib.contextmanager
    def write_lock(self, wait: float = 0.0) -> Iterator[None]:
        """Hold the warehouse's exclusive write lock, waiting up to `wait` seconds for it.

        Always the home's flock (its staging folder is this home's); with a PostgreSQL catalog
        also the catalog's advisory lock, which excludes writers on every machine. The CLI does
        not wait (a person should hear at once that another load is running); a scheduled or
        triggered run waits its turn rather than fail.
        """
        deadline = time.monotonic() + wait
        with self._home_lock(wait):
            dsn = self.location.postgres_dsn
            if dsn is None:
                yield
                return
            left = max(deadline - time.monotonic(), 0.0)
            try:
                with shared_lock.hold(dsn, left):
                    yield
            except shared_lock.LockHeld as held:
                raise WarehouseBusy(
                    _busy(str(held), self.location.describe_catalog(), wait)
                ) from None

    @contextlib.contextmanager
    def _home_lock(self, wait: float) -> Iterator[None]:
        """The home's flock on .write.lock, which holds the pid of its holder."""
        lock = contextlib.ExitStack()
        try:
            lock.enter_context(pid_lock(self.home / ".write.lock", wait))
        except Held as held:
            raise WarehouseBusy(_busy(str(held), str(self.home), wait)) from None
        with lock:
            yield


def _busy(holder: str, into: str, wait: float) -> str:
    """The one message of a taken write lock, whichever lock it was (what to do then is the
    caller's to say: the advice to a load is not the advice to a takedown)."""
    return f"another newsflow run ({holder}) is loading into {into}" + (
        f" and did not finish within {wait:.0f}s" if wait else ""
    )


_LOCK = threading.Lock()
_WRITERS: dict[Location, duckdb.DuckDBPyConnection] = {}


def close_writers() -> None:
    """Close this process's read-write connections (tests that move or delete a home)."""
    with _LOCK:
        for con in _WRITERS.values():
            con.close()
        _WRITERS.clear()


def _next_snapshot(con: duckdb.DuckDBPyConnection) -> int:
    """The id this transaction's commit will get: the write lock admits no other committer."""
    (latest,) = con.execute(f"SELECT max(snapshot_id) FROM {ALIAS}.snapshots()").fetchone()  # type: ignore[misc]
    return int(latest) + 1


def commit_message(con: duckdb.DuckDBPyConnection, describe: str, info: dict[str, Any]) -> None:
    con.execute(
        f"CALL {ALIAS}.set_commit_message('newsflow', $m, extra_info => $i)",
        {"m": describe, "i": json.dumps(info, default=str)},
    )


def _update_marts(
    con: duckdb.DuckDBPyConnection,
    staged: dict[str, list[Path]],
    clusterer: syndication.Clusterer | None,
) -> float:
    """Marts change by the current versions this run adds, minus the versions they supersede.

    A story can come twice in one drop (two versions); only its last one counts. Returns the
    seconds the story and quote clusters took.
    """
    if not staged["articles"]:
        return 0.0
    con.execute(
        "CREATE OR REPLACE TEMP TABLE fresh AS SELECT * FROM read_parquet($f) "
        "QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY version DESC) = 1",
        {"f": [str(f) for f in staged["articles"]]},
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE superseded AS "
        "SELECT c.article_id, c.version, c.story_cluster_id, c.is_wire_copy "
        f"FROM {ALIAS}.current_articles c SEMI JOIN fresh USING (article_id)"
    )
    mentions = _signed(con, staged["entity_mentions"], "entity_mentions", marts.MENTION_COLUMNS)
    quotes = _signed(con, staged["quotes"], "quotes", marts.QUOTE_COLUMNS)
    marts.apply(con, mentions, quotes)
    con.execute(
        f"DELETE FROM {ALIAS}.current_articles WHERE article_id IN "
        "(SELECT article_id FROM superseded)"
    )
    prints = {name: staged[name] for name in PRINT_TABLES} | {
        name: staged[name] for name in ("quotes", "entity_mentions")
    }
    return syndication.on_load(con, prints, clusterer, marts.CURRENT_COLUMNS)


def _signed(
    con: duckdb.DuckDBPyConnection, files: list[Path], table: str, columns: str
) -> marts.Rows:
    """+1 rows of the fresh versions from the staged files, -1 rows of the superseded ones."""
    removed = removed_rows(con, table, columns, "superseded")
    if not files:
        return marts.Rows(removed)
    return marts.Rows(
        f"SELECT {columns}, 1 AS sign FROM read_parquet($f) "
        f"SEMI JOIN fresh USING (article_id, version) UNION ALL ({removed})",
        {"f": [str(f) for f in files]},
    )


def removed_rows(
    con: duckdb.DuckDBPyConnection, table: str, columns: str, versions: str, sign: int = -1
) -> str:
    """The query of the rows of these (article_id, version) pairs in the lake, signed -1 for the
    marts (+1 to count them again), and with none, it does not scan the table."""
    (n,) = con.execute(f"SELECT count(*) FROM {versions}").fetchone()  # type: ignore[misc]
    return (
        f"SELECT {columns}, {sign} AS sign FROM {ALIAS}.{table} "
        f"SEMI JOIN {versions} USING (article_id, version)" + ("" if n else " LIMIT 0")
    )
