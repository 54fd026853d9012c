"""What a run starts before Prefect loads: how many spaCy workers, and the batch sizes that put
them to work at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path

import pytest

from flows.startup import (
    HEARTBEAT_SETTINGS,
    new_local_lake,
    prepare_lake,
    without_heartbeats,
    workers_needed,
)
from tasks.batching import ramp
from tasks.records import FileEntry
from warehouse.store import Store, WarehouseBusy


def _entry(path: str, size: int) -> FileEntry:
    return FileEntry(path=path, absolute=f"/drop/{path}", sha256=path, bytes=size)


def test_a_drop_of_a_few_articles_starts_one_worker() -> None:
    assert workers_needed([_entry("story.txt", 6_000)], 2) == 1
    assert workers_needed([_entry(f"{i}.html", 80_000) for i in range(3)], 4) == 4


def test_compressed_files_count_for_the_text_they_hold() -> None:
    # 40 KB of gzip is about 200 KB of articles: forty of them, more than one worker's share.
    assert workers_needed([_entry("wire.jsonl.gz", 40_000)], 2) == 2
    assert workers_needed([_entry("wire.jsonl", 40_000)], 2) == 1


def test_batch_sizes_double_from_the_first_up_to_the_batch_size() -> None:
    assert list(islice(ramp(16, 200), 6)) == [16, 32, 64, 128, 200, 200]
    assert list(islice(ramp(16, 10), 2)) == [10, 10]


def test_bench_articles_are_all_different_texts_of_the_corpus_kind() -> None:
    from benchmarks.run_vs_spacy import distinct_texts

    corpus = [
        "The council met on Monday.\nIt voted 5-2.\nThe mayor said: “We are pleased.”",
        "Rain fell on the valley.\nFarmers waited.\n“It helps,” a grower said.",
        "The council met on Monday.\nIt voted 5-2.\nThe mayor said: “We are pleased.”",  # again
    ]
    texts = distinct_texts(corpus, 40)
    assert len(texts) == len(set(texts)) == 40
    assert texts[:2] == [corpus[0], corpus[1]]  # each corpus text once, first
    lines = {line for text in corpus for line in text.split("\n")}
    assert all(p in lines for text in texts[2:] for p in text.split("\n\n"))


def test_bench_rounds_take_turns_at_going_first(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A machine whose speed drifts favours whichever phase runs in its fast minutes: rounds
    alternate, and a round's ratio is its own bare pass over its own command."""
    from benchmarks import run_vs_spacy as bench

    order: list[str] = []
    start = datetime(2026, 12, 2, tzinfo=UTC)
    finish = start + timedelta(seconds=95)

    def bare(texts: list[str], model: str | None, processes: int) -> bench.Phase:
        order.append("bare")
        return bench.Phase(90.0, len(texts), 100, 0, 170.0)

    def command(drop: Path, home: Path, options: list[str], server: int | None) -> bench.Command:
        order.append("run")
        times = {"started_at": start, "finished_at": finish}
        return bench.Command(times, 100.0, bench.Peaks(), 190.0, 10.0)

    monkeypatch.setattr(bench, "bare_pipe", bare)
    monkeypatch.setattr(bench, "flow_run", command)
    monkeypatch.setattr(bench.background, "stop", lambda folder: None)
    setup = bench.Setup(tmp_path, ["one", "two"], None, 1, [], cold=True)
    rounds = [bench.bench_round(n, tmp_path, setup, lambda line: None) for n in range(3)]
    assert order == ["bare", "run", "run", "bare", "bare", "run"]
    assert [r.bare_first for r in rounds] == [True, False, True]
    assert rounds[1].ratio == 0.9
    assert rounds[1].flow_ratio == pytest.approx(90 / 95)
    assert rounds[1].cpu_ratio == pytest.approx(170 / 200)


def test_a_run_sends_heartbeats_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.settings import get_current_settings

    def frequency() -> int | None:
        return get_current_settings().flows.heartbeat_frequency

    for name in HEARTBEAT_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    default = frequency()
    assert default is not None
    with without_heartbeats():
        assert frequency() is None
    assert frequency() == default

    monkeypatch.setenv("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", str(default))
    with without_heartbeats():
        assert frequency() == default


def test_the_lake_is_prepared_beside_the_start_up(tmp_path: Path) -> None:
    store = Store(tmp_path / "home")
    assert (
        prepare_lake(store, lambda: pytest.fail("a new home has nothing loaded")).result() is False
    )
    assert store.exists()  # created, schema and all, before any flow runs
    assert prepare_lake(store, lambda: True).result() is True  # the drop is in: nothing to do
    with store.write_lock(), pytest.raises(WarehouseBusy):
        prepare_lake(store, lambda: False).result()


def test_only_a_home_without_its_catalog_file_is_surely_new(tmp_path: Path) -> None:
    store = Store(tmp_path / "home")
    assert new_local_lake(store)
    store.init()
    assert not new_local_lake(store)


def test_the_bench_shows_in_which_part_of_a_run_memory_peaked() -> None:
    from benchmarks.run_vs_spacy import Peaks

    growing, flat = Peaks(), Peaks()
    for second in range(100):
        growing.add([(100 + second, 0)], at=1_000.0 + second)
        flat.add([(300 if second > 10 else second, 500 if second % 7 == 0 else 450)], at=second)
    assert growing.by_part() == [124, 149, 174, 199]
    assert flat.by_part() == [800, 800, 800, 800]
    assert Peaks().by_part(2) == [0, 0]
