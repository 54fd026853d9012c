"""Clean: main text and metadata of each raw record, the text every later offset refers to.

HTML goes through trafilatura (readability-lxml when trafilatura finds too little); text and JSON
bodies have no markup to go by, so the line filter in boilerplate.py is their whole clean step and
also runs over the extractor's output. Text is normalised (NFC, whitespace) but quote marks keep
their direction: the quote step needs to know which way a mark faces.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import py3langid
from dateutil import parser as dateparser

from tasks import html_text
from tasks.boilerplate import UPDATED_MARK, filter_lines
from tasks.records import Article, RawRecord, Reject


@dataclass(frozen=True)
class CleanOptions:
    """Limits for one document; a pathological page must not stall a drop."""

    max_article_chars: int = 1_000_000
    max_html_chars: int = 5_000_000
    min_html_chars: int = 250  # below this trafilatura "found" a fragment; try readability


def clean(raw: RawRecord, options: CleanOptions = CleanOptions()) -> Article | Reject:
    """One raw record to an Article, or a Reject saying why there is no article in it."""
    title, authors, published, url, outlet = (
        raw.title,
        raw.authors,
        raw.published,
        raw.url,
        raw.outlet,
    )
    if raw.format == "html":
        if len(raw.body) > options.max_html_chars:
            return _reject(raw, "page too large", f"{len(raw.body):,} characters of HTML")
        page = extract_html(raw.body, url, options)
        body = page.text
        title = title or page.title
        authors = authors or page.authors
        published = published or page.published
        url = url or page.url
        outlet = outlet or page.outlet
    else:
        body = raw.body
    headline, notes = _split_headline(normalise(title or ""))
    filtered = filter_lines(paragraphs(normalise(body)), headline, extracted=raw.format == "html")
    text = "\n\n".join(filtered.paragraphs)
    if not text:
        return _reject(raw, "no article text", "nothing was left after removing boilerplate")
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
        published_at=parse_time(published),
        language=detect_language(text),
        notes=(*notes, *filtered.notes),
    )


def _reject(raw: RawRecord, reason: str, detail: str) -> Reject:
    return Reject(raw.path, reason, detail, raw.record)


def normalise(text: str) -> str:
    """NFC, one kind of space, no trailing spaces, at most one blank line between paragraphs."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+", " ", text)
    text = re.sub(r" ?\n ?", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def paragraphs(text: str) -> list[str]:
    """Paragraphs of a body; single newlines separate paragraphs too, as scrapers emit them."""
    return [line.strip() for line in text.split("\n") if line.strip()]


def _split_headline(headline: str) -> tuple[str, tuple[str, ...]]:
    """Move an "[Updated]" marker out of the headline into the notes."""
    marks = tuple(m.strip() for m in UPDATED_MARK.findall(headline))
    return UPDATED_MARK.sub(" ", headline).strip(), marks


@dataclass(frozen=True)
class Page:
    text: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    url: str | None = None
    outlet: str | None = None


def extract_html(html: str, url: str | None, options: CleanOptions) -> Page:
    """Main text and metadata of a page (see html_text.py for how the text is found)."""
    extraction = html_text.extract(html, url, options.min_html_chars)
    text = "\n".join(block.text for block in extraction.blocks)
    document = extraction.document
    if document is None:
        return Page(text=text)
    authors = tuple(a.strip() for a in re.split(r";|\band\b", document.author or "") if a.strip())
    return Page(
        text=text,
        title=strip_site_name(document.title, document.sitename),
        authors=authors,
        published=_published_time(html) or document.date,
        url=document.url,
        outlet=document.sitename,
    )


_META_TAG = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_META_NAME = re.compile(
    r"""(?:property|name|itemprop)\s*=\s*["'](?:article:published_time|og:published_time|"""
    r"""datePublished|publish[-_]?date|pubdate|sailthru\.date|parsely-pub-date)["']""",
    re.IGNORECASE,
)
_META_CONTENT = re.compile(r"""content\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_JSON_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')


def _published_time(html: str) -> str | None:
    """The publisher's own timestamp (meta tags, JSON-LD), which keeps the time of day that
    trafilatura's date drops."""
    head = html[:200_000]
    for tag in _META_TAG.findall(head):
        if _META_NAME.search(tag) and (content := _META_CONTENT.search(tag)):
            return content.group(1)
    found = _JSON_LD_DATE.search(head)
    return found.group(1) if found else None


_SITE_SUFFIX = re.compile(r"\s+[|–—:-]\s+[^|–—:-]{2,40}$")


def strip_site_name(title: str | None, site: str | None) -> str | None:
    """ "Headline | Site Name" → "Headline"."""
    if not title:
        return title
    if site and title.lower().endswith(site.lower()):
        trimmed = title[: -len(site)].rstrip(" |–—:-·")
        return trimmed or title
    match = _SITE_SUFFIX.search(title)
    if match and " | " in match.group(0):
        return title[: match.start()]
    return title


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


def parse_time(value: str | None) -> datetime | None:
    """A timezone-aware UTC time; a time given without zone is taken as UTC."""
    if not value:
        return None
    try:
        parsed = dateparser.parse(str(value))
    except (ValueError, OverflowError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code from the first few thousand characters (offline, a few ms)."""
    sample = text[:3000]
    if len(sample.split()) < 5:
        return None
    language, _score = py3langid.classify(sample)
    return language
