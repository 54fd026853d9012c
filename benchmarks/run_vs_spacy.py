"""`newsflow bench`: what a user waits for, against spaCy's own throughput, in one run.

The NLP pass is the cost of the pipeline; everything else (Prefect, cleaning, extraction, Parquet,
start-up and teardown) should be nearly free. So the benchmark runs bare `nlp.pipe` over the very
texts of the drop, with the same model and processes and the model already loaded, and `newsflow
run` on the drop as a subprocess, and reports the command's wall clock and the flow's time against
it, with the peak memory of each phase. The drop's articles are all different texts. Rounds of the
two alternate which goes first, each command loading into a new warehouse.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flows.runtime import server as background
from warehouse.store import Store

SHARD = 500  # articles per .jsonl file of the generated drop


@dataclass
class Phase:
    """Bare nlp.pipe over the drop's texts, as one round timed it."""

    seconds: float
    articles: int
    tokens: int
    peak_rss: int  # bytes, this process and its children
    cpu: float  # seconds, this process and its spaCy workers, while it parsed


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


def distinct_texts(texts: list[str], count: int, seed: int = 7) -> list[str]:
    """`count` different article texts: every text of the corpus once, then variations.

    A benchmark that cycles a few texts measures less than a real drop does (each text's strings
    are known to spaCy's vocabulary and tokenizer cache after the first pass). A variation keeps
    the paragraphs of one article and puts a paragraph of another article in place of about half
    of them: news prose of the same length and kind, a different text every time.
    """
    unique = list(dict.fromkeys(t.strip() for t in texts if t.strip()))
    paragraphs = [[p for p in t.split("\n") if p.strip()] for t in unique]
    chosen = unique[:count]
    seen = set(chosen)
    rng = random.Random(seed)
    number = 0
    while len(chosen) < count:
        if number > 100 * count:
            raise SystemExit(f"the corpus is too small to vary into {count} different articles")
        base = paragraphs[number % len(unique)]
        number += 1
        mixed = [p if rng.random() < 0.5 else rng.choice(rng.choice(paragraphs)) for p in base]
        text = "\n\n".join(mixed)
        if text not in seen:
            seen.add(text)
            chosen.append(text)
    return chosen


def build_drop(texts: list[str], drop: Path) -> None:
    """The texts as a drop of .jsonl files, one article each, as a scraper would deliver them."""
    drop.mkdir(parents=True, exist_ok=True)
    for shard in range(0, len(texts), SHARD):
        with open(drop / f"part-{shard // SHARD:05d}.jsonl", "w", encoding="utf-8") as handle:
            for i in range(shard, min(shard + SHARD, len(texts))):
                record = {"id": f"bench-{i}", "title": f"Benchmark article {i}", "text": texts[i]}
                handle.write(json.dumps(record) + "\n")


def _processes() -> dict[int, tuple[int, int, float]]:
    """Every process's parent, resident bytes and CPU seconds (its own, and its reaped
    children's), from one reading of /proc."""
    page, ticks = os.sysconf("SC_PAGE_SIZE"), os.sysconf("SC_CLK_TCK")
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        cpu = sum(int(f) for f in fields[11:15]) / ticks  # utime stime cutime cstime
        found[int(entry)] = (int(fields[1]), int(fields[21]) * page, cpu)
    return found


def _children(table: dict[int, tuple[int, int, float]]) -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for child, (parent, _, _) in table.items():
        children.setdefault(parent, []).append(child)
    return children


def _descendants(pid: int, children: dict[int, list[int]]) -> list[int]:
    found, stack = [], list(children.get(pid, []))
    while stack:
        current = stack.pop()
        found.append(current)
        stack += children.get(current, [])
    return found


def tree_rss(*pids: int) -> list[tuple[int, int]]:
    """Resident memory of each process, and of all its descendants together, from one reading of
    /proc for all of them."""
    table = _processes()
    children = _children(table)
    return [
        (
            table.get(pid, (0, 0, 0.0))[1],
            sum(table[d][1] for d in _descendants(pid, children)),
        )
        for pid in pids
    ]


