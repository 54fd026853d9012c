"""The `process-drop` flow: one drop through ingest → clean → nlp/entities/quotes → load.

Work goes in batches: one task run per step per batch of a few hundred articles, never per
article (a task run costs milliseconds of API time; a small article's NLP costs less). Files are
read one record at a time into those batches, and each batch is staged as soon as it is done, so
memory stays flat however large the drop or any file in it; nothing becomes visible until the
run's one lakehouse commit, which carries every row and its `runs` row.
"""

from __future__ import annotations

import contextlib
import gc
import time
import uuid
from collections import Counter, defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.serializers import PickleSerializer

from flows import progress
from flows.caching import EXPIRATION, cache_dir, clean_key, nlp_key, prune
from flows.options import RunOptions
from flows.report import RunSummary, publish, run_row
from flows.retries import RETRY
from flows.runtime import interrupt
from tasks import clean as clean_step
from tasks import ingest, load, stoppable
from tasks.analyze import analyze, release_workers
from tasks.batching import ramp
from tasks.records import (
    LIMIT_REASONS,
    Analysis,
    Article,
    FileEntry,
    RawRecord,
    Reject,
)
from tasks.syndication import Rules, Syndication
from tasks.transient import is_transient
from warehouse.failpoints import failpoint
from warehouse.store import Store

FLOW_NAME = "process-drop"
# Articles in the first batch; the next ones double up to the batch size (see tasks.batching.ramp).
FIRST_BATCH = 16
# Characters of records in one batch at most: a few hundred articles are a few million, and a
# batch of huge records is cut short rather than held whole (the batch is pickled to the clean
# process twice, and its articles are held while their NLP runs).
BATCH_CHARS = 8_000_000
# Rejects held before a batch goes on without records: a file of a hundred thousand bad records
# is staged as it is read, not kept until the next good one.
BATCH_REJECTS = 10_000


@task(name="ingest: scan", cache_policy=NO_CACHE, **RETRY)
def scan_drop(path: str) -> list[FileEntry]:
    return ingest.scan(Path(path))


def read_records(entry: FileEntry, limits: ingest.Limits) -> Iterator[RawRecord | Reject]:
    """A file's records as they are read. A transient I/O error reads the file again after the
    tasks' retry delays, skipping what was read already: a flaky share costs time, not the file.
    (Not a task: a task returns all it read at once, and one file may unpack to gigabytes.)"""
    done = 0
    for delay in [*RETRY["retry_delay_seconds"], None]:
        try:
            for index, item in enumerate(ingest.read_file(entry, limits)):
                if index == done:
                    done += 1
                    yield item
            return
        except OSError as error:  # read_file raises nothing else
            if delay is None or not is_transient(error):
                raise
            get_run_logger().warning("reading %s again in %s s: %s", entry.path, delay, error)
            time.sleep(delay)


def record_batches(
    entries: list[FileEntry], limits: ingest.Limits, sizes: Iterator[int], origin: dict[str, str]
) -> Iterator[tuple[list[RawRecord], list[Reject], int]]:
    """The files' records in batches of the next of `sizes` records and BATCH_CHARS characters
    at most, each with the rejects met meanwhile and how many files it finished; `origin` learns
    the drop file of every record's path (a path "a.zip!b.txt" came from "a.zip", and a file may
    be called "news!.txt")."""
    records: list[RawRecord] = []
    rejects: list[Reject] = []
    chars = finished = 0
    size = next(sizes)
    for entry in entries:
        for item in read_records(entry, limits):
            origin.setdefault(item.path, entry.path)
            if isinstance(item, Reject):
                rejects.append(item)
            else:
                records.append(item)
                chars += len(item.body)
            if len(records) >= size or chars >= BATCH_CHARS or len(rejects) >= BATCH_REJECTS:
                yield records, rejects, finished
                size = next(sizes) if records else size
                records, rejects, chars, finished = [], [], 0, 0
        finished += 1
    if records or rejects or finished:
        yield records, rejects, finished


# The two expensive steps keep their results (under the home, see flows/caching.py) so a run
# triggered again after a failure does not redo them for a batch it already did. On disk only:
# Prefect would otherwise also keep the last thousand results in memory, so the flow's memory
# would grow with every batch of the drop. The results are plain dataclasses, which the standard
# pickle writes a fifth faster than Prefect's default cloudpickle, on the flow's own CPU.
RESULTS = PickleSerializer(picklelib="pickle")


