"""Scores a warehouse against seeds/expected.json: the answers written with the seed drops."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import SEEDS
from warehouse.store import Store


@dataclass
class SeedReport:
    quotes: int = 0
    found: int = 0
    right_speaker: int = 0
    problems: list[str] = field(default_factory=list)
    boilerplate_left: list[str] = field(default_factory=list)
    missing_articles: list[str] = field(default_factory=list)


def expected() -> dict[str, dict]:
    return json.loads((SEEDS / "expected.json").read_text())


def check(home: Path, languages: tuple[str, ...] = ("en",)) -> SeedReport:
    """Find each expected article in the warehouse and compare its quotes and body."""
    con = Store(home).connect()
    articles = con.execute(
        "SELECT article_id, version, source_file, record, text FROM articles"
    ).fetchall()
    quotes = con.execute("SELECT article_id, version, text, speaker_name FROM quotes").fetchall()
    report = SeedReport()
    for key, want in expected().items():
        if "reject_reason" in want or want.get("language", "en") not in languages:
            continue
        path, _, index = key.split("/", 1)[1].partition("#")
        candidates = [a for a in articles if a[2] == path]
        if index:
            candidates = [
                a for a in candidates if a[3] in (f"line {int(index) + 1}", want.get("id"))
            ]
        if len(candidates) != 1:
            report.missing_articles.append(key)
            continue
        article_id, version, _, _, text = candidates[0]
        mine = [q for q in quotes if q[0] == article_id and q[1] == version]
        lines = {line.strip() for line in text.split("\n")}
        report.boilerplate_left += [
            f"{key}: {b}" for b in want.get("boilerplate", []) if b.strip() in lines
        ]
        for quote in want["quotes"]:
            report.quotes += 1
            match = [q for q in mine if quote["starts"] in q[2]]
            if not match:
                report.problems.append(f"missed {key}: {quote['starts']}")
                continue
            report.found += 1
            if match[0][3] == quote["speaker"]:
                report.right_speaker += 1
            else:
                report.problems.append(f"speaker {key}: {quote['starts']} → {match[0][3]}")
    return report
