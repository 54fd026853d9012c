"""`newsflow migrate`: an older or smaller warehouse into the configured lakehouse, in one snapshot.

Two cases. A home's local lakehouse (SQLite catalog, files under the home) moves to a shared
one (PostgreSQL catalog, files on S3): `copy_lake` copies the current rows of every table,
marts included, and keeps the local one as it was. And a home of the Parquet store (schema v2):
the old store kept one Parquet file per batch under ``warehouse/<table>/ingest_date=…/`` and
counted a row only when its run had a `completed` runs file. Migration reads exactly those rows,
writes each once into the lake, builds the marts from them and commits it all together; the old
folder is then renamed, not deleted, so nothing is lost if something looks wrong.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import duckdb

from warehouse import extensions, marts, syndication
from warehouse.lake import ALIAS, Location
from warehouse.schemas import RUN_TABLES, TABLES
from warehouse.store import Store, commit_message

DATA = ("articles", "entity_mentions", "quotes", "files", "rejects")


def _scan(root: Path, table: str) -> str:
    pattern = (root / table / "*" / "*.parquet").as_posix().replace("'", "''")
    return f"read_parquet('{pattern}', union_by_name = true, hive_partitioning = false)"


def legacy_counts(root: Path) -> dict[str, int]:
    """Rows the old store showed (committed runs only), per table."""
    with contextlib.closing(duckdb.connect()) as con:
        _legacy_views(con, root)
        return {
            t: con.execute(f"SELECT count(*) FROM legacy_{t}").fetchone()[0] for t in RUN_TABLES
        }  # type: ignore[index]


def _legacy_views(con: duckdb.DuckDBPyConnection, root: Path) -> None:
    con.execute(f"CREATE OR REPLACE TEMP VIEW legacy_runs AS SELECT * FROM {_scan(root, 'runs')}")
    for table in DATA:
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW legacy_{table} AS SELECT * FROM {_scan(root, table)} "
            "WHERE run_id IN (SELECT run_id FROM legacy_runs WHERE status = 'completed')"
        )


def migrate(store: Store) -> tuple[dict[str, int], dict[str, int]]:
    """Convert the home's old store; the row counts before and after. Call under the lock."""
    root = store.home / "warehouse"
    before = legacy_counts(root)
    store.init()
    with contextlib.closing(store.writer()) as con:
        _legacy_views(con, root)
        con.execute("BEGIN")
        try:
            for table, schema in RUN_TABLES.items():
                have = {
                    r[0] for r in con.execute(f"DESCRIBE SELECT * FROM legacy_{table}").fetchall()
                }
                columns = ", ".join(f'"{c}"' for c in schema.names if c in have)
                con.execute(
                    f"INSERT INTO {ALIAS}.{table} ({columns}) SELECT {columns} FROM legacy_{table}"
                )
            marts.rebuild(con)
            syndication.start_original_marts(con)
            con.execute(
                f"UPDATE {ALIAS}.runs SET snapshot_id = "
                f"(SELECT max(snapshot_id) + 1 FROM {ALIAS}.snapshots())"
            )
            commit_message(con, "migrate from the Parquet store (schema v2)", {"migrated": before})
            con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            raise
    after = {}
    with store.connect() as con:
        for table in RUN_TABLES:
            after[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
    root.rename(root.with_name("warehouse.v2-migrated"))
    old_catalog = store.home / "newsflow.duckdb"
    if old_catalog.exists():
        old_catalog.rename(old_catalog.with_name("newsflow.duckdb.v2-migrated"))
    return before, after


def copy_lake(source: Location, target: Store) -> dict[str, int]:
    """Copy the current rows of every table from `source` into the (new) lake of `target`, in
    one snapshot; the rows per table. Call under the target's write lock.

    History is not copied: older snapshots stay queryable in the source only, and each run's
    `snapshot_id` becomes the copy's snapshot, where its rows now appear.
    """
    target.init()
    with contextlib.closing(target.writer()) as con:
        extensions.load(con, *source.extensions)
        con.execute(source.attach_sql(read_only=True, alias="source"))
        try:
            con.execute("BEGIN")
            try:
                for table in TABLES:
                    con.execute(f"INSERT INTO {ALIAS}.{table} BY NAME SELECT * FROM source.{table}")
                con.execute(
                    f"UPDATE {ALIAS}.runs SET snapshot_id = "
                    f"(SELECT max(snapshot_id) + 1 FROM {ALIAS}.snapshots())"
                )
                commit_message(con, "copied from a local lakehouse", {"copied_from": "local"})
                con.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(duckdb.Error):
                    con.execute("ROLLBACK")
                raise
        finally:
            con.execute("DETACH source")
    return lake_counts(target)


def lake_counts(store: Store) -> dict[str, int]:
    """Rows per table of a lakehouse, marts included."""
    with store.connect() as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # type: ignore[index]
