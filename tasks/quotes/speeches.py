"""Reporting verbs in the parse and who does the reporting: the speeches every kind of quote is
attributed to, and the quote that a speech and a span make.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tasks.lexicon import CORE_SPEECH_VERBS, UNREALISED
from tasks.nlp import text_of
from tasks.quotes.lexicon import (
    DOCUMENTS,
    MANNER_PREPOSITIONS,
    MODALS,
    NON_SPEAKERS,
    SPEECH_VERBS,
    VERB_BASE,
)
from tasks.quotes.marks import MARK_TOKENS, Marked
from tasks.quotes.speakers import Resolver
from tasks.records import Quote

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

_SUBJECTS = {"nsubj", "nsubjpass"}


@dataclass(frozen=True)
class Speech:
    """A reporting verb with its speaker, as found in the parse."""

    verb: Token
    subject: Span | None  # None for "according to" without a source
    # "…, adding that …", "… and said that …": the subject is the clause's the verb hangs on,
    # and the verb reports only what follows it.
    follows: bool = False


def find_speeches(doc: Doc, marks: list[Marked], ignored: set[int]) -> list[Speech]:
    """Reporting verbs and who does the reporting."""
    found, sourced = [], []
    quoted = {i for m in marks for i in range(m.start, m.end)}
    for token in doc:  # one pass over the tokens: building each costs more than the tests
        lower = token.lower_
        if lower == "according":
            sourced += filter(None, [_according_to(token)])
            continue
        if lower not in SPEECH_VERBS or token.pos_ not in {"VERB", "AUX"}:
            continue
        if not _speaks_in_this_sense(token):
            continue
        if token.idx in quoted or token.idx in ignored:
            continue  # a verb inside quote marks is what someone said, not who said it
        if any(c.dep_ == "neg" for c in token.children) or any(
            c.dep_ == "aux" and c.lower_ in MODALS for c in token.children
        ):
            continue  # "has not said", "will argue": nothing was said (yet)
        subject = next((c for c in token.children if c.dep_ in _SUBJECTS), None)
        if subject is not None and subject.pos_ == "NOUN":
            subject = _author(subject) or subject  # "a study by Jo Lee concluded": Jo Lee
        if (
            subject is not None
            and VERB_BASE[token.lower_] not in CORE_SPEECH_VERBS
            and (subject.lower_ in DOCUMENTS or subject.pos_ not in {"PROPN", "PRON", "NOUN"})
        ):
            continue
        if subject is not None and subject.lower_ == "it" and VERB_BASE[lower] in CORE_SPEECH_VERBS:
            pass  # "It said in a statement …": a company, a body, a letter speaks
        elif subject is not None and subject.lower_ in NON_SPEAKERS | {"who"}:
            subject = None if subject.lower_ != "who" else _relative_antecedent(token)
            if subject is None:
                continue
        if (
            subject is None
            and token.dep_ == "ROOT"
            and token.i
            and doc[token.i - 1].pos_ == "PROPN"
        ):
            # A misparse left the verb without subject; the name right before it is the speaker.
            subject = doc[token.i - 1]
        if subject is None:
            subject = _inverted_subject(token) or _named_before_appositive(token)
        if subject is None:
            # "… and said that …", "…, adding that …" keep the main clause's subject (the
            # annotation's convention); "fail to report" or "suggests adding" report nothing.
            main = (takes_main_subject(token) if token.dep_ == "conj" else None) or token.head
            inherited = next((c for c in main.children if c.dep_ in _SUBJECTS), None)
            follow_on = token.dep_ in {"conj", "advcl"} or (
                token.dep_ == "xcomp" and token.head.lower_ not in UNREALISED
            )
            if token.dep_ == "pcomp" and token.head.lower_ in MANNER_PREPOSITIONS:
                # "opened by saying …", "before explaining that …": the main clause's speaker.
                inherited = next((c for c in token.head.head.children if c.dep_ == "nsubj"), None)
                follow_on = True
            if follow_on and inherited is not None and inherited.lower_ not in NON_SPEAKERS:
                found.append(Speech(token, _subject_span(inherited), follows=True))
            continue
        found.append(Speech(token, _subject_span(subject)))
    return found + sourced


def _speaks_in_this_sense(verb: Token) -> bool:
    """Verbs that report speech only in one construction: "pointed out (that)", not "pointed a
    finger"; "charged that …", not "charged with fraud"."""
    base = VERB_BASE[verb.lower_]
    if base == "point":
        return any(c.dep_ == "prt" and c.lower_ == "out" for c in verb.children)
    if base == "charge":
        return any(c.dep_ == "ccomp" for c in verb.children)
    return True


def _inverted_subject(verb: Token) -> Token | None:
    """`"…," said Edward Leamer, an economist, "…"`: a verb right after a quote's closing mark
    and a name right after the verb, which the parse made the subject of the quote's second
    half. The name's last word is the speaker's head."""
    doc = verb.doc
    if verb.i < 2 or verb.i + 1 >= len(doc) or doc[verb.i - 1].text not in MARK_TOKENS:
        return None
    end = verb.i + 1
    while end < len(doc) and doc[end].pos_ == "PROPN":
        end += 1
    return doc[end - 1] if end > verb.i + 1 else None


