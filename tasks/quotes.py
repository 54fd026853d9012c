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
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from tasks.entities import entity_key, expand_surname, full_name_in_text, name_in
from tasks.lexicon import (
    CORE_SPEECH_VERBS,
    ORG_WORDS,
    SPEECH_ACT_VERBS_BASE,
    SPEECH_VERBS_BASE,
    UNREALISED,
)
from tasks.nlp import boilerplate_of, text_of
from tasks.records import Mention, Quote

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

_IRREGULAR = {
    "say": ("says", "said", "saying"),
    "tell": ("tells", "told", "telling"),
    "write": ("writes", "wrote", "writing", "written"),
    "shout": ("shouts", "shouted", "shouting"),
}


_VOWELS = "aeiou"
# Verbs of two syllables stressed on the last, which double their last consonant ("admitted").
_STRESS_FINAL = {"admit", "rebut", "regret", "omit", "commit", "refer", "confer", "deter"}


def _doubles(base: str) -> bool:
    """Whether the last consonant doubles before -ed/-ing: a short vowel and a consonant closing
    one syllable ("slam", "quip", "admit"), not "plead", "vow" or "label"."""
    if len(base) < 3 or base[-1] in _VOWELS + "wxy" or base[-2] not in _VOWELS:
        return False
    if base[-3] in _VOWELS and base[-3:-1] != "ui":  # "plead"; "quip" is one vowel after q
        return False
    syllables = len(re.findall(r"[aeiou]+", base.replace("qu", "q")))
    return syllables == 1 or base in _STRESS_FINAL


def _inflect(base: str) -> set[str]:
    if base in _IRREGULAR:
        return {base, *_IRREGULAR[base]}
    if _doubles(base):
        return {base, f"{base}s", f"{base}{base[-1]}ed", f"{base}{base[-1]}ing"}
    stem = base[:-1] if base.endswith("e") else base
    past = (
        f"{base}d"
        if base.endswith("e")
        else f"{base[:-1]}ied"
        if base.endswith("y")
        else f"{base}ed"
    )
    third = (
        f"{base}es"
        if base.endswith(("s", "sh", "ch", "x", "o"))
        else (f"{base[:-1]}ies" if base.endswith("y") and base[-2] not in "aeiou" else f"{base}s")
    )
    if base.endswith("y") and base[-2] in "aeiou":
        past = f"{base}ed"
    return {base, third, past, f"{stem}ing"}


VERB_BASE = {
    form: base for base in SPEECH_VERBS_BASE | SPEECH_ACT_VERBS_BASE for form in _inflect(base)
}
SPEECH_VERBS = frozenset(VERB_BASE)
# Sources that "suggest", "estimate" or "conclude" but do not speak.
_DOCUMENTS = {
    "data",
    "study",
    "studies",
    "report",
    "reports",
    "survey",
    "surveys",
    "figures",
    "numbers",
    "statistics",
    "research",
    "analysis",
    "poll",
    "polls",
    "estimate",
    "estimates",
    "document",
    "documents",
    "records",
    "budget",
    "review",
    "findings",
    "evidence",
    "results",
    "memo",
    "model",
    "models",
    "index",
    "forecast",
    "projections",
    "trend",
    "trends",
    "it",
    "this",
}
_ADVERBIAL = {"as", "while", "because", "since", "though", "although", "after", "before", "until"}
_NON_SPEAKERS = {"it", "this", "that", "which"}
_TAG_OPENERS = {"according", "who", "which", "when", "where", "if", "unless", "in", "on", "at"}
# What may follow a tag's verb before its closing comma: "he said on Monday", "she said Tuesday".
_TAG_TAIL = {"prep", "pobj", "npadvmod", "advmod", "det", "compound", "amod", "nummod"}
# Prepositions that put a speech verb in the main clause's time or manner ("began by saying",
# "after noting that"), not in someone else's mouth ("criticised for saying").
_MANNER_PREPS = {"by", "after", "before", "while", "in", "when"}
_HYPOTHETICAL = {"will", "would", "could", "might", "may", "should", "can", "must", "'ll"}
# Clauses these open are questions or descriptions, not what was said.
_WH_WORDS = {"what", "whether", "why", "how", "if", "when", "where", "who", "which", "whom"}
# Pronouns that stand for a person. "They" stands for a group (a party, the members, a union)
# and is resolved like "it".
PRONOUNS = {"he", "she", "i", "we", "him", "her"}
_GROUP_PRONOUNS = {"it", "they"}
_OPENING = "“„«"
_CLOSING = "”»"
_ALL_MARKS = _OPENING + _CLOSING + '"'
_MARK = re.compile(r"''|``|[\"“”„«»]")
# Quote marks as the tokenizer leaves them (it keeps a doubled apostrophe as one token).
_MARK_TOKENS = frozenset(_ALL_MARKS) | {"''", "``"}
_SUBJECTS = {"nsubj", "nsubjpass"}
_MIN_DIRECT_WORDS = 4  # fewer unattributed words in marks are scare quotes or titles
_IT_REACH = 300  # characters back from "it said" to the organisation it stands for
_FLOATING_REACH = 3  # paragraphs a floating quote may look back for its speaker


