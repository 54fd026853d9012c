"""What a person meets at the command line: help, fail-fast checks, read commands, SQL input and
output, and what a run records. Every test runs the real `newsflow` command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from flows.runtime.serve_lock import one_serve
from tests.conftest import ROOT, SEEDS, newsflow
from warehouse.store import Store

EXAMPLE = ROOT / "warehouse" / "sql" / "top_speakers.sql"


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_help_and_version(tmp_path: Path) -> None:
    bare = newsflow(home=tmp_path)
    assert bare.returncode == 0 and "Usage" in bare.stdout and "run" in bare.stdout
    short = newsflow("run", "-h", home=tmp_path)
    assert short.returncode == 0 and "--batch-size" in short.stdout
    version = newsflow("--version", home=tmp_path)
    assert version.returncode == 0 and version.stdout.strip() == "newsflow 0.1.0"


def test_read_commands_on_a_home_without_a_warehouse_say_so_and_create_nothing(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "no" / "such" / "home"
    for command in (["show"], ["sql", "SELECT 1"]):
        result = newsflow(*command, "--home", str(missing), home=tmp_path)
        assert result.returncode == 1
        assert f"no warehouse in {missing}" in _one_line(result.stderr)
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize(
    "options",
    [
        ["--batch-size", "0"],
        ["--n-process", "0"],
        ["--task-runner", "dusk"],
    ],
)
def test_bad_option_values_are_refused(options: list[str], tmp_path: Path) -> None:
    result = newsflow("run", str(SEEDS / "2026-11-20-wire"), *options, home=tmp_path / "h")
    assert result.returncode == 2 and "Invalid value" in result.stderr
    assert not (tmp_path / "h").exists()  # refused before anything started


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (["bench-sql", "--articles", "-5", "--runs", "0"], "Invalid value"),
        (["bench-sql", "--articles", "3", "--runs", "5"], "give --articles at least --runs"),
        (["bench", str(SEEDS / "2026-11-20-wire"), "--articles", "0"], "Invalid value"),
    ],
)
def test_benchmarks_refuse_sizes_they_cannot_build(
    options: list[str], says: str, tmp_path: Path
) -> None:
    result = newsflow(*options, home=tmp_path / "h")
    assert result.returncode == 2 and says in " ".join(result.stderr.split())


def test_serve_refuses_a_zero_poll_interval(tmp_path: Path) -> None:
    result = newsflow("serve", "--poll-seconds", "0", home=tmp_path / "h")
    assert result.returncode == 2 and "Invalid value" in result.stderr


def test_a_bad_model_fails_in_one_line_before_prefect_starts(tmp_path: Path) -> None:
    home = tmp_path / "h"
    result = newsflow("run", str(SEEDS / "2026-11-20-wire"), "--model", "en_nope_sm", home=home)
    assert result.returncode == 1
    assert "spaCy model 'en_nope_sm' is not installed" in _one_line(result.stderr)
    assert not home.exists()


def test_a_home_that_cannot_be_created_fails_in_one_line_that_says_what_to_do() -> None:
    result = newsflow("run", str(SEEDS / "2026-11-20-wire"), home=Path("/proc/newsflow-home"))
    assert result.returncode == 1
    said = _one_line(result.stderr)  # and no traceback
    assert "cannot create /proc/newsflow-home/prefect" in said
    assert "give --home or NEWSFLOW_HOME" in said


def test_a_busy_warehouse_is_reported_at_once(tmp_path: Path) -> None:
    home = tmp_path / "h"
    with Store(home).write_lock():
        result = newsflow("run", str(SEEDS / "2026-11-20-wire"), home=home)
    assert result.returncode == 3
    assert "another newsflow run" in _one_line(result.stderr)
    assert not (home / "warehouse").exists()  # no flow ran


def test_an_empty_drop_starts_no_flow(tmp_path: Path) -> None:
    empty = tmp_path / "empty-drop"
    empty.mkdir()
    result = newsflow("run", str(empty), home=tmp_path / "h")
    assert result.returncode == 0 and "nothing to do" in result.stderr
    assert not (tmp_path / "h" / "warehouse").exists()


def test_a_second_serve_on_a_home_stops_at_once(tmp_path: Path) -> None:
    home = tmp_path / "h"
    home.mkdir()
    (home / "serve.json").write_text('{"api_url": "http://127.0.0.1:9/api", "server_pid": null}')
    with one_serve(home):  # the first serve
        result = newsflow("serve", home=home)
    assert result.returncode == 1
    assert "another newsflow serve (pid" in result.stderr and "Traceback" not in result.stderr
    assert (home / "serve.json").exists()  # the first serve's file is left alone


@pytest.fixture(scope="module")
def empty_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("warehouse")
    Store(home).init()
    return home


def test_sql_reads_a_query_from_an_argument_a_file_or_stdin(empty_warehouse: Path) -> None:
    text = EXAMPLE.read_text()
    assert text.startswith("--")  # the argument opens with a comment, like every example file
    ways = [
        newsflow("sql", text, "--format", "csv", home=empty_warehouse),
        newsflow("sql", "--format", "csv", text, home=empty_warehouse),
        newsflow("sql", str(EXAMPLE), "--format", "csv", home=empty_warehouse),
        newsflow("sql", "--file", str(EXAMPLE), "--format", "csv", home=empty_warehouse),
        newsflow("sql", "-", "--format", "csv", home=empty_warehouse, stdin=text),
    ]
    for result in ways:
        assert result.returncode == 0, result.stderr
        assert result.stdout == "name,quotes,articles,label,verbs\n"


def test_sql_without_a_statement_is_a_one_line_error(empty_warehouse: Path) -> None:
    for query in ("", "   ", "-- only a comment"):
        result = newsflow("sql", query, home=empty_warehouse)
        assert result.returncode == 2
        assert "no SQL" in _one_line(result.stderr)
    missing = newsflow("sql", "nowhere.sql", home=empty_warehouse)
    assert missing.returncode == 2 and "cannot read nowhere.sql" in _one_line(missing.stderr)


def test_sql_prints_every_result_as_tables_and_the_last_as_csv(empty_warehouse: Path) -> None:
    query = "SELECT 1 AS first_result; SELECT 'a,b' AS second_result"
    table = newsflow("sql", query, home=empty_warehouse)
    assert table.returncode == 0
    assert "first_result" in table.stdout and "second_result" in table.stdout
    csv = newsflow("sql", query, "--format", "csv", home=empty_warehouse)
    assert csv.stdout == 'second_result\n"a,b"\n'  # LF line ends, one table


def test_sql_limit_applies_to_tables_only(empty_warehouse: Path) -> None:
    query = "SELECT range AS n FROM range(60)"
    table = newsflow("sql", query, home=empty_warehouse)
    cells = table.stdout.split()  # the table's values, whatever its borders
    assert "49" in cells and "50" not in cells
    assert "10 more rows" in table.stdout
    assert "59" in newsflow("sql", query, "--limit", "0", home=empty_warehouse).stdout.split()
    csv = newsflow("sql", query, "--format", "csv", home=empty_warehouse)
    assert len(csv.stdout.splitlines()) == 61


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


TIMED = {
    "id": "harbour-vote",
    "headline": "Harbour board approves dredging",
    "published_at": "2026-11-25T19:30:00-06:00",
    "text": (
        "The harbour board approved the dredging plan on Tuesday evening after a long debate. "
        '"This keeps the port open for another decade," said board chair Ines Dorado.'
    ),
}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three drops: an empty file, a timed article and a broken JSON line; the empty file again
    with a copy of the article; the article alone again (a drop of nothing but duplicates)."""
    base = tmp_path_factory.mktemp("loaded")
    home = base / "home"
    first = _write(
        base / "first",
        {
            "empty.txt": "",
            "harbour.json": json.dumps(TIMED),
            "briefs.jsonl": '{"id": "b1", "text": "unterminated\n',
        },
    )
    second = _write(base / "second", {"empty.txt": "", "harbour.json": json.dumps(TIMED)})
    third = base / "third"
    third.mkdir()
    shutil.copy(first / "harbour.json", third / "copy.json")
    for drop in (first, second, third):
        result = newsflow("run", str(drop), home=home)
        assert result.returncode == 0, result.stderr
    return home


