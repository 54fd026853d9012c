"""`newsflow report`: one HTML file that needs nothing else, stamped with its snapshot, holding
the Gender and Sources figures of its period and the lines that reproduce them."""

from __future__ import annotations

import contextlib
import html
import re
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from benchmarks.sql import Population, _batch
from flows.cli.app import app
from flows.dashboard.report import write
from tests.bench_nights import load_night
from warehouse import figures
from warehouse.schemas import DASHBOARD_MARTS
from warehouse.store import Store, close_writers

PERIOD = figures.Filters(date(2026, 1, 1), date(2026, 1, 31))


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("report")
    store = Store(home)
    store.init()
    rng = np.random.default_rng(9)
    people = Population.make(rng, 1_000)
    for night in range(2):
        tables = _batch(rng, people, night, 80, [])
        load_night(store, tables)
    return home


def test_the_report_holds_its_figures_and_fetches_nothing(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    with Store(home).connect() as con:
        snapshot = write(con, PERIOD, out)
        sources = figures.gender_figures(con, PERIOD, "source").overall()
        women = figures.top_sources(con, PERIOD, 15)["female"].to_pylist()
    page = out.read_text()
    assert snapshot == 3
    assert re.search(r"<(script|link|img|iframe)\b", page) is None
    assert re.search(r"""\b(src|href)=["']?https?:""", page) is None
    assert page.count("<svg") == 4  # per outlet and per month, sources and people
    assert f"snapshot {snapshot} of" in page
    assert f"<strong>{sources['women_pct']}%</strong> women" in page
    assert all(f"<td>{w['name']}</td>" in page for w in women)
    lines = [html.unescape(code) for code in re.findall(r"<code>(.*?)</code>", page)]
    assert len(lines) == 3 and all(
        line.startswith(f"newsflow sql --at {snapshot} '") for line in lines
    )


def test_report_options_are_checked(home: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "r.html"
    common = ["report", "--home", str(home), "--out", str(out)]
    bad = runner.invoke(app, [*common, "--from", "2026-13-01", "--to", "2026-01-31"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
    backwards = runner.invoke(app, [*common, "--from", "2026-02-01", "--to", "2026-01-31"])
    assert backwards.exit_code == 2 and "comes before" in backwards.output
    done = runner.invoke(app, [*common, "--from", "2026-01-01", "--to", "2026-01-31"])
    assert done.exit_code == 0, done.output
    assert "snapshot 3" in done.output and out.stat().st_size > 10_000
    missing = runner.invoke(app, [*common[:2], str(tmp_path / "nowhere"), *common[3:],
                                  "--from", "2026-01-01", "--to", "2026-01-31"])  # fmt: skip
    assert missing.exit_code == 1 and "no warehouse" in missing.output


def test_a_warehouse_from_before_the_dashboard_gets_its_marts_first(tmp_path: Path) -> None:
    home = tmp_path / "old"
    store = Store(home)
    store.init()
    rng = np.random.default_rng(2)
    tables = _batch(rng, Population.make(rng, 1_000), 0, 40, [])
    load_night(store, tables)
    with contextlib.closing(store.writer()) as con:
        for table in DASHBOARD_MARTS:
            con.execute(f"DROP TABLE {table}")
    close_writers()
    out = tmp_path / "r.html"
    period = ["--from", "2025-12-01", "--to", "2026-01-31"]
    done = CliRunner().invoke(app, ["report", "--home", str(home), "--out", str(out), *period])
    assert done.exit_code == 0, done.output
    assert "adding the dashboard's marts" in done.output
    assert "No article in this period" not in out.read_text()