@dataclass(frozen=True)
class _Marked:
    """A span between quote marks; `open_ended` when the paragraph ended before it closed."""

    start: int
    end: int
    open_ended: bool


@dataclass(frozen=True)
class _Speech:
    """A reporting verb with its speaker, as found in the parse."""

    verb: Token
    subject: Span | None  # None for "according to" without a source
    # "…, adding that …", "… and said that …": the subject is the clause's the verb hangs on,
    # and the verb reports only what follows it.
    follows: bool = False


def quote_marks(text: str, paragraphs: list[tuple[int, int]] | None = None) -> list[_Marked]:
    """Spans between quote marks, paragraph by paragraph, tolerant of odd and mis-faced marks.

    A mark opens when it sits before a word and closes when it sits after one, whichever way it
    faces (scrapers mix up “ and ”). A quote still open at the end of a paragraph ends there:
    that is how news continues a quote into the next paragraph. Two apostrophes (or two
    backticks) are one double mark, as newspaper archives and typewriter-era feeds write it.
    """
    spans: list[_Marked] = []
    for para_start, para_end in paragraphs or paragraph_bounds(text):
        open_at: int | None = None
        for found in _MARK.finditer(text, para_start, para_end):
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
                    spans.append(_Marked(open_at, j, False))
                open_at = None
            elif facing_open:  # a new quote opens before the last closed: close it here
                spans.append(_Marked(open_at, i, True))
                open_at = i
        if open_at is not None:
            end = para_end
            while end > open_at and text[end - 1].isspace():
                end -= 1
            if end - open_at > 1:
                spans.append(_Marked(open_at, end, True))
    return spans


