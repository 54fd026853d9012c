"""The real process-drop flow, under a temporary Prefect API, on the seed drops."""

from __future__ import annotations

import io
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEED_ARTICLE, SEEDS, needs_shared
from tests.seedcheck import check, expected
from warehouse.store import Store

DROPS = sorted(p for p in SEEDS.iterdir() if p.is_dir())
TABLES = ("articles", "entity_mentions", "quotes", "files", "rejects")

pytestmark = pytest.mark.usefixtures("prefect_server")


def _counts(home: Path) -> dict[str, int]:
    con = Store(home).connect()
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from flows.process_drop import process_drop

    home = tmp_path_factory.mktemp("seeded")
    for drop in DROPS:
        summary = process_drop(str(drop), home=str(home))
        assert summary.status == "completed"
    return home


def test_every_good_article_loads_and_every_bad_file_is_rejected(seeded: Path) -> None:
    want = expected()
    con = Store(seeded).connect()
    good = [k for k, v in want.items() if "reject_reason" not in v]
    assert con.execute("SELECT count(*) FROM articles").fetchone() == (len(good),)
    rejected = {
        (path, reason)
        for path, reason in con.execute("SELECT path, reason FROM rejects").fetchall()
    }
    for key, value in want.items():
        if "reject_reason" in value:
            path = key.split("/", 1)[1].replace("#1", "")
            assert any(p == path for p, _ in rejected), key
    reasons = Counter(r for _, r in rejected)
    assert reasons == {
        "empty file": 1,
        "invalid JSON": 1,
        "invalid JSON line": 1,
        "corrupt gzip": 1,
        "unsupported format": 1,
    }
    statuses = dict(con.execute("SELECT path, status FROM files").fetchall())
    assert statuses["empty.txt"] == "rejected"
    assert statuses["briefs-partial.jsonl"] == "loaded"  # two good lines, one bad


def test_updated_story_is_a_new_version(seeded: Path) -> None:
    con = Store(seeded).connect()
    versions = con.execute(
        "SELECT version, source_file FROM articles WHERE url LIKE '%port-carrow-harbor-dredging%' "
        "ORDER BY version"
    ).fetchall()
    assert versions == [(1, "port-carrow-dredging.json"), (2, "port-carrow-dredging-updated.json")]
    (latest,) = con.execute(
        "SELECT version FROM latest_articles WHERE url LIKE '%port-carrow-harbor-dredging%'"
    ).fetchall()
    assert latest == (2,)


def test_non_english_article_is_loaded_not_analysed(seeded: Path) -> None:
    con = Store(seeded).connect()
    (row,) = con.execute(
        "SELECT a.language, count(q.quote_id) FROM articles a LEFT JOIN quotes q USING (article_id) "
        "WHERE a.source_file = 'greve-port-lannevez.txt' GROUP BY a.language"
    ).fetchall()
    assert row == ("fr", 0)


def test_seed_quotes_and_boilerplate(seeded: Path) -> None:
    report = check(seeded)
    assert report.missing_articles == []
    assert report.boilerplate_left == []
    assert report.found / report.quotes >= 0.9, report.problems
    assert report.right_speaker / report.found >= 0.8, report.problems


def test_same_drop_twice_leaves_the_same_rows(seeded: Path, tmp_path: Path) -> None:
    from flows.process_drop import process_drop

    home = tmp_path / "twice"
    shutil.copytree(seeded, home)
    before = _counts(home)
    summary = process_drop(str(DROPS[0]), home=str(home))
    assert summary.counts["articles"] == 0
    assert summary.counts["files_already_loaded"] == summary.counts["files"]
    assert _counts(home) == before


def test_the_same_files_in_a_new_drop_are_duplicates(seeded: Path, tmp_path: Path) -> None:
    from flows.process_drop import process_drop

    home = tmp_path / "copy"
    shutil.copytree(seeded, home)
    renamed = tmp_path / "resent-drop"
    shutil.copytree(DROPS[0], renamed)
    before = _counts(home)
    summary = process_drop(str(renamed), home=str(home))
    assert summary.counts["articles"] == 0
    assert summary.counts["duplicate_files"] == summary.counts["files"]
    after = _counts(home)
    assert after["files"] == before["files"] + summary.counts["files"]
    assert {k: v for k, v in after.items() if k != "files"} == {
        k: v for k, v in before.items() if k != "files"
    }


