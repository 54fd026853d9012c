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

_TOKEN = re.compile(r"\w+|[^\w\s]+")
_NAMES = re.compile(r"N(?: N)+")
# In this many distinct stories of an outlet, a line is its template; prose needs more.
MIN_DOCUMENTS = 3
MIN_DOCUMENTS_PROSE = 5
_PROSE_WORDS = 12
_LONGEST_TEMPLATE = 400  # characters


def line_key(line: str) -> str:
    """A line as the template writes it: numbers are 0 and each run of capitalised words N (the
    names a template fills in: "Follow N on N", "N reported from N"), case and spacing do not
    matter. Empty when names are most of what is left: "N for N" is any headline."""
    key = _shape(line)
    words = [t for t in key.split() if t.isalpha()]
    if any(_is_word(t) for t in words) and 2 * words.count("N") <= len(words):
        return key
    tokens = key.split()
    if tokens.count("0") >= 2 and tokens.count("N") <= 1 and len(tokens) <= 10:
        return key  # a date and time as the site prints them: "0 : 0 N 0 , 0"
    return ""  # mostly names: "N for N" is any headline, not one template


def _shape(line: str, *, first_word: bool = True) -> str:
    tokens = _TOKEN.findall(line)
    shape = [
        "N" if t.isalpha() and t[0].isupper() else t.lower() if t.isalpha() else _shape_of(t)
        for t in tokens
    ]
    if first_word and tokens and tokens[0].isalpha() and not any(map(_is_word, shape[1:])):
        shape[0] = tokens[0].lower()  # the first word is all there is
    return _NAMES.sub("N", " ".join(shape))


def _shape_of(token: str) -> str:
    """A token that is not all letters: a number, punctuation, or both in one."""
    if any(c.isdigit() for c in token):
        return "0"
    return "N" if token[:1].isupper() else token.lower()


def _is_word(token: str) -> bool:
    return len(token) >= 3 and token.isalpha() and token != "N"


_LABEL = re.compile(r"^([^:|»→]{1,40}?)\s*[:|»→]\s+\S")
_TAIL = re.compile(r"(?:[.!?]\s+([(\[©]?)|\s([|\[©]))\s*([^.!?|\[(©]{1,60})$")


def template_keys(line: str) -> list[str]:
    """The keys a line can recur by: the whole line, the label before its first colon or bar
    ("N story: …" teasers) and the credit after its last sentence ("…. Photographer: N"); a
    tail that ends like a sentence is the story's own words, not a credit."""
    if len(line) > _LONGEST_TEMPLATE:
        return []  # a paragraph this long is some story's, and keying it costs the most
    keys = [line_key(line)]
    label = _LABEL.match(line)
    if label and len(label.group(1).split()) <= 4:
        keys.append("^" + line_key(label.group(1)))
    tail = _TAIL.search(line)
    if tail and tail.start() > 0 and len(tail.group(3).split()) <= 6:
        marker, credit = (tail.group(1) or tail.group(2) or ""), tail.group(3)
        # After a mark ("| N", "[N]", "© N") the credit may be a name alone.
        keys.append(
            "$" + (marker + _shape(credit, first_word=False) if marker else line_key(credit))
        )
    return [key for key in keys if key.strip("^$")]


def repeated_lines(documents: Iterable[Iterable[str]]) -> frozenset[str]:
    """Keys (see `line_key`) of the lines found in enough distinct stories among `documents`,
    each given as its lines."""
    stories: defaultdict[str, set[str]] = defaultdict(set)
    for lines in documents:
        lines = [line for line in lines if line.strip()]
        if not lines:
            continue
        story = line_key(max(lines, key=len))
        for key in {key for line in lines for key in template_keys(line)}:
            stories[key].add(story)
    return frozenset(
        key
        for key, found in stories.items()
        if key
        and len(found)
        >= (MIN_DOCUMENTS_PROSE if len(key.split()) >= _PROSE_WORDS else MIN_DOCUMENTS)
    )


def repeated_by_outlet(
    documents: Iterable[tuple[str | None, Iterable[str]]],
) -> Mapping[str | None, frozenset[str]]:
    """`repeated_lines` per outlet (None groups the records that name none)."""
    grouped: defaultdict[str | None, list[Iterable[str]]] = defaultdict(list)
    for outlet, lines in documents:
        grouped[outlet].append(lines)
    return {outlet: repeated_lines(docs) for outlet, docs in grouped.items()}
