"""The one definition of every warehouse table.

Writers build their Arrow tables against these schemas, the lakehouse creates its tables from
them, and tests check rows against them, so a column exists in exactly one place. Changes are
additive: a new column is appended here and SCHEMA_VERSION goes up; opening an older lake for
writing adds it with DuckLake's `ALTER TABLE ... ADD COLUMN` (older rows read it as NULL).
"""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = 4  # v4: gender_overrides; entity_genders, outlet_month_people/_sources marts

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

# The stories a takedown removed: a later drop bringing one of them again rejects it.
FORGOTTEN = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("takedown_id", pa.string(), nullable=False),
    ]
)

# A user's word on a person's gender (`newsflow gender set`): it wins over every estimate, for
# rows loaded before it too, because the `entity_gender` view applies it when reading.
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
    ]
)

ENTITIES = pa.schema(
    [
        pa.field("entity_key", pa.string(), nullable=False),
        pa.field("name", pa.string(), nullable=False),
        pa.field("label", pa.string(), nullable=False),
        pa.field("mentions", pa.int64(), nullable=False),
        pa.field("articles", pa.int64(), nullable=False),
    ]
)

ENTITY_ALIASES = pa.schema(
    [
        pa.field("entity_key", pa.string(), nullable=False),
        pa.field("alias", pa.string(), nullable=False),
        pa.field("mentions", pa.int64(), nullable=False),
    ]
)

SPEAKERS = pa.schema(
    [
        pa.field("entity_key", pa.string(), nullable=False),
        pa.field("name", pa.string(), nullable=False),
        pa.field("quotes", pa.int64(), nullable=False),
        pa.field("articles", pa.int64(), nullable=False),
    ]
)

SPEAKER_VERBS = pa.schema(
    [
        pa.field("entity_key", pa.string(), nullable=False),
        pa.field("verb", pa.string(), nullable=False),
        pa.field("quotes", pa.int64(), nullable=False),
    ]
)

# People named inside a speaker's quotes: who talks about whom.
QUOTE_SUBJECTS = pa.schema(
    [
        pa.field("speaker_key", pa.string(), nullable=False),
        pa.field("subject_key", pa.string(), nullable=False),
        pa.field("times", pa.int64(), nullable=False),
    ]
)

# Entities named in the same sentence (entity_key < with_key).
CO_OCCURRENCES = pa.schema(
    [
        pa.field("entity_key", pa.string(), nullable=False),
        pa.field("with_key", pa.string(), nullable=False),
        pa.field("sentences", pa.int64(), nullable=False),
        pa.field("articles", pa.int64(), nullable=False),
    ]
)

# The articles that call a person each gender (tasks/gender.py decides per article); of them,
# the ones where the text said it. The `entity_gender` view takes the majority.
ENTITY_GENDERS = pa.schema(
    [
        pa.field("entity_key", pa.string(), nullable=False),
        pa.field("gender", pa.string(), nullable=False),
        pa.field("articles", pa.int64(), nullable=False),
        pa.field("text_articles", pa.int64(), nullable=False),
    ]
)

# People per outlet and month: the articles of that outlet and month that name each person
# (mentioned), or quote them (sources). The month is the published one ('undated' when not
# known); the `women_among_*` example queries count them by `entity_gender`.
OUTLET_MONTH_PEOPLE = pa.schema(
    [
        pa.field("outlet", pa.string(), nullable=False),
        pa.field("month", pa.string(), nullable=False),
        pa.field("entity_key", pa.string(), nullable=False),
        pa.field("articles", pa.int64(), nullable=False),
    ]
)

# What a run writes: staged batch by batch, committed together with its `runs` row.
RUN_TABLES: dict[str, pa.Schema] = {
    "articles": ARTICLES,
    "entity_mentions": ENTITY_MENTIONS,
    "quotes": QUOTES,
    "files": FILES,
    "rejects": REJECTS,
    "runs": RUNS,
}

MARTS: dict[str, pa.Schema] = {
    "current_articles": CURRENT_ARTICLES,
    "entities": ENTITIES,
    "entity_aliases": ENTITY_ALIASES,
    "speakers": SPEAKERS,
    "speaker_verbs": SPEAKER_VERBS,
    "quote_subjects": QUOTE_SUBJECTS,
    "co_occurrences": CO_OCCURRENCES,
    "entity_genders": ENTITY_GENDERS,
    "outlet_month_people": OUTLET_MONTH_PEOPLE,
    "outlet_month_sources": OUTLET_MONTH_PEOPLE,
}

TABLES: dict[str, pa.Schema] = (
    RUN_TABLES
    | {"takedowns": TAKEDOWNS, "forgotten": FORGOTTEN, "gender_overrides": GENDER_OVERRIDES}
    | MARTS
)