@task(
    name="clean",
    cache_key_fn=clean_key,
    cache_expiration=EXPIRATION,
    cache_result_in_memory=False,
    result_serializer=RESULTS,
)
def clean_records(
    records: list[RawRecord], options: clean_step.CleanOptions
) -> list[Article | Reject]:
    return clean_step.clean_batch(records, options)


@task(
    name="nlp: entities + quotes",
    cache_key_fn=nlp_key,
    cache_expiration=EXPIRATION,
    cache_result_in_memory=False,
    result_serializer=RESULTS,
)
def analyze_articles(articles: list[Article], model: str | None, n_process: int) -> list[Analysis]:
    return analyze(articles, model, n_process)


@task(name="load: stage batch", cache_policy=NO_CACHE, **RETRY)
def stage_batch(store: Store, run_id: str, name: str, tables: dict[str, pa.Table]) -> None:
    for table, rows in tables.items():
        if rows.num_rows:
            store.stage(run_id, table, rows, name)


@task(name="load: commit", cache_policy=NO_CACHE, **RETRY)
def commit_run(store: Store, summary: RunSummary, window_days: int) -> int:
    """The run's one transaction, its story and quote clusters included (against the stories
    within `window_days` of each new one); a retry after a commit that went through changes
    nothing."""
    return store.commit(
        summary.run_id,
        lambda: _final_row(summary),
        f"{summary.flow} run {summary.run_id} of drop {summary.drop_id}",
        {"flow": summary.flow, "drop_id": summary.drop_id, "source": summary.source},
        Syndication(Rules(window_days=window_days)),
    )


def _final_row(summary: RunSummary) -> pa.Table:
    """The run's `runs` row as its commit writes it: ending now, the commit's work timed."""
    summary.finished_at = datetime.now(UTC)
    return run_row(summary)


class Scanned:
    """A drop's files as the caller listed and hashed them, handed to the flow in its process.

    Prefect records a flow run's parameters in its database; this one it cannot encode, so it
    records "<Scanned>" instead of the list (1.8 MB of JSON for a drop of 10,000 files, per run).
    """

    __slots__ = ("entries",)

    def __init__(self, entries: list[FileEntry]) -> None:
        self.entries = entries


@dataclass
class _Pending:
    """A batch cleaned and versioned, its NLP running."""

    number: int
    records: int  # read from the files: what the progress bar counts
    fresh: list[load.Versioned]
    duplicates: list[Article]
    rejects: list[Reject]
    nlp: PrefectFuture[list[Analysis]] | None


def _finish(
    batch: _Pending,
    store: Store,
    summary: RunSummary,
    ctx: load.RunContext,
    per_file: dict[str, Counter[str]],
    origin: dict[str, str],
) -> None:
    """Wait for a batch's NLP, write its rows, count them."""
    analyses: list[Analysis] = []
    if batch.nlp is not None:
        with summary.timer("nlp"):
            batch.nlp.wait()
            analyses = _result(summary, "nlp", batch.nlp.state)
        failpoint("nlp")
    tables = {
        "articles": load.article_rows(batch.fresh, ctx),
        "entity_mentions": load.mention_rows(batch.fresh, analyses, ctx),
        "quotes": load.quote_rows(batch.fresh, analyses, ctx),
        "rejects": load.reject_rows(batch.rejects, ctx),
        "story_prints": load.story_print_rows(batch.fresh),
        "quote_prints": load.quote_print_rows(batch.fresh, analyses),
    }
    with summary.timer("load"):
        stage_batch(store, summary.run_id, f"{batch.number:05d}", tables)
    for v in batch.fresh:
        per_file[origin[v.article.source_file]]["loaded"] += 1
    for a in batch.duplicates:
        per_file[origin[a.source_file]]["duplicate"] += 1
    for r in batch.rejects:
        per_file[origin[r.path]]["rejected"] += 1
        summary.rejects[r.reason] += 1
    summary.counts["articles"] += len(batch.fresh)
    summary.counts["duplicates"] += len(batch.duplicates)
    summary.counts["rejects"] += len(batch.rejects)
    summary.counts["entity_mentions"] += tables["entity_mentions"].num_rows
    summary.counts["quotes"] += tables["quotes"].num_rows
    progress.analysed(batch.records)