def tree_cpu(pid: int) -> float:
    """CPU seconds a process and its descendants have used so far (the home's server, which is
    no child of the bench, so its use is read from /proc before and after a run)."""
    table = _processes()
    return sum(table[p][2] for p in [pid, *_descendants(pid, _children(table))] if p in table)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Peaks:
    """Peak resident memory of process trees: of their sum, and of each root's own process
    and of its descendants, each at its own peak."""

    parts: list[tuple[int, int]] = field(default_factory=list)  # per root: (own, descendants)
    # (when, the sum): whether memory grows over a run, which one peak cannot tell (memory that
    # stays bounded peaks alike in every part of a run).
    samples: list[tuple[float, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return max((summed for _, summed in self.samples), default=0)

    def add(self, sample: list[tuple[int, int]], at: float | None = None) -> None:
        """One reading of the roots, taken now (or `at`, seconds on any one clock)."""
        self.samples.append(
            (time.monotonic() if at is None else at, sum(own + below for own, below in sample))
        )
        self.parts = [
            (max(own, old_own), max(below, old_below))
            for (own, below), (old_own, old_below) in zip(
                sample, self.parts or [(0, 0)] * len(sample), strict=True
            )
        ]

    def by_part(self, count: int = 4) -> list[int]:
        """The peak of the sum in each of `count` equal spans of the sampled time, in order."""
        first = self.samples[0][0] if self.samples else 0.0
        length = self.samples[-1][0] - first if self.samples else 0.0
        peaks = [0] * count
        for when, summed in self.samples:
            span = min(int((when - first) / length * count), count - 1) if length else 0
            peaks[span] = max(peaks[span], summed)
        return peaks


# Seconds between samples. The peaks that matter last seconds (the commit, the parsing plateau),
# and the sampler shares the CPU with what it measures: reading /proc once per process tree
# every 100 ms took 7% of a core from a 10,000-article run.
SAMPLE_SECONDS = 0.5


@contextmanager
def peak_memory(*pids: int) -> Iterator[Peaks]:
    """Sample the RSS of process trees (default: this process's) every SAMPLE_SECONDS."""
    roots = pids or (os.getpid(),)
    peaks = Peaks()
    peaks.add(tree_rss(*roots))
    done = threading.Event()

    def sample() -> None:
        while not done.wait(SAMPLE_SECONDS):
            peaks.add(tree_rss(*roots))

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peaks
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
    """spaCy as installed: the pipeline with its own AttributeRuler (the run applies the same
    rules by table, tasks/attribute_table.py, which is part of what it gains), and the
    components the run leaves out left out here too."""
    from tasks.nlp import spacy_pipeline

    with peak_memory() as peak:
        nlp = spacy_pipeline(model)
        cpu = _own_cpu() + _children_cpu()
        start = time.perf_counter()
        # spaCy joins its workers when the last Doc is out, so their CPU is the children's.
        tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=64, n_process=n_process))
        seconds = time.perf_counter() - start
        cpu = _own_cpu() + _children_cpu() - cpu
    return Phase(seconds, len(texts), tokens, peak.total, cpu)


@dataclass
class Command:
    """`newsflow run` as the benchmark saw it."""

    run: dict[str, Any]  # its `runs` row
    wall: float  # seconds from the command to its exit
    memory: Peaks  # of its process tree, then of the home's Prefect server
    cpu: float  # seconds, its process tree (the flow's process and the spaCy workers it ended)
    server_cpu: float  # seconds the home's Prefect server used meanwhile

    def parts(self) -> str:
        """Where the peak is: the flow's process, its children, the server (each at its own
        peak, so they add up to more than the peak of the whole)."""
        (flow, children), *server = self.memory.parts
        mib = [f"flow's process {flow / 2**20:,.0f}", f"its children {children / 2**20:,.0f}"]
        mib += [f"Prefect server {sum(server[0]) / 2**20:,.0f}"] if server else []
        return ", ".join(mib) + " MiB (children: spaCy workers, Prefect's temporary API)"


