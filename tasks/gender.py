"""Gender of the people an article names, as the Gender Gap Tracker counts them.

What the article says comes first: a title ("Ms.", "Mr.", "Sir"), a gendered role noun next to
the name ("spokeswoman Jane Roe", "Jo Lee, a mother of three", "his wife, Kim"), and the
third-person pronouns that refer to the person. A pronoun refers to the nearest person named
before it, in its sentence or the two before, whose gender does not contradict it: this is the
agreement a reader relies on ("Mary thanked John. She said …" is Mary). A subject "he" or "she"
prefers the subject of a main clause among them ("Robin met Casey. Later he said …" is Robin).
Pronouns inside direct quotes are skipped: there the speaker talks about someone else.

When the text says nothing clear, a first-name statistic decides: how the name is gendered in
nomquamgender's data (name records from many countries and decades), not who the person is. A
name the data cannot decide (Jean, Kim, Taylor, an initial, a name it lacks) stays `unknown`.
"""

from __future__ import annotations

import bisect
import importlib.util
import json
import mmap
import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

from unidecode import unidecode

from tasks.lexicon import (
    FEMALE_PRONOUNS,
    FEMALE_WORDS,
    MALE_PRONOUNS,
    MALE_WORDS,
    ORG_WORDS,
    PERSON_NOUNS,
    TITLES,
)
from tasks.records import Mention, Quote

Gender = Literal["female", "male", "unknown"]

# A name is gendered when at least 80% of the people the data holds with it are of one gender
# (p(female) at most 0.2 or at least 0.8), observed on at least this many people. The package's
# default is 90%; on ggt_dev's gold people 80% decides 252 names with 1 wrong instead of 233
# with none (e.g. Chris, 88% male; Andrea, 83% female), and the text overrules the name anyway.
NAME_THRESHOLD = 0.2
NAME_MIN_COUNT = 10
# Text decides when this share of its weighted evidence agrees; a title or role noun weighs as
# much as three pronouns, because it names the person itself.
TEXT_MAJORITY = 0.7
WORD_WEIGHT = 3
# Weight of evidence the text needs to overrule a gendered name: a title, or three pronouns
# (one or two are often about someone the article does not name).
NAME_OVERRULED = 3
# Sentences before a pronoun's own in which its antecedent is looked for.
PRONOUN_REACH = 2

_PRONOUN_WORDS = FEMALE_PRONOUNS | MALE_PRONOUNS
_PRONOUN = re.compile(
    r"\b(" + "|".join(sorted(FEMALE_PRONOUNS | MALE_PRONOUNS)) + r")\b", re.IGNORECASE
)
_WORD_BEFORE = re.compile(r"\b([A-Za-z]+)\.?,?\s+$")
_NOUN_AFTER = re.compile(
    r"^,\s+(?:\d{1,3},\s+)?(?:a|an|the|his|her|their)\s+(?:(?!of\b)[\w-]+\s+){0,3}?([a-z]+)\b"
)


@dataclass(frozen=True)
class Call:
    """A gender with what it rests on and how sure the evidence makes it."""

    gender: Gender
    source: Literal["text", "name"] | None
    probability: float | None


UNKNOWN = Call("unknown", None, None)


def with_gender(
    text: str,
    sentence_starts: list[int],
    mentions: list[Mention],
    quotes: Iterable[Quote] = (),
    subjects: Collection[int] = (),
) -> list[Mention]:
    """The mentions, each person carrying the gender of its entity in this article."""
    people = [m for m in mentions if m.label == "person"]
    if not people:
        return mentions
    calls = genders(text, sentence_starts, people, quotes, subjects)
    return [
        replace(m, gender=c.gender, gender_source=c.source, gender_probability=c.probability)
        if (c := calls.get(m.key)) is not None
        else m
        for m in mentions
    ]


