"""Marts: the everyday questions' answers, kept current by each load in its own transaction.

A question such as "who is quoted most" over a year of news would scan tens of millions of
mentions if asked of the raw tables. Instead every load (and every takedown) works out what it
changes: +1 for each row of a story version it adds, -1 for each row of the version it
supersedes or forgets, and merges those sums into small tables keyed by entity. Every measure
is a count over current story versions, so adding and subtracting keeps it exact; a row whose
count falls to zero is deleted.

The deltas are computed from two Arrow tables registered on the connection: `delta_mentions`
and `delta_quotes`, the affected rows of `entity_mentions` and `quotes` with a `sign` column.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from warehouse.lake import ALIAS
from warehouse.schemas import CURRENT_ARTICLES


@dataclass(frozen=True)
class Mart:
    name: str
    keys: tuple[str, ...]
    measures: tuple[str, ...]  # summed; the first one reaching zero removes the row
    delta: str  # the change, from delta_mentions / delta_quotes


_SPOKEN = "speaker_entity_key IS NOT NULL AND speaker_name IS NOT NULL"


def _per_outlet_month(rows: str, key: str) -> str:
    """The articles per (outlet, month, person) that these signed rows change: each person once
    per article version, its outlet and published month read from `articles` (which holds the
    versions a load adds and those it removes until the transaction ends)."""
    return f"""
        WITH d AS (SELECT DISTINCT article_id, version, sign, {key} AS entity_key FROM {rows}),
        a AS (SELECT article_id, version, coalesce(outlet, '(none)') AS outlet,
                     coalesce(strftime(published_at, '%Y-%m'), 'undated') AS month
              FROM {ALIAS}.articles
              SEMI JOIN (SELECT DISTINCT article_id, version FROM d) USING (article_id, version))
        SELECT a.outlet, a.month, d.entity_key, sum(d.sign) AS articles
        FROM d JOIN a USING (article_id, version)
        GROUP BY ALL"""


MARTS = (
    Mart(
        "entities",
        ("entity_key",),
        ("mentions", "articles"),
        """SELECT entity_key, any_value(name) AS name, any_value(label) AS label,
                  sum(sign * n) AS mentions, sum(sign) AS articles
           FROM (SELECT entity_key, article_id, version, sign, any_value(name) AS name,
                        any_value(label) AS label, count(*) AS n
                 FROM delta_mentions GROUP BY entity_key, article_id, version, sign)
           GROUP BY entity_key""",
    ),
    Mart(
        "entity_aliases",
        ("entity_key", "alias"),
        ("mentions",),
        "SELECT entity_key, text AS alias, sum(sign) AS mentions FROM delta_mentions GROUP BY ALL",
    ),
    Mart(
        "speakers",
        ("entity_key",),
        ("quotes", "articles"),
        f"""SELECT speaker_entity_key AS entity_key, any_value(name) AS name,
                   sum(sign * n) AS quotes, sum(sign) AS articles
            FROM (SELECT speaker_entity_key, article_id, version, sign,
                         any_value(speaker_name) AS name, count(*) AS n
                  FROM delta_quotes WHERE {_SPOKEN}
                  GROUP BY speaker_entity_key, article_id, version, sign)
            GROUP BY speaker_entity_key""",
    ),
    Mart(
        "speaker_verbs",
        ("entity_key", "verb"),
        ("quotes",),
        f"""SELECT speaker_entity_key AS entity_key, verb, sum(sign) AS quotes
            FROM delta_quotes WHERE {_SPOKEN} AND verb IS NOT NULL GROUP BY ALL""",
    ),
    Mart(
        "quote_subjects",
        ("speaker_key", "subject_key"),
        ("times",),
        f"""SELECT q.speaker_entity_key AS speaker_key, m.entity_key AS subject_key,
                   sum(q.sign) AS times
            FROM delta_quotes q JOIN delta_mentions m
              ON m.article_id = q.article_id AND m.version = q.version AND m.sign = q.sign
             AND m.start_char >= q.start_char AND m.end_char <= q.end_char
            WHERE q.{_SPOKEN.replace(" AND ", " AND q.")} AND m.label = 'person'
              AND m.entity_key <> q.speaker_entity_key
            GROUP BY ALL""",
    ),
    Mart(
        "co_occurrences",
        ("entity_key", "with_key"),
        ("sentences", "articles"),
        """WITH s AS (SELECT DISTINCT article_id, version, sentence, entity_key, sign
                      FROM delta_mentions)
           SELECT entity_key, with_key, sum(sign * n) AS sentences, sum(sign) AS articles
           FROM (SELECT a.entity_key, b.entity_key AS with_key, a.article_id, a.version,
                        a.sign, count(*) AS n
                 FROM s a JOIN s b
                   ON a.article_id = b.article_id AND a.version = b.version
                  AND a.sentence = b.sentence AND a.sign = b.sign
                  AND a.entity_key < b.entity_key
                 GROUP BY ALL)
           GROUP BY ALL""",
    ),
    Mart(
        "entity_genders",
        ("entity_key", "gender"),
        ("articles", "text_articles"),
        """SELECT entity_key, gender, sum(sign) AS articles,
                  coalesce(sum(sign) FILTER (WHERE gender_source = 'text'), 0) AS text_articles
           FROM (SELECT DISTINCT entity_key, article_id, version, sign, gender, gender_source
                 FROM delta_mentions WHERE label = 'person' AND gender IS NOT NULL)
           GROUP BY ALL""",
    ),
    Mart(
        "outlet_month_people",
        ("outlet", "month", "entity_key"),
        ("articles",),
        _per_outlet_month("delta_mentions WHERE label = 'person'", "entity_key"),
    ),
    Mart(
        "outlet_month_sources",
        ("outlet", "month", "entity_key"),
        ("articles",),
        _per_outlet_month(
            "delta_quotes WHERE speaker_entity_key LIKE 'person:%'", "speaker_entity_key"
        ),
    ),
)


MENTION_COLUMNS = (
    "article_id, version, entity_key, name, label, text, sentence, start_char, end_char, "
    "gender, gender_source"
)
QUOTE_COLUMNS = "article_id, version, speaker_entity_key, speaker_name, verb, start_char, end_char"


def apply(con: duckdb.DuckDBPyConnection, mentions: pa.Table, quotes: pa.Table) -> dict[str, int]:
    """Merge the change these signed rows make into every mart; rows changed per mart.

    Runs inside the caller's transaction: the marts move with the rows they summarise.
    """
    con.register("delta_mentions", mentions)
    con.register("delta_quotes", quotes)
    changed: dict[str, int] = {}
    try:
        for mart in MARTS:
            delta = con.execute(mart.delta).to_arrow_table()
            changed[mart.name] = delta.num_rows
            if delta.num_rows:
                _merge(con, mart, delta)
    finally:
        con.unregister("delta_mentions")
        con.unregister("delta_quotes")
    return changed


def _merge(con: duckdb.DuckDBPyConnection, mart: Mart, delta: pa.Table) -> None:
    con.register("mart_delta", delta)
    try:
        on = " AND ".join(f"t.{k} = d.{k}" for k in mart.keys)
        update = ", ".join(f"{m} = t.{m} + d.{m}" for m in mart.measures)
        columns = ", ".join(delta.column_names)
        values = ", ".join(f"d.{c}" for c in delta.column_names)
        con.execute(
            f"MERGE INTO {ALIAS}.{mart.name} t USING mart_delta d ON {on} "
            f"WHEN MATCHED THEN UPDATE SET {update} "
            f"WHEN NOT MATCHED THEN INSERT ({columns}) VALUES ({values})"
        )
        if pc.min(delta[mart.measures[0]]).as_py() < 0:
            con.execute(f"DELETE FROM {ALIAS}.{mart.name} WHERE {mart.measures[0]} <= 0")
    finally:
        con.unregister("mart_delta")


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """Every mart from the raw tables: the current version of each story, counted from zero.

    For a migration, and the reference the incremental marts are tested against.
    """
    con.execute(f"DELETE FROM {ALIAS}.current_articles")
    columns = ", ".join(CURRENT_ARTICLES.names)
    con.execute(
        f"INSERT INTO {ALIAS}.current_articles ({columns}) SELECT {columns} FROM {ALIAS}.articles "
        "QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY version DESC) = 1"
    )
    for mart in MARTS:
        con.execute(f"DELETE FROM {ALIAS}.{mart.name}")
    current = f"SEMI JOIN {ALIAS}.current_articles USING (article_id, version)"
    apply(
        con,
        con.execute(
            f"SELECT {MENTION_COLUMNS}, 1 AS sign FROM {ALIAS}.entity_mentions {current}"
        ).to_arrow_table(),
        con.execute(
            f"SELECT {QUOTE_COLUMNS}, 1 AS sign FROM {ALIAS}.quotes {current}"
        ).to_arrow_table(),
    )
