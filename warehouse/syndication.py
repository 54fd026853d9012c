"""Story and quote clusters in the lake, kept by each load and takedown in its own transaction.

A load's new story versions are compared with the stories of the lake whose time (published,
else loaded) is within a window of theirs, never with the whole lake: their fingerprints'
sampled hashes (tasks/syndication.py) are joined with those of `story_index`, in DuckDB, and
only the pairs that share some come back to Python, where the caller's `Clusterer` decides which
cluster each new story joins. The same for quotes, by speaker, with `quote_occurrences`.

The invariants this module keeps for every cluster a change touches, however it was touched
(a copy added, a new version, a takedown): the original is the earliest copy (its time, then its
article id), `is_wire_copy` is true for every other copy, and `story_similarity` is a copy's
share of sampled shingles found in the original (of the shorter one's). A quote cluster's
`quote_clusters` row is recomputed from its occurrences. The "original reporting only" marts
(`speaker_counts_original`, `outlet_month_sources_original`) count the current versions that
are not wire copies: every change of which versions those are is applied to them, as +1 and -1
rows, the way marts.py keeps the other marts.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pyarrow as pa

from warehouse import marts
from warehouse.lake import ALIAS
from warehouse.schemas import QUOTE_OCCURRENCES

# Every row this module reads and writes is for current story versions; these are the temporary
# tables it leaves for its caller's statements: `story_touched` and `quote_touched` (cluster ids).
_TIME = "coalesce(published_at, ingested_at)"
_DAY = f"CAST(floor(epoch({_TIME}) / 86400) AS INTEGER)"  # days since 1970


class Clusterer(Protocol):
    """Decides which cluster each new story and quote joins (tasks/syndication.py).

    `stories(new, matches, next_id)`: `new` are (article_id, sampled shingles, the cluster of
    the version it replaces) in time order;
    `matches` (article_id, other_id, shared, sample, other_sample, other_cluster) for every pair
    of a new story and another (in the lake or new, cluster None) sharing sampled shingles,
    within the window; it returns each new story's cluster id, new ones from `next_id` on.
    `quotes(new, matches, next_id)`: the same with (quote_id, speaker, words, prints) and
    (quote_id, other_id, shared, prints, other_prints, words, other_words, other_cluster,
    same_speaker).
    """

    window_days: int
    # Fingerprints in more of the window's stories (quotations) than these are ignored.
    common_stories: int
    common_quotes: int
    # Pairs sharing fewer fingerprints are never one story or quotation (but for quotes both
    # of under `short_quote` words): the query leaves them out rather than send them back.
    story_shared: int
    quote_shared: int
    short_quote: int

    def stories(
        self, new: Sequence[tuple[Any, ...]], matches: Sequence[tuple[Any, ...]], next_id: int
    ) -> dict[str, int]: ...

    def quotes(
        self, new: Sequence[tuple[Any, ...]], matches: Sequence[tuple[Any, ...]], next_id: int
    ) -> dict[str, int]: ...


def on_load(
    con: duckdb.DuckDBPyConnection,
    prints: dict[str, list[Path]],
    clusterer: Clusterer | None,
    current_columns: str,
) -> float:
    """Cluster the load's new versions (temp table `fresh`) and insert them into current_articles;
    the versions they replace (temp table `superseded`: article_id, version, story_cluster_id,
    is_wire_copy) are already out of it.

    Without a clusterer (or staged fingerprints) the new versions are left unclustered. Returns
    the seconds it took, beside inserting the rows (the load's commit records them).
    """
    started = time.perf_counter()
    _leaving(con, "superseded")
    if clusterer is not None and prints.get("story_prints"):
        _cluster_stories(con, prints["story_prints"], clusterer)
    else:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE story_assigned AS "
            "SELECT article_id, NULL::BIGINT AS story_cluster_id FROM fresh"
        )
    con.execute(
        "INSERT INTO story_touched SELECT DISTINCT story_cluster_id FROM story_assigned "
        "WHERE story_cluster_id IS NOT NULL"
    )
    _elect_originals(
        con,
        f"""SELECT f.article_id, f.version, a.story_cluster_id, NULL::BOOLEAN AS is_wire_copy,
                   NULL::FLOAT AS story_similarity, {_TIME} AS seen
            FROM fresh f JOIN story_assigned a USING (article_id)""",
    )
    con.execute(
        f"INSERT INTO {ALIAS}.current_articles ({current_columns}, story_cluster_id, "
        "is_wire_copy, story_similarity) "
        f"SELECT {current_columns}, a.story_cluster_id, s.wire, s.similarity "
        "FROM fresh JOIN story_assigned a USING (article_id) "
        "LEFT JOIN story_flags s USING (article_id, version)"
    )
    con.execute("INSERT INTO counted_before SELECT article_id, version, NULL FROM fresh")
    if clusterer is not None and prints.get("quote_prints"):
        _cluster_quotes(con, prints["quote_prints"], clusterer)
    _refresh_quote_clusters(con)
    _apply_original_marts(con, prints.get("quotes", []), prints.get("entity_mentions", []))
    _drop(con, *_TEMPORARY)
    return time.perf_counter() - started


def on_forget(con: duckdb.DuckDBPyConnection, gone: str) -> None:
    """Take these current versions (a table of article_id, version, story_cluster_id and
    is_wire_copy) out of current_articles and their clusters, before the caller deletes their
    rows: each cluster they leave elects its original again."""
    _leaving(con, gone)
    con.execute(
        f"DELETE FROM {ALIAS}.current_articles WHERE article_id IN (SELECT article_id FROM {gone})"
    )
    _elect_originals(con)
    _refresh_quote_clusters(con)
    _apply_original_marts(con, [], [])
    _drop(con, *_TEMPORARY)


def _leaving(con: duckdb.DuckDBPyConnection, leaving: str) -> None:
    """Start the change's record with the versions leaving: whether the original marts counted
    them (every version not known to be a wire copy), the clusters they leave; and their
    fingerprints out of the index."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE counted_before AS "
        f"SELECT article_id, version, is_wire_copy IS NOT TRUE AS counted FROM {leaving}"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE story_touched AS SELECT DISTINCT story_cluster_id "
        f"FROM {leaving} WHERE story_cluster_id IS NOT NULL"
    )
    con.execute("CREATE OR REPLACE TEMP TABLE quote_touched (quote_cluster_id BIGINT)")
    (n,) = con.execute(f"SELECT count(*) FROM {leaving}").fetchone()  # type: ignore[misc]
    if not n:  # the usual load: nothing leaves, and the index need not be scanned
        return
    con.execute(
        "INSERT INTO quote_touched SELECT DISTINCT quote_cluster_id "
        f"FROM {ALIAS}.quote_occurrences SEMI JOIN {leaving} USING (article_id, version)"
    )
    for table in ("story_index", "quote_occurrences"):
        con.execute(
            f"DELETE FROM {ALIAS}.{table} WHERE article_id IN (SELECT article_id FROM {leaving})"
        )


