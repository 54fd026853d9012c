"""Load: turn a batch's results into warehouse rows, versioned and de-duplicated.

Identity is decided here, against what the warehouse already holds: an article whose content
hash is known is a duplicate and is not loaded again; a known story with new content is its next
version. Offsets in mentions and quotes stay those of `articles.text`.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pyarrow as pa

from tasks.records import LIMIT_REASONS, Analysis, Article, FileEntry, Quote, Reject
from tasks.syndication import quote_print, story_print, words
from warehouse.schemas import (
    ARTICLES,
    ENTITY_MENTIONS,
    FILES,
    QUOTE_PRINTS,
    QUOTES,
    REJECTS,
    STORY_PRINTS,
    story_identities,
)


@dataclass
class Known:
    """What the warehouse (and this run so far) already holds, to decide versions."""

    versions: dict[str, int] = field(default_factory=dict)  # article_id → latest version
    hashes: set[str] = field(default_factory=set)  # content hashes loaded
    # the takedown_names() a takedown forbids
    taken_down: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Versioned:
    article: Article
    version: int


def assign_versions(
    articles: Iterable[Article], known: Known
) -> tuple[list[Versioned], list[Article], list[Article]]:
    """New articles and new versions to load, duplicates to count, and stories taken down.

    Updates `known`.
    """
    fresh, duplicates, forgotten = [], [], []
    for article in articles:
        if takedown_names(article) & known.taken_down:
            forgotten.append(article)
            continue
        if article.content_hash in known.hashes:
            duplicates.append(article)
            continue
        version = known.versions.get(article.article_id, 0) + 1
        known.versions[article.article_id] = version
        known.hashes.add(article.content_hash)
        fresh.append(Versioned(article, version))
    return fresh, duplicates, forgotten


def takedown_names(article: Article) -> set[str]:
    """What a takedown may name this article by: every identity of its story, and its outlet."""
    names = story_identities(
        article.article_id, article.content_hash, article.url, article.outlet, article.publisher_id
    )
    return names | {f"outlet:{article.outlet}"} if article.outlet else names


def taken_down_reject(article: Article) -> Reject:
    return Reject(
        path=article.source_file,
        record=article.record,
        reason="taken down",
        detail=f"a takedown forgot this story (article {article.article_id}), or its outlet: it "
        "knows a story by its id, URL, publisher id and text (see `takedowns`); it is not "
        "loaded again",
    )


@dataclass(frozen=True)
class RunContext:
    run_id: str
    drop_id: str
    ingested_at: datetime
    source: str  # the drop's path, as a command that reads it again names it


def article_rows(items: Sequence[Versioned], ctx: RunContext) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "article_id": v.article.article_id,
                "version": v.version,
                "content_hash": v.article.content_hash,
                "drop_id": ctx.drop_id,
                "source_file": v.article.source_file,
                "record": v.article.record,
                "url": v.article.url,
                "outlet": v.article.outlet,
                "headline": v.article.headline,
                "byline": v.article.byline,
                "authors": list(v.article.authors),
                "published_at": v.article.published_at,
                "language": v.article.language,
                "text": v.article.text,
                "word_count": v.article.word_count,
                "notes": list(v.article.notes),
                "ingested_at": ctx.ingested_at,
                "run_id": ctx.run_id,
                "published_offset_minutes": _offset_minutes(v.article.published_at),
                "publisher_id": v.article.publisher_id,
            }
            for v in items
        ],
        schema=ARTICLES,
    )


def _offset_minutes(moment: datetime | None) -> int | None:
    """The UTC offset a time was given with; Parquet keeps only the instant."""
    offset = moment.utcoffset() if moment else None
    return None if offset is None else int(offset.total_seconds() // 60)


def mention_rows(
    items: Sequence[Versioned], analyses: Sequence[Analysis], ctx: RunContext
) -> pa.Table:
    rows = []
    for v, analysis in zip(items, analyses, strict=True):
        for m in analysis.mentions:
            rows.append(
                {
                    "article_id": v.article.article_id,
                    "version": v.version,
                    "mention_id": f"{v.article.article_id}-{v.version}-{m.start}",
                    "entity_key": m.key,
                    "name": m.name,
                    "text": m.text,
                    "label": m.label,
                    "role": m.role,
                    "title": m.title,
                    "start_char": m.start,
                    "end_char": m.end,
                    "sentence": m.sentence,
                    "run_id": ctx.run_id,
                    "gender": m.gender,
                    "gender_source": m.gender_source,
                    "gender_probability": m.gender_probability,
                }
            )
    return pa.Table.from_pylist(rows, schema=ENTITY_MENTIONS)


def quote_id(v: Versioned, q: Quote) -> str:
    """A quote's id: its article version and where it starts, the same in every table."""
    return f"{v.article.article_id}-{v.version}-{q.start}"


