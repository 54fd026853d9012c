"""Headline, authors, publication time, address and outlet of an HTML page.

A JSON drop's own fields win over anything here (clean.py applies them first). For a page,
trafilatura's metadata is the base, checked against the page's own markup: the h1 is the headline
as readers see it, a WordPress-style author link names the author trafilatura missed, and the
publisher's timestamp keeps the time of day and the time zone that trafilatura's date drops.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from dateutil import parser as dateparser
from lxml.html import HtmlElement


@dataclass(frozen=True)
class PageMetadata:
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    url: str | None = None
    outlet: str | None = None


def page_metadata(
    html: str, tree: HtmlElement | None, document: Any | None, h1: str | None
) -> PageMetadata:
    """What the page says about itself; `document` is trafilatura's (None if it found nothing)."""
    if document is None:
        return PageMetadata(title=h1)
    site = document.sitename
    return PageMetadata(
        title=headline(document.title, site, h1),
        authors=authors(document.author, tree, site, document.url),
        published=published_time(html, document.date),
        url=document.url,
        outlet=site,
    )


# --------------------------------------------------------------------------------------------
# Headline
# --------------------------------------------------------------------------------------------

_SITE_SUFFIX = re.compile(r"\s+[|–—:»·-]{1,2}\s+[^|–—:»·-]{2,40}$")
_WORD = re.compile(r"\w+")


def headline(title: str | None, site: str | None, h1: str | None) -> str | None:
    """The h1 when it is this page's title (the <title> adds site names, dates and kickers),
    else the title without its site name."""
    stripped = strip_site_name(title, site)
    if h1 and (not stripped or _mostly_within(h1, title or "")):
        return h1
    return stripped


def _mostly_within(short: str, long: str) -> bool:
    words, wanted = _WORD.findall(short.lower()), set(_WORD.findall(long.lower()))
    return bool(words) and sum(w in wanted for w in words) >= 0.8 * len(words)


def strip_site_name(title: str | None, site: str | None) -> str | None:
    """ "Headline | Site Name" → "Headline", by the site's name when known, else by the shape
    of a site-name suffix."""
    if not title:
        return title
    trimmed = without_site(title, site)
    if trimmed != title:
        return trimmed
    match = _SITE_SUFFIX.search(title)
    if match and re.search(r"\s[|»·]\s", match.group(0)):
        return title[: match.start()]
    return title


def without_site(title: str, site: str | None) -> str:
    """The title without the site's own name at its end ("Headline - The Herald")."""
    if site and title.lower().endswith(site.lower()) and len(title) > len(site):
        return title[: -len(site)].rstrip(" |–—:-·»") or title
    return title


# --------------------------------------------------------------------------------------------
# Authors
# --------------------------------------------------------------------------------------------

# Labels that sites put where a name should be.
_NOT_NAMES = frozenset(
    {"admin", "administrator", "name", "follow", "posted", "datum", "date", "author", "by"}
    | {"no author", "staff", "unknown"}
)
_SPLIT = re.compile(r"\s*(?:;|,|&|\band\b|\bund\b|\by\b|\bet\b)\s*")
_BY = re.compile(r"^(?:by|von|por|par|di|door|av|written by|text|posted by)\s*:?\s+", re.IGNORECASE)
_MARKUP_AUTHORS = (
    '//*[@itemprop="author"]//*[@itemprop="name"]',
    '//*[@rel="author"]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " author ")]'
    '//*[contains(concat(" ", normalize-space(@class), " "), " fn ")]',
    '//*[contains(@class, "byline") or contains(@data-testid, "byline")]//a',
    '//*[contains(@class, "author-name")]',
)


def authors(
    found: str | None, tree: HtmlElement | None, site: str | None, url: str | None
) -> tuple[str, ...]:
    """trafilatura's authors; when all it found is the site's own name, the page's author
    markup (a WordPress "author vcard", rel=author) if it names someone, else the site."""
    host = _host_words(url)
    names = [n for n in split_names(found) if _key(n) not in _NOT_NAMES]
    people = [n for n in names if not _is_site(n, site, host)]
    if not people and tree is not None:
        people = [n for n in _markup_authors(tree) if _key(n) not in _NOT_NAMES]
    return tuple(dict.fromkeys(people or names))