def genders(
    text: str,
    sentence_starts: list[int],
    people: list[Mention],
    quotes: Iterable[Quote] = (),
    subjects: Collection[int] = (),
) -> dict[str, Call]:
    """One call per person entity (key) of an article: the text first, the name second."""
    by_name = _name_calls(people)
    votes: dict[str, list[float]] = {key: [0.0, 0.0] for key in by_name}  # [female, male]
    for mention in people:
        if mention.text.lower() in _PRONOUN_WORDS:
            continue
        said = _words_about(text, mention)
        if said is not None:
            votes[mention.key][said == "male"] += WORD_WEIGHT
    headings = _headings(text)
    starts = [start for start, _ in headings]
    for mention in people:
        index = bisect.bisect_left(starts, mention.start) - 1
        heading = headings[index][1] if index >= 0 else None
        if heading is not None:
            votes[mention.key][heading == "male"] += WORD_WEIGHT
    # What a title or role noun says beats the name when pronouns look for their person.
    prior = {key: _decide(votes[key]) or call for key, call in by_name.items()}
    for key, gender in _pronoun_referents(text, sentence_starts, people, quotes, prior, subjects):
        votes[key][gender == "male"] += 1
    calls = {}
    for key, weights in votes.items():
        call, named = _decide(weights), by_name[key]
        if call is not None and named.source and call.gender != named.gender:
            # Against the name, the text needs more than one stray pronoun.
            call = call if max(weights) >= NAME_OVERRULED else None
        calls[key] = call or named
    return calls


def _name_calls(people: list[Mention]) -> dict[str, Call]:
    """The first-name statistic's call for each person, from every first name the article
    writes for them ("Jody" and, in a caption, "Jodie Wilson-Raybould"): the surest of the
    calls that decide, unknown when two of them disagree."""
    calls: dict[str, list[Call]] = {}
    for mention in people:
        written = {mention.name}
        name, text = mention.name.lower().split(), mention.text.lower().split()
        if len(text) == len(name) > 1 and text[1:] == name[1:]:  # not "Al Basha" of Abir's
            written.add(mention.text)
        found = calls.setdefault(mention.key, [])
        found.extend(c for c in map(name_call, written) if c.source and c not in found)
    decided = {}
    for key, found in calls.items():
        genders = {c.gender for c in found}
        surest = max(found, key=lambda c: c.probability or 0.0, default=UNKNOWN)
        decided[key] = surest if len(genders) == 1 else UNKNOWN
    return decided


def _decide(weights: list[float]) -> Call | None:
    """The text's call, when its evidence agrees clearly enough (Laplace-smoothed share)."""
    total = sum(weights)
    if not total:
        return None
    female, male = weights
    if max(female, male) / total < TEXT_MAJORITY:
        return None
    gender: Gender = "female" if female > male else "male"
    return Call(gender, "text", round((max(female, male) + 1) / (total + 2), 3))


# A short heading line in capitals: "GIRLS BASKETBALL", "WOMEN'S SOCCER".
_HEADING = re.compile(r"^[A-Z][A-Z'’ &-]{2,40}$", re.MULTILINE)
_SECTION_WORDS: dict[str, Gender] = {
    "girls": "female",
    "women": "female",
    "boys": "male",
    "men": "male",
}


def _headings(text: str) -> list[tuple[int, Gender | None]]:
    """Each heading line's start and the gender it states for everyone listed under it, if any:
    "GIRLS BASKETBALL" … "Tolivert 25 points." (the results the tracker's annotators read)."""
    found: list[tuple[int, Gender | None]] = []
    for heading in _HEADING.finditer(text):
        words = re.split(r"[\s'’]+", heading.group().lower())
        stated = {_SECTION_WORDS[w] for w in words if w in _SECTION_WORDS}
        found.append((heading.start(), stated.pop() if len(stated) == 1 else None))
    return found


def _words_about(text: str, mention: Mention) -> Gender | None:
    """The gender a title or a role noun attached to this mention states, if any."""
    words = f"{mention.title or ''} {mention.role or ''}".lower().replace(".", " ").split()
    before = _WORD_BEFORE.search(text[max(0, mention.start - 30) : mention.start])
    if before:
        words.append(before.group(1).lower())
    after = _NOUN_AFTER.match(text[mention.end : mention.end + 80])
    if after:
        words.append(after.group(1))
    female = any(w in FEMALE_WORDS for w in words)
    male = any(w in MALE_WORDS for w in words)
    if female == male:
        return None
    return "female" if female else "male"


