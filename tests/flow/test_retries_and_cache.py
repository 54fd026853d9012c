"""Transient failures are retried and load each row once; a run triggered again reuses its NLP."""

from __future__ import annotations

import errno
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from tests.conftest import SEEDS
from warehouse.store import Store

WIRE = SEEDS / "2026-11-20-wire"  # 4 files, 5 articles
TABLES = ("articles", "entity_mentions", "quotes", "files", "rejects")

pytestmark = pytest.mark.usefixtures("prefect_server")


def _counts(home: Path) -> dict[str, int]:
    con = Store(home).connect()
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def _query(home: Path, sql: str) -> list[tuple[Any, ...]]:
    with Store(home).connect() as con:
        return con.execute(sql).fetchall()


def _assert_each_row_once(home: Path) -> None:
    con = Store(home).connect()
    for table, key in (
        ("articles", "article_id, version"),
        ("entity_mentions", "mention_id"),
        ("quotes", "quote_id"),
        ("files", "drop_id, path"),
    ):
        total, distinct = con.execute(
            f"SELECT count(*), count(DISTINCT ({key})) FROM {table}"
        ).fetchone()
        assert total == distinct, f"{table} holds a row twice"


def _fail_writes(
    monkeypatch: pytest.MonkeyPatch, table: str, error: OSError, times: int
) -> list[str]:
    """Make Store.stage raise `error` for `table` the first `times` calls; return the calls."""
    real = Store.stage
    failed: list[str] = []

    def stage(self: Store, run_id: str, written: str, rows: pa.Table, name: str) -> Path:
        if written == table and len(failed) < times:
            failed.append(name)
            raise error
        return real(self, run_id, written, rows, name)

    monkeypatch.setattr(Store, "stage", stage)
    return failed


def test_a_write_failing_twice_with_an_io_error_succeeds_on_the_third_try(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.process_drop import process_drop

    home = tmp_path / "home"
    # The batch's `articles` file is written before `entity_mentions` fails: the retry must
    # replace it, not add to it.
    failed = _fail_writes(
        monkeypatch, "entity_mentions", OSError(errno.EIO, "Input/output error"), times=2
    )
    summary = process_drop(str(WIRE), home=str(home))

    assert len(failed) == 2 and failed[0] == failed[1]  # the same batch, tried three times
    assert summary.status == "completed"
    counts = _counts(home)
    assert counts["articles"] == summary.counts["articles"] == 5
    assert counts["entity_mentions"] == summary.counts["entity_mentions"] > 0
    assert counts["quotes"] == summary.counts["quotes"] > 0
    _assert_each_row_once(home)


def test_a_run_triggered_again_after_a_failure_reuses_its_nlp_and_duplicates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flows.process_drop as module

    home = tmp_path / "home"
    analysed: Counter[str] = Counter()
    real_analyze = module.analyze

    def counting_analyze(articles: list[Any], *args: Any) -> Any:
        analysed["batches"] += 1
        return real_analyze(articles, *args)

    monkeypatch.setattr(module, "analyze", counting_analyze)
    # A full disk is not transient: the commit fails at once, with no retry.
    failed = _fail_writes(
        monkeypatch, "files", OSError(errno.ENOSPC, "No space left on device"), times=1
    )
    with pytest.raises(OSError, match="No space left"):
        module.process_drop(str(WIRE), home=str(home))
    assert len(failed) == 1
    assert analysed["batches"] == 1
    assert _counts(home)["articles"] == 0  # nothing of the failed run is visible
    ((status, message),) = _query(home, "SELECT status, message FROM runs")
    assert status == "failed" and "No space left on device" in message

    again = module.process_drop(str(WIRE), home=str(home))
    assert again.status == "completed"
    assert analysed["batches"] == 1  # the NLP of the batch came from the cache
    assert again.counts["cached_nlp_batches"] == 1
    assert again.counts["cached_clean_batches"] == 1
    counts = _counts(home)
    assert counts["articles"] == again.counts["articles"] == 5
    assert counts["entity_mentions"] == again.counts["entity_mentions"] > 0
    _assert_each_row_once(home)
    assert sorted(p.name.split("-")[0] for p in (home / "cache").iterdir()) == ["clean", "nlp"]

    third = module.process_drop(str(WIRE), home=str(home))
    assert third.counts["files_already_loaded"] == 4 and third.counts["articles"] == 0
    assert analysed["batches"] == 1
    assert _counts(home) == counts


def test_every_run_publishes_counts_rejects_and_timings(tmp_path: Path) -> None:
    from prefect.artifacts import Artifact

    from flows.process_drop import process_drop

    summary = process_drop(str(SEEDS / "2026-11-22-mixed"), home=str(tmp_path / "home"))
    key = "drop-" + "".join(c if c.isalnum() else "-" for c in summary.drop_id.lower())
    artifact = Artifact.get(key)
    assert artifact is not None and artifact.type == "table"
    rows = artifact.data if isinstance(artifact.data, list) else json.loads(artifact.data)
    table = {(r["kind"], r["name"]): r["value"] for r in rows}
    assert table[("count", "articles")] == summary.counts["articles"] > 0
    assert table[("reject reason", "invalid JSON")] == 1
    assert {name for kind, name in table if kind == "seconds"} >= {"ingest", "clean", "nlp"}
    ((counts,),) = _query(tmp_path / "home", "SELECT counts FROM runs")
    assert counts["articles"] == summary.counts["articles"]
    assert counts["rejects:invalid JSON"] == 1