def _paragraph_of(text: str, position: int) -> tuple[int, int]:
    """Start and end of the paragraph (line) holding a character."""
    end = text.find("\n", position)
    return text.rfind("\n", 0, position) + 1, len(text) if end == -1 else end


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """Start and end of each non-empty line."""
    bounds, start = [], 0
    for line in text.split("\n"):
        end = start + len(line)
        if end > start:
            bounds.append((start, end))
        start = end + 1
    return bounds


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
    speeches = _speeches(doc, marked, ignored)
    resolver = _Resolver(doc, sorted(mentions, key=lambda m: m.start))

    quotes: list[Quote] = []
    consumed: set[int] = set()
    for speech in speeches:
        pieces = _parenthetical(speech, marked, consumed, resolver)
        if pieces:
            quotes += pieces
            continue
        quote = _reported_clause(speech, marked, consumed, resolver)
        if quote is not None:
            quotes.append(quote)
            if quote.start < speech.verb.idx:
                quotes += filter(None, [_clause_after_tag(speech, marked, resolver)])
    for index, mark in enumerate(marked):
        if index in consumed:
            continue
        quote = _attributed_direct(mark, speeches, marked, resolver) or _continued(
            text, mark, quotes
        )
        if quote is None:
            words = len(text[mark.start : mark.end].split())
            if not _after_tag(text, mark, quotes) and (
                words < _MIN_DIRECT_WORDS
                or not _opens_sentence(text, mark.start)
                or not _ends_sentence(text, mark)
                or _is_title(text[mark.start : mark.end].strip(_ALL_MARKS + "'`"))
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

    quotes += _signed(doc, paragraphs, marked, resolver)
    quotes += _transcribed(doc, paragraphs, resolver)
    resolved: list[Quote] = []
    for quote in _without_overlaps(quotes):
        if quote.speaker_name is None and quote.speaker_start is None:
            quote = _continue_speaker(quote, resolved, para_starts)
        resolved.append(quote)
    return resolved


_NAME = r"[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|van|von|bin|al))*"
# "… — Ann Lee (@annlee) May 2, 2019", "“…” ― Ann Lee": a post or a voice signed off with a dash.
_DASH_SIGNATURE = re.compile(
    r"(?:\s*(?:pic\.twitter\.com/\S+|https?://\S+))*\s*(?:[—―–]|--)[\s\xa0]*"
    rf"(?P<name>{_NAME})\.?(?P<handle>\s*\(@\w+\))?(?:\s+[A-Z][a-z]+\.? \d{{1,2}}, \d{{4}})?\.?\s*$"
)
# "… an emergency. Ann Lee." / "… on their doors. Ann Lee, Rentals.ca.": a pull quote closed by
# its speaker's name (after a full stop that is not an abbreviation's, "Sen. Ann Lee").
_NAME_SIGNATURE = re.compile(
    rf"(?<![A-Z])(?<!\b[A-Z][a-z])(?<!\b[A-Z][a-z][a-z])[.!?”\"]\s+(?P<name>{_NAME})"
    r"(?:,[^,.]+(?:\.\w+)?)?\.\s*$"
)
_MAX_NAME_WORDS = 5
_SIGNATURE_REACH = 160  # characters: a link, a dash, a name, a handle and a date


def _signed(
    doc: Doc, paragraphs: list[tuple[int, int]], marked: list[_Marked], resolver: _Resolver
) -> list[Quote]:
    """Paragraphs that end with their author's name: posts signed with a dash, and pull quotes
    closed by the name alone. The name must be a person's (or come with a @handle)."""
    text = text_of(doc)
    found = []
    for para_start, para_end in paragraphs:
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
        if text[end] in '!?”"':
            end += 1  # the pull quote's own closing mark or question, not its full stop
        while end > para_start and text[end - 1] in " .\xa0":
            end -= 1
        start = next((m.start for m in marked if m.end == end and m.start >= para_start), None)
        if start is None:
            start = para_start + len(paragraph) - len(paragraph.lstrip())
        if len(text[start:end].split()) < _MIN_DIRECT_WORDS:
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


def _transcribed(doc: Doc, paragraphs: list[tuple[int, int]], resolver: _Resolver) -> list[Quote]:
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
        while end > start and (text[end - 1].isspace() or text[end - 1] in _ALL_MARKS):
            end -= 1
        if len(text[start:end].split()) < _MIN_DIRECT_WORDS:
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


def _names_a_person(resolver: _Resolver, start: int, end: int) -> bool:
    """Whether the characters start..end are (nearly all) one person mention."""
    return any(m.start <= start + 1 and m.end >= end - 1 for m in resolver.people)


_LIST_GAP = re.compile(r"\s*,?\s*(?:and|or)?\s*")


def _continued(text: str, mark: _Marked, before: list[Quote]) -> Quote | None:
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


def _after_tag(text: str, mark: _Marked, before: list[Quote]) -> bool:
    """Whether a quote follows, in the same paragraph, a direct quote and the short sentence of
    its tag: the speaker goes on, however few the words ("Neither do I.")."""
    previous = max((q for q in before if q.end <= mark.start), key=lambda q: q.end, default=None)
    if previous is None or previous.kind != "direct" or previous.speaker_start is None:
        return False
    gap = text[previous.end : mark.start]
    return bool(_TAG_THEN_QUOTE.fullmatch(gap)) and previous.speaker_start >= previous.end


def _opens_sentence(text: str, position: int) -> bool:
    """Whether a quote starts its own sentence (or paragraph) rather than sitting inside one."""
    i = position
    while i > 0 and text[i - 1].isspace():
        i -= 1  # the text before, without copying it
    return i == 0 or text[i - 1] in ".!?:" + _ALL_MARKS


def _ends_sentence(text: str, mark: _Marked) -> bool:
    """Whether a quote ends a sentence (inside or right after its closing mark)."""
    inner = text[mark.start : mark.end].rstrip(_ALL_MARKS + "'` ")
    after = text[mark.end : mark.end + 2].lstrip(" ")
    return mark.open_ended or inner[-1:] in ".!?…,;:" or not after or after[0] in ".!?\n"


def _is_title(words: str) -> bool:
    """ "The Kid Who Would Be King": a short run of capitalised words names a work."""
    tokens = [w for w in words.split() if w[0].isalpha()]
    small = {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by"}
    content = [w for w in tokens if w.lower() not in small]
    return 0 < len(tokens) <= 8 and all(w[0].isupper() for w in content)


def _speeches(doc: Doc, marks: list[_Marked], ignored: set[int]) -> list[_Speech]:
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
            c.dep_ == "aux" and c.lower_ in _HYPOTHETICAL for c in token.children
        ):
            continue  # "has not said", "will argue": nothing was said (yet)
        subject = next((c for c in token.children if c.dep_ in _SUBJECTS), None)
        if (
            subject is not None
            and VERB_BASE[token.lower_] not in CORE_SPEECH_VERBS
            and (subject.lower_ in _DOCUMENTS or subject.pos_ not in {"PROPN", "PRON", "NOUN"})
        ):
            continue
        if subject is not None and subject.lower_ == "it" and VERB_BASE[lower] in CORE_SPEECH_VERBS:
            pass  # "It said in a statement …": a company, a body, a letter speaks
        elif subject is not None and subject.lower_ in _NON_SPEAKERS | {"who"}:
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
            # "… and said that …", "…, adding that …" keep the main clause's subject (the
            # annotation's convention); "fail to report" or "suggests adding" report nothing.
            main = (_takes_main_subject(token) if token.dep_ == "conj" else None) or token.head
            inherited = next((c for c in main.children if c.dep_ in _SUBJECTS), None)
            follow_on = token.dep_ in {"conj", "advcl"} or (
                token.dep_ == "xcomp" and token.head.lower_ not in UNREALISED
            )
            if token.dep_ == "pcomp" and token.head.lower_ in _MANNER_PREPS:
                # "opened by saying …", "before explaining that …": the main clause's speaker.
                inherited = next((c for c in token.head.head.children if c.dep_ == "nsubj"), None)
                follow_on = True
            if follow_on and inherited is not None and inherited.lower_ not in _NON_SPEAKERS:
                found.append(_Speech(token, _subject_span(inherited), follows=True))
            continue
        found.append(_Speech(token, _subject_span(subject)))
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
        doc[start].is_punct or doc[start].text in _MARK_TOKENS or "\n" in doc[start : token.i].text
    ):
        start += 1  # nor does a subject start in the paragraph before
    return doc[start : token.i + 1]