def _cluster_stories(
    con: duckdb.DuckDBPyConnection, files: list[Path], clusterer: Clusterer
) -> None:
    """`story_assigned` (article_id, story_cluster_id) for every fresh version, and its
    fingerprints into `story_index`."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE story_new AS
            SELECT p.article_id, p.version, {_DAY} AS day, p.shingles, p.sample,
                   {_TIME} AS seen
            FROM read_parquet($f) p JOIN fresh f USING (article_id, version)""",
        {"f": [str(f) for f in files]},
    )
    con.execute(
        f"INSERT INTO {ALIAS}.story_index BY NAME "
        "SELECT article_id, version, day, shingles, sample FROM story_new"
    )
    window = clusterer.window_days
    lo, hi = _days(con, "story_new", window)
    # Every pair of a new version and another current one (new or not) within the window that
    # share sampled shingles, but for the common ones; the other's cluster, NULL for a new one.
    # Temporary tables, not a query's CTEs: DuckDB keeps a CTE used twice in memory, while a
    # table goes to disk past the commit's memory cap.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE story_n AS "
        "SELECT article_id, day, len(sample) AS size, unnest(sample) AS h FROM story_new"
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE story_o AS
            SELECT * FROM (SELECT article_id, day, len(sample) AS size, unnest(sample) AS h
                           FROM {ALIAS}.story_index WHERE day BETWEEN $lo AND $hi)
            SEMI JOIN story_n USING (h)""",
        {"lo": lo, "hi": hi},
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE story_common AS "
        "SELECT h FROM story_o GROUP BY h HAVING count(*) > $common",
        {"common": clusterer.common_stories},
    )
    matches = con.execute(
        f"""WITH pairs AS (
                SELECT n.article_id, o.article_id AS other_id, count(*) AS shared,
                       any_value(n.size) AS size, any_value(o.size) AS other_size
                FROM (FROM story_n ANTI JOIN story_common USING (h)) n
                JOIN story_o o ON n.h = o.h AND abs(n.day - o.day) <= $w
                WHERE n.article_id <> o.article_id
                GROUP BY ALL
                HAVING count(*) >= $least)
            SELECT p.*, c.story_cluster_id
            FROM pairs p LEFT JOIN {ALIAS}.current_articles c ON c.article_id = p.other_id""",
        {"w": window, "least": clusterer.story_shared},
    ).fetchall()
    _drop(con, "story_n", "story_o", "story_common")
    new = con.execute(
        "SELECT n.article_id, len(n.sample), s.story_cluster_id FROM story_new n "
        "LEFT JOIN superseded s USING (article_id) ORDER BY n.seen, n.article_id"
    ).fetchall()
    (top,) = con.execute(  # type: ignore[misc]
        f"SELECT coalesce(max(story_cluster_id), 0) FROM {ALIAS}.current_articles"
    ).fetchone()
    assigned = clusterer.stories(new, matches, int(top) + 1)
    con.register(
        "assigned_rows",
        pa.table(
            {
                "article_id": pa.array(list(assigned), pa.string()),
                "story_cluster_id": pa.array(list(assigned.values()), pa.int64()),
            }
        ),
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE story_assigned AS SELECT f.article_id, a.story_cluster_id "
        "FROM fresh f LEFT JOIN assigned_rows a USING (article_id)"
    )
    con.unregister("assigned_rows")


# What a change leaves in its connection, dropped when it succeeds (when it fails they go with
# its transaction).
_TEMPORARY = (
    "counted_before",
    "story_touched",
    "quote_touched",
    "story_members",
    "story_similar",
    "story_flags",
    "original_delta",
    "story_new",
    "story_assigned",
    "quote_new",
)


def _drop(con: duckdb.DuckDBPyConnection, *tables: str) -> None:
    for table in tables:
        con.execute(f"DROP TABLE IF EXISTS {table}")


def _days(con: duckdb.DuckDBPyConnection, table: str, window: int) -> tuple[int, int]:
    lo, hi = con.execute(f"SELECT min(day), max(day) FROM {table}").fetchone()  # type: ignore[misc]
    return (int(lo) - window, int(hi) + window) if lo is not None else (0, -1)


_NO_MEMBERS = (
    "SELECT NULL::VARCHAR AS article_id, NULL::INTEGER AS version, NULL::BIGINT AS "
    "story_cluster_id, NULL::BOOLEAN AS is_wire_copy, NULL::FLOAT AS story_similarity, "
    "NULL::TIMESTAMPTZ AS seen LIMIT 0"
)


def _elect_originals(con: duckdb.DuckDBPyConnection, joining: str = _NO_MEMBERS) -> None:
    """In every touched story cluster (its current members and those `joining`): the earliest
    copy is the original, the others are wire copies with their similarity to it; a cluster of
    one copy has neither. `story_flags` holds each member's flags; the current members' that
    change are updated, and recorded in `counted_before` with what they were."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE story_members AS
            WITH m AS (SELECT article_id, version, story_cluster_id, is_wire_copy,
                              story_similarity, {_TIME} AS seen, false AS joining
                       FROM {ALIAS}.current_articles
                       WHERE story_cluster_id IN (SELECT story_cluster_id FROM story_touched)
                       UNION ALL
                       SELECT *, true FROM ({joining}) WHERE story_cluster_id IS NOT NULL)
            SELECT *, row_number() OVER (PARTITION BY story_cluster_id
                                         ORDER BY seen, article_id) = 1 AS first,
                      count(*) OVER (PARTITION BY story_cluster_id) AS copies
            FROM m"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE story_similar AS
            WITH p AS (SELECT m.story_cluster_id, m.article_id, m.first, i.sample
                       FROM story_members m JOIN {ALIAS}.story_index i USING (article_id)
                       WHERE m.copies > 1)
            SELECT c.article_id,
                   CAST(len(list_intersect(c.sample, o.sample)) AS FLOAT)
                   / greatest(least(len(c.sample), len(o.sample)), 1) AS similarity
            FROM p c JOIN p o ON o.story_cluster_id = c.story_cluster_id AND o.first
            WHERE NOT c.first"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE story_flags AS
           SELECT m.article_id, m.version, m.joining, m.is_wire_copy AS was,
                  m.copies > 1 AND NOT m.first AS wire,
                  CASE WHEN m.copies > 1 AND NOT m.first THEN coalesce(s.similarity, 0) END
                      AS similarity,
                  m.story_similarity AS had
           FROM story_members m LEFT JOIN story_similar s USING (article_id)"""
    )
    con.execute(
        "INSERT INTO counted_before SELECT article_id, version, was IS NOT TRUE "
        "FROM story_flags WHERE NOT joining AND was IS DISTINCT FROM wire"
    )
    con.execute(
        f"""UPDATE {ALIAS}.current_articles c
            SET is_wire_copy = f.wire, story_similarity = f.similarity
            FROM story_flags f
            WHERE c.article_id = f.article_id AND NOT f.joining
              AND (f.was IS DISTINCT FROM f.wire OR f.had IS DISTINCT FROM f.similarity)"""
    )


def _cluster_quotes(
    con: duckdb.DuckDBPyConnection, files: list[Path], clusterer: Clusterer
) -> None:
    """The fresh versions' quotes into `quote_occurrences`, each in its quotation."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE quote_new AS
            SELECT p.quote_id, p.article_id, p.version,
                   coalesce(p.speaker_entity_key, '') AS speaker, p.speaker_entity_key,
                   f.outlet, {_TIME} AS seen_at, {_DAY} AS day, p.words, p.prints
            FROM read_parquet($f) p JOIN fresh f USING (article_id, version)""",
        {"f": [str(f) for f in files]},
    )
    window = clusterer.window_days
    lo, hi = _days(con, "quote_new", window)
    # Every pair of a new quote and a quotation of the window (its canonical quote) or another
    # new quote sharing fingerprints (the common ones left out), and whether their speakers are
    # the same: the extractor may name another one, or none, in a copy that cut the paragraph
    # that named them, and the decision weighs that.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE quote_n AS SELECT quote_id, speaker, day, words, "
        "len(prints) AS size, unnest(prints) AS h FROM quote_new"
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE quote_o AS
            SELECT * FROM (
                SELECT quote_id, coalesce(speaker_entity_key, '') AS speaker, first_day,
                       last_day, words, len(prints) AS size, unnest(prints) AS h,
                       quote_cluster_id
                FROM {ALIAS}.quote_clusters WHERE last_day >= $lo AND first_day <= $hi
                UNION ALL
                SELECT quote_id, speaker, day, day, words, size, h, NULL FROM quote_n)
            SEMI JOIN quote_n USING (h)""",
        {"lo": lo, "hi": hi},
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE quote_common AS "
        "SELECT h FROM quote_o GROUP BY h HAVING count(*) > $common",
        {"common": clusterer.common_quotes},
    )
    matches = con.execute(
        """SELECT n.quote_id, o.quote_id AS other_id, count(*) AS shared,
                  any_value(n.size), any_value(o.size), any_value(n.words),
                  any_value(o.words), any_value(o.quote_cluster_id),
                  any_value(n.speaker) = any_value(o.speaker)
           FROM (FROM quote_n ANTI JOIN quote_common USING (h)) n
           JOIN quote_o o ON n.h = o.h
            AND n.day BETWEEN o.first_day - $w AND o.last_day + $w
           WHERE n.quote_id <> o.quote_id
           GROUP BY n.quote_id, o.quote_id
           HAVING count(*) >= least($least, any_value(n.size), any_value(o.size))
               OR greatest(any_value(n.words), any_value(o.words)) < $short""",
        {
            "w": window,
            "least": clusterer.quote_shared,
            "short": clusterer.short_quote,
        },
    ).fetchall()
    _drop(con, "quote_n", "quote_o", "quote_common")
    new = con.execute(
        "SELECT quote_id, speaker, words, len(prints) FROM quote_new ORDER BY seen_at, quote_id"
    ).fetchall()
    (top,) = con.execute(  # type: ignore[misc]
        f"SELECT coalesce(max(quote_cluster_id), 0) FROM {ALIAS}.quote_clusters"
    ).fetchone()
    assigned = clusterer.quotes(new, matches, int(top) + 1)
    con.register(
        "assigned_rows",
        pa.table(
            {
                "quote_id": pa.array(list(assigned), pa.string()),
                "quote_cluster_id": pa.array(list(assigned.values()), pa.int64()),
            }
        ),
    )
    columns = ", ".join(QUOTE_OCCURRENCES.names)
    con.execute(
        f"INSERT INTO {ALIAS}.quote_occurrences ({columns}) SELECT {columns} "
        "FROM quote_new JOIN assigned_rows USING (quote_id)"
    )
    con.execute("INSERT INTO quote_touched SELECT DISTINCT quote_cluster_id FROM assigned_rows")
    con.unregister("assigned_rows")


