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
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warehouse.store import Store

SHARD = 500  # articles per .jsonl file of the generated drop


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
    """Article texts from a folder or file of .txt (headline first) or .jsonl articles; lines
    that are not JSON articles with a text are skipped (the seed drops hold some on purpose)."""
    paths = sorted(source.rglob("*")) if source.is_dir() else [source]
    texts = []
    for path in paths:
        if path.suffix == ".txt":
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
        elif path.suffix == ".jsonl":
            with open(path, encoding="utf-8") as handle:
                for line in handle:
                    try:
                        item = json.loads(line)
                    except json.JSONDecodeError:
                        continue
                    text = isinstance(item, dict) and (
                        item.get("text") or item.get("body") or item.get("content")
                    )
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
def peak_memory(pid: int | None = None) -> Iterator[list[int]]:
    """Sample the RSS of a process tree (default: this process's) every 100 ms; the peak is in
    the yielded list."""
    root = pid or os.getpid()
    peak = [tree_rss(root)]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            peak[0] = max(peak[0], tree_rss(root))

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        done.set()
        thread.join()


def bare_pipe(texts: list[str], model: str | None, n_process: int) -> Phase:
    """spaCy alone: the same pipeline over the same texts, documents consumed and dropped.

    It runs in a process of its own, so its model and its memory are neither counted against
    nor left behind for the pipeline measured after it.
    """
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(_bare_pipe, texts, model, n_process).result()


def _bare_pipe(texts: list[str], model: str | None, n_process: int) -> Phase:
    from tasks.nlp import load_model

    with peak_memory() as peak:
        nlp = load_model(model)
        start = time.perf_counter()
        tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=64, n_process=n_process))
        seconds = time.perf_counter() - start
    return Phase("bare nlp.pipe", seconds, len(texts), tokens, peak[0])


def flow_run(drop: Path, home: Path, options: list[str]) -> tuple[dict[str, Any], float, int]:
    """`newsflow run` on the drop, exactly as a user runs it, in a process of its own.

    Returns the run's `runs` row, the wall time (with interpreter and Prefect API start-up) and
    the peak RSS of its process tree: the flow's process, the spaCy workers and Prefect's
    temporary API server.
    """
    command = [sys.executable, "-m", "flows.cli", "run", str(drop), "--home", str(home), *options]
    started = time.perf_counter()
    with (
        subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as process,
        peak_memory(process.pid) as peak,
    ):
        _, errors = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"newsflow run failed ({process.returncode}):\n{errors.decode()[-2000:]}")
    with Store(home).connect() as con:
        cursor = con.execute("SELECT * FROM runs ORDER BY started_at DESC LIMIT 1")
        names = [column[0] for column in cursor.description]
        row = dict(zip(names, cursor.fetchone(), strict=True))
    return row, wall, peak[0]
