"""Quotes with no reporting verb whose speaker the layout names: posts and pull quotes signed
with a name at the end, and the lines of an interview transcript ("PENCE: …").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tasks.nlp import text_of
from tasks.quotes.marks import ALL_MARKS, MIN_DIRECT_WORDS, Marked
from tasks.quotes.speakers import Resolver
from tasks.records import Quote

if TYPE_CHECKING:
    from spacy.tokens import Doc

_NAME = r"[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|van|von|bin|al))*"
# "… — Ann Lee (@annlee) May 2, 2019", "“…” ― Ann Lee": a post or a voice signed off with a dash
# (an emoji may stand between the name and the handle).
_DASH_SIGNATURE = re.compile(
    r"(?:\s*(?:pic\.twitter\.com/\S+|https?://\S+))*\s*(?:[—―–]|--)[\s\xa0]*"
    rf"(?P<name>{_NAME})\.?(?P<handle>[^\w()]{{0,12}}\(@\w+\))?"
    r"(?:\s+[A-Z][a-z]+\.? \d{1,2}, \d{4})?\.?\s*$"
)
# "… an emergency. Ann Lee." / "… on their doors. Ann Lee, Rentals.ca.": a pull quote closed by
# its speaker's name (after a full stop that is not an abbreviation's, "Sen. Ann Lee").
_NAME_SIGNATURE = re.compile(
    rf"(?<![A-Z])(?<!\b[A-Z][a-z])(?<!\b[A-Z][a-z][a-z])[.!?”\"]\s+(?P<name>{_NAME})"
    r"(?:,[^,.]+(?:\.\w+)?)?\.\s*$"
)
_MAX_NAME_WORDS = 5
_SIGNATURE_REACH = 160  # characters: a link, a dash, a name, a handle and a date


def signed(
    doc: Doc, paragraphs: list[tuple[int, int]], marked: list[Marked], resolver: Resolver
) -> list[Quote]:
    """Paragraphs that end with their author's name: posts signed with a dash, and pull quotes
    closed by the name alone. The name must be a person's (or come with a @handle)."""
    text = text_of(doc)
    found = []
    for index, (para_start, para_end) in enumerate(paragraphs):
        paragraph = text[para_start:para_end]
        tail = max(0, len(paragraph) - _SIGNATURE_REACH)  # a signature is short: look at the end
        match = _DASH_SIGNATURE.search(paragraph, tail) or _NAME_SIGNATURE.search(paragraph, tail)
        if match is None or len(match["name"].split()) > _MAX_NAME_WORDS:
            continue
        name_start, name_end = para_start + match.start("name"), para_start + match.end("name")
        speaker = doc.char_span(name_start, name_end, alignment_mode="expand")
        handle = match.groupdict().get("handle")
        if speaker is None or not (handle or _names_a_person(resolver, name_start, name_end)):
            continue
        end = para_start + match.start()
        if not paragraph[: match.start()].strip() and index and match.re is _DASH_SIGNATURE:
            # An embedded post: its text is the paragraph above the signature's own line.
            para_start, end = paragraphs[index - 1]
        if text[end] in '!?”"':
            end += 1  # the pull quote's own closing mark or question, not its full stop
        while end > para_start and text[end - 1] in " .\xa0":
            end -= 1
        start = next((m.start for m in marked if m.end == end and m.start >= para_start), None)
        if start is None:
            start = para_start + len(paragraph) - len(paragraph.lstrip())
        if len(text[start:end].split()) < MIN_DIRECT_WORDS:
            continue
        name, key = resolver.name_for(speaker)
        found.append(
            Quote(
                start=start,
                end=end,
                text=text[start:end],
                kind="direct",
                rule="signed",
                confidence=0.7,
                speaker_text=speaker.text,
                speaker_start=speaker.start_char,
                speaker_end=speaker.end_char,
                speaker_name=name,
                speaker_key=key,
            )
        )
    return found


# "PENCE: Well, look, …": a transcript's line, its speaker's name in capitals before a colon.
_TRANSCRIPT_LINE = re.compile(r"[\"“]?(?P<name>[A-Z][A-Z'’.-]+(?: [A-Z][A-Z'’.-]+){0,2}):\s+\S")


def transcribed(doc: Doc, paragraphs: list[tuple[int, int]], resolver: Resolver) -> list[Quote]:
    """Lines of an interview transcript: what follows the colon is a direct quote of the person
    named before it, when that name is the surname of someone the article names (so "UPDATE:" or
    "VIDEO:" are no speakers)."""
    text = text_of(doc)
    found = []
    for para_start, para_end in paragraphs:
        match = _TRANSCRIPT_LINE.match(text, para_start, para_end)
        if match is None:
            continue
        surname = match["name"].split()[-1].lower()
        person = next((m for m in resolver.people if m.name.split()[-1].lower() == surname), None)
        if person is None:
            continue
        start, end = match.end() - 1, para_end
        while end > start and (text[end - 1].isspace() or text[end - 1] in ALL_MARKS):
            end -= 1
        if len(text[start:end].split()) < MIN_DIRECT_WORDS:
            continue
        found.append(
            Quote(
                start=start,
                end=end,
                text=text[start:end],
                kind="direct",
                rule="transcript",
                confidence=0.8,
                speaker_text=match["name"],
                speaker_start=match.start("name"),
                speaker_end=match.end("name"),
                speaker_name=person.name,
                speaker_key=person.key,
            )
        )
    return found


def _names_a_person(resolver: Resolver, start: int, end: int) -> bool:
    """Whether the characters start..end are (nearly all) one person mention."""
    return any(m.start <= start + 1 and m.end >= end - 1 for m in resolver.people)
