"""Quote marks and paragraphs: where quotes open and close in the text, and what a marked span
looks like (a sentence of its own, a few words inside one, a title).

Marks are read from the characters, whatever the parse says: they give direct quotes exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tasks.quotes.lexicon import TITLE_MINOR_WORDS

_OPENING = "“„«"
_CLOSING = "”»"
ALL_MARKS = _OPENING + _CLOSING + '"'
MARK = re.compile(r"''|``|[\"“”„«»]")
# Quote marks as the tokenizer leaves them (it keeps a doubled apostrophe as one token).
MARK_TOKENS = frozenset(ALL_MARKS) | {"''", "``"}


@dataclass(frozen=True)
class Marked:
    """A span between quote marks; `open_ended` when the paragraph ended before it closed."""

    start: int
    end: int
    open_ended: bool


def quote_marks(text: str, paragraphs: list[tuple[int, int]] | None = None) -> list[Marked]:
    """Spans between quote marks, paragraph by paragraph, tolerant of odd and mis-faced marks.

    A mark opens when it sits before a word and closes when it sits after one, whichever way it
    faces (scrapers mix up “ and ”). A quote still open at the end of a paragraph ends there:
    that is how news continues a quote into the next paragraph. Two apostrophes (or two
    backticks) are one double mark, as newspaper archives and typewriter-era feeds write it.
    """
    spans: list[Marked] = []
    for para_start, para_end in paragraphs or paragraph_bounds(text):
        open_at: int | None = None
        for found in MARK.finditer(text, para_start, para_end):
            i, j = found.span()
            ch = found.group()
            before = text[i - 1] if i > para_start else " "
            after = text[j] if j < para_end else " "
            opens = (before.isspace() or before in "([—–-/") and not after.isspace()
            closes = not before.isspace() and (after.isspace() or not after.isalnum())
            facing_open, facing_close = ch in _OPENING or ch == "``", ch in _CLOSING
            if open_at is None:
                # A mark with space on both sides (" . . . ") opens: a quote cannot close here.
                if opens or before.isspace() or (facing_open and not closes):
                    open_at = i
            elif closes or facing_close or (not facing_open and not opens):
                if i > open_at + 1:
                    spans.append(Marked(open_at, j, False))
                open_at = None
            elif facing_open:  # a new quote opens before the last closed: close it here
                spans.append(Marked(open_at, i, True))
                open_at = i
        if open_at is not None:
            end = para_end
            while end > open_at and text[end - 1].isspace():
                end -= 1
            if end - open_at > 1:
                spans.append(Marked(open_at, end, True))
    return spans


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """Start and end of each non-empty line."""
    bounds, start = [], 0
    for line in text.split("\n"):
        end = start + len(line)
        if end > start:
            bounds.append((start, end))
        start = end + 1
    return bounds


def paragraph_of(text: str, position: int) -> tuple[int, int]:
    """Start and end of the paragraph (line) holding a character."""
    end = text.find("\n", position)
    return text.rfind("\n", 0, position) + 1, len(text) if end == -1 else end


MIN_DIRECT_WORDS = 4  # fewer unattributed words in marks are scare quotes or titles


def opens_sentence(text: str, position: int) -> bool:
    """Whether a quote starts its own sentence (or paragraph) rather than sitting inside one."""
    i = position
    while i > 0 and text[i - 1].isspace():
        i -= 1  # the text before, without copying it
    return i == 0 or text[i - 1] in ".!?:" + ALL_MARKS


def ends_sentence(text: str, mark: Marked) -> bool:
    """Whether a quote ends a sentence (inside or right after its closing mark)."""
    inner = text[mark.start : mark.end].rstrip(ALL_MARKS + "'` ")
    after = text[mark.end : mark.end + 2].lstrip(" ")
    return mark.open_ended or inner[-1:] in ".!?…,;:" or not after or after[0] in ".!?\n"


def is_title(words: str) -> bool:
    """ "The Kid Who Would Be King": a short run of capitalised words names a work."""
    tokens = [w for w in words.split() if w[0].isalpha()]
    content = [w for w in tokens if w.lower() not in TITLE_MINOR_WORDS]
    return 0 < len(tokens) <= 8 and all(w[0].isupper() for w in content)


def fragment(text: str, mark: Marked) -> bool:
    """Whether quote marks hold a few words inside a sentence ("for becoming "too familiar" with
    …"), not a quote of its own: the clause around them is what was said, quoted words and all."""
    words = len(text[mark.start : mark.end].split())
    return words < MIN_DIRECT_WORDS and not opens_sentence(text, mark.start)
