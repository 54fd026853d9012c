"""Speakers to people: names through the article's entity mentions, pronouns and role nouns
through the people named before them, and quotes that go on with the speaker of the one before.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from tasks.entities import entity_key, expand_surname, full_name_in_text, name_in
from tasks.lexicon import ORG_WORDS
from tasks.nlp import text_of
from tasks.quotes.lexicon import GROUP_PRONOUNS, PERSON_PRONOUNS
from tasks.quotes.marks import Marked
from tasks.records import Mention, Quote

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

_IT_REACH = 300  # characters back from "it said" to the organisation it stands for


class Resolver:
    """Speaker spans to people, through the article's mentions and what came before."""

    def __init__(self, doc: Doc, mentions: list[Mention]) -> None:
        self.doc = doc
        self.mentions = mentions
        self.people = [m for m in mentions if m.label == "person"]
        self.starts = [m.start for m in self.people]

    def name_for(self, span: Span | None) -> tuple[str | None, str | None]:
        """The resolved name and entity key of a speaker span, or (None, None)."""
        if span is None:
            return None, None
        start, end = span.start_char, span.end_char
        named = [m for m in self.mentions if m.start < end and m.end > start]
        person = next((m for m in reversed(named) if m.label == "person"), None)
        head = span.text.split()[-1] if span.text.split() else ""
        if person is not None and head[:1].islower() and person.end <= span.end_char - len(head):
            # "Clinton's advisers", "Ted Cruz's campaign", "Rudolph's supporters": the person
            # owns the speakers, and is not one of them.
            named = [m for m in named if m.label != "person"]
            person = None
        target = person or (named[-1] if named else None)
        if target is None:
            words = span.text.split()
            if len(words) == 1 and words[0].lower() in PERSON_PRONOUNS:
                target = self._last_person(start)
            elif len(words) == 1 and words[0].lower() in GROUP_PRONOUNS:
                target = self._last_organisation(start)
            elif words and not words[-1][0].isupper():
                target = self._role_holder(words[-1].lower(), start)
            elif words and all(w[0].isupper() for w in words):
                # A name NER missed: a surname of someone named before, or a new person.
                target = expand_surname(span.text, self.people, start)
                name = None
                if target is None:
                    single = len(words) == 1 and full_name_in_text(words[0], text_of(self.doc))
                    name = single or name_in(span.text)
                if name is not None:
                    return name, entity_key(name, "person")
        return (target.name, target.key) if target is not None else (None, None)

    def _last_person(self, position: int) -> Mention | None:
        index = bisect.bisect_left(self.starts, position)
        return self.people[index - 1] if index else None

    def _last_organisation(self, position: int) -> Mention | None:
        """ "The city sent a letter. It says …": the organisation named last, if near enough."""
        before = [m for m in self.mentions if m.label == "org" and m.end <= position]
        last = max(before, key=lambda m: m.end, default=None)
        return last if last is not None and position - last.end <= _IT_REACH else None

    def _role_holder(self, noun: str, position: int) -> Mention | None:
        """ "the minister": the person named last with that word in their role. A word that
        names an organisation is not the person ("the bank" is not "Bank of Canada
        Governor Lena Marsh")."""
        if noun in ORG_WORDS:
            return None
        for mention in reversed(self.people[: bisect.bisect_left(self.starts, position)]):
            if mention.role and noun in mention.role.lower().split():
                return mention
        return None


_FLOATING_REACH = 3  # paragraphs a floating quote may look back for its speaker


def continue_speaker(quote: Quote, before: list[Quote], para_starts: list[int]) -> Quote:
    """A floating quote continues the speaker of the quote just before it, if close enough."""
    if not before:
        return quote
    last = before[-1]
    here = bisect.bisect_right(para_starts, quote.start)
    there = bisect.bisect_right(para_starts, last.start)
    if last.speaker_name is None or here - there > _FLOATING_REACH:
        return quote
    return replace(
        quote,
        speaker_name=last.speaker_name,
        speaker_key=last.speaker_key,
        confidence=min(quote.confidence, 0.7),
    )


_LIST_GAP = re.compile(r"\s*,?\s*(?:and|or)?\s*")


def continued(text: str, mark: Marked, before: list[Quote]) -> Quote | None:
    """`students shout, "Build that wall!" and "Go back …"`: the next quote in the same list
    has the same speaker and verb."""
    previous = max((q for q in before if q.end <= mark.start), key=lambda q: q.end, default=None)
    if previous is None or previous.speaker_start is None:
        return None
    if not _LIST_GAP.fullmatch(text[previous.end : mark.start]):
        return None
    return replace(
        previous,
        start=mark.start,
        end=mark.end,
        text=text[mark.start : mark.end],
        kind="direct",
        rule="direct-continued",
    )


# `"…," she said. "…"`: what may stand between a quote with its tag and the next quote.
_TAG_THEN_QUOTE = re.compile(r"[^\"“”„«»\n]{1,80}[.!?]\s*")


def after_tag(text: str, mark: Marked, before: list[Quote]) -> bool:
    """Whether a quote follows, in the same paragraph, a direct quote and the short sentence of
    its tag: the speaker goes on, however few the words ("Neither do I.")."""
    previous = max((q for q in before if q.end <= mark.start), key=lambda q: q.end, default=None)
    if previous is None or previous.kind != "direct" or previous.speaker_start is None:
        return False
    gap = text[previous.end : mark.start]
    return bool(_TAG_THEN_QUOTE.fullmatch(gap)) and previous.speaker_start >= previous.end