def _refresh_quote_clusters(con: duckdb.DuckDBPyConnection) -> None:
    """Each touched quotation's row again from its occurrences (none left: no row)."""
    con.execute(
        f"DELETE FROM {ALIAS}.quote_clusters WHERE quote_cluster_id IN "
        "(SELECT quote_cluster_id FROM quote_touched)"
    )
    con.execute(
        f"""INSERT INTO {ALIAS}.quote_clusters BY NAME
            SELECT quote_cluster_id,
                   mode(speaker_entity_key) AS speaker_entity_key,
                   arg_min(quote_id, (-words, seen_at, quote_id)) AS quote_id,
                   max(words) AS words,
                   arg_min(article_id, (seen_at, article_id)) AS first_article_id,
                   arg_min(outlet, (seen_at, article_id)) AS first_outlet,
                   min(seen_at) AS first_seen, max(seen_at) AS last_seen,
                   count(*) AS occurrences, count(DISTINCT article_id) AS articles,
                   count(DISTINCT outlet) AS outlets, min(day) AS first_day, max(day) AS last_day,
                   arg_min(prints, (-words, seen_at, quote_id)) AS prints
            FROM {ALIAS}.quote_occurrences
            WHERE quote_cluster_id IN (SELECT quote_cluster_id FROM quote_touched)
            GROUP BY quote_cluster_id"""
    )


