"""Direct quotes attributed by the text around their marks: the verb right after a quote
(`"…," she said`) or the clause that introduces it (`she said: "…"`).
"""

from __future__ import annotations

import re

from tasks.nlp import text_of
from tasks.quotes.lexicon import VERB_BASE
from tasks.quotes.marks import ALL_MARKS, Marked, fragment, paragraph_of
from tasks.quotes.speakers import Resolver
from tasks.quotes.speeches import Speech, speech_quote
from tasks.records import Quote


def attributed_direct(
    mark: Marked, speeches: list[Speech], marked: list[Marked], resolver: Resolver
) -> Quote | None:
    """A direct quote with the verb after it or introducing it, or None when it has neither."""
    text = text_of(resolver.doc)
    by_position = sorted(speeches, key=lambda s: s.verb.idx)
    speech, rule = _speech_after(text, mark, by_position, marked), "direct-after"
    if speech is None:
        speech, rule = _speech_before(text, mark, by_position), "direct-before"
    if speech is None:
        return None
    return speech_quote(
        resolver, mark.start, mark.end, speech, kind="direct", rule=rule, confidence=0.9
    )


_AFTER_GAP = re.compile(r"^[\s,—–-]*(?:[^\s;:\"“”]+\s+){0,16}?$")
# A full stop that ends a sentence, not one inside "U.S." or "Dr.".
_SENTENCE_END = re.compile(r"(?<![A-Z])(?<!\b[A-Z][a-z])(?<!\b[A-Z][a-z][a-z])[.!?]\s")


def _speech_after(
    text: str, mark: Marked, speeches: list[Speech], marked: list[Marked]
) -> Speech | None:
    """`"…," she said` / `"…," said the minister, …`: a verb within a short clause after."""
    inner = text[mark.start : mark.end].rstrip(ALL_MARKS + "'` ")
    if inner.endswith(".") and not mark.open_ended:
        return None  # a quote that ends its own sentence is not attributed by what follows
    if fragment(text, mark):
        return None  # quoted words inside a sentence belong to the clause the verb reports
    limit = min((m.start for m in marked if m.start >= mark.end), default=len(text))
    newline = text.find("\n", mark.end)
    limit = min(limit, newline if newline != -1 else len(text))
    for speech in speeches:
        start = speech.verb.idx
        if start < mark.end:
            continue
        if start >= limit:
            break
        gap = text[mark.end : start]
        subject = speech.subject
        if subject is None or subject.start_char < mark.end:
            continue  # "…" and said: the verb's speaker is before the quote, not after it
        if _AFTER_GAP.match(gap) and not _SENTENCE_END.search(gap):
            return speech
        break
    return None


_BEFORE_GAP = re.compile(r"[:,]\s*$")
_VERB_GAP = re.compile(r"\s+(?:that\s+)?")
# "called for “boots on the ground”": the particle of a speech act that reports a noun phrase.
_PARTICLE_GAP = re.compile(r"\s+(?:for|on)\s+")


def _speech_before(text: str, mark: Marked, speeches: list[Speech]) -> Speech | None:
    """`she said: "…"` / `"…," he said, "…"`: the verb of the clause that introduces the quote."""
    para_start, _ = paragraph_of(text, mark.start)
    lead = text[para_start : mark.start]
    if not lead.strip() and para_start > 0:
        # "He said:" closing the paragraph before.
        prev_start, prev_end = paragraph_of(text, para_start - 1)
        prev = text[prev_start:prev_end].rstrip()
        if not prev.endswith(":"):
            return None
        window = (prev_start, prev_start + len(prev))
    elif _BEFORE_GAP.search(lead):
        window = (
            para_start + max(lead.rfind("."), lead.rfind("”"), lead.rfind('"'), 0),
            mark.start,
        )
    else:
        # `X said "…"`: the verb (and perhaps "that") directly before the mark.
        return next(
            (
                s
                for s in speeches
                if (
                    _VERB_GAP.fullmatch(gap := text[s.verb.idx + len(s.verb) : mark.start])
                    or (VERB_BASE.get(s.verb.lower_) == "call" and _PARTICLE_GAP.fullmatch(gap))
                )
                and s.subject is not None
            ),
            None,
        )
    candidates = [s for s in speeches if window[0] <= s.verb.idx < window[1]]
    return candidates[-1] if candidates else None