@needs_shared(SEED_ARTICLE)
def test_the_project_seed_article(tmp_path: Path) -> None:
    from flows.process_drop import process_drop

    home = tmp_path / "seed"
    process_drop(str(SEED_ARTICLE), home=str(home))
    con = Store(home).connect()
    (text,) = con.execute("SELECT text FROM articles").fetchone()
    for gone in (
        "(Khalid al Mousily/Reuters)",
        "Articles You May Like",
        "Leave a Comment",
        "Fetterman",
        "Editor’s Note",
    ):
        assert gone not in text
    quotes = con.execute("SELECT text, speaker_name FROM quotes").fetchall()
    speakers = {
        "That letter is a draft": "Mark Milley",
        "poorly worded": "Mark Milley",
        "As we begin implementing": "William Seely",
        "We respect your sovereign decision": "William Seely",
        "no decision whatsoever": "Mark Esper",
        "There has been no change in US policy": "Alyssa Farah",
        "We remain committed": "Alyssa Farah",
    }
    for fragment, speaker in speakers.items():
        assert [s for t, s in quotes if fragment in t] == [speaker], fragment
    assert not [t for t, _ in quotes if t.strip("“”") == "ask"]
    people = [
        n for (n,) in con.execute("SELECT name FROM entities WHERE label = 'person'").fetchall()
    ]
    assert sorted(people) == [
        "Alyssa Farah",
        "Mark Esper",
        "Mark Milley",
        "Qasem Soleimani",
        "William Seely",
    ]
    names = {n for (n,) in con.execute("SELECT name FROM entities").fetchall()}
    for boilerplate in (
        "Khalid al Mousily",
        "Mitt Romney",
        "John Fetterman",
        "Articles You",
        "El Paso",
    ):
        assert boilerplate not in names


def test_the_runs_row_counts_the_commit_in_the_load_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`runs.timings` says what the printed summary says: load is staging and the commit (which
    updates the marts and clusters), not staging alone. A commit slowed by 0.6 s shows in it."""
    from flows.process_drop import process_drop
    from warehouse import store as store_module

    update_marts = store_module._update_marts

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.6)
        return update_marts(*args, **kwargs)

    monkeypatch.setattr(store_module, "_update_marts", slow)
    summary = process_drop(str(DROPS[0]), home=str(tmp_path / "home"))
    with Store(tmp_path / "home").connect() as con:
        (stored,) = con.execute(
            "SELECT timings FROM runs WHERE run_id = $r", {"r": summary.run_id}
        ).fetchone()
    assert 0.6 <= dict(stored)["load"] <= summary.timings["load"]


class _Recorder:
    """A progress sink that keeps what the flow told it, in order."""

    def __init__(self) -> None:
        self.events: list[tuple[str, int]] = []

    def total(self, files: int) -> None:
        self.events.append(("total", files))

    def advance(self, files: int, articles: int) -> None:
        self.events.append(("read", articles))

    def analysed(self, articles: int) -> None:
        self.events.append(("analysed", articles))

    def committing(self) -> None:
        self.events.append(("committing", 0))


def test_progress_follows_the_nlp_and_the_commit_not_only_reading(tmp_path: Path) -> None:
    """The bar moved with file reading only, then stood still through the NLP and the commit."""
    from flows import progress
    from flows.process_drop import process_drop

    recorder = _Recorder()
    progress.attach(recorder)
    try:
        process_drop(str(DROPS[0]), home=str(tmp_path / "home"), batch_size=2)
    finally:
        progress.attach(None)
    kinds = [kind for kind, _ in recorder.events]
    read = sum(n for kind, n in recorder.events if kind == "read")
    analysed = sum(n for kind, n in recorder.events if kind == "analysed")
    assert read > 2 and analysed == read  # every article read is counted once analysed
    assert kinds.count("analysed") > 1  # batch by batch
    assert kinds[-1] == "committing" and kinds.count("committing") == 1


def test_the_cli_bar_has_a_line_per_stretch_of_the_run() -> None:
    from rich.console import Console
    from rich.progress import Progress

    from flows.progress import Bar

    with Progress(console=Console(file=io.StringIO())) as shown:
        bar = Bar(shown)
        bar.total(3)
        bar.advance(2, 10)
        bar.analysed(4)
        bar.committing()
        tasks = {t.description: t for t in shown.tasks}
    assert (tasks["files"].completed, tasks["files"].total) == (2, 3)
    assert (tasks["articles analysed"].completed, tasks["articles analysed"].total) == (4, 10)
    assert "committing" in tasks
