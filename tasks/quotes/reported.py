"""Indirect and mixed quotes: the clause a speech reports, trimmed to its paragraph and to the
report (not a follow-on speech), with a parenthetical tag's two pieces and a clause after a tag.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tasks.nlp import text_of
from tasks.quotes.clauses import clause_bounds
from tasks.quotes.lexicon import (
    CIRCUMSTANCE_OPENERS,
    CONTRAST_OPENERS,
    SPEECH_VERBS,
    SUBORDINATORS,
    VERB_BASE,
)
from tasks.quotes.marks import MARK_TOKENS, Marked, paragraph_of
from tasks.quotes.speakers import Resolver
from tasks.quotes.speeches import Speech, speech_quote, takes_main_subject
from tasks.records import Quote

if TYPE_CHECKING:
    from spacy.tokens import Doc


def reported_clause(
    speech: Speech, marked: list[Marked], consumed: set[int], resolver: Resolver
) -> Quote | None:
    """The clause a verb reports (indirect), or mixed when it holds a quoted fragment."""
    bounds = clause_bounds(speech, marked)
    if bounds is None:
        return None
    rule = "according-to" if speech.verb.lower_ == "according" else "reported-clause"
    return _span_quote(speech, *bounds, marked, consumed, resolver, rule=rule)


def _span_quote(
    speech: Speech,
    start_i: int,
    end_i: int,
    marked: list[Marked],
    consumed: set[int],
    resolver: Resolver,
    *,
    rule: str,
    min_tokens: int = 3,
) -> Quote | None:
    """The tokens start_i..end_i as what `speech` reports, trimmed to the verb's paragraph and
    of edge punctuation; None when too short or when it opens a direct quote."""
    verb = speech.verb
    doc = verb.doc
    # A clause never reaches past its verb's paragraph (parses do run across them).
    paragraph_start, paragraph_end = paragraph_of(text_of(doc), verb.idx)
    while start_i <= end_i and doc[start_i].idx < paragraph_start:
        start_i += 1
    while end_i >= start_i and doc[end_i].idx >= paragraph_end:
        end_i -= 1
    end_i = _before_follow_on(doc, start_i, end_i, marked)
    while end_i > start_i and (doc[end_i].is_punct and doc[end_i].text not in MARK_TOKENS):
        end_i -= 1
    while start_i < end_i and doc[start_i].is_punct and doc[start_i].text not in MARK_TOKENS:
        start_i += 1
    if end_i - start_i < min_tokens - 1 or doc[start_i].is_punct:
        return None
    start, end = doc[start_i].idx, doc[end_i].idx + len(doc[end_i])
    if any(m.start <= start < m.end for m in marked):
        return None  # the verb reports a direct quote; the direct pass attributes it
    # A quote that opens inside the clause belongs to it, closing mark and all.
    inside = [i for i, m in enumerate(marked) if start <= m.start < end]
    if inside:
        end = max(end, *(marked[i].end for i in inside))
        consumed.update(inside)
    return speech_quote(
        resolver,
        start,
        end,
        speech,
        kind="mixed" if inside else "indirect",
        rule=rule,
        confidence=0.75,
    )


def _before_follow_on(doc: Doc, start_i: int, end_i: int, marked: list[Marked]) -> int:
    """ "…, adding that …" / "…, saying …" ends the clause before it: the participle reports a
    speech of its own, however the parse attached it. So do "… and suggested that …" and
    "…, though she noted …": a second report of the same speaker, or of another."""
    for token in doc[start_i + 1 : end_i + 1]:
        if token.lower_ not in SPEECH_VERBS or any(m.start <= token.idx < m.end for m in marked):
            continue
        before = doc[token.i - 1]
        if token.tag_ == "VBG" and before.text in {",", ";", "—", "–"}:
            return token.i - 2
        if not any(c.dep_ == "ccomp" for c in token.children):
            continue
        if token.dep_ == "conj" and before.dep_ == "cc" and takes_main_subject(token):
            return token.i - 2
        mark = token.left_edge
        if token.dep_ == "advcl" and mark.lower_ in CONTRAST_OPENERS and mark.i > start_i:
            return mark.i - 1
    return end_i


# What may follow a tag's verb before its closing comma: "he said on Monday", "she said Tuesday".
_TAG_TAIL = {"prep", "pobj", "npadvmod", "advmod", "det", "compound", "amod", "nummod"}


def parenthetical(
    speech: Speech, marked: list[Marked], consumed: set[int], resolver: Resolver
) -> list[Quote]:
    """ "<words>, he said, <words>.": a tag set off by commas inside a sentence reports the
    sentence around it, as two pieces (the annotation's convention for a split content)."""
    verb, subject, doc = speech.verb, speech.subject, speech.verb.doc
    if subject is None or speech.follows or verb.lower_ == "according":
        return []
    if VERB_BASE[verb.lower_] == "ask":
        return []  # "…, she asked, …" questions
    if any(c.dep_ == "ccomp" and c.i > verb.i for c in verb.children):
        return []  # "…, he said, that …": the verb reports what follows, not a parenthesis
    if subject.root.dep_ == "nsubjpass":
        return []  # "Morgana, we're told, is …": hearsay, not a speaker
    first = min(subject.start, verb.i)
    last = max(subject.root.right_edge.i, verb.i)  # "…, said Ann Lee, a spokeswoman, …"
    sentence = verb.sent
    while last + 1 < sentence.end and doc[last + 1].dep_ in _TAG_TAIL:
        last += 1  # "he said on Monday,"
    if first - 1 <= sentence.start or last + 2 >= sentence.end:
        return []
    if doc[first - 1].text != "," or doc[last + 1].text != ",":
        return []
    text = text_of(doc)
    start = sentence.start
    for mark in marked:  # start after the last quote that closed before the tag
        if mark.end <= doc[first - 1].idx:
            while start < first - 1 and doc[start].idx < mark.end:
                start += 1
    if any(doc[start].idx <= m.start < doc[first - 1].idx for m in marked):
        return []  # a quote before the tag: the direct pass attributes it
    opener = doc[last + 2]
    if opener.tag_ in {"VBG", "VBN"} or opener.lower_ in SUBORDINATORS | CIRCUMSTANCE_OPENERS:
        return []  # "…, he said, adding …", "…, she said, though …": the tag ends the report
    after = _span_quote(
        speech, last + 2, sentence.end - 1, marked, consumed, resolver, rule="parenthetical"
    )
    if after is None:
        return []
    if doc[start].pos_ == "ADP":
        return [after]  # "During his term, he said, …": a circumstance of the report
    before = _span_quote(
        speech, start, first - 2, marked, consumed, resolver, rule="parenthetical", min_tokens=1
    )
    if before is None or "\n" in text[before.start : after.end]:
        return [after]
    return [before, after]


def clause_after_tag(speech: Speech, marked: list[Marked], resolver: Resolver) -> Quote | None:
    """ "<clause>, he said, but <clause>.": the sentence goes on reporting after the tag."""
    verb, doc = speech.verb, speech.verb.doc
    sentence_end = verb.sent.end
    i = verb.i + 1
    while i < sentence_end and doc[i].dep_ in {"prep", "pobj", "npadvmod", "advmod", "det"}:
        i += 1  # "he said on Monday, …"
    if i + 1 >= sentence_end or doc[i].text != ",":
        return None
    first = doc[i + 1]
    if first.tag_ in {"VBG", "VBN"} or first.lower_ in CIRCUMSTANCE_OPENERS | CONTRAST_OPENERS:
        # "…, adding that" (its own speech), "…, though he did not …" (the writer's); a reason
        # or a time goes on with the report ("…, he said, since most of them …").
        return None
    end_i = sentence_end - 1
    while end_i > first.i and (doc[end_i].is_punct or doc[end_i].is_space):
        end_i -= 1
    if end_i - first.i < 3 or any(m.start < doc[end_i].idx and m.end > first.idx for m in marked):
        return None
    return speech_quote(
        resolver,
        first.idx,
        doc[end_i].idx + len(doc[end_i]),
        speech,
        kind="indirect",
        rule="clause-after-tag",
        confidence=0.6,
    )
