"""DuckDB views over the Parquet store.

The views are the only way readers see the warehouse. They hide rows written by runs that never
committed (a crash mid-load leaves files behind; the view filter makes them invisible until the
next run removes them), and they derive `entities`, `speakers` and `latest_articles` so nothing
mutable is stored.
"""

from __future__ import annotations

from pathlib import Path

from warehouse.schemas import RUN_SCOPED, TABLES


def parquet_scan(root: Path, table: str, options: str = "hive_partitioning = true") -> str:
    """A read_parquet() call over every file of a table (paths are ours, quotes still escaped)."""
    pattern = (root / table / "*" / "*.parquet").as_posix().replace("'", "''")
    return f"read_parquet('{pattern}', union_by_name = true, {options})"


def view_statements(root: Path) -> list[str]:
    """CREATE VIEW statements for every table and derived view, in dependency order."""
    statements = [
        "CREATE OR REPLACE VIEW runs AS SELECT * EXCLUDE (ingest_date) "
        f"FROM {parquet_scan(root, 'runs')}",
        "CREATE OR REPLACE VIEW committed_runs AS "
        "SELECT DISTINCT run_id FROM runs WHERE status = 'completed'",
    ]
    for table in RUN_SCOPED:
        columns = ", ".join(f'"{name}"' for name in TABLES[table].names)
        statements.append(
            f"CREATE OR REPLACE VIEW {table} AS SELECT {columns}, ingest_date "
            f"FROM {parquet_scan(root, table)} WHERE run_id IN (SELECT run_id FROM committed_runs)"
        )
    statements += [
        # The current version of each story: what counts and charts should use.
        "CREATE OR REPLACE VIEW latest_articles AS SELECT * FROM articles "
        "QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY version DESC) = 1",
        "CREATE OR REPLACE VIEW latest_mentions AS SELECT m.* FROM entity_mentions m "
        "JOIN latest_articles a USING (article_id, version)",
        "CREATE OR REPLACE VIEW latest_quotes AS SELECT q.* FROM quotes q "
        "JOIN latest_articles a USING (article_id, version)",
        # One row per real-world entity: a GROUP BY over stable keys, never a mutable table.
        "CREATE OR REPLACE VIEW entities AS SELECT entity_key, mode(name) AS name, "
        "mode(label) AS label, list(DISTINCT text ORDER BY text) AS aliases, "
        "count(*) AS mentions, count(DISTINCT article_id) AS articles "
        "FROM latest_mentions GROUP BY entity_key",
        "CREATE OR REPLACE VIEW speakers AS SELECT speaker_entity_key AS entity_key, "
        "mode(speaker_name) AS name, count(*) AS quotes, count(DISTINCT article_id) AS articles, "
        "list(DISTINCT verb ORDER BY verb) FILTER (WHERE verb IS NOT NULL) AS verbs "
        "FROM latest_quotes WHERE speaker_name IS NOT NULL GROUP BY speaker_entity_key",
    ]
    return statements


VIEW_NAMES = (
    "runs",
    *RUN_SCOPED,
    "latest_articles",
    "latest_mentions",
    "latest_quotes",
    "entities",
    "speakers",
)
