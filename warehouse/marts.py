"""Marts: the everyday questions' answers, kept current by each load in its own transaction.

A question such as "who is quoted most" over a year of news would scan tens of millions of
mentions if asked of the raw tables. Instead every load (and every takedown) works out what it
changes: +1 for each row of a story version it adds, -1 for each row of the version it
supersedes or forgets, and merges those sums into small tables. Every measure is a count over
current story versions, so adding and subtracting keeps it exact; a row whose count falls to
zero is deleted.

The marts are keyed by integer entity ids (`entity_ids`, given at first sight), not by names:
DuckLake updates a row by rewriting it whole, so a merge reads every column of its table, and
a table of ids and counts is a fraction of one of names (measured at 361,000 articles: the
co-occurrence merge 5.9 s on names, 1.4 s on ids). The named views over them are in views.py.

The deltas are computed from two temporary tables, `delta_mentions` and `delta_quotes`: the
affected rows of `entity_mentions` and `quotes` with a `sign` column; `apply` fills them from the
caller's queries and adds their entity ids as `dm` and `dq`. They stay in DuckDB, under the
memory cap a load's commit sets (store.COMMIT_MEMORY), and spill to disk past it; as Arrow tables
in Python they were outside any cap (a 10,000-article commit under the same cap: 372 MB above
the process with Arrow tables, 287 MB with these).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from warehouse.lake import ALIAS, memory_limit
from warehouse.schemas import ARTICLES, CURRENT_ARTICLES


@dataclass(frozen=True)
class Mart:
    name: str
    keys: tuple[str, ...]
    measures: tuple[str, ...]  # summed; the first one reaching zero removes the row
    delta: str  # the change, from dm / dq


_SPOKEN = "speaker_id IS NOT NULL"
_PERSON_SPOKEN = "speaker_id IS NOT NULL AND speaker_entity_key LIKE 'person:%'"
# A rebuild's self-join of years of sentences would take most of the machine's memory (5 GB at
# 361,000 articles); capped, DuckDB spills it to disk and takes longer (21 s -> 35 s there).
REBUILD_MEMORY = "2GB"


def _article_months(rows: str) -> str:
    """The outlet, published month and language of the article versions these rows name."""
    return f"""SELECT article_id, version, coalesce(outlet, '(none)') AS outlet,
                      coalesce(strftime(published_at, '%Y-%m'), 'undated') AS month,
                      coalesce(language, 'und') AS language
               FROM {ALIAS}.articles
               SEMI JOIN (SELECT DISTINCT article_id, version FROM {rows})
               USING (article_id, version)"""


def _per_outlet_month(rows: str, key: str) -> str:
    """The articles per (outlet, month, person) that these signed rows change: each person once
    per article version, its outlet and published month read from `articles` (which holds the
    versions a load adds and those it removes until the transaction ends)."""
    return f"""
        WITH d AS (SELECT DISTINCT article_id, version, sign, {key} AS entity_id FROM {rows}),
        a AS ({_article_months("d")})
        SELECT a.outlet, a.month, d.entity_id, sum(d.sign) AS articles
        FROM d JOIN a USING (article_id, version)
        GROUP BY ALL"""


MARTS = (
    Mart(
        "entity_counts",
        ("entity_id",),
        ("mentions", "articles"),
        """SELECT entity_id, sum(sign * n) AS mentions, sum(sign) AS articles
           FROM (SELECT entity_id, article_id, version, sign, count(*) AS n
                 FROM dm GROUP BY ALL)
           GROUP BY entity_id""",
    ),
    Mart(
        "alias_counts",
        ("entity_id", "alias"),
        ("mentions",),
        "SELECT entity_id, text AS alias, sum(sign) AS mentions FROM dm GROUP BY ALL",
    ),
    Mart(
        "speaker_counts",
        ("entity_id",),
        ("quotes", "articles"),
        f"""SELECT speaker_id AS entity_id, sum(sign * n) AS quotes, sum(sign) AS articles
            FROM (SELECT speaker_id, article_id, version, sign, count(*) AS n
                  FROM dq WHERE {_SPOKEN} GROUP BY ALL)
            GROUP BY speaker_id""",
    ),
    Mart(
        "speaker_verb_counts",
        ("entity_id", "verb"),
        ("quotes",),
        f"""SELECT speaker_id AS entity_id, verb, sum(sign) AS quotes
            FROM dq WHERE {_SPOKEN} AND verb IS NOT NULL GROUP BY ALL""",
    ),
    Mart(
        "quote_subject_counts",
        ("speaker_id", "subject_id"),
        ("times",),
        f"""SELECT q.speaker_id, m.entity_id AS subject_id, sum(q.sign) AS times
            FROM dq q JOIN dm m
              ON m.article_id = q.article_id AND m.version = q.version AND m.sign = q.sign
             AND m.start_char >= q.start_char AND m.end_char <= q.end_char
            WHERE q.{_SPOKEN} AND m.label = 'person' AND m.entity_id <> q.speaker_id
            GROUP BY ALL""",
    ),
    Mart(
        "co_occurrence_counts",
        ("entity_id", "with_id"),
        ("sentences", "articles"),
        """WITH s AS (SELECT DISTINCT article_id, version, sentence, entity_key, entity_id, sign
                      FROM dm)
           SELECT entity_id, with_id, sum(sign * n) AS sentences, sum(sign) AS articles
           FROM (SELECT a.entity_id, b.entity_id AS with_id, a.article_id, a.version,
                        a.sign, count(*) AS n
                 FROM s a JOIN s b
                   ON a.article_id = b.article_id AND a.version = b.version
                  AND a.sentence = b.sentence AND a.sign = b.sign
                  AND a.entity_key < b.entity_key
                 GROUP BY ALL)
           GROUP BY ALL""",
    ),
    Mart(
        "entity_gender_counts",
        ("entity_id", "gender"),
        ("articles", "text_articles"),
        """SELECT entity_id, gender, sum(sign) AS articles,
                  coalesce(sum(sign) FILTER (WHERE gender_source = 'text'), 0) AS text_articles
           FROM (SELECT DISTINCT entity_id, article_id, version, sign, gender, gender_source
                 FROM dm WHERE label = 'person' AND gender IS NOT NULL)
           GROUP BY ALL""",
    ),
    Mart(
        "outlet_month_people",
        ("outlet", "month", "entity_id"),
        ("articles",),
        _per_outlet_month("dm WHERE label = 'person'", "entity_id"),
    ),
    Mart(
        "outlet_month_sources",
        ("outlet", "month", "entity_id"),
        ("articles",),
        _per_outlet_month(f"dq WHERE {_PERSON_SPOKEN}", "speaker_id"),
    ),
)

# The dashboard's marts (schemas.DASHBOARD_MARTS). In `gender_mix` a person counts with the
# gender their article gives them (an override first), so an article's mix never depends on other
# articles and a load can add and subtract it; `newsflow gender set` moves the mixes of the
# person's articles (gender_overrides.py).
DASHBOARD = (
    Mart(
        "gender_mix",
        ("outlet", "month", "language", "role", "women", "men", "unknown"),
        ("articles",),
        f"""WITH people AS (
              SELECT article_id, version, sign, entity_key, any_value(gender) AS gender
              FROM dm WHERE label = 'person' GROUP BY ALL),
            spoken AS (
              SELECT DISTINCT article_id, version, sign, speaker_entity_key AS entity_key
              FROM dq WHERE {_PERSON_SPOKEN}),
            called AS (
              SELECT r.article_id, r.version, r.sign, r.role,
                     coalesce(o.gender, r.gender, 'unknown') AS gender
              FROM (SELECT article_id, version, sign, entity_key, gender, 'person' AS role
                    FROM people
                    UNION ALL
                    SELECT s.article_id, s.version, s.sign, s.entity_key, p.gender, 'source'
                    FROM spoken s LEFT JOIN people p USING (article_id, version, sign, entity_key)
                   ) r
              LEFT JOIN {ALIAS}.gender_overrides o USING (entity_key)),
            mix AS (
              SELECT article_id, version, sign, role,
                     count(*) FILTER (WHERE gender = 'female')::INT AS women,
                     count(*) FILTER (WHERE gender = 'male')::INT AS men,
                     count(*) FILTER (WHERE gender NOT IN ('female', 'male'))::INT AS unknown
              FROM called GROUP BY ALL),
            a AS ({_article_months("mix")})
            SELECT a.outlet, a.month, a.language, m.role, m.women, m.men, m.unknown,
                   sum(m.sign) AS articles
            FROM mix m JOIN a USING (article_id, version)
            GROUP BY ALL""",
    ),
    Mart(
        "source_months",
        ("entity_id", "month", "outlet", "language"),
        ("quotes", "articles"),
        f"""WITH d AS (SELECT article_id, version, sign, speaker_id AS entity_id, count(*) AS n
                       FROM dq WHERE {_PERSON_SPOKEN} GROUP BY ALL),
            a AS ({_article_months("d")})
            SELECT d.entity_id, a.month, a.outlet, a.language,
                   sum(d.sign * d.n) AS quotes, sum(d.sign) AS articles
            FROM d JOIN a USING (article_id, version)
            GROUP BY ALL""",
    ),
)
MARTS = MARTS + DASHBOARD
BY_GENDER_CALLS = tuple(m for m in DASHBOARD if m.name == "gender_mix")  # moved by an override


MENTION_COLUMNS = (
    "article_id, version, entity_key, name, label, text, sentence, start_char, end_char, "
    "gender, gender_source"
)
QUOTE_COLUMNS = "article_id, version, speaker_entity_key, speaker_name, verb, start_char, end_char"
# The columns of current_articles that come from `articles` (the others are the clusters').
CURRENT_COLUMNS = ", ".join(n for n in CURRENT_ARTICLES.names if n in ARTICLES.names)


@dataclass(frozen=True)
class Rows:
    """A query of signed rows (MENTION_COLUMNS or QUOTE_COLUMNS, and `sign`) and its parameters."""

    sql: str
    params: dict[str, Any] = field(default_factory=dict)


def apply(
    con: duckdb.DuckDBPyConnection,
    mentions: Rows,
    quotes: Rows,
    only: tuple[Mart, ...] = MARTS,
) -> dict[str, int]:
    """Merge the change these signed rows make into every mart (or `only` these); rows changed
    per mart.

    Runs inside the caller's transaction: the marts move with the rows they summarise. Its
    temporary tables go with the transaction when it fails (a statement to drop them then would
    only be refused, in place of the error), and are dropped when it succeeds.
    """
    con.execute(f"CREATE OR REPLACE TEMP TABLE delta_mentions AS {mentions.sql}", mentions.params)
    con.execute(f"CREATE OR REPLACE TEMP TABLE delta_quotes AS {quotes.sql}", quotes.params)
    changed: dict[str, int] = {}
    _identify(con)
    for mart in only:
        con.execute(f"CREATE OR REPLACE TEMP TABLE mart_delta AS {mart.delta}")
        rows, lowest = con.execute(  # type: ignore[misc]
            f"SELECT count(*), min({mart.measures[0]}) FROM mart_delta"
        ).fetchone()
        changed[mart.name] = rows
        if rows:
            _merge(con, mart, removes=lowest < 0)
    if any(mart.name in _VOTES for mart in only):
        refresh_genders(con, "SELECT entity_id FROM dm WHERE label = 'person'")
    for table in ("delta_mentions", "delta_quotes", "mart_delta"):
        con.execute(f"DROP TABLE {table}")
    return changed


def _identify(con: duckdb.DuckDBPyConnection, relation: str = "TABLE") -> None:
    """Give every entity of the delta its id (new ones the next free ids): `dm` and `dq`.

    The one place a load reads entity names from the lake: a single join of this load's keys
    with `entity_ids`. The caller holds the write lock, so no other load hands out ids. A load's
    `dm` and `dq` are small temporary tables; a rebuild's are views (`relation="VIEW"`) over
    years of rows, which every mart's query then streams instead of holding them in memory.
    """
    con.execute(
        """CREATE OR REPLACE TEMP TABLE delta_keys AS
           SELECT entity_key, arg_min(name, seen) AS name, arg_min(label, seen) AS label
           FROM (SELECT entity_key, name, label, 0 AS seen FROM delta_mentions
                 UNION ALL
                 SELECT speaker_entity_key, speaker_name, split_part(speaker_entity_key, ':', 1),
                        1 AS seen
                 FROM delta_quotes
                 WHERE speaker_entity_key IS NOT NULL AND speaker_name IS NOT NULL)
           GROUP BY entity_key"""
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE delta_ids AS SELECT i.entity_key, i.entity_id "
        f"FROM {ALIAS}.entity_ids i SEMI JOIN delta_keys k USING (entity_key)"
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE new_ids AS
            SELECT (SELECT coalesce(max(entity_id), 0) FROM {ALIAS}.entity_ids)
                   + row_number() OVER (ORDER BY entity_key) AS entity_id, entity_key, name, label
            FROM delta_keys ANTI JOIN delta_ids USING (entity_key)"""
    )
    con.execute(f"INSERT INTO {ALIAS}.entity_ids BY NAME SELECT * FROM new_ids")
    con.execute("INSERT INTO delta_ids SELECT entity_key, entity_id FROM new_ids")
    con.execute(
        f"CREATE OR REPLACE TEMP {relation} dm AS "
        "SELECT m.*, i.entity_id FROM delta_mentions m JOIN delta_ids i USING (entity_key)"
    )
    # A condition on one side in the ON clause turns the hash join into a nested loop (2.2 s
    # for one night's quotes at 361,000 articles); the CASE costs nothing.
    con.execute(
        f"CREATE OR REPLACE TEMP {relation} dq AS SELECT q.*, "
        "CASE WHEN q.speaker_name IS NOT NULL THEN i.entity_id END AS speaker_id "
        "FROM delta_quotes q LEFT JOIN delta_ids i ON i.entity_key = q.speaker_entity_key"
    )


