"""Clean: main text and metadata of each raw record, the text every later offset refers to.

HTML goes through html_text.py (trafilatura and the page's structure) and metadata.py; text and
JSON bodies have no markup to go by, so the line filter in boilerplate.py is their whole clean
step and also runs over the extractor's output. Text is normalised (NFC, whitespace) but quote
marks keep their direction: the quote step needs to know which way a mark faces.

A batch is cleaned where it can be stopped (stoppable.py): each document has a size cap, a time
limit and a memory budget, and whatever goes wrong with one document (it runs past the limit,
raises, or kills its process) makes it a reject while the others are cleaned.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import py3langid

from tasks import html_text
from tasks.boilerplate import filter_lines
from tasks.boilerplate_rules import UPDATED_MARK
from tasks.metadata import PageMetadata, page_metadata, parse_time, without_site
from tasks.records import Article, RawRecord, Reject, count_words
from tasks.repetition import repeated_by_outlet
from tasks.stoppable import Failure, map_stoppable

# Part of the cache key of cleaned batches: raise it with any change that alters what clean()
# returns for the same record, or runs will reuse results the old code produced.
CLEANER_VERSION = 6


@dataclass(frozen=True)
class CleanOptions:
    """Limits for one document; a pathological page must not stall a drop."""

    max_article_chars: int = 1_000_000
    min_html_chars: int = 250  # below this trafilatura "found" a fragment; try readability
    min_words: int = 5
    max_seconds: float = 10.0  # a page takes 20 ms typically, a few hundred at worst
    max_memory_bytes: int = 500_000_000  # what cleaning one document may add to the process


def clean_batch(
    records: Sequence[RawRecord],
    options: CleanOptions = CleanOptions(),
    known: Mapping[str | None, frozenset[str]] | None = None,
) -> list[Article | Reject]:
    """Records cleaned together: a line that recurs across the batch's articles of one outlet is
    that outlet's template (see repetition.py). `known` adds lines already known per outlet (the
    warehouse's earlier articles of it); HTML pages are left to their extractor, which sees the
    page's structure.

    Both steps run where they can be stopped. Finding the repeated lines reads every line of the
    batch: when that runs past the time limit, the batch is cleaned without them rather than
    blaming one record for it."""
    _load_for_children(records)
    found = map_stoppable(
        _repeated, [list(records)], options.max_seconds, options.max_memory_bytes
    )[0]
    repeated = {} if isinstance(found, Failure) else found
    known = known or {}
    per_record = [
        repeated.get(r.outlet, frozenset()) | known.get(r.outlet, frozenset()) for r in records
    ]
    cleaned = map_stoppable(
        partial(_clean_one, options),
        list(zip(records, per_record, strict=True)),
        options.max_seconds,
        options.max_memory_bytes,
    )
    return [
        _failed(raw, result, options) if isinstance(result, Failure) else result
        for raw, result in zip(records, cleaned, strict=True)
    ]


def _load_for_children(records: Sequence[RawRecord]) -> None:
    """Load here what cleaning loads on first use, the language model and, for pages,
    trafilatura (a second between them): each child forked to clean starts with them, and one
    forked after another was stopped does not spend its next record's time limit loading."""
    load_language_model()
    if any(r.format == "html" for r in records):
        html_text.load()


def _repeated(records: list[RawRecord]) -> Mapping[str | None, frozenset[str]]:
    return repeated_by_outlet(
        (r.outlet, paragraphs(normalise(r.body))) for r in records if r.format != "html"
    )


def _clean_one(options: CleanOptions, item: tuple[RawRecord, frozenset[str]]) -> Article | Reject:
    return clean(item[0], options, item[1])


def _failed(raw: RawRecord, failure: Failure, options: CleanOptions) -> Reject:
    """A reject that says what went wrong cleaning a record, and what a person can do."""
    if failure.reason == "timed out":
        return _reject(
            raw,
            "clean timed out",
            f"still cleaning after {options.max_seconds:g} s; the page is probably malformed "
            "(raise NEWSFLOW_MAX_CLEAN_SECONDS to give it longer)",
        )
    if failure.reason == "out of memory":
        return _reject(
            raw,
            "clean out of memory",
            f"cleaning it needed more than {options.max_memory_bytes // 1_000_000:,} MB; the "
            "page is probably malformed",
        )
    return _reject(
        raw,
        "clean failed",
        f"cleaning it {failure.reason}: {failure.detail}. Please report it with the file",
    )


def clean(
    raw: RawRecord, options: CleanOptions = CleanOptions(), known: frozenset[str] = frozenset()
) -> Article | Reject:
    """One raw record to an Article, or a Reject saying why there is no article in it; `known`
    holds the keys of lines the outlet's other articles repeat (repetition.line_key).

    No time limit here: a caller that must stop it (the pipeline) runs it in clean_batch. No
    size cap either: records come from ingest, which caps them (Limits.max_record_chars)."""
    return _clean(raw, options, known)