# The "original reporting only" marts: their counterparts' queries, over other rows.
ORIGINAL_MARTS = tuple(
    marts.Mart(f"{m.name}_original", m.keys, m.measures, m.delta)
    for m in marts.MARTS
    if m.name in ("speaker_counts", "outlet_month_sources", "gender_mix")
)
# The one that takes each article's gender calls: an override moves it (gender_overrides.py).
ORIGINAL_BY_GENDER_CALLS = tuple(m for m in ORIGINAL_MARTS if m.name == "gender_mix_original")
# The versions the original marts count.
NOT_WIRE = (
    f"(SELECT article_id, version FROM {ALIAS}.current_articles WHERE is_wire_copy IS NOT TRUE)"
)


def _apply_original_marts(
    con: duckdb.DuckDBPyConnection, staged_quotes: list[Path], staged_mentions: list[Path]
) -> None:
    """+1 for the versions the original marts count now and did not, -1 the other way round.

    `counted_before` holds each version this change touched, with whether it was counted (NULL:
    not current before); whether it is counted now is read from current_articles. The rows of
    a load's new versions are read from its staged files, the others' from the lake (only when
    there are any: the scans of `quotes` and `entity_mentions` are the costly part). Of the
    mentions only people's are read: `gender_mix_original` takes the gender each article gives
    the people it names and quotes."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE original_delta AS
            SELECT b.article_id, b.version, b.counted IS NULL AS fresh,
                   (c.article_id IS NOT NULL AND c.is_wire_copy IS NOT TRUE)::INT
                   - coalesce(b.counted, false)::INT AS sign
            FROM counted_before b
            LEFT JOIN {ALIAS}.current_articles c USING (article_id, version)"""
    )
    con.execute("DELETE FROM original_delta WHERE sign = 0")
    (n,) = con.execute("SELECT count(*) FROM original_delta WHERE NOT fresh").fetchone()  # type: ignore[misc]
    quotes = _original_rows("quotes", marts.QUOTE_COLUMNS, staged_quotes, n > 0, "")
    mentions = _original_rows(
        "entity_mentions", marts.MENTION_COLUMNS, staged_mentions, n > 0, "label = 'person'"
    )
    if quotes is None and mentions is None:
        return
    none = "SELECT {}, 1 AS sign FROM {}.{} LIMIT 0"
    marts.apply(
        con,
        mentions or marts.Rows(none.format(marts.MENTION_COLUMNS, ALIAS, "entity_mentions")),
        quotes or marts.Rows(none.format(marts.QUOTE_COLUMNS, ALIAS, "quotes")),
        ORIGINAL_MARTS,
    )


