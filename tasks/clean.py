"""Clean: main text and metadata of each raw record, the text every later offset refers to.

HTML goes through html_text.py (trafilatura and the page's structure) and metadata.py; text and
JSON bodies have no markup to go by, so the line filter in boilerplate.py is their whole clean
step and also runs over the extractor's output. Text is normalised (NFC, whitespace) but quote
marks keep their direction: the quote step needs to know which way a mark faces. Each document
has a size cap and a time limit, so one pathological page cannot stall a drop.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import py3langid

from tasks import html_text
from tasks.boilerplate import filter_lines
from tasks.boilerplate_rules import UPDATED_MARK
from tasks.metadata import PageMetadata, page_metadata, parse_time, without_site
from tasks.records import Article, RawRecord, Reject
from tasks.repetition import repeated_by_outlet
from tasks.time_limit import TimeLimitExceeded, time_limit

# Part of the cache key of cleaned batches: raise it with any change that alters what clean()
# returns for the same record, or runs will reuse results the old code produced.
CLEANER_VERSION = 5


@dataclass(frozen=True)
class CleanOptions:
    """Limits for one document; a pathological page must not stall a drop."""

    max_article_chars: int = 1_000_000
    max_html_chars: int = 5_000_000
    min_html_chars: int = 250  # below this trafilatura "found" a fragment; try readability
    min_words: int = 5
    max_seconds: float = 10.0  # a page takes 20 ms typically, a few hundred at worst


def clean_batch(
    records: Sequence[RawRecord],
    options: CleanOptions = CleanOptions(),
    known: Mapping[str | None, frozenset[str]] | None = None,
) -> list[Article | Reject]:
    """Records cleaned together: a line that recurs across the batch's articles of one outlet is
    that outlet's template (see repetition.py). `known` adds lines already known per outlet (the
    warehouse's earlier articles of it); HTML pages are left to their extractor, which sees the
    page's structure."""
    found = repeated_by_outlet(
        (r.outlet, paragraphs(normalise(r.body))) for r in records if r.format != "html"
    )
    known = known or {}
    return [
        clean(r, options, found.get(r.outlet, frozenset()) | known.get(r.outlet, frozenset()))
        for r in records
    ]


def clean(
    raw: RawRecord, options: CleanOptions = CleanOptions(), known: frozenset[str] = frozenset()
) -> Article | Reject:
    """One raw record to an Article, or a Reject saying why there is no article in it; `known`
    holds the keys of lines the outlet's other articles repeat (repetition.line_key)."""
    if raw.format == "html" and len(raw.body) > options.max_html_chars:
        return _reject(
            raw,
            "page too large",
            f"{len(raw.body):,} characters of HTML, over the {options.max_html_chars:,} limit",
        )
    try:
        with time_limit(options.max_seconds):
            return _clean(raw, options, known)
    except TimeLimitExceeded:
        return _reject(
            raw,
            "clean timed out",
            f"still cleaning after {options.max_seconds:g} s; the page is probably malformed "
            "(raise NEWSFLOW_MAX_CLEAN_SECONDS to give it longer)",
        )


def _clean(raw: RawRecord, options: CleanOptions, known: frozenset[str]) -> Article | Reject:
    title = without_site(raw.title, raw.outlet) if raw.title else None
    authors, url, outlet = raw.authors, raw.url, raw.outlet
    published = parse_time(raw.published)
    if raw.format == "html":
        body, page = extract_html(raw.body, url, options)
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
    if len(text.split()) < options.min_words:
        return _reject(
            raw,
            "no article text",
            f"{len(text.split())} words left after removing boilerplate; an article has at least "
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
        notes=(*notes, *filtered.notes),
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


_TRACKING = re.compile(r"^(utm_|fbclid|gclid|mc_|ref$|cmpid|ocid)")


def canonical_url(url: str) -> str:
    """The same story's URL written the same way: lower-case host, no tracking, no fragment."""
    parts = urlsplit(url.strip())
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
    if len(sample.split()) < 5:
        return None
    language, _score = py3langid.classify(sample)
    return language
