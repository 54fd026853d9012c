"""A user's word on a person's gender: `newsflow gender set NAME female|male|unknown`.

The pipeline estimates gender from what each article says and, failing that, from how the first
name is gendered in name data; it is wrong for some people and cannot decide others. An override
names the person by entity key and wins over every estimate in the `entity_gender` view, for
articles loaded before it as well as after: its commit works the person's `person_gender` row
out again (and a later load that brings the person does too). `unknown`
is an answer too (keep this person out of the female/male counts); `unset` removes the override
and brings the estimate back. Each change is one commit of the lake with a message saying what
changed. The one mart that counts people by their articles' calls (`gender_mix`, the
dashboard's) moves with it in that commit: the person's current articles are counted out before
the change and in again after it.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from typing import Any

import duckdb

from warehouse import marts, syndication
from warehouse.lake import ALIAS
from warehouse.store import Store, commit_message, removed_rows

GENDERS = ("female", "male", "unknown")


def set_override(store: Store, key: str, name: str, gender: str) -> None:
    """Record `gender` for the person `key` (replacing any earlier override). Call under the
    write lock."""
    if gender not in GENDERS:
        raise ValueError(f"gender must be one of {', '.join(GENDERS)}, not {gender!r}")
    _change(
        store,
        key,
        f"gender override {key}: {gender}",
        "INSERT INTO {t} VALUES ($key, $name, $gender, $at)",
        {"name": name, "gender": gender, "at": datetime.now(UTC)},
    )


def unset_override(store: Store, key: str) -> bool:
    """Remove the override of `key`, if any (True when there was one). Call under the lock."""
    return _change(store, key, f"gender override {key} removed", None, {}) > 0


def overrides(store: Store) -> list[dict[str, Any]]:
    """Every override, with the articles the person is in (None: not in the warehouse yet)."""
    with store.connect() as con:
        result = con.execute(
            "SELECT o.entity_key, o.name, o.gender, o.set_at, e.articles "
            "FROM gender_overrides o LEFT JOIN entities e USING (entity_key) "
            "ORDER BY o.entity_key"
        )
        columns = [d[0] for d in result.description or []]
        return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]


def _change(
    store: Store, key: str, message: str, insert: str | None, values: dict[str, Any]
) -> int:
    """Delete the key's override and insert the new one, in one commit of the lake; the number
    of overrides deleted. Removing one that does not exist commits nothing."""
    table = f"{ALIAS}.gender_overrides"
    with contextlib.closing(store.writer()) as con:
        con.execute("BEGIN")
        try:
            (deleted,) = con.execute(
                f"SELECT count(*) FROM {table} WHERE entity_key = $key", {"key": key}
            ).fetchone()  # type: ignore[misc]
            if insert is None and not deleted:
                con.execute("ROLLBACK")
                return 0
            _recount(con, key, -1)
            con.execute(f"DELETE FROM {table} WHERE entity_key = $key", {"key": key})
            if insert is not None:
                con.execute(insert.format(t=table), {"key": key, **values})
            _recount(con, key, +1)
            marts.refresh_genders(
                con,
                f"SELECT entity_id FROM {ALIAS}.entity_ids WHERE entity_key = $key",
                {"key": key},
            )
            commit_message(con, message, {"entity_key": key, **values})
            con.execute("COMMIT")
            return int(deleted)
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            raise


def _recount(con: duckdb.DuckDBPyConnection, key: str, sign: int) -> None:
    """Take the person's current articles out of the marts that count by an article's gender
    calls (-1, before the change), or put them back (+1, after it): their mixes move with the
    override in the same commit. Reads the person's rows of the raw tables once per change."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE overridden AS SELECT DISTINCT article_id, version FROM "
        f"(SELECT article_id, version FROM {ALIAS}.entity_mentions WHERE entity_key = $key "
        f"UNION ALL SELECT article_id, version FROM {ALIAS}.quotes "
        "WHERE speaker_entity_key = $key) "
        f"SEMI JOIN {ALIAS}.current_articles USING (article_id, version)",
        {"key": key},
    )
    _move(con, sign, marts.BY_GENDER_CALLS)
    con.execute(  # the "original reporting only" marts leave wire copies out
        "DELETE FROM overridden WHERE article_id IN "
        f"(SELECT article_id FROM {ALIAS}.current_articles WHERE is_wire_copy)"
    )
    _move(con, sign, syndication.ORIGINAL_BY_GENDER_CALLS)
    con.execute("DROP TABLE overridden")


def _move(con: duckdb.DuckDBPyConnection, sign: int, only: tuple[marts.Mart, ...]) -> None:
    """The rows of the `overridden` versions, signed, into these marts."""
    marts.apply(
        con,
        marts.Rows(removed_rows(con, "entity_mentions", marts.MENTION_COLUMNS, "overridden", sign)),
        marts.Rows(removed_rows(con, "quotes", marts.QUOTE_COLUMNS, "overridden", sign)),
        only=only,
    )