def _pronoun_referents(
    text: str,
    sentence_starts: list[int],
    people: list[Mention],
    quotes: Iterable[Quote],
    prior: dict[str, Call],
    subjects: Collection[int] = (),
) -> Iterable[tuple[str, Gender]]:
    """(entity key, gender) for each pronoun outside direct quotes that refers to a person: the
    nearest agreeing person in reach, or for "he" and "she" the nearest agreeing subject of a
    main clause (`subjects`) if there is one."""
    quoted = sorted((q.start, q.end) for q in quotes if q.kind != "indirect")
    quote_starts = [start for start, _ in quoted]
    named = _named_at(text, people)
    positions = [position for position, _ in named]
    for match in _PRONOUN.finditer(text):
        position = match.start()
        inside = bisect.bisect_right(quote_starts, position) - 1
        if inside >= 0 and quoted[inside][1] > position:
            continue
        gender: Gender = "female" if match.group(1).lower() in FEMALE_PRONOUNS else "male"
        sentence = bisect.bisect_right(sentence_starts, position) - 1
        earliest = sentence_starts[max(0, sentence - PRONOUN_REACH)] if sentence >= 0 else 0
        reach = []
        for index in range(bisect.bisect_left(positions, position) - 1, -1, -1):
            if named[index][0] < earliest:
                break
            reach.append(named[index])
        agreeing = [k for _, k in reach if prior[k].gender in (gender, "unknown")]
        if match.group(1).lower() in {"he", "she"}:
            agreeing = [
                k for p, k in reach if prior[k].gender in (gender, "unknown") and p in subjects
            ] + agreeing
        # No one in reach agrees: the name statistic is likely wrong about the nearest person
        # (a woman named Darian), unless the text itself has said otherwise.
        # Not when someone of the pronoun's gender was named before it: "she" is then most
        # likely the article's woman, named further back.
        against = [key for _, key in reach if prior[key].source == "name"]
        if any(prior[k].gender == gender for p, k in named if p < position):
            against = []
        for key in agreeing[:1] or against[:1]:
            yield key, gender


def agreeing_speakers(
    text: str,
    sentence_starts: list[int],
    mentions: list[Mention],
    quotes: list[Quote],
    subjects: Collection[int] = (),
) -> list[Quote]:
    """The quotes, each "he said", "she said" or "the mayor said" attributed to the person it
    is about.

    Quotes resolve a pronoun speaker to the last person named before it, before anyone has a
    gender, and a description to nobody (or to a group: "the Ohio Republican"). A reader does
    better, looking at the people named in the speaker's sentence or the PRONOUN_REACH before
    it whose gender does not contradict the pronoun or the description: the latest subject of a
    main clause among them (`subjects`; a "he said" counts as its person's) is the one still
    talked about, else the latest one already quoted ("Poulter said … played with Jordan
    Spieth. 'It was fun,' he said" is Poulter). Failing that, "she said" is never a man: the
    quote goes to the nearest person named before it whose gender does not contradict it, or to
    nobody; a description stays as it was. A description of someone introduced without a name
    ("a city official … the official said") is left alone. The quotes without a speaker of
    their own that continue a corrected one follow it."""
    people = [m for m in mentions if m.label == "person"]
    gender_of = {m.key: m.gender for m in people}
    names = {m.key: m.name for m in people}
    named = _named_at(text, people)
    positions = [position for position, _ in named]
    result: list[Quote] = []
    spoken: set[str] = set()
    moved: tuple[str, str | None] | None = None  # (old key, new key) of the quote before
    for quote in quotes:
        if (
            moved is not None
            and quote.speaker_start is None
            and (quote.speaker_key or "") == moved[0]
        ):
            result.append(_attributed(quote, moved[1], names))
            continue
        moved = None
        said = _pronoun_gender(quote.speaker_text)
        held = gender_of.get(quote.speaker_key or "")
        described = held is None and _describes_person(quote.speaker_text, quote.speaker_key)
        described = described and not _introduced_unnamed(text, quote)
        if quote.speaker_start is None or not (described or (said and held)):
            result.append(quote)
            spoken.add(quote.speaker_key or "")
            continue
        wanted = said or _stated_gender(quote.speaker_text)
        before = [
            (p, k)
            for p, k in named[: bisect.bisect_left(positions, quote.speaker_start)]
            if gender_of[k] in (wanted or gender_of[k], "unknown")
            and not quote.start <= p < quote.end
        ]
        sentence = bisect.bisect_right(sentence_starts, quote.speaker_start) - 1
        earliest = sentence_starts[max(0, sentence - PRONOUN_REACH)] if sentence >= 0 else 0
        key = _continued_person([(p, k) for p, k in before if p >= earliest], subjects, spoken)
        if key is None and described:
            key = quote.speaker_key
        elif key is None:
            key = quote.speaker_key if held in (said, "unknown") else None
            key = key or next((k for _, k in reversed(before)), None)
        if key != quote.speaker_key:
            moved = (quote.speaker_key or "", key)
            quote = _attributed(quote, key, names)
        result.append(quote)
        spoken.add(key or "")
        if key in gender_of:  # "he said" names its person where it stands, as their subject
            index = bisect.bisect_left(positions, quote.speaker_start)
            named.insert(index, (quote.speaker_start, key))
            positions.insert(index, quote.speaker_start)
            subjects = {*subjects, quote.speaker_start}
    return result


