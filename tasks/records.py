"""Plain data passed between the steps.

Steps take and return these dataclasses, never Prefect or spaCy objects, so each step runs and
tests without either. Extraction results carry offsets into their article's text only; the load
step adds identity (article id, version, run) when it turns them into warehouse rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Format = Literal["text", "html"]


@dataclass(frozen=True)
class FileEntry:
    """One input file of a drop (an archive counts as one file).

    `refused` holds the reason and detail of an entry that is not read at all (a FIFO, a link
    out of the drop): it is still an entry, so that it becomes a reject instead of vanishing.
    """

    path: str  # relative to the drop, always valid UTF-8 (see ingest.display_name)
    absolute: str
    sha256: str
    bytes: int
    refused: tuple[str, str] | None = None


@dataclass(frozen=True)
class Reject:
    """Input refused with a reason a person can act on."""

    path: str
    reason: str
    detail: str = ""
    record: str | None = None


# The reasons of rejects that a limit made (a size, a count, the clean time limit), not the
# input: `newsflow run DROP --retry-rejects` reads their files again once the limit is raised.
# A new limit's reject reason belongs here.
LIMIT_REASONS = frozenset(
    {"file too large", "archive too large", "page too large", "article too long", "clean timed out"}
)


@dataclass(frozen=True)
class RawRecord:
    """One article as found in the drop, before cleaning; fields are already un-aliased."""

    path: str
    record: str | None
    format: Format
    body: str
    id: str | None = None
    url: str | None = None
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    outlet: str | None = None
    notes: tuple[str, ...] = ()  # what reading changed (invalid text replaced), for the article


@dataclass(frozen=True)
class Article:
    """A cleaned article: the text every offset downstream refers to."""

    article_id: str
    content_hash: str
    source_file: str
    record: str | None
    text: str
    headline: str | None = None
    url: str | None = None
    outlet: str | None = None
    byline: str | None = None
    authors: tuple[str, ...] = ()
    published_at: datetime | None = None
    language: str | None = None
    notes: tuple[str, ...] = ()
    # The publisher's own id for the story (a JSON record's `id`): with the outlet, one of the
    # names a takedown knows it by (warehouse.schemas.story_identities).
    publisher_id: str | None = None

    @property
    def word_count(self) -> int:
        return count_words(self.text)


# Chinese and Japanese put no spaces between words: each of their characters counts as a word,
# the convention of word processors, and everything else counts by spaces.
_UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_UNSPACED_CHAR = re.compile(f"[{_UNSPACED}]")
_WORDS = re.compile(f"[{_UNSPACED}]|[^\\s{_UNSPACED}]+")


def count_words(text: str) -> int:
    """Words of a text in any script: "Harbour vote delayed" 3, "港口疏浚计划推迟" 8."""
    if not _UNSPACED_CHAR.search(text):
        return len(text.split())  # ten times faster, and most articles have no such character
    return sum(1 for _ in _WORDS.finditer(text))


@dataclass(frozen=True)
class Mention:
    """An entity mention, with the resolved name and the key shared across articles."""

    start: int
    end: int
    text: str
    name: str
    label: str
    key: str
    sentence: int
    role: str | None = None
    title: str | None = None
    # People only (tasks/gender.py); None for other labels. `unknown` has no source.
    gender: Literal["female", "male", "unknown"] | None = None
    gender_source: Literal["text", "name"] | None = None
    gender_probability: float | None = None


@dataclass(frozen=True)
class Quote:
    """A quote span with its attribution; speaker offsets are None for a floating quote."""

    start: int
    end: int
    text: str
    kind: Literal["direct", "mixed", "indirect"]
    rule: str
    confidence: float
    verb: str | None = None
    speaker_text: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_name: str | None = None
    speaker_key: str | None = None


@dataclass
class Analysis:
    """What the NLP pass found in one article."""

    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