@dataclass
class Round:
    """One bare pass and one command over the same drop, in the order given."""

    bare: Phase
    command: Command
    bare_first: bool

    @property
    def flow_seconds(self) -> float:
        run = self.command.run
        return float((run["finished_at"] - run["started_at"]).total_seconds())

    @property
    def ratio(self) -> float:
        """Bare nlp.pipe's time over the command's: 1.0 is a run that costs only its parse."""
        return self.bare.seconds / self.command.wall

    @property
    def flow_ratio(self) -> float:
        return self.bare.seconds / self.flow_seconds

    @property
    def cpu_ratio(self) -> float:
        """Bare nlp.pipe's CPU over the command's and the server's: on a machine whose speed
        moves between the phases, the steadier sign of which one does more work (on cores that
        both phases keep full, it is also the ratio of their wall clocks)."""
        return self.bare.cpu / (self.command.cpu + self.command.server_cpu)


def bare_first(number: int) -> bool:
    """Round `number` (from 0) times bare nlp.pipe first, the next one the command first, and so
    on: on a machine whose speed drifts over minutes (a shared host), a phase that always ran
    second would always meet the drift second. Two benches of one code here an hour apart gave
    ratios of 0.90 and 1.00, each from one bare pass and one command."""
    return number % 2 == 0


def flow_run(drop: Path, home: Path, options: list[str], server: int | None) -> Command:
    """`newsflow run` on the drop, as a user runs it with the warm runner off, in a process of
    its own.

    Memory counts its whole process tree (the flow's process and the spaCy workers; Prefect's
    temporary API when there is one) and the home's background server (`server`: the pid of its
    supervisor), which is not the run's child but works for it.
    """
    command = [sys.executable, "-m", "flows.cli", "run", str(drop), "--home", str(home), *options]
    server_cpu = tree_cpu(server) if server else 0.0
    cpu = _children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with process, peak_memory(process.pid, *([server] if server else [])) as peaks:
        _, errors = process.communicate()
    wall = time.perf_counter() - started
    cpu = _children_cpu() - cpu
    server_cpu = tree_cpu(server) - server_cpu if server else 0.0
    if process.returncode != 0:
        raise SystemExit(f"newsflow run failed ({process.returncode}):\n{errors.decode()[-2000:]}")
    with Store(home).connect() as con:
        cursor = con.execute("SELECT * FROM runs ORDER BY started_at DESC LIMIT 1")
        names = [column[0] for column in cursor.description]
        row = dict(zip(names, cursor.fetchone(), strict=True))
    return Command(row, wall, peaks, cpu, server_cpu)


@dataclass(frozen=True)
class Setup:
    """What every round of a bench runs on."""

    drop: Path
    texts: list[str]  # the drop's, for bare nlp.pipe
    model: str | None
    processes: int
    options: list[str]  # of `newsflow run`
    cold: bool  # each command starts the home's Prefect server


def bench_round(number: int, home: Path, setup: Setup, say: Callable[[str], None]) -> Round:
    """Bare nlp.pipe and the command into `home`, in this round's order (bare_first). The
    home's server is up before the command unless the bench is cold: a home that ran recently
    has it."""

    def bare() -> Phase:
        phase = bare_pipe(setup.texts, setup.model, setup.processes)
        say(f"round {number + 1}: bare nlp.pipe {phase.seconds:,.1f}s (model loaded)")
        return phase

    first = bare() if bare_first(number) else None
    server = None
    if not setup.cold:
        started = time.perf_counter()
        with background.lease(home) as held:
            server = held.started or background.running(background.prefect_home())
        if held.started:
            say(f"home's Prefect server started in {time.perf_counter() - started:.1f}s")
    command = flow_run(setup.drop, home, setup.options, server.pid if server else None)
    say(f"round {number + 1}: newsflow run {command.wall:,.1f}s")
    if setup.cold:  # the next round starts it again
        background.stop(background.prefect_home())
    return Round(first or bare(), command, first is not None)