def _according_to(according: Token) -> _Speech | None:
    """ "according to X": X is the source of the sentence around it."""
    doc = according.doc
    if according.i + 1 >= len(doc) or doc[according.i + 1].lower_ != "to":
        return None
    target = next((c for c in doc[according.i + 1].children if c.dep_ == "pobj"), None)
    return _Speech(according, _subject_span(target)) if target is not None else None


def _reported_clause(
    speech: _Speech, marked: list[_Marked], consumed: set[int], resolver: _Resolver
) -> Quote | None:
    """The clause a verb reports (indirect), or mixed when it holds a quoted fragment."""
    bounds = _clause_bounds(speech, marked)
    if bounds is None:
        return None
    rule = "according-to" if speech.verb.lower_ == "according" else "reported-clause"
    return _span_quote(speech, *bounds, marked, consumed, resolver, rule=rule)


def _span_quote(
    speech: _Speech,
    start_i: int,
    end_i: int,
    marked: list[_Marked],
    consumed: set[int],
    resolver: _Resolver,
    *,
    rule: str,
    min_tokens: int = 3,
) -> Quote | None:
    """The tokens start_i..end_i as what `speech` reports, trimmed to the verb's paragraph and
    of edge punctuation; None when too short or when it opens a direct quote."""
    verb = speech.verb
    doc = verb.doc
    # A clause never reaches past its verb's paragraph (parses do run across them).
    paragraph_start, paragraph_end = _paragraph_of(text_of(doc), verb.idx)
    while start_i <= end_i and doc[start_i].idx < paragraph_start:
        start_i += 1
    while end_i >= start_i and doc[end_i].idx >= paragraph_end:
        end_i -= 1
    end_i = _before_follow_on(doc, start_i, end_i, marked)
    while end_i > start_i and (doc[end_i].is_punct and doc[end_i].text not in _MARK_TOKENS):
        end_i -= 1
    while start_i < end_i and doc[start_i].is_punct and doc[start_i].text not in _MARK_TOKENS:
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
    return _quote(
        resolver,
        start,
        end,
        speech,
        kind="mixed" if inside else "indirect",
        rule=rule,
        confidence=0.75,
    )


def _before_follow_on(doc: Doc, start_i: int, end_i: int, marked: list[_Marked]) -> int:
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
        if token.dep_ == "conj" and before.dep_ == "cc" and _takes_main_subject(token):
            return token.i - 2
        mark = token.left_edge
        if token.dep_ == "advcl" and mark.lower_ in _CONTRAST and mark.i > start_i:
            return mark.i - 1
    return end_i


