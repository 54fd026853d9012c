"""A second load, a query and a read-only DuckDB client while a load is in flight."""

from __future__ import annotations

import time
from pathlib import Path

from tests.clirun import Cli, run
from tests.conftest import SEEDS, wait_for_file
from warehouse import extensions
from warehouse.store import Store, WarehouseBusy

DROP = SEEDS / "2026-11-21-regional"


def _wait_for_lock(home: Path, timeout: float = 120) -> None:
    """Until another process holds the warehouse's write lock (the load has started)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with Store(home).write_lock():
                pass
        except WarehouseBusy:
            return
        time.sleep(0.2)
    raise AssertionError("the load never took the write lock")


def test_two_runs_on_one_drop_load_it_once_and_readers_never_wait(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run("run", str(SEEDS / "2026-11-20-wire"), home=home).returncode == 0
    first = Cli(
        "run",
        str(DROP),
        home=home,
        # held inside its commit transaction: rows written, marts updated, not committed
        NEWSFLOW_FAILPOINT="commit:1:pause",
        NEWSFLOW_FAILPOINT_SECONDS="30",
        NEWSFLOW_FAILPOINT_REACHED=str(tmp_path / "reached"),
    )
    _wait_for_lock(home)
    wait_for_file(tmp_path / "reached", "the first load's commit")

    second = run("run", str(DROP), home=home)
    assert second.returncode == 3
    assert "another newsflow run" in second.output and "wait for it to finish" in second.output

    started = time.monotonic()
    query = run("sql", "SELECT count(*) AS n FROM articles", "--format", "csv", home=home)
    assert query.returncode == 0 and query.output.splitlines()[-1] == "5"
    with extensions.connect(extensions=("ducklake", "sqlite_scanner")) as reader:
        reader.execute(f"ATTACH 'ducklake:sqlite:{home / 'catalog.sqlite'}' AS nf (READ_ONLY)")
        assert reader.execute("SELECT count(*) FROM nf.articles").fetchone() == (5,)
    assert time.monotonic() - started < 20  # neither waited for the paused commit

    assert first.wait().returncode == 0
    again = run("run", str(DROP), home=home)
    assert again.returncode == 0
    con = Store(home).connect()
    assert con.execute("SELECT count(*) FROM articles").fetchone() == (11,)
    assert con.execute(
        "SELECT count(*) FROM (SELECT article_id, version FROM articles GROUP BY ALL HAVING count(*) > 1)"
    ).fetchone() == (0,)
