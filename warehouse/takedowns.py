"""Forgetting articles: a publisher's takedown, a legal request, a drop loaded by mistake.

A takedown removes every version of the matching stories, their mentions and quotes, and their
share of every mart, in one transaction, and records what was removed and why (never the text).
The rows are then gone from every snapshot taken after it; `newsflow maintain --purge` makes
sure no older snapshot, file or cache can bring them back.
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import UTC, datetime

import duckdb

from warehouse import marts, syndication
from warehouse.lake import ALIAS
from warehouse.schemas import story_identities
from warehouse.store import Store, commit_message, removed_rows

# What a takedown can name, and the `articles` column that matches it.
KINDS = {"url": "url", "article_id": "article_id", "outlet": "outlet", "drop": "drop_id"}


def forget(store: Store, kind: str, value: str, reason: str) -> dict[str, int]:
    """Remove the stories this (kind, value) names; counts of what went. Call under the lock.

    The takedown is kept even when nothing matches yet: a story it names (by id or url, or any
    story of a named outlet) that arrives later is rejected as `taken down`. So is a story it
    removed that comes back by any other name it had (warehouse.schemas.story_identities): the
    same publisher id without the URL, the same text.
    """
    column = KINDS[kind]
    takedown_id = str(uuid.uuid4())
    with contextlib.closing(store.writer()) as con:
        con.execute("BEGIN")
        try:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE gone AS SELECT DISTINCT article_id "
                f"FROM {ALIAS}.articles WHERE {column} = $v",
                {"v": value},
            )
            names = [
                (row[0], name)
                for row in con.execute(
                    "SELECT DISTINCT article_id, content_hash, url, outlet, publisher_id "
                    f"FROM {ALIAS}.articles SEMI JOIN gone USING (article_id)"
                ).fetchall()
                for name in story_identities(*row)
            ]
            con.execute(
                "CREATE OR REPLACE TEMP TABLE gone_current AS "
                "SELECT article_id, version, story_cluster_id, is_wire_copy "
                f"FROM {ALIAS}.current_articles SEMI JOIN gone USING (article_id)"
            )
            marts.apply(
                con,
                marts.Rows(
                    removed_rows(con, "entity_mentions", marts.MENTION_COLUMNS, "gone_current")
                ),
                marts.Rows(removed_rows(con, "quotes", marts.QUOTE_COLUMNS, "gone_current")),
            )
            counts = {"stories": _count(con, "SELECT count(*) FROM gone")}
            tables = ("articles", "entity_mentions", "quotes", "current_articles")
            for table in tables:
                counts[table] = _count(
                    con,
                    f"SELECT count(*) FROM {ALIAS}.{table} SEMI JOIN gone USING (article_id)",
                )
            # Its copies elect another original; its quotes leave their quotations.
            syndication.on_forget(con, "gone_current")
            for table in tables:
                con.execute(
                    f"DELETE FROM {ALIAS}.{table} WHERE article_id IN (SELECT article_id FROM gone)"
                )
            marts.drop_unused_ids(con)
            con.execute(
                f"INSERT INTO {ALIAS}.takedowns VALUES ($id, $kind, $value, $reason, $at, $counts)",
                {
                    "id": takedown_id,
                    "kind": kind,
                    "value": value,
                    "reason": reason,
                    "at": datetime.now(UTC),
                    "counts": counts,
                },
            )
            con.execute(
                f"INSERT INTO {ALIAS}.forgotten (article_id, takedown_id, identity) "
                "SELECT unnest($ids::VARCHAR[]), $takedown, unnest($names::VARCHAR[])",
                {
                    "ids": [article_id for article_id, _ in names],
                    "takedown": takedown_id,
                    "names": [name for _, name in names],
                },
            )
            commit_message(
                con, f"takedown {takedown_id}: {kind}", {"takedown_id": takedown_id, "kind": kind}
            )
            con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            raise
    return counts


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    (n,) = con.execute(sql).fetchone()  # type: ignore[misc]
    return int(n)