# What opens a second report set against the first: "…, though she noted …".
_CONTRAST = {"though", "although", "while", "but", "whereas"}


def _takes_main_subject(verb: Token) -> Token | None:
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


def _parenthetical(
    speech: _Speech, marked: list[_Marked], consumed: set[int], resolver: _Resolver
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
    if opener.tag_ in {"VBG", "VBN"} or opener.lower_ in _ADVERBIAL | _TAG_OPENERS:
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


def _clause_after_tag(speech: _Speech, marked: list[_Marked], resolver: _Resolver) -> Quote | None:
    """ "<clause>, he said, but <clause>.": the sentence goes on reporting after the tag."""
    verb, doc = speech.verb, speech.verb.doc
    sentence_end = verb.sent.end
    i = verb.i + 1
    while i < sentence_end and doc[i].dep_ in {"prep", "pobj", "npadvmod", "advmod", "det"}:
        i += 1  # "he said on Monday, …"
    if i + 1 >= sentence_end or doc[i].text != ",":
        return None
    first = doc[i + 1]
    if first.tag_ in {"VBG", "VBN"} or first.lower_ in _TAG_OPENERS | _CONTRAST:
        # "…, adding that" (its own speech), "…, though he did not …" (the writer's); a reason
        # or a time goes on with the report ("…, he said, since most of them …").
        return None
    end_i = sentence_end - 1
    while end_i > first.i and (doc[end_i].is_punct or doc[end_i].is_space):
        end_i -= 1
    if end_i - first.i < 3 or any(m.start < doc[end_i].idx and m.end > first.idx for m in marked):
        return None
    return _quote(
        resolver,
        first.idx,
        doc[end_i].idx + len(doc[end_i]),
        speech,
        kind="indirect",
        rule="clause-after-tag",
        confidence=0.6,
    )


def _fronted(verb: Token, first: Token) -> bool:
    """Whether the words between a verb and its clause are a phrase set off by a comma before
    the clause ("said too often, that's not …"): the clause's, since a time of the saying is not
    set off ("said on Monday the …")."""
    doc = verb.doc
    between = doc[verb.i + 1 : first.i + 1 if first.text == "," else first.i]
    if len(between) < 2 or between[-1].text != "," or first.lower_ == "that":
        return False
    phrase = [t for t in between[:-1] if t.head == verb]
    return bool(phrase) and all(t.dep_ in {"prep", "advmod", "npadvmod"} for t in phrase)


_CLAUSE_SUBJECTS = {"nsubj", "nsubjpass", "csubj", "expl"}


def _subject_taken(verb: Token, clause: Token) -> bool:
    """ "said smaller brewers … are likely to suffer": a finite clause after the verb without a
    subject of its own, because the parse made its subject the verb's object; the clause then
    starts right after the verb."""
    if clause.i < verb.i or any(c.dep_ in _CLAUSE_SUBJECTS for c in clause.children):
        return False
    taken = any(c.dep_ in {"dobj", "npadvmod"} and verb.i < c.i < clause.i for c in verb.children)
    return taken and _finite(clause)


_AUX = {"aux", "auxpass"}
# Verbs whose first object is whom they address: "told the network on Wednesday that …".
_ADDRESSING = {"tell", "inform", "assure", "remind", "warn", "advise"}


def _finite(clause: Token) -> bool:
    """Whether a clause has a tense of its own (not an infinitive or a participle)."""
    return clause.tag_ in {"VBD", "VBZ", "VBP", "MD"} or any(
        c.dep_ == "aux" and c.tag_ in {"MD", "VBD", "VBZ", "VBP"} for c in clause.children
    )


def _misattached_clause(verb: Token) -> tuple[int, int] | None:
    """ "said after the convention he would not …", "told the network on Wednesday that he …": a
    clause with its own subject that the parse hung on the verb as a circumstance, on a phrase of
    time after it, or on whom it addresses, when the verb has no complement. Not one a
    subordinator opens ("said, as rescuers searched …"), a relative clause ("told the story that
    moved them") nor the content of a noun ("expressed concern that …")."""
    for token in verb.subtree:
        if token.i <= verb.i or token.pos_ not in {"VERB", "AUX"} or token.dep_ in _AUX:
            continue
        if token.dep_ not in {"advcl", "acl", "relcl"} or not _finite(token):
            return None  # the first verb after the speech verb decides
        subject = next((c for c in token.children if c.dep_ in _CLAUSE_SUBJECTS), None)
        if subject is None or subject.lower_ in _WH_WORDS | {"that"}:
            return None
        openers = [c for c in token.children if c.dep_ in {"mark", "advmod"} and c.i < subject.i]
        that = next((c for c in openers if c.lower_ == "that"), None)
        if any(c.lower_ != "that" and (c.dep_ == "mark" or c.lower_ in _WH_WORDS) for c in openers):
            return None
        if that is None and (token.dep_ != "advcl" or token.head != verb):
            return None
        if token.dep_ != "advcl" and not (
            VERB_BASE.get(verb.lower_) in _ADDRESSING or _not_relative(token, that)
        ):
            return None  # "expressed concern that …": what the noun holds, not what was said
        head = token.head
        while head != verb:
            if head.pos_ in {"VERB", "AUX"}:
                return None  # inside another clause
            head = head.head
        start = that.i if that is not None else subject.left_edge.i
        return start, _sentence_tail(verb, token.right_edge.i)
    return None


def _not_relative(clause: Token, that: Token | None) -> bool:
    """ "reported at the time that the editor conveyed …": a "that" the parse took for a relative
    pronoun (not the conjunction that opens what a noun holds, "concern that …"), in a clause
    with its own subject and object, so it is no relative clause ("the story that he told")."""
    return (
        that is not None
        and that.tag_ == "WDT"
        and any(
            c.dep_ in {"dobj", "ccomp", "acomp", "attr", "xcomp", "oprd"} for c in clause.children
        )
    )


def _subordinate(clause: Token) -> bool:
    """Whether a subordinator of time, cause or contrast opens the clause ("as rescuers …"), not
    a phrase or a subordinate clause inside it ("Since 2016, spending …", "As they left, …")."""
    first = clause.left_edge
    return first.lower_ in _ADVERBIAL and first.dep_ == "mark" and first.head == clause


# Verbs whose "how …" or "why …" clause is what was said ("explained how the tolls work"), not
# a topic ("said what she knew"; "asked why" is a question of its own).
_EXPLAINING = {"explain", "tell", "question", "describe", "emphasise", "emphasize", "reveal"}
_HOW_WHY = {"how", "why", "whether"}


def _clause_bounds(speech: _Speech, marked: list[_Marked]) -> tuple[int, int] | None:
    """First and last token of the clause a speech reports, if it reports one."""
    verb = speech.verb
    if verb.lower_ == "according":
        tokens = _according_clause(verb)
        return (tokens[0].i, tokens[-1].i) if tokens else None
    # "as rescuers searched …" parses as a complement too; it is a circumstance, not speech. A
    # phrase the clause opens with ("Since 2016, spending has …") is the clause's own.
    clauses = [c for c in verb.children if c.dep_ == "ccomp" and not _subordinate(c)]
    # What follows the verb is what it reports; a complement before it only when none follows.
    clause = next((c for c in clauses if c.i > verb.i), clauses[0] if clauses else None)
    if clause is not None and clause.i < verb.i and _after_colon(speech):
        clause = None  # "… announced a policy: Trudeau promised …": the colon opens a new report
    if clause is not None:
        first = clause.left_edge
        if first.i < verb.i < clause.i:
            # "the workers, who she said were …": the relative pronoun is the clause's gapped
            # subject; what was said is the rest of the clause.
            first = verb.doc[verb.i + 1]
        elif _fronted(verb, first) or _subject_taken(verb, clause):
            # "said at 7 p.m., there were …": the clause's own time; "said smaller brewers … are
            # likely to …": its subject, which the parse made the verb's object.
            first = verb.doc[verb.i + 1]
        asks = VERB_BASE.get(verb.lower_) == "ask"
        if asks and first.lower_ in {"whether", "if"} and clause.i > verb.i:
            return first.i, clause.right_edge.i  # "asked whether …": a reported question
        explains = VERB_BASE.get(verb.lower_) in _EXPLAINING and first.lower_ in _HOW_WHY
        if (first.lower_ in _WH_WORDS and not explains) or asks:
            return None
        return first.i, _sentence_tail(verb, clause.right_edge.i)
    misattached = _misattached_clause(verb)
    if misattached is not None:
        return misattached
    instruction = _instruction(verb)
    if instruction is not None:
        return instruction
    if VERB_BASE.get(verb.lower_) in SPEECH_ACT_VERBS_BASE:
        return _complement(verb)
    return _clause_before(speech, marked)


# Verbs that pass a request or an instruction to someone: "told the drivers to slow down".
_INSTRUCTING = {"tell", "ask", "warn", "advise", "caution", "plead"}


def _instruction(verb: Token) -> tuple[int, int] | None:
    """ "told the drivers to slow down": the infinitive is what was said; whom it was said to is
    not (the annotation's convention). Only with that person named, so "asked to speak" (a
    request of one's own) and "was asked to leave" stay out."""
    if VERB_BASE.get(verb.lower_) not in _INSTRUCTING:
        return None
    clause = next(
        (c for c in verb.rights if c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children)),
        None,
    )
    if clause is None or not any(
        c.dep_ in {"dobj", "dative"} and c.i < clause.i for c in verb.children
    ):
        return None
    return clause.left_edge.i, _sentence_tail(verb, clause.right_edge.i)