def _continued_person(
    reach: list[tuple[int, str]], subjects: Collection[int], spoken: set[str]
) -> str | None:
    """The person a pronoun continues, from the people (position, key) named in its reach: the
    latest subject of a main clause or of a speech verb among them, else the latest one already
    quoted, else nobody ("Ben Alvarez borrowed a drill from Owen Tate. … 'It keeps the kids
    moving,' he said" is Alvarez)."""
    latest = reach[::-1]
    return next(
        (k for p, k in latest if p in subjects),
        next((k for _, k in latest if k in spoken), None),
    )


def _describes_person(speaker: str | None, key: str | None) -> bool:
    """A definite description of someone the article has named: "the mayor", "the
    24-year-old forward", "the Ohio Republican" (one member of a group, not "the
    Liberals"). "The bank" and "the report" are not people."""
    words = (speaker or "").lower().split()
    if len(words) < 2 or words[0] != "the" or words[-1] in ORG_WORDS:
        return False
    if words[-1] in PERSON_NOUNS | TITLES or any(w.endswith("-year-old") for w in words):
        return True
    return (key or "").startswith("group:") and not words[-1].endswith("s")


def _introduced_unnamed(text: str, quote: Quote) -> bool:
    """Whether the article introduced the described person without a name before: "a justice
    official said …; the official said" is that official, not the last person named."""
    head = (quote.speaker_text or "").split()[-1]
    unnamed = re.compile(rf"\b(?:an?|one|another)\s+(?:[\w-]+\s+){{0,3}}{re.escape(head)}\b", re.I)
    return unnamed.search(text, 0, quote.speaker_start or 0) is not None


def _stated_gender(speaker: str | None) -> Gender | None:
    """The gender the words of a description state ("the spokeswoman"), if any."""
    words = set((speaker or "").lower().split())
    female, male = bool(words & FEMALE_WORDS), bool(words & MALE_WORDS)
    return None if female == male else "female" if female else "male"


def _pronoun_gender(speaker: str | None) -> Gender | None:
    """The gender a speaker span that is a lone "he" or "she" states."""
    word = (speaker or "").strip().lower()
    return "female" if word == "she" else "male" if word == "he" else None


def _attributed(quote: Quote, key: str | None, names: dict[str, str]) -> Quote:
    return replace(quote, speaker_key=key, speaker_name=names.get(key) if key else None)


