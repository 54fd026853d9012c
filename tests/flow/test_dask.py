"""Scale-out: the NLP batches on a local Dask cluster give exactly the rows of the default runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SEEDS
from warehouse.store import Store

pytestmark = pytest.mark.usefixtures("prefect_server")

DROP = SEEDS / "2026-11-21-regional"
QUERIES = {
    "articles": "SELECT article_id, version, content_hash FROM articles ORDER BY ALL",
    "mentions": "SELECT article_id, start_char, end_char, entity_key FROM entity_mentions ORDER BY ALL",
    "quotes": "SELECT article_id, start_char, end_char, kind, speaker_entity_key FROM quotes ORDER BY ALL",
}


def _rows(home: Path) -> dict[str, list[tuple[object, ...]]]:
    con = Store(home).connect()
    return {name: con.execute(sql).fetchall() for name, sql in QUERIES.items()}


def test_dask_runner_loads_the_same_rows(tmp_path: Path) -> None:
    from flows.process_drop import process_drop
    from flows.runners import flow_with_runner

    on_threads, on_dask = tmp_path / "threads", tmp_path / "dask"
    process_drop(str(DROP), home=str(on_threads), batch_size=2)
    dask_flow = flow_with_runner(process_drop, "dask", None, workers=2)
    summary = dask_flow(
        str(DROP), home=str(on_dask), batch_size=2, n_process=1, batches_in_flight=4
    )
    assert summary.status == "completed" and summary.counts["articles"] == 6
    expected, got = _rows(on_threads), _rows(on_dask)
    assert got == expected
    assert len(got["quotes"]) > 20
