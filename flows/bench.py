"""`newsflow bench`: the pipeline's throughput against spaCy's own, measured in one run.

The NLP pass is the cost of the pipeline; everything else (Prefect, cleaning, extraction, Parquet)
should be nearly free. So the benchmark runs bare `nlp.pipe` over the very texts of the drop, with
the same model and processes, then `process-drop` on the drop, and reports both throughputs and
their ratio, with the peak memory of each phase.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa

from flows.report import RunSummary
from warehouse.examples import query
from warehouse.schemas import SCHEMA_VERSION, TABLES
from warehouse.store import Store

SHARD = 500  # articles per .jsonl file of the generated drop
T = TypeVar("T")


@dataclass
class Phase:
    name: str
    seconds: float
    articles: int
    tokens: int
    peak_rss: int  # bytes, this process and its children

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.seconds if self.seconds else 0.0


def corpus_texts(source: Path) -> list[str]:
    """Article texts from a folder or file of .txt (headline first) or .jsonl articles."""
    paths = sorted(source.rglob("*")) if source.is_dir() else [source]
    texts = []
    for path in paths:
        if path.suffix == ".txt":
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
        elif path.suffix == ".jsonl":
            with open(path, encoding="utf-8") as handle:
                for line in handle:
                    item = json.loads(line)
                    text = item.get("text") or item.get("body") or item.get("content")
                    if isinstance(text, str) and text.strip():
                        texts.append(text)
    if not texts:
        raise SystemExit(f"no .txt or .jsonl articles with text in {source}")
    return texts


def build_drop(texts: list[str], articles: int, drop: Path) -> list[str]:
    """A drop of `articles` distinct articles cycling through the texts; returns their bodies.

    Each copy gets a one-line note of its own so its content hash differs: repeated texts would
    otherwise be recognised as duplicates and skipped, which is not the work being measured.
    """
    drop.mkdir(parents=True, exist_ok=True)
    bodies = [f"{texts[i % len(texts)]}\n\nBenchmark copy {i}." for i in range(articles)]
    for shard in range(0, articles, SHARD):
        with open(drop / f"part-{shard // SHARD:05d}.jsonl", "w", encoding="utf-8") as handle:
            for i in range(shard, min(shard + SHARD, articles)):
                record = {"id": f"bench-{i}", "title": f"Benchmark article {i}", "text": bodies[i]}
                handle.write(json.dumps(record) + "\n")
    return bodies


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack += children.get(current, [])
    return total


@contextmanager
def peak_memory() -> Iterator[list[int]]:
    """Sample this process tree's RSS every 100 ms; the peak is in the yielded list."""
    peak = [tree_rss(os.getpid())]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            peak[0] = max(peak[0], tree_rss(os.getpid()))

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        done.set()
        thread.join()


def in_fresh_process(fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)` in a new interpreter, so each phase starts from nothing: one phase's model and
    memory are neither counted against nor left behind for the other, and the peak measured is
    that of the phase's own process tree (not of the benchmark holding every text)."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(fn, *args).result()


def bare_pipe(texts: list[str], model: str | None, n_process: int) -> Phase:
    """spaCy alone: the same pipeline over the same texts, documents consumed and dropped."""
    return in_fresh_process(_bare_pipe, texts, model, n_process)


def _bare_pipe(texts: list[str], model: str | None, n_process: int) -> Phase:
    from tasks.nlp import load_model

    with peak_memory() as peak:
        nlp = load_model(model)
        start = time.perf_counter()
        tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=64, n_process=n_process))
        seconds = time.perf_counter() - start
    return Phase("bare nlp.pipe", seconds, len(texts), tokens, peak[0])


def flow_run(drop: Path, home: Path, options: dict[str, Any]) -> tuple[RunSummary, float, int]:
    """`process-drop` on the drop as `newsflow run` runs it: its summary, the wall time with
    the Prefect API's start-up, and the peak RSS of its tree (the flow's process, the spaCy
    workers and Prefect's temporary API server)."""
    return in_fresh_process(_flow_run, str(drop), str(home), options)


def _flow_run(drop: str, home: str, options: dict[str, Any]) -> tuple[RunSummary, float, int]:
    from flows.process_drop import process_drop

    with peak_memory() as peak:
        started = time.perf_counter()
        summary = process_drop(drop, home=home, **options)
        wall = time.perf_counter() - started
    # Its timings default to 0 through a lambda, which does not pickle.
    return replace(summary, timings=dict(summary.timings)), wall, peak[0]


def scale_warehouse(source: Store, target: Store, articles: int) -> int:
    """A warehouse of about `articles` articles, made of copies of the source's current rows.

    Copies get their own ids, so views, joins and GROUP BYs see that many distinct stories:
    this is how the example queries are timed at a scale the NLP would take hours to produce.
    """
    target.init()
    run_id = "bench-scaled"
    with source.connect() as con:
        (have,) = con.execute("SELECT count(*) FROM latest_articles").fetchone()
        if not have:
            raise SystemExit(f"{source.home} holds no articles to copy; load a drop first")
        copies = -(-articles // have)
        day = "ingest_date=2026-01-01"
        for table, ids in (
            ("latest_articles", ()),
            ("latest_mentions", ("mention_id",)),
            ("latest_quotes", ("quote_id",)),
        ):
            name = table.removeprefix("latest_").replace("mentions", "entity_mentions")
            folder = target.root / name / day
            folder.mkdir(parents=True, exist_ok=True)
            renamed = ", ".join(f"{c} || '-' || k AS {c}" for c in ("article_id", *ids))
            columns = ", ".join(f'"{c}"' for c in TABLES[name].names if c not in ("run_id",))
            con.execute(
                f"COPY (SELECT * REPLACE ({renamed}) FROM (SELECT {columns}, "
                f"'{run_id}' AS run_id FROM {table}) CROSS JOIN range({copies}) AS copies(k) "
                f"ORDER BY article_id) TO '{folder / 'scaled.parquet'}' "
                "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 64000)"
            )
    now = datetime.now(UTC)
    target.write(
        "runs",
        pa.Table.from_pylist(
            [
                {
                    "run_id": run_id,
                    "flow": "bench",
                    "started_at": now,
                    "finished_at": now,
                    "status": "completed",
                    "schema_version": SCHEMA_VERSION,
                }
            ],
            schema=TABLES["runs"],
        ),
        day=now.date(),
        name=f"run-{run_id}",
    )
    return copies * have


def time_queries(store: Store, names: tuple[str, ...], repeat: int = 3) -> list[tuple[str, float]]:
    """Best-of-`repeat` wall time of each example query, on a fresh connection as a user has."""
    timings = []
    for name in names:
        best = float("inf")
        for _ in range(repeat):
            with store.connect() as con:
                start = time.perf_counter()
                con.execute(query(name)).fetchall()
                best = min(best, time.perf_counter() - start)
        timings.append((name, best))
    return timings