def _named_at(text: str, people: list[Mention]) -> list[tuple[int, str]]:
    """Where each person is named, in order: the mentions, and every other place the text uses
    their surname (the small model misses many a "Lonechild said"); a surname two people share
    is the one named more often, or nobody's on a tie.
    Pronoun mentions (a quote's "she" resolved to its speaker) are not names."""
    at = {m.start: m.key for m in people if m.text.lower() not in _PRONOUN_WORDS}
    owners: dict[str, Counter[str]] = {}
    for mention in people:
        words = mention.name.split()
        if words and len(words[-1]) > 1:
            owners.setdefault(words[-1], Counter())[mention.key] += 1
    single = {}
    for word, keys in owners.items():
        (first, most), *rest = keys.most_common(2)
        if not rest or rest[0][1] < most:  # shared: the one the article names most
            single[word] = first
    if single:
        pattern = r"\b(?:" + "|".join(re.escape(w) for w in sorted(single, key=len)[::-1]) + r")\b"
        for match in re.finditer(pattern, text):
            at.setdefault(match.start(), single[match.group()])
    return sorted(at.items())


def name_call(name: str) -> Call:
    """The first-name statistic's call for a person's name; initials and unknown names stay
    unknown."""
    first = name.split()[0] if name.split() else ""
    if len(first.rstrip(".")) < 2 or "." in first:
        return UNKNOWN
    found = first_name_statistic(first)
    if found is None:
        return UNKNOWN
    p_female, count = found
    if count < NAME_MIN_COUNT or NAME_THRESHOLD < p_female < 1 - NAME_THRESHOLD:
        return UNKNOWN
    if p_female >= 0.5:
        return Call("female", "name", round(p_female, 3))
    return Call("male", "name", round(1 - p_female, 3))


class NameStatistic:
    """Look-ups in nomquamgender's name table, read in place.

    The table is one sorted JSON object of 720,000 names (22 MB); parsing it costs 1.3 s and
    260 MB in every worker process. Mapped and searched by bisection it costs nothing to open,
    and the pages read are shared between processes.
    """

    _ENTRY = re.compile(rb'(?:\{|\], )"((?:[^"\\]|\\.)*)": \[(\d+), (\d+), ([\d.]+)')

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as handle:
            self._data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)

    def lookup(self, first_name: str) -> tuple[float, int] | None:
        """(p(female), people observed) for a first name, or None when the data lacks it.

        Spelled as the package spells its keys: lower case, diacritics transliterated; a
        hyphenated name not in the table is looked up by its first part ("Jean-Marc").
        """
        key = unidecode(first_name).lower().strip(".,'’")
        found = self._find(key)
        if found is None and "-" in key:
            found = self._find(key.split("-")[0])
        return found

    def _find(self, key: str) -> tuple[float, int] | None:
        low, high = 0, len(self._data)
        while low < high:
            middle = (low + high) // 2
            entry = self._ENTRY.search(self._data, middle)
            if entry is None or self._key(entry) >= key:
                high = middle
            else:
                low = middle + 1
        entry = self._ENTRY.search(self._data, low)
        if entry is None or self._key(entry) != key:
            return None
        return float(entry.group(4)), int(entry.group(3))

    @staticmethod
    def _key(entry: re.Match[bytes]) -> str:
        raw = entry.group(1)
        return json.loads(b'"' + raw + b'"') if b"\\" in raw else raw.decode()


@lru_cache(maxsize=65_536)
def first_name_statistic(first_name: str) -> tuple[float, int] | None:
    """NameStatistic.lookup, remembered: the news names the same people over and over, and a
    look-up bisects the table with some 25 regex searches (a tenth of a worker's extraction)."""
    return name_statistic().lookup(first_name)


@lru_cache(maxsize=1)
def name_statistic() -> NameStatistic:
    """The table of the installed nomquamgender, found without importing it (its module loads
    pandas and parses the whole table)."""
    spec = importlib.util.find_spec("nomquamgender")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("nomquamgender is not installed: pip install nomquamgender==0.1.4")
    return NameStatistic(Path(next(iter(spec.submodule_search_locations))) / "name_data.json")
