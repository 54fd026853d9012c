"""The CLI as a user runs it: a real subprocess, its exit status and its output."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import SEEDS, newsflow
from warehouse.store import Store

MIXED = SEEDS / "2026-11-22-mixed"


def test_run_with_rejects_exits_zero_and_queries_answer(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = newsflow("run", str(MIXED), home=home)
    assert result.returncode == 0, result.stderr
    assert "articles loaded" in result.stdout and "invalid JSON" in result.stdout
    assert (home / "catalog.sqlite").exists() and (home / "lake").is_dir()
    assert (home / "prefect").is_dir()  # Prefect's state stays inside the home

    query = newsflow(
        "sql",
        "SELECT reason, count(*) AS n FROM rejects GROUP BY 1 ORDER BY 1",
        "--format",
        "json",
        home=home,
    )
    assert query.returncode == 0, query.stderr
    rows = [json.loads(line) for line in query.stdout.splitlines()]
    assert {r["reason"]: r["n"] for r in rows} == {
        "corrupt gzip": 1,
        "empty file": 1,
        "invalid JSON": 1,
        "invalid JSON line": 1,
        "unsupported format": 1,
    }

    csv = newsflow("sql", "SELECT count(*) AS quotes FROM quotes", "--format", "csv", home=home)
    assert csv.stdout.splitlines()[0] == "quotes" and int(csv.stdout.splitlines()[1]) > 10

    shown = newsflow("show", home=home)
    assert shown.returncode == 0 and "Quotes with their speakers" in shown.stdout


def test_errors_say_what_to_do(tmp_path: Path) -> None:
    missing = newsflow("run", str(tmp_path / "nope"), home=tmp_path)
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    Store(tmp_path).init()
    bad_sql = newsflow("sql", "SELEC 1", home=tmp_path)
    assert bad_sql.returncode == 1 and "query failed" in bad_sql.stderr