def quote_rows(
    items: Sequence[Versioned], analyses: Sequence[Analysis], ctx: RunContext
) -> pa.Table:
    rows = []
    for v, analysis in zip(items, analyses, strict=True):
        for q in analysis.quotes:
            rows.append(
                {
                    "quote_id": quote_id(v, q),
                    "article_id": v.article.article_id,
                    "version": v.version,
                    "text": q.text,
                    "start_char": q.start,
                    "end_char": q.end,
                    "kind": q.kind,
                    "speaker_text": q.speaker_text,
                    "speaker_start": q.speaker_start,
                    "speaker_end": q.speaker_end,
                    "speaker_name": q.speaker_name,
                    "speaker_entity_key": q.speaker_key,
                    "verb": q.verb,
                    "confidence": q.confidence,
                    "rule": q.rule,
                    "run_id": ctx.run_id,
                }
            )
    return pa.Table.from_pylist(rows, schema=QUOTES)


def story_print_rows(items: Sequence[Versioned]) -> pa.Table:
    """Each version's fingerprint, for its story cluster (tasks/syndication.py)."""
    rows = []
    for v in items:
        found = story_print(v.article.text)
        rows.append(
            {
                "article_id": v.article.article_id,
                "version": v.version,
                "shingles": found.shingles,
                "sample": list(found.sample),
            }
        )
    return pa.Table.from_pylist(rows, schema=STORY_PRINTS)


def quote_print_rows(items: Sequence[Versioned], analyses: Sequence[Analysis]) -> pa.Table:
    """Each quote's fingerprints, for its quote cluster; the same quote ids as `quote_rows`."""
    rows = []
    for v, analysis in zip(items, analyses, strict=True):
        for q in analysis.quotes:
            rows.append(
                {
                    "quote_id": quote_id(v, q),
                    "article_id": v.article.article_id,
                    "version": v.version,
                    "speaker_entity_key": q.speaker_key,
                    "words": len(words(q.text)),
                    "prints": list(quote_print(q.text)),
                }
            )
    return pa.Table.from_pylist(rows, schema=QUOTE_PRINTS)


def reject_rows(rejects: Iterable[Reject], ctx: RunContext) -> pa.Table:
    """A limit's reject says how to load what it refused once the limit is raised."""
    retry = f"; then `newsflow run {shlex.quote(ctx.source)} --retry-rejects` reads it again"
    return pa.Table.from_pylist(
        [
            {
                "drop_id": ctx.drop_id,
                "path": r.path,
                "record": r.record,
                "reason": r.reason,
                "detail": r.detail + (retry if r.reason in LIMIT_REASONS else ""),
                "run_id": ctx.run_id,
            }
            for r in rejects
        ],
        schema=REJECTS,
    )


def file_rows(files: Iterable[tuple[FileEntry, str, int]], ctx: RunContext) -> pa.Table:
    """`(entry, status, records)` per input file: status is loaded, rejected or duplicate."""
    return pa.Table.from_pylist(
        [
            {
                "drop_id": ctx.drop_id,
                "path": entry.path,
                "sha256": entry.sha256,
                "bytes": entry.bytes,
                "status": status,
                "records": records,
                "run_id": ctx.run_id,
            }
            for entry, status, records in files
        ],
        schema=FILES,
    )
