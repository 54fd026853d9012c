"""Kill a real `newsflow run` at several points; the re-run must leave exactly a clean run's rows.

Each failpoint makes the process SIGKILL itself (see warehouse/failpoints.py): no cleanup code
runs, as after a power cut. Between the crash and the re-run the warehouse must show the state
before the run; after the re-run, the same rows as a run that never crashed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.clirun import Outcome, run
from tests.conftest import SEEDS
from warehouse.store import Store

DROP = SEEDS / "2026-11-21-regional"
FIRST = SEEDS / "2026-11-20-wire"
TABLES = ("articles", "entity_mentions", "quotes", "files", "rejects")
# What the commit derives from them, story and quote clusters included: the same after a crash
# and its rerun as after a clean run.
DERIVED = {
    "story clusters": "SELECT count(DISTINCT story_cluster_id) FROM current_articles",
    "clustered stories": "SELECT count(story_cluster_id) FROM current_articles",
    "story index": "SELECT count(*) FROM story_index",
    "quote occurrences": "SELECT count(*) FROM quote_occurrences",
    "quotations": "SELECT count(*), sum(articles) FROM quote_clusters",
    "original sources": "SELECT count(*), sum(quotes) FROM speaker_counts_original",
}


def _run(drop: Path, home: Path, failpoint: str | None = None) -> Outcome:
    env = {"NEWSFLOW_BATCH_SIZE": "2"} | ({"NEWSFLOW_FAILPOINT": failpoint} if failpoint else {})
    return run("run", str(drop), home=home, **env)


def _counts(home: Path) -> dict[str, object]:
    con = Store(home).connect()
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    counts["distinct articles"] = con.execute(
        "SELECT count(DISTINCT (article_id, version)) FROM articles"
    ).fetchone()[0]
    counts |= {name: con.execute(sql).fetchone() for name, sql in DERIVED.items()}
    return counts


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the first drop loaded, copied by each test (one run instead of one per test)."""
    home = tmp_path_factory.mktemp("first") / "home"
    assert _run(FIRST, home).returncode == 0
    return home


@pytest.fixture(scope="module")
def expected(first: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    home = tmp_path_factory.mktemp("clean") / "home"
    shutil.copytree(first, home)
    before = _counts(home)
    assert _run(DROP, home).returncode == 0
    return {"before": before, "after": _counts(home)}


# Points in the run: reading, the NLP, staging a batch (before and after its rename), inside the
# commit's transaction with every row and mart written, and just after the commit.
@pytest.mark.parametrize(
    "failpoint", ["ingest", "nlp:2", "before-rename:3", "after-write:4", "commit", "after-commit"]
)
def test_killed_run_leaves_old_state_and_rerun_completes_it(
    failpoint: str, first: Path, expected: dict[str, dict[str, object]], tmp_path: Path
) -> None:
    home = tmp_path / "home"
    shutil.copytree(first, home)
    crashed = _run(DROP, home, failpoint)
    assert crashed.returncode == -9, crashed.output[-2000:]
    assert _counts(home) == (
        expected["after"] if failpoint == "after-commit" else expected["before"]
    )

    rerun = _run(DROP, home)
    assert rerun.returncode == 0, rerun.output[-2000:]
    assert _counts(home) == expected["after"]
    assert expected["after"]["articles"] == expected["after"]["distinct articles"]
    if failpoint == "after-commit":  # the rerun had nothing to do: maintenance tidies up
        assert run("maintain", home=home).returncode == 0
    assert not list((home / "staging").rglob("*"))


def test_a_first_run_killed_while_it_creates_the_lake_leaves_a_home_the_next_run_finishes(
    first: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    crashed = _run(FIRST, home, "catalog-created")  # DuckLake's catalog made, no table yet
    assert crashed.returncode == -9, crashed.output[-2000:]
    assert (home / "catalog.sqlite").exists()
    doctor = run("doctor", home=home)
    assert doctor.returncode == 0 and "the next `newsflow run` finishes it" in doctor.output
    rerun = _run(FIRST, home)
    assert rerun.returncode == 0, rerun.output[-2000:]
    assert _counts(home) == _counts(first)