# What the parse hangs on the verb after its clause but the report goes on with: "said A, but B",
# "said A for fear B", "said A, with different ideas about B".
_TAIL_DEPS = {"conj", "ccomp", "advcl", "prep", "npadvmod", "advmod", "dobj", "dep"}


def _sentence_tail(verb: Token, end_i: int) -> int:
    """The last token of a reported clause: its parse's right edge, extended over what the parse
    attached to the verb after it (the report runs to the end of the sentence), up to a speech
    verb of its own ("…, but she said …") or a follow-on ("…, adding …")."""
    for child in verb.rights:
        if child.i <= end_i or (child.dep_ in {"cc", "punct"} and child.text not in ".!?"):
            continue  # ", but …" joins what follows it, if the report goes on
        if child.dep_ not in _TAIL_DEPS or child.lower_ in SPEECH_VERBS:
            break
        if not all(t.is_punct or t.dep_ == "cc" for t in verb.doc[end_i + 1 : child.left_edge.i]):
            break
        end_i = child.right_edge.i
    return end_i


# Dependents that carry a speech act's content, and the prepositions that do ("accused X of …",
# "described X as …", "likened X to …", "praised X for …"); "in a speech", "on Monday" do not.
_CONTENT_DEPS = {"dobj", "dative", "xcomp", "oprd", "attr", "pcomp"}
_CONTENT_PREPS = {"for", "of", "as", "to", "with"}
# Particles that belong to the verb: "called for X", "called on X to …".
_PARTICLES = {"for", "on"}