def _merge(con: duckdb.DuckDBPyConnection, mart: Mart, removes: bool) -> None:
    """`mart_delta` into the mart; `removes`: some counts go down, and may reach zero."""
    names = [c[0] for c in con.execute("SELECT * FROM mart_delta LIMIT 0").description]
    on = " AND ".join(f"t.{k} = d.{k}" for k in mart.keys)
    update = ", ".join(f"{m} = t.{m} + d.{m}" for m in mart.measures)
    values = ", ".join(f"d.{c}" for c in names)
    con.execute(
        f"MERGE INTO {ALIAS}.{mart.name} t USING mart_delta d ON {on} "
        f"WHEN MATCHED THEN UPDATE SET {update} "
        f"WHEN NOT MATCHED THEN INSERT ({', '.join(names)}) VALUES ({values})"
    )
    if removes:
        con.execute(f"DELETE FROM {ALIAS}.{mart.name} WHERE {mart.measures[0]} <= 0")


# `person_gender` is not a sum: a person's gender is the majority of their articles' calls
# (`entity_gender_counts`) unless overridden, so it is worked out again, whole, for each person
# whose votes a change moves. The marts it follows:
_VOTES = ("entity_counts", "entity_gender_counts")


def _genders(people: str) -> str:
    """`person_gender`'s rows of these people (a query of entity ids): the ones counted
    (`entity_counts`) as persons with a call or an override. The majority decides; a tie or no
    call is unknown; the source is the override, else `text` when an article's words made any
    of the winning calls, else `name`."""
    return f"""
        WITH ids AS (
          SELECT i.entity_id, i.entity_key FROM {ALIAS}.entity_ids i
          SEMI JOIN {ALIAS}.entity_counts c USING (entity_id)
          WHERE i.label = 'person' AND i.entity_id IN ({people})),
        votes AS (
          SELECT entity_id,
                 coalesce(sum(articles) FILTER (WHERE gender = 'female'), 0) AS female,
                 coalesce(sum(articles) FILTER (WHERE gender = 'male'), 0) AS male,
                 coalesce(sum(articles) FILTER (WHERE gender = 'unknown'), 0) AS undecided,
                 coalesce(sum(text_articles) FILTER (WHERE gender = 'female'), 0) AS female_text,
                 coalesce(sum(text_articles) FILTER (WHERE gender = 'male'), 0) AS male_text
          FROM {ALIAS}.entity_gender_counts SEMI JOIN ids USING (entity_id)
          GROUP BY entity_id),
        estimate AS (
          SELECT *, CASE WHEN female > male THEN 'female' WHEN male > female THEN 'male'
                         ELSE 'unknown' END AS estimated
          FROM votes)
        SELECT i.entity_id,
               coalesce(o.gender, v.estimated, 'unknown') AS gender,
               CASE WHEN o.gender IS NOT NULL THEN 'override'
                    WHEN v.estimated = 'female' AND v.female_text > 0 THEN 'text'
                    WHEN v.estimated = 'male' AND v.male_text > 0 THEN 'text'
                    WHEN v.estimated IN ('female', 'male') THEN 'name'
               END AS gender_source,
               CASE WHEN o.gender IS NOT NULL THEN 1.0
                    WHEN v.estimated IN ('female', 'male')
                    THEN greatest(v.female, v.male) / (v.female + v.male)
               END AS gender_probability,
               coalesce(v.female, 0)::BIGINT AS female_articles,
               coalesce(v.male, 0)::BIGINT AS male_articles,
               coalesce(v.undecided, 0)::BIGINT AS unknown_articles
        FROM ids i
        LEFT JOIN estimate v USING (entity_id)
        LEFT JOIN {ALIAS}.gender_overrides o ON o.entity_key = i.entity_key
        WHERE v.entity_id IS NOT NULL OR o.gender IS NOT NULL"""