def _query(home: Path, sql: str) -> list[dict[str, object]]:
    result = newsflow("sql", sql, "--format", "json", home=home)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_an_empty_file_is_a_reject_in_every_drop(loaded: Path) -> None:
    rows = _query(
        loaded,
        "SELECT r.reason, f.status FROM rejects r JOIN files f USING (drop_id, path, run_id) "
        "WHERE path = 'empty.txt' ORDER BY drop_id",
    )
    assert rows == [{"reason": "empty file", "status": "rejected"}] * 2


def test_published_at_keeps_the_publishers_offset(loaded: Path) -> None:
    (row,) = _query(
        loaded,
        "SELECT published_at AT TIME ZONE 'UTC' AS utc, published_offset_minutes AS offset, "
        "published_at AT TIME ZONE 'UTC' + to_minutes(published_offset_minutes) AS local "
        "FROM articles",
    )
    assert row == {"utc": "2026-11-26 01:30:00", "offset": -360, "local": "2026-11-25 19:30:00"}


def test_reject_details_read_as_sentences(loaded: Path) -> None:
    (row,) = _query(loaded, "SELECT detail FROM rejects WHERE reason = 'invalid JSON line'")
    assert row["detail"].startswith("Unterminated string starting at: column")


def test_a_drop_of_duplicates_counts_zero_articles(loaded: Path) -> None:
    rows = _query(
        loaded,
        "SELECT counts['articles'] AS articles, counts['duplicates'] AS duplicates, "
        "counts['duplicate_files'] AS duplicate_files FROM runs ORDER BY started_at",
    )
    assert rows[-1] == {"articles": 0, "duplicates": 0, "duplicate_files": 1}
    assert rows[0]["articles"] == 1


def test_show_is_short_and_counts_first(loaded: Path) -> None:
    shown = newsflow("show", home=loaded)
    assert shown.returncode == 0
    assert shown.stdout.splitlines()[0].startswith("1 articles, ")
    assert "2025-11-25" not in shown.stdout and "2026-11-25" in shown.stdout  # publisher's day


def test_show_says_how_to_see_more_with_options_it_takes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert newsflow("run", str(SEEDS / "2026-11-20-wire"), home=home).returncode == 0
    shown = newsflow("show", "--limit", "1", home=home)
    assert shown.returncode == 0
    assert "more rows (--limit N shows more per section" in shown.stdout
    assert "--format" not in shown.stdout and "--limit 0" not in shown.stdout  # sql's options
