"""Why a person was missed, invented or given the wrong gender: each error of `newsflow eval
people` put in one class, so that the next person sees where the work is.

A figure says how far a set is from its gold; the classes say what kind of rule or model would
close the gap (a list reader, a name model, a typing fix, a title splitter, the gender evidence),
which a list of names does not. The classes are read from the article text and the prediction's
own mentions (every label, with the gender's source), never from the gold's notes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from evaluation.scoring import fold

# A line that holds several names or name-like items one after another: separators between
# capitalised words ("Ann Lee, Bo Park and Cy Diaz"; "Sen.Kelly Ayotte | Rep. Ann Kuster").
_SEPARATOR = re.compile(r"\s*(?:[,;|•·/]|\band\b|&)\s*")
_CAPITALISED = re.compile(r"\b[A-Z][\w'’.-]+")
_LIST_LINE_WORDS = 8  # a line this short that holds a name is an item of a list or a roster

PERSON = "person"
GENDERS = ("female", "male")


@dataclass(frozen=True)
class PeopleError:
    doc_id: str
    kind: str  # "missed", "invented", "gender" or "source"
    cause: str
    name: str
    detail: str = ""


def _lines_with(text: str, name: str) -> list[str]:
    """The lines of the text where the name stands (case-insensitive)."""
    pattern = re.compile(re.escape(name), re.I)
    return [line for line in text.splitlines() if pattern.search(line)]


def in_a_list(text: str, name: str) -> bool:
    """Whether the name stands in an enumeration: a short line of its own (a roster, a caption
    list), or a line where it is one of several capitalised items between separators."""
    for line in _lines_with(text, name):
        if len(line.split()) <= _LIST_LINE_WORDS:
            return True
        items = [part for part in _SEPARATOR.split(line) if part.strip()]
        named = [part for part in items if _CAPITALISED.match(part.strip())]
        if len(items) >= 4 and len(named) >= 3 and len(named) * 2 >= len(items):
            return True
    return False


def _glued(longer: str, name: str) -> bool:
    """`longer` is `name` with words before or after it (a title, a role, a scraped neighbour)."""
    a, b = fold(longer), fold(name)
    return a != b and (a.startswith(b) or a.endswith(b))


def _missed_cause(name: str, text: str, mentions: Sequence[Mapping[str, Any]]) -> tuple[str, str]:
    key = fold(name)
    for mention in mentions:
        other = fold(mention["name"])
        if mention["label"] != PERSON and re.search(rf"\b{re.escape(key)}\b", other):
            return "wrong type", f"as {mention['label']}: {mention['name']}"
        if mention["label"] == PERSON and _glued(mention["name"], name):
            return "title glued", f"as {mention['name']}"
    if not re.search(re.escape(name), text, re.I):
        return "not in the text as written", ""
    for mention in mentions:
        if mention["label"] == PERSON and _glued(name, mention["name"]):
            return "short form", f"as {mention['name']}"
    if in_a_list(text, name):
        return "missed in a list", ""
    return "missed in prose", ""


def _invented_cause(name: str, gold_names: Iterable[str]) -> str:
    for gold in gold_names:
        if _glued(name, gold):
            return "title glued"
        if _glued(gold, name):
            return "short form"
    return "not a person"


def _gender_of(doc: Mapping[str, Any], name: str) -> str:
    key = fold(name)
    for gender in (*GENDERS, "unknown"):
        if any(fold(n) == key for n in doc.get(f"people{gender.title()}") or []):
            return gender
    return "unknown"


def classify(gold: Mapping[str, Any], predicted: Mapping[str, Any], text: str) -> list[PeopleError]:
    """Every difference between one article's gold and predicted people, sources and genders."""
    doc_id = str(gold["doc_id"])
    mentions = predicted.get("mentions") or []
    gold_people = {fold(n): n for n in gold.get("people") or []}
    found = {fold(n): n for n in predicted.get("people") or []}
    errors = []
    for key, name in gold_people.items():
        if key not in found:
            cause, detail = _missed_cause(name, text, mentions)
            errors.append(PeopleError(doc_id, "missed", cause, name, detail))
    errors += [
        PeopleError(doc_id, "invented", _invented_cause(name, gold_people.values()), name)
        for key, name in found.items()
        if key not in gold_people
    ]
    source_of = {fold(m["name"]): m.get("gender_source") for m in mentions}
    for key, name in gold_people.items():
        if key not in found:
            continue
        want, got = _gender_of(gold, name), _gender_of(predicted, found[key])
        if want == got or want == "unknown":
            continue
        if got == "unknown":
            cause = "unknown, gold knows"
        elif source_of.get(key) == "name":
            cause = "from the name, wrong"
        else:
            cause = "from the text, wrong"
        errors.append(PeopleError(doc_id, "gender", cause, name, f"{got} for {want}"))
    gold_sources = _sources(gold)
    predicted_sources = _sources(predicted)
    for key in gold_sources.keys() - predicted_sources.keys():
        if key in found:
            errors.append(PeopleError(doc_id, "source", "quoted, not a source", gold_sources[key]))
    for key in predicted_sources.keys() - gold_sources.keys():
        if key in gold_people:
            errors.append(
                PeopleError(
                    doc_id, "source", "a source the gold does not quote", predicted_sources[key]
                )
            )
    return errors


def _sources(doc: Mapping[str, Any]) -> dict[str, str]:
    return {
        fold(n): n
        for gender in (*GENDERS, "unknown")
        for n in doc.get(f"sources{gender.title()}") or []
    }


def classify_all(
    gold: Sequence[Mapping[str, Any]], predicted: Sequence[Mapping[str, Any]]
) -> list[PeopleError]:
    by_id = {str(p["doc_id"]): p for p in predicted}
    errors: list[PeopleError] = []
    for doc in gold:
        row = by_id.get(str(doc["doc_id"]), {"doc_id": doc["doc_id"]})
        errors += classify(doc, row, doc.get("text_raw") or doc.get("text") or "")
    return errors


def tally(errors: Iterable[PeopleError]) -> dict[str, Counter[str]]:
    """Errors counted by kind, then by cause."""
    counts: dict[str, Counter[str]] = {}
    for error in errors:
        counts.setdefault(error.kind, Counter())[error.cause] += 1
    return counts