def _result(summary: RunSummary, step: str, state: State[Any]) -> Any:
    """A task's result, counting the batches that came from the cache (the artifact shows them)."""
    if state.name == "Cached":
        summary.counts[f"cached_{step}_batches"] += 1
    return state.result()


@flow(name=FLOW_NAME, log_prints=True, validate_parameters=False)
def process_drop(
    drop: str,
    home: str | None = None,
    batch_size: int | None = None,
    n_process: int | None = None,
    model: str | None = None,
    lock_wait_seconds: float = 3600,
    batches_in_flight: int | None = None,
    retry_rejects: bool = False,
    options: RunOptions | None = None,
    scanned: Scanned | None = None,
    prepared: bool = False,
) -> RunSummary:
    """Load one drop (a folder, a file or an archive) into the warehouse under `home`.

    A scheduled or triggered run waits up to `lock_wait_seconds` for a load already running
    into the same home to finish; the CLI passes 0 to say so at once. With `retry_rejects`,
    files loaded before whose latest reading rejected something for a limit are read again.

    `options`, when given, replaces `home` to `batches_in_flight` (flows/options.py resolves
    them from the arguments and the environment otherwise: a deployment's run gives only the
    drop). The engine (flows/engine.py) also passes the drop's files, `scanned` already, and
    `prepared` when it has made the lake's schema current in this process.
    """
    if options is None:
        options = RunOptions.resolve(
            home,
            batch_size=batch_size,
            n_process=n_process,
            model=model,
            batches_in_flight=batches_in_flight,
        )
    store = options.store
    if not Path(drop).exists():
        raise FileNotFoundError(f"drop {drop!r} does not exist; give a folder, file or archive")
    summary = RunSummary(
        run_id=str(flow_run.get_id() or uuid.uuid4()),
        flow=FLOW_NAME,
        drop_id="",
        source=str(Path(drop).resolve()),
    )
    try:
        with store.write_lock(wait=lock_wait_seconds):
            try:
                entries = scanned.entries if scanned is not None else None
                _load(store, summary, options, retry_rejects, entries, prepared)
            except Exception as error:
                # The run's rows were never committed; a `failed` row, committed on its own,
                # tells `SELECT * FROM runs` what happened. Best effort (the disk may be the
                # cause), and never in place of the error itself.
                summary.fail(error)
                with contextlib.suppress(Exception):
                    store.record_failure(run_row(summary), f"failed run {summary.run_id}")
                raise
    except BaseException as error:
        summary.fail(error)
        # Not on Ctrl-C or SIGTERM: the same signal may have stopped Prefect's temporary API,
        # and an artifact sent to it would only delay the exit.
        if isinstance(error, Exception):
            _publish(summary)
        raise
    _publish(summary)
    return summary


def _publish(summary: RunSummary) -> None:
    """The run's artifact; failing to send it must neither fail a committed load nor replace the
    error that failed a run."""
    try:
        publish(summary)
    except Exception as error:
        get_run_logger().warning("the run's artifact could not be published: %s", error)


def _freeze_startup_objects() -> None:
    """Leave the objects alive before the first run (the modules of Prefect, pydantic, DuckDB:
    some 130,000) out of every later garbage collection, the one per batch included.

    A full collection walks every tracked object: 0.15 s on a quiet machine and over a second
    with the spaCy workers filling both cores, per batch. Frozen objects are never freed,
    hence only what exists before the first run: a process that runs many (`newsflow serve`,
    the tests) freezes once.
    """
    if not gc.get_freeze_count():
        gc.freeze()


