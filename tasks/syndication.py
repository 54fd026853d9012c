"""Syndication: which articles are copies of one story, which quotes are one quotation.

Wire stories run in many outlets, each copy with another headline, a trimmed ending, a local
paragraph, other boilerplate and a few copy-editor's changes. Two copies still share most of
their word sequences, while two reporters' stories on the same event share little beyond the
quotes they both use. So a story is fingerprinted by its word shingles (every run of SHINGLE
words, lower-cased, punctuation and quote marks left out), and two articles are copies when most
of the shorter one's shingles are in the other: containment, not Jaccard similarity, because a
trimmed copy holds only part of the original (a copy cut to half its length still has all its
shingles in the original, while its Jaccard similarity is 0.5).

Only a fixed sample of the shingles is kept: those whose hash falls in one of SAMPLE buckets,
the same shingles in every article, so the shared sample of two articles estimates the shared
share of all their shingles (Broder's "mod-sampling"). The sample is what the warehouse stores
and joins on (warehouse/syndication.py): an inverted index in DuckDB, without a MinHash index
to load into memory at each run. Against MinHash LSH (datasketch, 128 permutations), measured
in docs/benchmarks.md: the same clusters on the development drop, and no index to rebuild.

Quotes are fingerprinted by their word trigrams, winnowed (the smallest hash of each window of
WINNOW trigrams, after Schleimer, Wilkerson and Aiken): any run of WINNOW + 2 words two quotes
share gives them a common fingerprint, so an excerpt finds the longer quote it comes from.

The decisions (which cluster a new article or quote joins) are plain functions over the rows
the warehouse finds for them; the warehouse keeps the clusters, their originals and counts.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

# Words per story shingle: a copy-editor's changed word breaks this many shingles, and a
# phrase shared by chance must be this long to count.
SHINGLE = 5
# One shingle in SAMPLE is kept (a 550-word article keeps about 70).
SAMPLE = 8
# Words per quote trigram and trigrams per winnowing window.
GRAM = 3
WINNOW = 3

_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)
_WORD = re.compile(r"\w+")
# Marks a copy-editor swaps (curly and straight quotes, apostrophes) leave no trace in words;
# an apostrophe inside a word is dropped rather than splitting it ("don't" -> "dont").
_APOSTROPHE = re.compile(r"(?<=\w)['’ʼ`](?=\w)")


@dataclass(frozen=True)
class Rules:
    """When two articles are copies and two quotes one quotation (tuned on the development drop
    of `newsflow eval syndication`, see docs/sql.md)."""

    # A copy: this share of the shorter article's sampled shingles is in the other one ...
    story_containment: float = 0.4
    # ... and at least this many sampled shingles are shared (a short article's few samples
    # would otherwise make chance overlaps look like copies).
    story_shared: int = 3
    # An excerpt joins a quote: this share of the shorter quote's fingerprints is in the longer.
    quote_containment: float = 0.6
    # Quotes shorter than this many words join another only when their words are the same:
    # a few words by a prolific speaker ("we are going to win") recur in many of their quotes.
    quote_words: int = 6
    # Fingerprints two quotes must share besides (a quote of under quote_words excepted).
    quote_shared: int = 2
    # Quotes the extractor gave different speakers (or one none) are one quotation only when
    # both have this many words and this share of the shorter's fingerprints is in the other.
    quote_words_any_speaker: int = 8
    quote_containment_any_speaker: float = 0.8
    # Days before and after an article's time (published, else loaded) to look for copies in.
    window_days: int = 30
    # A fingerprint found in more stories than this within the window is boilerplate ("the
    # Associated Press contributed to this report"), not one story's words, and one found in
    # more quotations than common_quotes is a turn of phrase: either is left
    # out of the comparison, which would otherwise pair everything that has it. (A wire story
    # in more outlets than common_stories loses it too; a quotation said in any number of
    # articles is one quotation.)
    common_stories: int = 500
    common_quotes: int = 50


def words(text: str) -> list[str]:
    """The words two copies of a text share: NFKC, lower case, no punctuation or quote marks."""
    text = unicodedata.normalize("NFKC", text).lower()
    return _WORD.findall(_APOSTROPHE.sub("", text))


@lru_cache(maxsize=1 << 17)
def _word_hash(word: str) -> int:
    """A hash that is the same in every process (Python's own `hash` is salted per process)."""
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every bit of the result depends on every bit of the input."""
    with np.errstate(over="ignore"):
        h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return h ^ (h >> np.uint64(31))


def gram_hashes(tokens: Sequence[str], size: int) -> np.ndarray:
    """64-bit hashes of every run of `size` tokens, in order (one of all of them if fewer)."""
    if not tokens:
        return np.empty(0, np.uint64)
    h = np.array(list(map(_word_hash, tokens)), np.uint64)
    if len(tokens) < size:
        size = len(tokens)
    n = len(tokens) - size + 1
    combined = np.zeros(n, np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(size):  # position matters: "a b" and "b a" differ
            combined = _mix(combined ^ h[offset : offset + n])
    return combined


@dataclass(frozen=True)
class StoryPrint:
    """An article's fingerprint: how many shingles it has, and the sampled ones' 32-bit hashes."""

    shingles: int
    sample: tuple[int, ...]


def story_print(text: str) -> StoryPrint:
    hashes = np.unique(gram_hashes(words(text), SHINGLE))
    kept = hashes[hashes % np.uint64(SAMPLE) == 0] >> np.uint64(32)
    return StoryPrint(len(hashes), tuple(int(h) for h in kept))


def quote_print(text: str) -> tuple[int, ...]:
    """A quote's winnowed trigram hashes (32 bits), sorted; one hash for a quote of under
    three words. Plain Python: a quote's few trigrams cost less than numpy's set-up."""
    tokens = words(text)
    grams = [" ".join(tokens[i : i + GRAM]) for i in range(max(len(tokens) - GRAM + 1, 1))]
    hashes = [_hash32(g) for g in grams]
    if len(hashes) > WINNOW:
        hashes = [min(hashes[i : i + WINNOW]) for i in range(len(hashes) - WINNOW + 1)]
    return tuple(sorted(set(hashes)))


def _hash32(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest(), "little")


def containment(shared: int, a: int, b: int) -> float:
    """The share of the smaller of two fingerprints found in the other."""
    smaller = min(a, b)
    return shared / smaller if smaller else 0.0


# -- stories ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewStory:
    """An article version this load adds, in the order of its time (published, else loaded)."""

    article_id: str
    sample: int  # sampled shingles
    previous: int | None = None  # the cluster of the version it replaces


@dataclass(frozen=True)
class StoryMatch:
    """A new article and another that shares sampled shingles with it: an article already in
    the warehouse (with its cluster) or another new one (cluster None)."""

    article_id: str
    other_id: str
    shared: int
    sample: int
    other_sample: int
    other_cluster: int | None


def is_copy(match: StoryMatch, rules: Rules) -> bool:
    return (
        match.shared >= rules.story_shared
        and containment(match.shared, match.sample, match.other_sample) >= rules.story_containment
    )


def assign_stories(
    new: Sequence[NewStory], matches: Iterable[StoryMatch], next_cluster: int, rules: Rules
) -> dict[str, int]:
    """The story cluster of each new article: that of the copy it shares the most with, else
    the one its previous version was in (versions of a story are not copies), else a new one
    (ids from `next_cluster` on).

    Articles are taken in time order, so a copy's earlier copies in the same load have their
    cluster by then. A new article joins one cluster: one that looks like two stories does not
    merge them, which would chain unrelated stories through articles that quote both.
    """
    best: dict[str, list[StoryMatch]] = {}
    for match in matches:
        if is_copy(match, rules):
            best.setdefault(match.article_id, []).append(match)
    clusters: dict[str, int] = {}
    for story in new:
        found = None
        for match in sorted(
            best.get(story.article_id, ()),
            key=lambda m: (-containment(m.shared, m.sample, m.other_sample), m.other_id),
        ):
            found = (
                match.other_cluster
                if match.other_cluster is not None
                else clusters.get(match.other_id)
            )
            if found is not None:
                break
        if found is None:
            found = story.previous
        if found is None:
            found = next_cluster
            next_cluster += 1
        clusters[story.article_id] = found
    return clusters


# -- quotes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewQuote:
    quote_id: str
    speaker: str  # entity key; '' when the quote has no speaker
    words: int
    prints: int  # fingerprints


@dataclass(frozen=True)
class QuoteMatch:
    """A new quote and another by the same speaker sharing fingerprints with it: a quote in the
    warehouse (with its cluster) or another new one (cluster None)."""

    quote_id: str
    other_id: str
    shared: int
    prints: int
    other_prints: int
    words: int
    other_words: int
    other_cluster: int | None
    same_speaker: bool = True


def is_same_quotation(match: QuoteMatch, rules: Rules) -> bool:
    """The same words of one speaker; of another speaker (or none) as the extractor named them,
    only when long and nearly all shared: a copy that cut the paragraph naming the speaker
    leaves the quote with another name, or none, and it is still the same quotation."""
    shared = containment(match.shared, match.prints, match.other_prints)
    if not match.same_speaker:
        return (
            min(match.words, match.other_words) >= rules.quote_words_any_speaker
            and match.shared >= rules.quote_shared
            and shared >= rules.quote_containment_any_speaker
        )
    if min(match.words, match.other_words) < rules.quote_words:
        return match.words == match.other_words and match.shared == match.prints
    least = min(rules.quote_shared, match.prints, match.other_prints)
    return match.shared >= least and shared >= rules.quote_containment


def assign_quotes(
    new: Sequence[NewQuote], matches: Iterable[QuoteMatch], next_cluster: int, rules: Rules
) -> dict[str, int]:
    """The quote cluster of each new quote, as `assign_stories` does for articles: the cluster of
    the quotation it shares the most with, else a new one."""
    best: dict[str, list[QuoteMatch]] = {}
    for match in matches:
        if is_same_quotation(match, rules):
            best.setdefault(match.quote_id, []).append(match)
    clusters: dict[str, int] = {}
    for quote in new:
        found = None
        for match in sorted(
            best.get(quote.quote_id, ()),
            key=lambda m: (-containment(m.shared, m.prints, m.other_prints), m.other_id),
        ):
            found = (
                match.other_cluster
                if match.other_cluster is not None
                else clusters.get(match.other_id)
            )
            if found is not None:
                break
        if found is None:
            found = next_cluster
            next_cluster += 1
        clusters[quote.quote_id] = found
    return clusters


@dataclass(frozen=True)
class Syndication:
    """The decisions a load's commit asks for (warehouse.syndication.Clusterer), by these rules."""

    rules: Rules = field(default_factory=Rules)

    @property
    def window_days(self) -> int:
        return self.rules.window_days

    @property
    def common_stories(self) -> int:
        return self.rules.common_stories

    @property
    def common_quotes(self) -> int:
        return self.rules.common_quotes

    @property
    def story_shared(self) -> int:
        return self.rules.story_shared

    @property
    def quote_shared(self) -> int:
        return self.rules.quote_shared

    @property
    def short_quote(self) -> int:
        return self.rules.quote_words

    def stories(
        self, new: Sequence[tuple[Any, ...]], matches: Sequence[tuple[Any, ...]], next_id: int
    ) -> dict[str, int]:
        return assign_stories(
            [NewStory(*row) for row in new],
            (StoryMatch(*row) for row in matches),
            next_id,
            self.rules,
        )

    def quotes(
        self, new: Sequence[tuple[Any, ...]], matches: Sequence[tuple[Any, ...]], next_id: int
    ) -> dict[str, int]:
        return assign_quotes(
            [NewQuote(*row) for row in new],
            (QuoteMatch(*row) for row in matches),
            next_id,
            self.rules,
        )