def _named_before_appositive(verb: Token) -> Token | None:
    """`"…," Gene Sperling, a top Clinton adviser, said`: the parse took the name into the
    quote and left the verb without a subject. The name stands between the quote's closing mark
    and the comma that opens the appositive; its last word is the speaker's head."""
    doc = verb.doc
    if verb.i < 4 or doc[verb.i - 1].text != ",":
        return None
    for k in range(verb.i - 2, max(0, verb.i - 25), -1):
        if doc[k].text not in MARK_TOKENS:
            continue
        end = k + 1
        while end < verb.i - 1 and doc[end].pos_ == "PROPN":
            end += 1
        named = k + 1 < end <= k + 4 and doc[end].text == ","
        return doc[end - 1] if named and end < verb.i - 1 else None
    return None


def _author(noun: Token) -> Token | None:
    """The named author of a document or a statement: "a study by Michael Greenstone",
    "calculations by Amy Glasmeier", "a study by a sociologist, Mikhail Dmitriyev"."""
    for prep in noun.children:
        if prep.dep_ != "prep" or prep.lower_ not in {"by", "from"}:
            continue
        for author in prep.children:
            named = author.pos_ == "PROPN" or any(
                c.dep_ == "appos" and c.pos_ == "PROPN" for c in author.children
            )
            if author.dep_ == "pobj" and named:
                return author
    return None


def _relative_antecedent(verb: Token) -> Token | None:
    """ "Smith, who said …": the noun the relative clause hangs on."""
    return verb.head if verb.dep_ == "relcl" and verb.head.pos_ in {"PROPN", "NOUN"} else None


def _subject_span(token: Token) -> Span:
    """The subject's words up to its head: "Pentagon Press Secretary Alyssa Farah"."""
    doc = token.doc
    if token.pos_ == "NOUN" or token.ent_type_ == "NORP":
        # "the county treasurer, Alan Price, said", "One Democrat, Sen. Carla Nunez, said": the
        # name in apposition is the speaker.
        named = next((c for c in token.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
        if named is not None:
            token = named
    start = token.left_edge.i
    while start < token.i and (
        doc[start].is_punct or doc[start].text in MARK_TOKENS or "\n" in doc[start : token.i].text
    ):
        start += 1  # nor does a subject start in the paragraph before
    marks = [
        i
        for i in range(max(start, 1), token.i)
        if doc[i].text in MARK_TOKENS and doc[i - 1].is_punct
    ]
    if marks:  # a quote's closing mark: the words before it are the quote's, not the speaker's
        start = marks[-1] + 1
    return doc[start : token.i + 1]


def _according_to(according: Token) -> Speech | None:
    """ "according to X": X is the source of the sentence around it."""
    doc = according.doc
    if according.i + 1 >= len(doc) or doc[according.i + 1].lower_ != "to":
        return None
    target = next((c for c in doc[according.i + 1].children if c.dep_ == "pobj"), None)
    if target is not None and target.pos_ == "NOUN":
        # "according to calculations by Amy Glasmeier": the author of the document is the source.
        target = _author(target) or target
    return Speech(according, _subject_span(target)) if target is not None else None


def takes_main_subject(verb: Token) -> Token | None:
    """ "Okafor said the province would end the tolls and suggested that …": a subjectless speech
    verb the parse joined to the reported clause, when its tense says it goes with the verb that
    reports the clause. Returns that verb."""
    head = verb.head
    while head.dep_ == "conj":
        head = head.head
    outer = head.head
    if head.dep_ != "ccomp" or outer.lower_ not in SPEECH_VERBS or outer.i > verb.i:
        return None
    if any(c.dep_ in _SUBJECTS for c in verb.children) or verb.tag_ != outer.tag_:
        return None
    return outer if verb.head.tag_ != verb.tag_ else None


def speech_quote(
    resolver: Resolver,
    start: int,
    end: int,
    speech: Speech,
    *,
    kind: str,
    rule: str,
    confidence: float,
) -> Quote:
    """A quote attributed to a speech; one without a subject is floating."""
    subject = speech.subject
    verb = speech.verb
    name, key = resolver.name_for(subject)
    return Quote(
        start=start,
        end=end,
        text=text_of(resolver.doc)[start:end],
        kind=kind,  # type: ignore[arg-type]
        rule=rule if subject is not None else f"{rule}-floating",
        confidence=confidence if subject is not None else confidence - 0.15,
        verb=None if verb.lower_ == "according" else verb.text,
        speaker_text=subject.text if subject is not None else None,
        speaker_start=subject.start_char if subject is not None else None,
        speaker_end=subject.end_char if subject is not None else None,
        speaker_name=name,
        speaker_key=key,
    )
