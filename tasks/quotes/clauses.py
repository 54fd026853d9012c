"""The clause a reporting verb reports, as token bounds: its complement, a clause the parse hung
elsewhere, an instruction, a speech act's object, the clause before a tag, or the sentence
around "according to".

Parses attach reported clauses in many ways; each rule here undoes one of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tasks.lexicon import SPEECH_ACT_VERBS_BASE
from tasks.nlp import text_of
from tasks.quotes.lexicon import (
    ADDRESSING_VERBS,
    CONTENT_PREPOSITIONS,
    EXPLAINING_VERBS,
    EXPLANATION_OPENERS,
    INSTRUCTING_VERBS,
    SPEECH_VERBS,
    SUBORDINATORS,
    VERB_BASE,
    VERB_PARTICLES,
    WH_WORDS,
)
from tasks.quotes.marks import MARK, Marked, fragment
from tasks.quotes.speeches import Speech

if TYPE_CHECKING:
    from spacy.tokens import Token


def clause_bounds(speech: Speech, marked: list[Marked]) -> tuple[int, int] | None:
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
        explains = (
            VERB_BASE.get(verb.lower_) in EXPLAINING_VERBS and first.lower_ in EXPLANATION_OPENERS
        )
        if (first.lower_ in WH_WORDS and not explains) or asks:
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
        if subject is None or subject.lower_ in WH_WORDS | {"that"}:
            return None
        openers = [c for c in token.children if c.dep_ in {"mark", "advmod"} and c.i < subject.i]
        that = next((c for c in openers if c.lower_ == "that"), None)
        if any(c.lower_ != "that" and (c.dep_ == "mark" or c.lower_ in WH_WORDS) for c in openers):
            return None
        if that is None and (token.dep_ != "advcl" or token.head != verb):
            return None
        if token.dep_ != "advcl" and not (
            VERB_BASE.get(verb.lower_) in ADDRESSING_VERBS or _not_relative(token, that)
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
    return first.lower_ in SUBORDINATORS and first.dep_ == "mark" and first.head == clause


def _instruction(verb: Token) -> tuple[int, int] | None:
    """ "told the drivers to slow down": the infinitive is what was said; whom it was said to is
    not (the annotation's convention). Only with that person named, so "asked to speak" (a
    request of one's own) and "was asked to leave" stay out."""
    if VERB_BASE.get(verb.lower_) not in INSTRUCTING_VERBS:
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


# Dependents that carry a speech act's content ("urged lawmakers to act", "called X a Y"), beside
# the prepositions that do (CONTENT_PREPOSITIONS).
_CONTENT_DEPS = {"dobj", "dative", "xcomp", "oprd", "attr", "pcomp"}


def _complement(verb: Token) -> tuple[int, int] | None:
    """The noun-phrase or infinitive content of a speech act: its object and what the verb says
    about it, from the first to the last such dependent after the verb."""
    parts = [
        c
        for c in verb.rights
        if c.dep_ in _CONTENT_DEPS
        or (c.dep_ == "prep" and c.lower_ in CONTENT_PREPOSITIONS | VERB_PARTICLES)
    ]
    if not parts or (parts[0].dep_ == "prep" and parts[0].lower_ not in VERB_PARTICLES):
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


def _after_colon(speech: Speech) -> bool:
    """Whether a colon stands right before the speaker and verb."""
    subject, verb = speech.subject, speech.verb
    group = min(subject.start, verb.i) if subject is not None else verb.i
    return group > 0 and verb.doc[group - 1].text == ":"


def _clause_before(speech: Speech, marked: list[Marked]) -> tuple[int, int] | None:
    """ "<clause>, he said." where the parse did not make the clause the verb's complement."""
    verb, subject = speech.verb, speech.subject
    if subject is None or speech.follows or VERB_BASE.get(verb.lower_) == "ask":
        return None
    if verb.dep_ == "relcl" or any(
        c.dep_ == "mark" or (c.dep_ == "advmod" and c.lower_ in WH_WORDS) for c in verb.children
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
        if inside and not fragment(text, mark):
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
    if ":" in rest or MARK.search(rest):
        return None  # the verb introduces what follows it
    return start, group - 2


def _according_clause(according: Token) -> list[Token]:
    """ "According to X, <clause>" / "<clause>, according to X": the sentence minus the phrase."""
    sentence = according.sent
    phrase = set(t.i for t in according.subtree)
    return [
        t
        for t in sentence
        if t.i not in phrase and not (t.is_punct and t.i in {min(phrase) - 1, max(phrase) + 1})
    ]