def _load(
    store: Store,
    summary: RunSummary,
    options: RunOptions,
    retry_rejects: bool,
    entries: list[FileEntry] | None,
    prepared: bool,
) -> None:
    """The run under the write lock: tidy up, then batch by batch, then the commit."""
    _freeze_startup_objects()
    with summary.timer("recover"):
        if not prepared:
            store.init()
        store.discard_staging()
        prune(cache_dir(store.home))
    if entries is None:
        with summary.timer("ingest"):
            entries = scan_drop(summary.source)
    summary.drop_id = ingest.drop_id_for(Path(summary.source), entries)
    ctx = load.RunContext(summary.run_id, summary.drop_id, summary.started_at, summary.source)
    # An empty file has the one hash of no bytes: it is a reject of its own drop, never a
    # duplicate of another drop's empty file.
    seen = store.seen_files([e.sha256 for e in entries if e.bytes])
    # Files a limit refused, to read again (--retry-rejects); the rejects their last reading
    # recorded for other reasons are not recorded twice.
    retried = (
        store.limit_rejects([e.sha256 for e in entries if e.sha256 in seen], LIMIT_REASONS)
        if retry_rejects
        else {}
    )
    recorded = {r for found in retried.values() for r in found if r[2] not in LIMIT_REASONS}
    for sha in retried:
        seen.pop(sha)
    already = [e for e in entries if summary.drop_id in seen.get(e.sha256, set())]
    duplicate_files = [e for e in entries if e.sha256 in seen and e not in already]
    todo = [e for e in entries if e.sha256 not in seen]
    if retry_rejects:
        summary.counts["files_retried"] = sum(e.sha256 in retried for e in entries)
    summary.counts["files"] = len(entries)
    summary.counts["files_already_loaded"] = len(already)
    summary.counts["duplicate_files"] = len(duplicate_files)
    progress.total(len(todo))

    cache = cache_dir(store.home)
    clean_task = clean_records.with_options(result_storage=cache)
    nlp_task = analyze_articles.with_options(result_storage=cache)
    known = load.Known()
    per_file: dict[str, Counter[str]] = defaultdict(Counter)
    origin: dict[str, str] = {}
    # Batches whose NLP is running while the next batch is read and cleaned: the spaCy workers
    # never wait for the main process, and at most `window` batches are held in memory.
    in_flight: deque[_Pending] = deque()
    batch_no = 0
    reading = record_batches(todo, options.limits, ramp(FIRST_BATCH, options.batch_size), origin)
    while True:
        with summary.timer("ingest"):
            batch = next(reading, None)
        if batch is None:
            break
        records, rejects, finished = batch
        cleaned: list[Article | Reject] = []
        if records:
            with summary.timer("clean"):
                state = clean_task(records, options.clean, return_state=True)
                cleaned = _result(summary, "clean", state)
        articles = [a for a in cleaned if isinstance(a, Article)]
        rejects += [r for r in cleaned if isinstance(r, Reject)]
        ids = [a.article_id for a in articles]
        versions, loaded = store.known_articles(ids, [a.content_hash for a in articles])
        known.versions.update({k: max(v, known.versions.get(k, 0)) for k, v in versions.items()})
        known.hashes |= loaded
        known.taken_down |= store.taken_down(
            sorted({name for a in articles for name in load.takedown_names(a)})
        )
        fresh, duplicates, forgotten = load.assign_versions(articles, known)
        rejects += [load.taken_down_reject(a) for a in forgotten]
        if recorded:  # a retry: what the file's last reading recorded stays as it was
            for r in rejects:
                if (r.path, r.record, r.reason) in recorded:
                    per_file[origin[r.path]]["rejected"] += 1
            rejects = [r for r in rejects if (r.path, r.record, r.reason) not in recorded]
        failpoint("ingest")
        future = None
        if fresh:
            future = nlp_task.submit([v.article for v in fresh], options.model, options.n_process)
        in_flight.append(_Pending(batch_no, len(records), fresh, duplicates, rejects, future))
        batch_no += 1
        while len(in_flight) > options.batches_in_flight:
            _finish(in_flight.popleft(), store, summary, ctx, per_file, origin)
            # Prefect's task machinery leaves reference cycles that hold a batch's results
            # until a full collection, which comes rarely with this many live objects:
            # without this the flow's memory grew by about 5 MB per 100 articles (448 → 544
            # MB over 2,000), with it stays flat. It walks only what the run made (see
            # _freeze_startup_objects); the last batches need none.
            gc.collect()
        progress.advance(finished, len(records))
    while in_flight:
        _finish(in_flight.popleft(), store, summary, ctx, per_file, origin)
    release_workers()  # before the commit, which needs memory of its own
    stoppable.release()

    files = [(e, "duplicate", 0) for e in duplicate_files]
    for entry in todo:
        outcome = per_file[entry.path]
        status = (
            "loaded" if outcome["loaded"] else "duplicate" if outcome["duplicate"] else "rejected"
        )
        files.append((entry, status, sum(outcome.values())))
    progress.committing()
    with summary.timer("load"):
        stage_batch(store, summary.run_id, "files", {"files": load.file_rows(files, ctx)})
        interrupt.check()  # a Ctrl-C some library swallowed still commits nothing
        summary.snapshot_id = commit_run(store, summary, options.window_days)
