"""`newsflow eval`: run the pipeline's own steps on annotated data and score them.

The extractors here are the ones the flow uses, called the same way, so a figure measured here
is the figure of the warehouse.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from tasks.analyze import analyze_texts
from tasks.records import Analysis, Mention


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _analyses(docs: list[dict[str, Any]], field: str, model: str | None) -> Iterator[Analysis]:
    yield from analyze_texts([doc[field] for doc in docs], model)


def predict_quotes(docs: list[dict[str, Any]], model: str | None = None) -> list[dict[str, Any]]:
    """One prediction per gold article, offsets into its `text`, in the annotation's field names."""
    predictions = []
    for doc, analysis in zip(docs, _analyses(docs, "text", model), strict=True):
        predictions.append(
            {
                "doc_id": doc["doc_id"],
                "quotes": [
                    {
                        "quote_start": q.start,
                        "quote_end": q.end,
                        "speaker_start": q.speaker_start,
                        "speaker_end": q.speaker_end,
                        "speaker": q.speaker_text,
                        "verb": q.verb,
                        "kind": q.kind,
                        "speaker_name": q.speaker_name,
                        "rule": q.rule,
                    }
                    for q in analysis.quotes
                ],
            }
        )
    return predictions


def predict_people(docs: list[dict[str, Any]], model: str | None = None) -> list[dict[str, Any]]:
    """The canonical names of the people each article names (what `entities` would count), and
    the tracker's gender lists: people and sources (people quoted) by gender. `mentions` holds
    every entity found (each label, with what decided a person's gender), for the error classes
    of evaluation/people_errors.py; the scores read the lists only."""
    predictions = []
    for doc, analysis in zip(docs, _analyses(docs, "text_raw", model), strict=True):
        people = {m.key: m for m in analysis.mentions if m.label == "person"}
        quoted = {q.speaker_key for q in analysis.quotes}
        row: dict[str, Any] = {"doc_id": doc["doc_id"], "people": _names(people.values())}
        for gender in ("female", "male", "unknown"):
            of_gender = [m for m in people.values() if m.gender == gender]
            row[f"people{gender.title()}"] = _names(of_gender)
            row[f"sources{gender.title()}"] = _names(m for m in of_gender if m.key in quoted)
        entities = {m.key: m for m in analysis.mentions}
        row["mentions"] = [
            {"name": m.name, "label": m.label, "gender_source": m.gender_source}
            for m in sorted(entities.values(), key=lambda m: (m.label, m.name))
        ]
        predictions.append(row)
    return predictions


def _names(mentions: Iterable[Mention]) -> list[str]:
    return sorted({m.name for m in mentions})


def write_jsonl(rows: list[dict[str, Any]], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
