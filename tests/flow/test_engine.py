"""flows.engine.local_run, as `newsflow run` and Python code call it: the drop hashed once, the
lake prepared once, and the file list kept out of what Prefect records of the flow run."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEEDS

pytestmark = pytest.mark.usefixtures("prefect_server")


def test_a_run_hashes_its_drop_and_prepares_the_lake_once(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.engine import Status, local_run
    from flows.options import RunOptions
    from tasks import ingest
    from warehouse.store import Store

    monkeypatch.setenv("NEWSFLOW_SERVER_IDLE_MINUTES", "0")  # the session's API, not a server
    calls: Counter[str] = Counter()
    scan, init = ingest.scan, Store.init

    def counted_scan(drop: Path) -> Any:
        calls["scan"] += 1
        return scan(drop)

    def counted_init(store: Store) -> None:
        calls["init"] += 1
        init(store)

    monkeypatch.setattr(ingest, "scan", counted_scan)
    monkeypatch.setattr(Store, "init", counted_init)
    outcome = local_run(SEEDS / "2026-11-20-wire", RunOptions.resolve(home, n_process=1))
    assert outcome.status is Status.LOADED and outcome.summary is not None
    assert outcome.summary.counts["articles"] == 5
    assert calls == Counter(scan=1, init=1)

    again = local_run(SEEDS / "2026-11-20-wire", RunOptions.resolve(home, n_process=1))
    assert again.status is Status.ALREADY_LOADED and again.files == 4


def test_prefect_records_no_file_list_with_the_flow_run() -> None:
    from flows.process_drop import Scanned, process_drop
    from tasks.records import FileEntry

    files = [FileEntry(f"f{i}.txt", f"/drop/f{i}.txt", "0" * 64, 10) for i in range(3)]
    recorded = process_drop.serialize_parameters({"drop": "/drop", "scanned": Scanned(files)})
    assert recorded == {"drop": "/drop", "scanned": "<Scanned>"}
