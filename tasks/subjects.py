"""Who a sentence is about: the subject of its main clause.

A "he said" or "she said" most often continues the person the text has been talking about, and
a reader takes that to be the subject ("Ben Alvarez borrowed a drill from Owen Tate, who coaches
in Regina. 'It keeps the kids moving,' he said" is Alvarez, not Tate). The gender step uses
these positions to pick among the people a pronoun could refer to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_SUBJECT = {"nsubj", "nsubjpass"}
_NAME_PARTS = {"compound", "flat"}


def clause_subjects(doc: Doc) -> frozenset[int]:
    """The character offsets of the words of every subject of a main clause (or of a clause
    joined to it by "and"), with the words of its name ("John" of "John Shibley")."""
    found: set[int] = set()
    for token in doc:
        if not _is_subject(token):
            continue
        stack = [token]
        while stack:
            word = stack.pop()
            found.add(word.idx)
            stack.extend(c for c in word.children if c.dep_ in _NAME_PARTS)
    return frozenset(found)


def _is_subject(token: Token) -> bool:
    """Subjects of subordinate clauses are left out: "Although the mayor has argued …, the
    plan …" is not about the mayor."""
    if token.dep_ not in _SUBJECT:  # most words: their own label settles it, not the head's
        return False
    verb = token.head
    return verb.dep_ == "ROOT" or (verb.dep_ == "conj" and verb.head.dep_ == "ROOT")
