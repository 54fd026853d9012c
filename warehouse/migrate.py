"""`newsflow migrate`: a home of the Parquet store (schema v2) into the lakehouse, in one snapshot.

The old store kept one Parquet file per batch under ``warehouse/<table>/ingest_date=…/`` and
counted a row only when its run had a `completed` runs file. Migration reads exactly those rows,
writes each once into the lake, builds the marts from them and commits it all together; the old
folder is then renamed, not deleted, so nothing is lost if something looks wrong.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import duckdb

from warehouse import marts
from warehouse.lake import ALIAS
from warehouse.schemas import RUN_TABLES
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
