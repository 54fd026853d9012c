"""The one definition of every warehouse table.

Writers build their Arrow tables against these schemas, the lakehouse creates its tables from
them, and tests check rows against them, so a column exists in exactly one place. Changes are
additive: a new column is appended here and SCHEMA_VERSION goes up; opening an older lake for
writing adds it with DuckLake's `ALTER TABLE ... ADD COLUMN` (older rows read it as NULL).
"""

from __future__ import annotations

import pyarrow as pa

# v4: marts keyed by entity id; gender_overrides and the gender marts. v5: articles.publisher_id
# and forgotten.identity (takedowns match every name a story goes by). v6: story and quote
# clusters (syndication). v7: the dashboard's marts (gender_mix, source_months). v8: person_gender,
# gender_mix_original
SCHEMA_VERSION = 8

_TS = pa.timestamp("us", tz="UTC")

ARTICLES = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("version", pa.int32(), nullable=False),
        pa.field("content_hash", pa.string(), nullable=False),
        pa.field("drop_id", pa.string(), nullable=False),
        pa.field("source_file", pa.string(), nullable=False),
        pa.field("record", pa.string()),
        pa.field("url", pa.string()),
        pa.field("outlet", pa.string()),
        pa.field("headline", pa.string()),
        pa.field("byline", pa.string()),
        pa.field("authors", pa.list_(pa.string())),
        pa.field("published_at", _TS),
        pa.field("language", pa.string()),
        pa.field("text", pa.string(), nullable=False),
        pa.field("word_count", pa.int32(), nullable=False),
        pa.field("notes", pa.list_(pa.string())),
        pa.field("ingested_at", _TS, nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
        # v3: the publisher's UTC offset as the source gave it (published_at is the instant, in
        # UTC); 0 when the source gave no zone
        pa.field("published_offset_minutes", pa.int16()),
        # v5: the publisher's own id for the story (a JSON record's `id`), when it gave one
        pa.field("publisher_id", pa.string()),
    ]
)