def _complement(verb: Token) -> tuple[int, int] | None:
    """The noun-phrase or infinitive content of a speech act: its object and what the verb says
    about it, from the first to the last such dependent after the verb."""
    parts = [
        c
        for c in verb.rights
        if c.dep_ in _CONTENT_DEPS or (c.dep_ == "prep" and c.lower_ in _CONTENT_PREPS | _PARTICLES)
    ]
    if not parts or (parts[0].dep_ == "prep" and parts[0].lower_ not in _PARTICLES):
        return None  # "praised for …" without whom or what is a passive, not a speech
    first = parts[0]
    if VERB_BASE[verb.lower_] == "call" and not (
        first.dep_ == "prep" or (first.dep_ == "dobj" and any(c.dep_ == "oprd" for c in parts))
    ):
        return None  # "called the police": only "called X a Y", "called for/on" report speech
    if first.dep_ == "prep":
        if first.i != verb.i + 1:
            return None
        objects = [c for c in first.children if c.dep_ in {"pobj", "pcomp"}]
        if not objects:
            return None
        start = objects[0].left_edge.i
    else:
        start = first.left_edge.i
    return start, parts[-1].right_edge.i


def _fragment(text: str, mark: _Marked) -> bool:
    """Whether quote marks hold a few words inside a sentence ("for becoming "too familiar" with
    …"), not a quote of its own: the clause around them is what was said, quoted words and all."""
    words = len(text[mark.start : mark.end].split())
    return words < _MIN_DIRECT_WORDS and not _opens_sentence(text, mark.start)


def _after_colon(speech: _Speech) -> bool:
    """Whether a colon stands right before the speaker and verb."""
    subject, verb = speech.subject, speech.verb
    group = min(subject.start, verb.i) if subject is not None else verb.i
    return group > 0 and verb.doc[group - 1].text == ":"


