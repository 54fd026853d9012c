"""Wire copies through the real `newsflow run`: one story in four outlets is one story cluster,
and stays one through a rerun of the same drop, `maintain` and a takedown of its original."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.clirun import run
from tests.conftest import SEEDS
from warehouse.store import Store

STORY = SEEDS / "2026-11-20-wire" / "rail-strike-ashby.txt"


def _drop(folder: Path) -> Path:
    """The seed's rail strike story as the wire ran it and as three outlets printed it: cut,
    with a local paragraph, a dateline and straight quotes, a day apart."""
    lines = STORY.read_text(encoding="utf-8").split("\n\n")
    body = [p for p in lines if len(p.split()) > 15]  # the story's paragraphs, not its furniture
    copies = [
        ("Wire", body, "2026-11-20T10:00:00+00:00"),
        (
            "Ashby Courier",
            ["WELLINGTON (AP) — " + body[0], *body[1:7]],
            "2026-11-20T14:00:00+00:00",
        ),
        (
            "Harbour Herald",
            [*body[:5], "Port Halloway's own yard staff joined the picket line at noon."],
            "2026-11-21T06:00:00+00:00",
        ),
        (
            "North Post",
            [p.replace("“", '"').replace("”", '"') for p in body],
            "2026-11-20T16:00:00+00:00",
        ),
    ]
    records = [
        {
            "url": f"https://{outlet.lower().replace(' ', '')}.example/rail-strike",
            "title": "Rail freight halts as talks collapse",
            "outlet": outlet,
            "published": published,
            "text": "\n\n".join(paragraphs),
        }
        for outlet, paragraphs, published in copies
    ]
    drop = folder / "drop"
    drop.mkdir()
    (drop / "copies.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    return drop


def _clusters(home: Path) -> dict[str, Any]:
    with Store(home).connect() as con:
        return {
            "stories": con.execute(
                "SELECT outlet, story_cluster_id, is_wire_copy, story_similarity "
                "FROM current_articles ORDER BY outlet"
            ).fetchall(),
            "quotations": con.execute(
                "SELECT quote_cluster_id, articles, outlets, first_outlet FROM quote_clusters "
                "ORDER BY ALL"
            ).fetchall(),
        }


def test_a_story_in_four_outlets_is_one_story_through_rerun_maintain_and_takedown(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    drop = _drop(tmp_path)
    assert run("run", str(drop), home=home).returncode == 0
    found = _clusters(home)
    assert len({cluster for _, cluster, _, _ in found["stories"]}) == 1
    flags = {outlet: wire for outlet, _, wire, _ in found["stories"]}
    assert flags == {
        "Ashby Courier": True,
        "Harbour Herald": True,
        "North Post": True,
        "Wire": False,
    }
    similar = {outlet: s for outlet, _, _, s in found["stories"]}
    assert similar.pop("Wire") is None
    assert all(s > 0.75 for s in similar.values()), similar
    assert max(articles for _, articles, _, _ in found["quotations"]) == 4  # a quote in all four

    again = run("run", str(drop), home=home)
    assert again.returncode == 0
    assert _clusters(home) == found
    assert run("maintain", home=home).returncode == 0
    assert _clusters(home) == found

    gone = run("forget", "--outlet", "Wire", "--reason", "test", home=home)
    assert gone.returncode == 0, gone.output[-2000:]
    after = _clusters(home)
    assert {outlet: wire for outlet, _, wire, _ in after["stories"]} == {
        "Ashby Courier": False,  # the earliest copy left
        "Harbour Herald": True,
        "North Post": True,
    }
    assert all(first != "Wire" for *_, first in after["quotations"])