def refresh_genders(
    con: duckdb.DuckDBPyConnection, people: str, params: dict[str, Any] | None = None
) -> None:
    """Work out again the `person_gender` rows of these people (a query of entity ids), after
    their votes or their override changed; in the caller's transaction."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE refreshed AS SELECT DISTINCT * FROM ({people})", params or {}
    )
    con.execute(f"DELETE FROM {ALIAS}.person_gender WHERE entity_id IN (SELECT * FROM refreshed)")
    con.execute(f"INSERT INTO {ALIAS}.person_gender BY NAME {_genders('SELECT * FROM refreshed')}")
    con.execute("DROP TABLE refreshed")


def rebuild_genders(con: duckdb.DuckDBPyConnection) -> None:
    """Every person's `person_gender` row from the marts (a new lake's upgrade, a rebuild)."""
    con.execute(f"DELETE FROM {ALIAS}.person_gender")
    everyone = f"SELECT entity_id FROM {ALIAS}.entity_counts"
    con.execute(f"INSERT INTO {ALIAS}.person_gender BY NAME {_genders(everyone)}")


def drop_unused_ids(con: duckdb.DuckDBPyConnection) -> None:
    """Forget the names no mart counts any more: after a takedown, its people leave the lake."""
    con.execute(
        f"DELETE FROM {ALIAS}.entity_ids WHERE entity_id NOT IN "
        f"(SELECT entity_id FROM {ALIAS}.entity_counts "
        f"UNION ALL SELECT entity_id FROM {ALIAS}.speaker_counts)"
    )


def rebuild(
    con: duckdb.DuckDBPyConnection,
    only: tuple[Mart, ...] | None = None,
    counted: str = f"{ALIAS}.current_articles",
) -> None:
    """Every mart from the raw tables (or `only` these, over the current articles as they are):
    the current version of each story, counted from zero.

    For a migration, a lake of schema v3 (marts keyed by name), a lake that gains a mart (its
    rows from before), and the reference the incremental marts are tested against. `counted`:
    the (article_id, version) pairs to count (the "original reporting only" marts count fewer).
    The marts are empty, so each is one INSERT of its delta query over every current row (all
    signed +1): DuckDB streams the lake through the aggregates (spilling to disk when they
    outgrow memory) instead of merging slice after slice.
    """
    if only is None:
        con.execute(f"DELETE FROM {ALIAS}.current_articles")
        columns = CURRENT_COLUMNS
        con.execute(
            f"INSERT INTO {ALIAS}.current_articles ({columns}) "
            f"SELECT {columns} FROM {ALIAS}.articles "
            "QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY version DESC) = 1"
        )
    current = f"SEMI JOIN {counted} USING (article_id, version)"
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW delta_mentions AS SELECT {MENTION_COLUMNS}, 1 AS sign "
        f"FROM {ALIAS}.entity_mentions {current}"
    )
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW delta_quotes AS SELECT {QUOTE_COLUMNS}, 1 AS sign "
        f"FROM {ALIAS}.quotes {current}"
    )
    try:
        with memory_limit(con, REBUILD_MEMORY):
            _identify(con, relation="VIEW")
            for mart in MARTS if only is None else only:
                con.execute(f"DELETE FROM {ALIAS}.{mart.name}")
                con.execute(f"INSERT INTO {ALIAS}.{mart.name} BY NAME {mart.delta}")
            if only is None or any(mart.name in _VOTES for mart in only):
                rebuild_genders(con)
    finally:
        for view in ("dm", "dq", "delta_mentions", "delta_quotes"):
            con.execute(f"DROP VIEW IF EXISTS {view}")