def _original_rows(
    table: str, columns: str, staged: list[Path], lake: bool, where: str
) -> marts.Rows | None:
    """The signed rows of `original_delta`'s versions: the new ones' from the staged files, the
    others' from the lake table (when `lake`); None when there are none to read."""
    parts = []
    also = f" AND {where}" if where else ""
    if staged:
        parts.append(
            f"SELECT {columns}, d.sign FROM read_parquet($f) "
            f"JOIN original_delta d USING (article_id, version) WHERE d.fresh{also}"
        )
    if lake:
        parts.append(
            f"SELECT {columns}, d.sign FROM {ALIAS}.{table} "
            f"JOIN original_delta d USING (article_id, version) WHERE NOT d.fresh{also}"
        )
    if not parts:
        return None
    return marts.Rows(" UNION ALL ".join(parts), {"f": [str(f) for f in staged]} if staged else {})


def start_original_marts(con: duckdb.DuckDBPyConnection) -> None:
    """A lake that had no clusters yet knows no wire copies: its original marts are their
    counterparts."""
    for mart in ORIGINAL_MARTS:
        counterpart = mart.name.removesuffix("_original")
        con.execute(f"DELETE FROM {ALIAS}.{mart.name}")
        con.execute(f"INSERT INTO {ALIAS}.{mart.name} SELECT * FROM {ALIAS}.{counterpart}")
