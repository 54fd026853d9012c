"""Marts kept by each load equal the marts counted from scratch, through updates and takedowns."""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np

from benchmarks.sql import Population, _batch
from tests.bench_nights import load_night
from warehouse import marts
from warehouse.store import Store
from warehouse.takedowns import forget

MART_TABLES = ("current_articles", *(m.name for m in marts.MARTS), "person_gender")


def _contents(con: object) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    return {
        t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr)  # type: ignore[attr-defined]
        for t in MART_TABLES
    }


def test_incremental_marts_equal_a_rebuild_after_new_versions_and_a_takedown(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path)
    store.init()
    rng = np.random.default_rng(3)
    people = Population.make(rng, 2_000)
    first = _batch(rng, people, 0, 300, [])
    load_night(store, first)
    older = first["articles"]["article_id"].to_pylist()
    load_night(store, _batch(rng, people, 1, 300, older[:6]))  # 6 stories get a version 2
    load_night(store, _batch(rng, people, 2, 300, older[100:106]))  # and 6 more
    counts = forget(store, "outlet", "Outlet 3", "test")
    assert counts["stories"] > 0

    with contextlib.closing(store.writer()) as con:
        kept = _contents(con)
        con.execute("BEGIN")
        marts.rebuild(con)
        rebuilt = _contents(con)
        con.execute("ROLLBACK")
    assert all(kept[t] for t in MART_TABLES)
    assert kept == rebuilt
    with store.connect() as con:
        (updated,) = con.execute(
            "SELECT count(*) FROM current_articles WHERE version = 2"
        ).fetchone()
        assert 0 < updated <= 12  # less what the takedown removed
        assert con.execute(
            "SELECT count(*) FROM latest_articles WHERE outlet = 'Outlet 3'"
        ).fetchone() == (0,)


def test_a_lake_with_marts_by_name_gets_id_keyed_marts_with_the_same_counts(
    tmp_path: Path,
) -> None:
    """Schema v3 kept the marts as tables named like today's views: init rebuilds them."""
    store = Store(tmp_path)
    store.init()
    rng = np.random.default_rng(5)
    people = Population.make(rng, 1_000)
    load_night(store, _batch(rng, people, 0, 120, []))
    with contextlib.closing(store.writer()) as con:
        before = _contents(con)
        for name in ("entities", "co_occurrences"):  # as v3 had them: tables, keyed by name
            con.execute(f"CREATE TABLE v3 AS SELECT * FROM {name}")
            con.execute(f"DROP VIEW {name}")
            con.execute(f"ALTER TABLE v3 RENAME TO {name}")
        for mart in marts.MARTS:
            con.execute(f"DELETE FROM {mart.name}")
    store.init()
    with contextlib.closing(store.writer()) as con:
        kinds = dict(
            con.execute(
                "SELECT table_name, 'table' FROM duckdb_tables() WHERE database_name = 'lake' "
                "UNION ALL SELECT view_name, 'view' FROM duckdb_views() WHERE database_name = 'lake'"
            ).fetchall()
        )
        assert kinds["entities"] == kinds["co_occurrences"] == "view"
        assert _contents(con) == before
