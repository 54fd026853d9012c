"""Quotes: who said what, from quote marks and the dependency parse of the one spaCy pass.

Two sources of quotes meet here. Quote marks give direct quotes exactly, whatever the parse says;
the parse gives the reporting verb, its subject (the speaker) and the clause it reports (indirect
quotes, and mixed ones where that clause holds a quoted fragment). A direct quote takes its
speaker from the verb right after it (`"…," she said`), right before it (`she said: "…"`), or, when
it has neither, from the quote before it (a floating quote continuing the last speaker). Speakers
are then resolved to people: names through the article's entity mentions, pronouns and role
nouns through the people named before them.

The span conventions follow the annotated news corpus we measure against: a direct quote includes
its marks, an indirect one starts at "that" when there is one and stops before the full stop.

The steps live in modules named for them: marks.py finds quote marks and paragraphs,
speeches.py the reporting verbs and their speakers, clauses.py the clause each reports,
reported.py turns those into indirect and mixed quotes, direct.py attributes the quotes in marks,
signatures.py reads signed posts and transcripts, speakers.py resolves speakers to people, and
lexicon.py holds the words they test for.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from tasks.nlp import boilerplate_of, text_of
from tasks.quotes.direct import attributed_direct
from tasks.quotes.marks import (
    ALL_MARKS,
    MIN_DIRECT_WORDS,
    ends_sentence,
    is_title,
    opens_sentence,
    paragraph_bounds,
    quote_marks,
)
from tasks.quotes.reported import clause_after_tag, parenthetical, reported_clause
from tasks.quotes.signatures import signed, transcribed
from tasks.quotes.speakers import Resolver, after_tag, continue_speaker, continued
from tasks.quotes.speeches import find_speeches
from tasks.records import Mention, Quote

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["extract_quotes", "quote_marks"]


def extract_quotes(doc: Doc, mentions: Iterable[Mention] = ()) -> list[Quote]:
    """Every quote of one parsed article, in text order, without overlaps."""
    text = text_of(doc)
    paragraphs = paragraph_bounds(text)
    para_starts = [s for s, _ in paragraphs]
    # Captions, link teasers and other boilerplate that reached the text quote nobody.
    ignored = {i for s, e in boilerplate_of(doc) for i in range(s, e)}
    marked = [
        m
        for m in quote_marks(text, paragraphs)
        if text[m.start + 1 : m.end].strip(" ,.") and m.start not in ignored
    ]
    speeches = find_speeches(doc, marked, ignored)
    resolver = Resolver(doc, sorted(mentions, key=lambda m: m.start))

    quotes: list[Quote] = []
    consumed: set[int] = set()
    for speech in speeches:
        pieces = parenthetical(speech, marked, consumed, resolver)
        if pieces:
            quotes += pieces
            continue
        quote = reported_clause(speech, marked, consumed, resolver)
        if quote is not None:
            quotes.append(quote)
            if quote.start < speech.verb.idx:
                quotes += filter(None, [clause_after_tag(speech, marked, resolver)])
    for index, mark in enumerate(marked):
        if index in consumed:
            continue
        quote = attributed_direct(mark, speeches, marked, resolver) or continued(text, mark, quotes)
        if quote is None:
            words = len(text[mark.start : mark.end].split())
            if not after_tag(text, mark, quotes) and (
                words < MIN_DIRECT_WORDS
                or not opens_sentence(text, mark.start)
                or not ends_sentence(text, mark)
                or is_title(text[mark.start : mark.end].strip(ALL_MARKS + "'`"))
            ):
                continue  # unattributed words inside a sentence: a scare quote or a title
            quote = Quote(
                start=mark.start,
                end=mark.end,
                text=text[mark.start : mark.end],
                kind="direct",
                rule="floating",
                confidence=0.6,
            )
        quotes.append(quote)

    quotes += signed(doc, paragraphs, marked, resolver)
    quotes += transcribed(doc, paragraphs, resolver)
    resolved: list[Quote] = []
    for quote in _without_overlaps(quotes):
        if quote.speaker_name is None and quote.speaker_start is None:
            quote = continue_speaker(quote, resolved, para_starts)
        resolved.append(quote)
    return resolved


def _without_overlaps(quotes: list[Quote]) -> list[Quote]:
    """One quote per span: on overlap, attributed beats floating and longer beats shorter."""
    ranked = sorted(
        quotes,
        key=lambda q: (q.speaker_start is None, q.rule == "floating", -(q.end - q.start)),
    )
    kept: list[Quote] = []
    for quote in ranked:
        if all(quote.end <= k.start or quote.start >= k.end for k in kept):
            kept.append(quote)
    return sorted(kept, key=lambda q: q.start)