ENTITY_MENTIONS = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("version", pa.int32(), nullable=False),
        pa.field("mention_id", pa.string(), nullable=False),
        pa.field("entity_key", pa.string(), nullable=False),
        pa.field("name", pa.string(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("label", pa.string(), nullable=False),
        pa.field("role", pa.string()),
        pa.field("title", pa.string()),
        pa.field("start_char", pa.int32(), nullable=False),
        pa.field("end_char", pa.int32(), nullable=False),
        pa.field("sentence", pa.int32(), nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
        # people only: female/male/unknown, from `text` or `name` (tasks/gender.py)
        pa.field("gender", pa.string()),
        pa.field("gender_source", pa.string()),
        pa.field("gender_probability", pa.float32()),
    ]
)

QUOTES = pa.schema(
    [
        pa.field("quote_id", pa.string(), nullable=False),
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("version", pa.int32(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("start_char", pa.int32(), nullable=False),
        pa.field("end_char", pa.int32(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("speaker_text", pa.string()),
        pa.field("speaker_start", pa.int32()),
        pa.field("speaker_end", pa.int32()),
        pa.field("speaker_name", pa.string()),
        pa.field("speaker_entity_key", pa.string()),
        pa.field("verb", pa.string()),
        pa.field("confidence", pa.float32(), nullable=False),
        pa.field("rule", pa.string(), nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
    ]
)

FILES = pa.schema(
    [
        pa.field("drop_id", pa.string(), nullable=False),
        pa.field("path", pa.string(), nullable=False),
        pa.field("sha256", pa.string(), nullable=False),
        pa.field("bytes", pa.int64(), nullable=False),
        pa.field("status", pa.string(), nullable=False),
        pa.field("records", pa.int32(), nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
    ]
)

REJECTS = pa.schema(
    [
        pa.field("drop_id", pa.string(), nullable=False),
        pa.field("path", pa.string(), nullable=False),
        pa.field("record", pa.string()),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("detail", pa.string()),
        pa.field("run_id", pa.string(), nullable=False),
    ]
)

RUNS = pa.schema(
    [
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("flow", pa.string(), nullable=False),
        pa.field("drop_id", pa.string()),
        pa.field("source", pa.string()),
        pa.field("started_at", _TS, nullable=False),
        pa.field("finished_at", _TS, nullable=False),
        pa.field("status", pa.string(), nullable=False),
        pa.field("counts", pa.map_(pa.string(), pa.int64())),
        pa.field("timings", pa.map_(pa.string(), pa.float64())),
        pa.field("schema_version", pa.int32(), nullable=False),
        # v2: why a failed run failed (NULL for completed runs)
        pa.field("message", pa.string()),
        # v3: the lakehouse snapshot the run committed (`newsflow sql --at` takes it)
        pa.field("snapshot_id", pa.int64()),
    ]
)

# A takedown: what was forgotten and why; never any of the text.
TAKEDOWNS = pa.schema(
    [
        pa.field("takedown_id", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),  # url, article_id, outlet or drop
        pa.field("value", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("at", _TS, nullable=False),
        pa.field("counts", pa.map_(pa.string(), pa.int64())),
    ]
)

# The stories a takedown removed, one row per name each went by: a later drop bringing a story
# by any of them again rejects it.
FORGOTTEN = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("takedown_id", pa.string(), nullable=False),
        # v5: one of story_identities(); NULL in rows of older takedowns, which knew the id only
        pa.field("identity", pa.string()),
    ]
)


def story_identities(
    article_id: str,
    content_hash: str,
    url: str | None,
    outlet: str | None,
    publisher_id: str | None,
) -> set[str]:
    """Every name a story goes by, as `forgotten.identity` records them: its id, its URL, its
    publisher's id for it (with the outlet: ids are the publisher's own), and its content. The
    same story can come back by any one of them: without its URL (its id is then the publisher's
    id), from another scraper, as a text file. The prefixes of the id and the URL are the
    takedown kinds that name them (`forget --article-id`, `--url`)."""
    names = {f"article_id:{article_id}", f"content:{content_hash}"}
    if url:
        names.add(f"url:{url}")
    if publisher_id:
        names.add(f"publisher:{(outlet or '').lower()}:{publisher_id}")
    return names


# A user's word on a person's gender (`newsflow gender set`): it wins over every estimate, for
# rows loaded before it too (its commit works the person's `person_gender` row out again).
GENDER_OVERRIDES = pa.schema(
    [
        pa.field("entity_key", pa.string(), nullable=False),
        pa.field("name", pa.string(), nullable=False),  # as the user wrote it
        pa.field("gender", pa.string(), nullable=False),  # female, male or unknown
        pa.field("set_at", _TS, nullable=False),
    ]
)

# Marts: kept current by every load in the run's own transaction (warehouse/marts.py), so the
# everyday questions read a few thousand rows instead of scanning every mention. They count the
# current version of each story only.
CURRENT_ARTICLES = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("version", pa.int32(), nullable=False),
        pa.field("content_hash", pa.string(), nullable=False),
        pa.field("drop_id", pa.string(), nullable=False),
        pa.field("url", pa.string()),
        pa.field("outlet", pa.string()),
        pa.field("headline", pa.string()),
        pa.field("published_at", _TS),
        pa.field("published_offset_minutes", pa.int16()),
        pa.field("language", pa.string()),
        pa.field("word_count", pa.int32(), nullable=False),
        pa.field("ingested_at", _TS, nullable=False),
        # v5: the story cluster (syndicated copies of one story, see warehouse/syndication.py);
        # a copy that is not its cluster's original (the earliest copy) is a wire copy, with its
        # similarity to the original. NULL for stories loaded before v5.
        pa.field("story_cluster_id", pa.int64()),
        pa.field("is_wire_copy", pa.bool_()),
        pa.field("story_similarity", pa.float32()),
    ]
)

# Every entity key the marts have counted, with a small integer id: the marts join and merge on
# these ids, never on the names, so a load's merge reads a few integer columns however many
# names a year of news holds. Ids are given in order of first sight and never reused.
ENTITY_IDS = pa.schema(
    [
        pa.field("entity_id", pa.int32(), nullable=False),
        pa.field("entity_key", pa.string(), nullable=False),
        pa.field("name", pa.string(), nullable=False),
        pa.field("label", pa.string(), nullable=False),
    ]
)


def _counts(keys: list[tuple[str, pa.DataType]], measures: list[str]) -> pa.Schema:
    return pa.schema(
        [pa.field(k, t, nullable=False) for k, t in keys]
        + [pa.field(m, pa.int64(), nullable=False) for m in measures]
    )


_ID = pa.int32()
ENTITY_COUNTS = _counts([("entity_id", _ID)], ["mentions", "articles"])
ALIAS_COUNTS = _counts([("entity_id", _ID), ("alias", pa.string())], ["mentions"])
SPEAKER_COUNTS = _counts([("entity_id", _ID)], ["quotes", "articles"])
SPEAKER_VERB_COUNTS = _counts([("entity_id", _ID), ("verb", pa.string())], ["quotes"])
# People named inside a speaker's quotes: who talks about whom.
QUOTE_SUBJECT_COUNTS = _counts([("speaker_id", _ID), ("subject_id", _ID)], ["times"])
# Entities named in the same sentence (the pair once: entity_key < with_key by name).
CO_OCCURRENCE_COUNTS = _counts([("entity_id", _ID), ("with_id", _ID)], ["sentences", "articles"])

# The articles that call a person each gender (tasks/gender.py decides per article); of them,
# the ones where the text said it. The `entity_gender` view takes the majority.
ENTITY_GENDER_COUNTS = _counts(
    [("entity_id", _ID), ("gender", pa.string())], ["articles", "text_articles"]
)
# People per outlet and month: the articles of that outlet and month that name each person
# (mentioned), or quote them (sources). The month is the published one ('undated' when not
# known); the `women_among_*` example queries count them by `entity_gender`.
OUTLET_MONTH_PEOPLE = _counts(
    [("outlet", pa.string()), ("month", pa.string()), ("entity_id", _ID)], ["articles"]
)

# The dashboard's marts (flows/dashboard/). `gender_mix`: how many articles of an outlet, month and
# language name (role `person`) or quote (role `source`) this many women, men and people of
# unknown gender, each person once per article and by the gender that article gives them (a
# `newsflow gender set` override first). An interval over articles resamples these mixes, so the
# Gender page bootstraps a year of news from a few thousand rows.
GENDER_MIX = _counts(
    [
        ("outlet", pa.string()),
        ("month", pa.string()),
        ("language", pa.string()),
        ("role", pa.string()),
        ("women", pa.int32()),
        ("men", pa.int32()),
        ("unknown", pa.int32()),
    ],
    ["articles"],
)
# Each person's quotes, and the articles quoting them, per month, outlet and language: the top
# sources of a period and a person's quotes by month.
SOURCE_MONTHS = _counts(
    [
        ("entity_id", _ID),
        ("month", pa.string()),
        ("outlet", pa.string()),
        ("language", pa.string()),
    ],
    ["quotes", "articles"],
)
# Each person's gender as `entity_gender` gives it (an override, else the majority of their
# articles' calls), for the people with a call or an override: worked out again for the people a
# change touches (marts.refresh_genders), so ranking people by gender reads this table instead of
# voting over `entity_gender_counts` for every person at view time.
PERSON_GENDER = pa.schema(
    [
        pa.field("entity_id", _ID, nullable=False),
        pa.field("gender", pa.string(), nullable=False),
        pa.field("gender_source", pa.string()),  # override, text, name; NULL: unknown
        pa.field("gender_probability", pa.float64()),
        pa.field("female_articles", pa.int64(), nullable=False),
        pa.field("male_articles", pa.int64(), nullable=False),
        pa.field("unknown_articles", pa.int64(), nullable=False),
    ]
)
DASHBOARD_MARTS: dict[str, pa.Schema] = {
    "gender_mix": GENDER_MIX,
    "source_months": SOURCE_MONTHS,
    "person_gender": PERSON_GENDER,
}

# What a run writes: staged batch by batch, committed together with its `runs` row.
RUN_TABLES: dict[str, pa.Schema] = {
    "articles": ARTICLES,
    "entity_mentions": ENTITY_MENTIONS,
    "quotes": QUOTES,
    "files": FILES,
    "rejects": REJECTS,
    "runs": RUNS,
}

# v5, syndication (warehouse/syndication.py). Fingerprints a run stages beside its rows
# (tasks/syndication.py makes them): an article version's sampled shingle hashes, a quote's
# winnowed trigram hashes.
STORY_PRINTS = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("version", pa.int32(), nullable=False),
        pa.field("shingles", pa.int32(), nullable=False),
        pa.field("sample", pa.list_(pa.uint32()), nullable=False),
    ]
)
QUOTE_PRINTS = pa.schema(
    [
        pa.field("quote_id", pa.string(), nullable=False),
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("version", pa.int32(), nullable=False),
        pa.field("speaker_entity_key", pa.string()),
        pa.field("words", pa.int32(), nullable=False),
        pa.field("prints", pa.list_(pa.uint32()), nullable=False),
    ]
)
PRINT_TABLES: dict[str, pa.Schema] = {"story_prints": STORY_PRINTS, "quote_prints": QUOTE_PRINTS}

# The lake's index of the current story versions' fingerprints, with the day of each story's
# time (published, else loaded; days since 1970) that limits a load's search to its window.
STORY_INDEX = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("version", pa.int32(), nullable=False),
        pa.field("day", pa.int32(), nullable=False),
        pa.field("shingles", pa.int32(), nullable=False),
        pa.field("sample", pa.list_(pa.uint32()), nullable=False),
    ]
)
# Every quote of the current story versions in its quotation (quote cluster), with what the
# cluster's figures need: the outlet and time of its article, and its fingerprints.
QUOTE_OCCURRENCES = pa.schema(
    [
        pa.field("quote_id", pa.string(), nullable=False),
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("version", pa.int32(), nullable=False),
        pa.field("quote_cluster_id", pa.int64(), nullable=False),
        pa.field("speaker_entity_key", pa.string()),
        pa.field("outlet", pa.string()),
        pa.field("seen_at", _TS, nullable=False),
        pa.field("day", pa.int32(), nullable=False),
        pa.field("words", pa.int32(), nullable=False),
        pa.field("prints", pa.list_(pa.uint32()), nullable=False),
    ]
)
# A mart: one row per quotation. Its canonical text is its longest quote's (`quote_id`; the
# `quotations` view joins the text), first seen is its earliest article's. A load compares its
# quotes with the quotations (not every occurrence) of the window: their days and the canonical
# quote's fingerprints.
QUOTE_CLUSTERS = pa.schema(
    [
        pa.field("quote_cluster_id", pa.int64(), nullable=False),
        pa.field("speaker_entity_key", pa.string()),
        pa.field("quote_id", pa.string(), nullable=False),
        pa.field("words", pa.int32(), nullable=False),
        pa.field("first_article_id", pa.string(), nullable=False),
        pa.field("first_outlet", pa.string()),
        pa.field("first_seen", _TS, nullable=False),
        pa.field("last_seen", _TS, nullable=False),
        pa.field("occurrences", pa.int64(), nullable=False),
        pa.field("articles", pa.int64(), nullable=False),
        pa.field("outlets", pa.int64(), nullable=False),
        pa.field("first_day", pa.int32(), nullable=False),
        pa.field("last_day", pa.int32(), nullable=False),
        pa.field("prints", pa.list_(pa.uint32()), nullable=False),
    ]
)
SYNDICATION_TABLES: dict[str, pa.Schema] = {
    "story_index": STORY_INDEX,
    "quote_occurrences": QUOTE_OCCURRENCES,
    "quote_clusters": QUOTE_CLUSTERS,
    # "Original reporting only": speaker_counts and outlet_month_sources over the stories that
    # are not wire copies (current_articles.is_wire_copy not true).
    "speaker_counts_original": SPEAKER_COUNTS,
    "outlet_month_sources_original": OUTLET_MONTH_PEOPLE,
    # v8: gender_mix over the same stories (women_among_sources_original.sql).
    "gender_mix_original": GENDER_MIX,
}

MARTS: dict[str, pa.Schema] = {
    "current_articles": CURRENT_ARTICLES,
    "entity_ids": ENTITY_IDS,
    "entity_counts": ENTITY_COUNTS,
    "alias_counts": ALIAS_COUNTS,
    "speaker_counts": SPEAKER_COUNTS,
    "speaker_verb_counts": SPEAKER_VERB_COUNTS,
    "quote_subject_counts": QUOTE_SUBJECT_COUNTS,
    "co_occurrence_counts": CO_OCCURRENCE_COUNTS,
    "entity_gender_counts": ENTITY_GENDER_COUNTS,
    "outlet_month_people": OUTLET_MONTH_PEOPLE,
    "outlet_month_sources": OUTLET_MONTH_PEOPLE,
} | DASHBOARD_MARTS

TABLES: dict[str, pa.Schema] = (
    RUN_TABLES
    | {"takedowns": TAKEDOWNS, "forgotten": FORGOTTEN, "gender_overrides": GENDER_OVERRIDES}
    | MARTS
    | SYNDICATION_TABLES
)
