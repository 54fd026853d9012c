"""A `.txt` article's identity, outlet and date come from its front matter, the block of
`key: value` lines between `---` lines that trafilatura writes with `--with-metadata`: the same
story in a later drop, one paragraph longer, is version 2 of it, not a second story (issue 33,
defect 13). Without front matter a text is what it always was: a headline line, then the body.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.conftest import newsflow
from warehouse.store import Store

PARAGRAPHS = [
    "The harbour commission voted on Tuesday to delay the dredging plan until spring.",
    "“We need another season of data before we dig,” commission chair Ines Moreau said.",
    "Fishing crews had asked for the delay at three public meetings since August.",
]
LATER = "On Wednesday the port authority said it would publish the survey data in January."
BY_URL = (
    "---\n"
    'title: "Harbour vote: dredging delayed"\n'
    "author: Ann Lee\n"
    "url: https://herald.example/2026/11/20/dredging-delayed\n"
    "hostname: herald.example\n"
    "sitename: Harlow Herald\n"
    "date: 2026-11-20\n"
    "---\n"
)
BY_ID = "---\nid: wire-0042\noutlet: Down East Wire\npublished: 2026-11-21T08:05:00-05:00\n---\n"


def _drop(folder: Path, extra: list[str]) -> Path:
    folder.mkdir(parents=True)
    body = "\n\n".join(PARAGRAPHS + extra)
    (folder / "dredging.txt").write_text(BY_URL + body)
    (folder / "ferry.txt").write_text(BY_ID + "Ferry timetable changes\n\n" + body)
    (folder / "plain.txt").write_text("Quay repairs begin\n\n" + body)
    return folder


def test_the_same_text_a_paragraph_longer_is_the_next_version(tmp_path: Path) -> None:
    home = tmp_path / "home"
    for name, extra in (("2026-11-20", []), ("2026-11-21", [LATER])):
        result = newsflow("run", str(_drop(tmp_path / name, extra)), home=home)
        assert result.returncode == 0, result.stdout + result.stderr

    con = Store(home).connect()
    rows = con.execute(
        "SELECT source_file, version, outlet, published_at, headline, byline, url "
        "FROM articles ORDER BY source_file, version"
    ).fetchall()
    versions = [(source, version) for source, version, *_ in rows]
    assert versions == [
        ("dredging.txt", 1),
        ("dredging.txt", 2),
        ("ferry.txt", 1),
        ("ferry.txt", 2),
        ("plain.txt", 1),
        ("plain.txt", 1),  # no identity but its text: the longer text is another story
    ]
    dredging = rows[1]
    assert dredging[2:5] == (
        "Harlow Herald",
        datetime(2026, 11, 20, tzinfo=UTC),
        "Harbour vote: dredging delayed",
    )
    assert dredging[5:] == ("Ann Lee", "https://herald.example/2026/11/20/dredging-delayed")
    ferry = rows[3]
    assert ferry[2:5] == (
        "Down East Wire",
        datetime(2026, 11, 21, 13, 5, tzinfo=UTC),
        "Ferry timetable changes",
    )
    outlets = con.execute("SELECT outlet, count(*) FROM current_articles GROUP BY 1").fetchall()
    assert dict(outlets) == {"Harlow Herald": 1, "Down East Wire": 1, None: 2}
