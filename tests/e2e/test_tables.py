"""What the table commands print for a person at 80 columns, and for a program in CSV: ids whole
(they go into the next command: `forget --drop`, `sql --at`), and CSV never cut."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.clirun import run
from tests.conftest import ROOT, SEEDS
from warehouse.store import Store


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("tables") / "home"
    assert run("run", str(SEEDS / "2026-11-21-regional"), home=home).returncode == 0
    return home


def test_snapshots_at_80_columns_print_every_drop_id_and_time_whole(home: Path) -> None:
    shown = run("snapshots", home=home, COLUMNS="80")
    assert shown.returncode == 0, shown.output
    with Store(home).connect() as con:
        drop, run_id = con.execute("SELECT drop_id, run_id FROM runs").fetchone()
    assert len(drop) > 30  # long enough to have been cut
    line = next(line for line in shown.output.splitlines() if drop in line)
    assert run_id[:8] in line and "…" not in line
    assert max(len(line) for line in shown.output.splitlines()) <= 80


def test_the_example_queries_write_whole_headlines_and_quotes_in_csv(home: Path) -> None:
    for name, column, table in (
        ("quotes", "quote", "SELECT text FROM latest_quotes"),
        ("articles", "headline", "SELECT headline FROM current_articles"),
    ):
        written = run(
            "sql", str(ROOT / "warehouse" / "sql" / f"{name}.sql"), "--format", "csv", home=home
        )
        assert written.returncode == 0, written.output
        rows = list(csv.DictReader(io.StringIO(written.output)))
        with Store(home).connect() as con:
            whole = {value for (value,) in con.execute(table).fetchall()}
        values = {row[column] for row in rows}
        assert values <= whole, values - whole
        assert any(len(v) > 60 for v in values)  # longer than the queries used to cut at