def _clause_before(speech: _Speech, marked: list[_Marked]) -> tuple[int, int] | None:
    """ "<clause>, he said." where the parse did not make the clause the verb's complement."""
    verb, subject = speech.verb, speech.subject
    if subject is None or speech.follows or VERB_BASE.get(verb.lower_) == "ask":
        return None
    if verb.dep_ == "relcl" or any(
        c.dep_ == "mark" or (c.dep_ == "advmod" and c.lower_ in _WH_WORDS) for c in verb.children
    ):
        # "<clause>, when Roosevelt announced …", "<clause>, a critic who has said …": the verb's
        # clause is subordinate
        return None
    doc = verb.doc
    group = min(subject.start, verb.i)
    if group < 2 or doc[group - 1].text != ",":
        return None
    sentence_start = doc[group - 1].sent.start
    start = sentence_start
    text = text_of(doc)
    for mark in marked:  # start after the last quote that closed before the comma
        inside = doc[start].idx < mark.end <= doc[group - 1].idx
        if inside and not _fragment(text, mark):
            while start < group - 1 and doc[start].idx < mark.end:
                start += 1
    if group - 1 - start < 4:
        return None
    clause = doc[start : group - 1]
    opener = clause[0]
    if (
        opener.pos_ in {"ADP", "SCONJ", "CCONJ"}
        or (opener.pos_ == "VERB" and opener.dep_ not in {"csubj", "ROOT", "ccomp"})
    ) or not any(t.pos_ in {"VERB", "AUX"} and t.tag_ not in {"VBG", "VBN"} for t in clause):
        return None  # an introductory phrase ("In its statement, …"), not a reported clause
    rest = doc[verb.i + 1 : verb.sent.end].text
    if ":" in rest or _MARK.search(rest):
        return None  # the verb introduces what follows it
    return start, group - 2


def _quote(
    resolver: _Resolver,
    start: int,
    end: int,
    speech: _Speech,
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


def _according_clause(according: Token) -> list[Token]:
    """ "According to X, <clause>" / "<clause>, according to X": the sentence minus the phrase."""
    sentence = according.sent
    phrase = set(t.i for t in according.subtree)
    return [
        t
        for t in sentence
        if t.i not in phrase and not (t.is_punct and t.i in {min(phrase) - 1, max(phrase) + 1})
    ]


def _attributed_direct(
    mark: _Marked, speeches: list[_Speech], marked: list[_Marked], resolver: _Resolver
) -> Quote | None:
    """A direct quote with the verb after it or introducing it, or None when it has neither."""
    text = text_of(resolver.doc)
    by_position = sorted(speeches, key=lambda s: s.verb.idx)
    speech, rule = _speech_after(text, mark, by_position, marked), "direct-after"
    if speech is None:
        speech, rule = _speech_before(text, mark, by_position), "direct-before"
    if speech is None:
        return None
    return _quote(resolver, mark.start, mark.end, speech, kind="direct", rule=rule, confidence=0.9)


_AFTER_GAP = re.compile(r"^[\s,—–-]*(?:[^\s;:\"“”]+\s+){0,16}?$")
# A full stop that ends a sentence, not one inside "U.S." or "Dr.".
_SENTENCE_END = re.compile(r"(?<![A-Z])(?<!\b[A-Z][a-z])(?<!\b[A-Z][a-z][a-z])[.!?]\s")


def _speech_after(
    text: str, mark: _Marked, speeches: list[_Speech], marked: list[_Marked]
) -> _Speech | None:
    """`"…," she said` / `"…," said the minister, …`: a verb within a short clause after."""
    inner = text[mark.start : mark.end].rstrip(_ALL_MARKS + "'` ")
    if inner.endswith(".") and not mark.open_ended:
        return None  # a quote that ends its own sentence is not attributed by what follows
    if _fragment(text, mark):
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


def _speech_before(text: str, mark: _Marked, speeches: list[_Speech]) -> _Speech | None:
    """`she said: "…"` / `"…," he said, "…"`: the verb of the clause that introduces the quote."""
    para_start, _ = _paragraph_of(text, mark.start)
    lead = text[para_start : mark.start]
    if not lead.strip() and para_start > 0:
        # "He said:" closing the paragraph before.
        prev_start, prev_end = _paragraph_of(text, para_start - 1)
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
                if _VERB_GAP.fullmatch(text[s.verb.idx + len(s.verb) : mark.start])
                and s.subject is not None
            ),
            None,
        )
    candidates = [s for s in speeches if window[0] <= s.verb.idx < window[1]]
    return candidates[-1] if candidates else None


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


def _continue_speaker(quote: Quote, before: list[Quote], para_starts: list[int]) -> Quote:
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


class _Resolver:
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
        target = person or (named[-1] if named else None)
        if target is None:
            words = span.text.split()
            if len(words) == 1 and words[0].lower() in PRONOUNS:
                target = self._last_person(start)
            elif len(words) == 1 and words[0].lower() in _GROUP_PRONOUNS:
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