def _clean(raw: RawRecord, options: CleanOptions, known: frozenset[str]) -> Article | Reject:
    title = without_site(raw.title, raw.outlet) if raw.title else None
    authors, url, outlet = raw.authors, raw.url, raw.outlet
    published = parse_time(raw.published)
    if raw.format == "html":
        body, page = extract_html(raw.body, url if _parses(url) else None, options)
        title = title or page.title
        authors = authors or page.authors
        published = published or page.published
        url = url or page.url
        outlet = outlet or page.outlet
    else:
        body = raw.body
    headline, notes = _split_headline(normalise(title or ""))
    filtered = filter_lines(
        paragraphs(normalise(body)), headline, extracted=raw.format == "html", known=known
    )
    text = "\n\n".join(filtered.paragraphs)
    words = count_words(text)
    if words < options.min_words:
        return _reject(
            raw,
            "no article text",
            f"{words} words left after removing boilerplate; an article has at least "
            f"{options.min_words}",
        )
    if len(text) > options.max_article_chars:
        return _reject(
            raw,
            "article too long",
            f"{len(text):,} characters, over the {options.max_article_chars:,} limit "
            "(NEWSFLOW_MAX_ARTICLE_CHARS)",
        )
    authors = tuple(a for a in (normalise(x) for x in authors) if a) or tuple(filtered.bylines)
    url = canonical_url(url) if url else None
    return Article(
        article_id=article_id(url, outlet, raw.id, text),
        content_hash=_digest(f"{headline}\n{text}", 32),
        source_file=raw.path,
        record=raw.record,
        text=text,
        headline=headline or None,
        url=url,
        outlet=normalise(outlet) if outlet else None,
        byline=", ".join(authors) or None,
        authors=authors,
        published_at=published,
        language=detect_language(text),
        notes=(*raw.notes, *notes, *filtered.notes),
        publisher_id=raw.id,
    )


def _reject(raw: RawRecord, reason: str, detail: str) -> Reject:
    return Reject(raw.path, reason, detail, raw.record)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = "\t\u00a0\u2000-\u200b\u202f\u205f\u3000"  # besides the plain space
# Runs of spacing that are not already one plain space: matching every space between words
# (the plain pattern) rebuilt the whole text for nothing, at twice the cost.
_SPACING = re.compile(f"(?: [ {_SPACES}]+|[{_SPACES}][ {_SPACES}]*)")


def normalise(text: str) -> str:
    """NFC, one kind of space, no trailing spaces, at most one blank line between paragraphs."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)  # NUL and other control bytes mean nothing in an article
    text = _SPACING.sub(" ", text)
    text = re.sub(r" ?\n ?", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def paragraphs(text: str) -> list[str]:
    """Paragraphs of a body; single newlines separate paragraphs too, as scrapers emit them."""
    return [line.strip() for line in text.split("\n") if line.strip()]


def _split_headline(headline: str) -> tuple[str, tuple[str, ...]]:
    """Move an "[Updated]" marker out of the headline into the notes."""
    marks = tuple(m.strip() for m in UPDATED_MARK.findall(headline))
    return UPDATED_MARK.sub(" ", headline).strip(), marks


def extract_html(html: str, url: str | None, options: CleanOptions) -> tuple[str, PageMetadata]:
    """Main text (see html_text.py) and metadata (see metadata.py) of a page."""
    extraction = html_text.extract(html, url, options.min_html_chars)
    text = "\n".join(block.text for block in extraction.blocks)
    return text, page_metadata(html, extraction.tree, extraction.document, extraction.h1)


def _parses(url: str | None) -> bool:
    """Whether a URL parses at all: one that does not still names its story, but no host can be
    read from it for the page's own links."""
    try:
        urlsplit(url or "")
    except ValueError:
        return False
    return True


_TRACKING = re.compile(r"^(utm_|fbclid|gclid|mc_|ref$|cmpid|ocid)")


def canonical_url(url: str) -> str:
    """The same story's URL written the same way: lower-case host, no tracking, no fragment.
    A URL that does not parse (`http://[oops`) is kept as it was written: it still names the
    story, only not in a canonical way."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k)])
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower() or "https", parts.netloc.lower(), path, query, ""))


def article_id(url: str | None, outlet: str | None, record_id: str | None, text: str) -> str:
    """Stable for the same story: its URL when known, the publisher's id next, else its text."""
    if url:
        key = f"url:{url}"
    elif record_id:
        key = f"id:{(outlet or '').lower()}:{record_id}"
    else:
        key = f"text:{_squash(text)}"
    return _digest(key, 16)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _digest(text: str, size: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:size]


def load_language_model() -> None:
    """Load the language identifier now: 0.8 s, most of it decompressing its model, that the
    first article would otherwise wait for. A run starts this in a thread (LZMA releases the
    GIL), beside the spaCy workers' start-up, before it imports Prefect."""
    detect_language("load the language model now, before the first article")


def detect_language(text: str) -> str | None:
    """ISO 639-1 code from the first 1,500 characters (offline, well under a millisecond; on the
    1,081 development texts it gives the same answer as 3,000 characters at a fifth of the cost)."""
    sample = text[:1500]
    if count_words(sample) < 5:
        return None
    language, _score = py3langid.classify(sample)
    return language
