"""Lines that recur across the articles of one outlet: the site's template, not any one story.

A scraper copies each page's share bar, comment prompt and newsletter box along with the story, so
the same line turns up in article after article of one outlet, whatever its wording. Counted over
a batch of records (and, once the warehouse keeps them, over an outlet's earlier articles too),
such lines are boilerplate the rules need not know. Two guards keep stories whole: the same story
sent twice counts once (documents are told apart by their longest line), and a line shaped like
prose must recur in more documents than a short one before it counts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache

from tasks.line_model import boilerplate_probability

_TOKEN = re.compile(r"\w+|[^\w\s]+")
_NAMES = re.compile(r"N(?: N)+")
# In this many distinct stories of an outlet, a line is its template; prose needs more.
MIN_DOCUMENTS = 3
MIN_DOCUMENTS_PROSE = 5
_PROSE_WORDS = 12
_PROSE_TEMPLATE_SCORE = 0.9
_LONGEST_TEMPLATE = 400  # characters


def line_key(line: str, *, first_word: bool = False) -> str:
    """A line as the template writes it: numbers are 0 and each run of capitalised words N (the
    names a template fills in: "Follow N on N", "N reported from N"), case and spacing do not
    matter. Empty when names are most of what is left: "N for N" is any headline.

    With `first_word` the line's first word stays a word: a capital that only opens the line
    ("Latest from N", "Words by N") is no name, and without it such a line is all names."""
    key = _shape(line, opening=first_word)
    tokens = key.split()
    words = [t for t in tokens if t.isalpha()]
    names = 2 * words.count("N") + first_word  # the opening word must not tip the balance
    if any(_is_word(t) for t in words) and names <= len(words):
        return key
    if tokens.count("0") >= 2 and tokens.count("N") <= 1 and len(tokens) <= 10:
        return key  # a date and time as the site prints them: "0 : 0 N 0 , 0"
    if 2 <= len(tokens) <= 4 and _is_mark(tokens[0]) and set(tokens[1:]) <= {"N", ")", "]"}:
        return key  # a mark and a name, the way a site signs off its copy: "— N", "( N )"
    return ""  # mostly names: "N for N" is any headline, not one template


def _is_mark(token: str) -> bool:
    return not any(c.isalnum() for c in token)


def _shape(line: str, *, first_word: bool = True, opening: bool = False) -> str:
    tokens = _TOKEN.findall(line)
    shape = [
        "N" if t.isalpha() and t[0].isupper() else t.lower() if t.isalpha() else _shape_of(t)
        for t in tokens
    ]
    lone = not any(map(_is_word, shape[1:]))
    if first_word and tokens and tokens[0].isalpha() and (opening or lone):
        shape[0] = tokens[0].lower()  # the first word is all there is, or asked for as a word
    return _NAMES.sub("N", " ".join(shape))


def _shape_of(token: str) -> str:
    """A token that is not all letters: a number, punctuation, or both in one."""
    if any(c.isdigit() for c in token):
        return "0"
    return "N" if token[:1].isupper() else token.lower()


def _is_word(token: str) -> bool:
    return len(token) >= 3 and token.isalpha() and token != "N"


_LABEL = re.compile(r"^([^:|»→]{1,40}?)\s*[:|»→]\s+\S")
_TAIL = re.compile(r"(?:[.!?]\s+([(\[©]?)|\s([|\[©(]))\s*([^.!?|\[(©]{1,60})$")


@lru_cache(maxsize=8192)
def template_keys(line: str) -> tuple[str, ...]:
    """The keys a line can recur by: the whole line, the label before its first colon or bar
    ("N story: …" teasers) and the credit after its last sentence ("…. Photographer: N"); a
    tail that ends like a sentence is the story's own words, not a credit. Cached: a batch keys
    each line once to count it and again when its article is filtered."""
    if len(line) > _LONGEST_TEMPLATE:
        return ()  # a paragraph this long is some story's, and keying it costs the most
    keys = [line_key(line)]
    if line[:1].isupper() and not keys[0]:
        keys.append("=" + line_key(line, first_word=True))
    label = _LABEL.match(line)
    if label and len(label.group(1).split()) <= 4:
        keys.append("^" + line_key(label.group(1)))
    tail = _TAIL.search(line)
    if tail and tail.start() > 0 and len(tail.group(3).split()) <= 6:
        marker, credit = (tail.group(1) or tail.group(2) or ""), tail.group(3)
        keys.append("$" + _credit_key(marker, credit))
    return tuple(key for key in keys if key.strip("^$="))


def _credit_key(marker: str, credit: str) -> str:
    """The key of a credit closing a line. After a mark ("| N", "[N]", "© N") the credit may be a
    name alone; in a closing parenthesis it needs a word besides names ("(N courtesy N)", not
    "(N)" or a year); after a sentence its opening word is a label ("Photographer: N")."""
    if marker == "(":
        shape = _shape(credit, first_word=False)
        return "(" + shape if any(map(_is_word, shape.split())) else ""
    if marker:
        return marker + _shape(credit, first_word=False)
    key = line_key(credit)
    if key or not credit[:1].isupper():
        return key
    shape = _shape(credit, opening=True)
    return "=" + shape if _is_word(shape.split()[0]) else ""


def repeated_lines(documents: Iterable[Iterable[str]]) -> frozenset[str]:
    """Keys (see `line_key`) of the lines found in enough distinct stories among `documents`,
    each given as its lines."""
    stories: defaultdict[str, set[str]] = defaultdict(set)
    example: dict[str, str] = {}
    for lines in documents:
        lines = [line for line in lines if line.strip()]
        if not lines:
            continue
        story = line_key(max(lines, key=len))
        for line in lines:
            for key in template_keys(line):
                stories[key].add(story)
                example.setdefault(key, line)
    return frozenset(
        key
        for key, found in stories.items()
        if len(found) >= MIN_DOCUMENTS_PROSE
        or (len(found) >= MIN_DOCUMENTS and _template_shaped(key, example[key]))
    )


def _template_shaped(key: str, line: str) -> bool:
    """Short lines recur as templates; a sentence-long one could be a background paragraph
    the outlet's follow-up stories share, unless the line model reads it as the site's own
    (a moderation notice, a newsletter box)."""
    return len(key.split()) < _PROSE_WORDS or boilerplate_probability(line) >= _PROSE_TEMPLATE_SCORE


def repeated_by_outlet(
    documents: Iterable[tuple[str | None, Iterable[str]]],
) -> Mapping[str | None, frozenset[str]]:
    """`repeated_lines` per outlet (None groups the records that name none)."""
    grouped: defaultdict[str | None, list[Iterable[str]]] = defaultdict(list)
    for outlet, lines in documents:
        grouped[outlet].append(lines)
    return {outlet: repeated_lines(docs) for outlet, docs in grouped.items()}