def split_names(value: str | None) -> list[str]:
    """ "By Jane Roe and Li Wei; Sam Poe" → ["Jane Roe", "Li Wei", "Sam Poe"]."""
    if not value:
        return []
    return [_BY.sub("", part).strip(" .") for part in _SPLIT.split(value) if part.strip(" .")]


def _markup_authors(tree: HtmlElement) -> list[str]:
    for query in _MARKUP_AUTHORS:
        names = []
        for element in tree.xpath(query)[:5]:
            text = (element.get("content") or element.text_content() or "").strip()
            if 2 <= len(text) <= 60 and len(text.split()) <= 5 and not re.search(r"\d", text):
                names += split_names(text)
        if names:
            return names
    return []


def _host_words(url: str | None) -> str:
    return _key(urlsplit(url).netloc.removeprefix("www.")) if url else ""


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _is_site(name: str, site: str | None, host: str) -> bool:
    """The site's own name, or its address written as a name ("Tagesschau De")."""
    key = _key(name)
    return key == _key(site or "") or bool(host and key == host)


# --------------------------------------------------------------------------------------------
# Publication time
# --------------------------------------------------------------------------------------------

_META_TAG = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_META_NAME = re.compile(
    r"""(?:property|name|itemprop)\s*=\s*["'](?:article:published_time|og:published_time|"""
    r"""datePublished|publish[-_]?date|pubdate|sailthru\.date|parsely-pub-date)["']""",
    re.IGNORECASE,
)
_META_CONTENT = re.compile(r"""content\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_JSON_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')
_DAY_FIRST = re.compile(r"^\d{1,2}\.\s?\d{1,2}\.")
# Zone abbreviations news sites print ("5:45 AM PST"); dateutil knows none but UTC and GMT.
_ZONES = {
    name: int(hours * 3600)
    for name, hours in {
        "EST": -5,
        "EDT": -4,
        "CST": -6,
        "CDT": -5,
        "MST": -7,
        "MDT": -6,
        "PST": -8,
        "PDT": -7,
        "BST": 1,
        "CET": 1,
        "CEST": 2,
        "MEZ": 1,
        "MESZ": 2,
        "IST": 5.5,
        "JST": 9,
        "AEST": 10,
        "AEDT": 11,
    }.items()
}


def published_time(html: str, found: str | None) -> datetime | None:
    """The publisher's own timestamp (meta tags, JSON-LD) when it agrees with trafilatura's
    date, trafilatura's date otherwise.

    trafilatura's date heuristics catch templates that stamp a page with today's date or a
    related story's. They agree when the days are the same, or a day apart with the stamp in
    a local time zone (its day is then the publisher's day; a UTC stamp's day may not be).
    """
    day = parse_time(found)
    stamped = parse_time(_stamp(html))
    if stamped is None or day is None or stamped.date() == day.date():
        return stamped or day
    local = bool(stamped.utcoffset())
    return stamped if local and abs(stamped.date() - day.date()) <= timedelta(days=1) else day


def _stamp(html: str) -> str | None:
    head = html[:200_000]
    for tag in _META_TAG.findall(head):
        if _META_NAME.search(tag) and (content := _META_CONTENT.search(tag)):
            return content.group(1)
    found = _JSON_LD_DATE.search(head)
    return found.group(1).replace("\\/", "/") if found else None


def parse_time(value: str | None) -> datetime | None:
    """A timezone-aware time in the zone it was given in (so its date is the publisher's date);
    a time given without a zone is taken as UTC. "10.12.2022" is read day first."""
    if not value:
        return None
    text = str(value).strip()
    try:
        with warnings.catch_warnings():  # an unknown zone name: the time is read as UTC
            warnings.simplefilter("ignore", dateparser.UnknownTimezoneWarning)
            parsed = dateparser.parse(text, dayfirst=bool(_DAY_FIRST.match(text)), tzinfos=_ZONES)
    except (ValueError, OverflowError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
