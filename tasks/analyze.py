"""The NLP pass over a batch: one parse per article, then entities and quotes from that parse.

Docs never leave this module: parsing and extraction happen together, so only small result rows
cross process or task boundaries (a pickled Doc costs more than the parse that made it).
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

from tasks.batching import batches
from tasks.entities import extract_mentions, speaker_mentions, without_things
from tasks.gender import agreeing_speakers, with_gender
from tasks.nlp import BATCH_CHARS, load_model, mark_filtered, parse, text_of
from tasks.quotes import extract_quotes
from tasks.records import Analysis, Article
from tasks.subjects import clause_subjects

ENGLISH = "en"
# Below this many articles a batch is parsed in this process: spawning workers and loading the
# model in each costs seconds, more than parsing a few articles.
MIN_POOL_BATCH = 24
# Characters sent to a worker at a time: four of spaCy's batches, a second or two of parsing.
CHUNK_CHARS = 4 * BATCH_CHARS
_POOLS: dict[str | None, ProcessPoolExecutor] = {}
_POOL_LOCK = threading.Lock()
_IN_PROCESS = threading.Lock()
# Part of the cache key of analysed batches: raise it with any change to the extractors (entities,
# quotes, lexicon) that alters what analyze() returns for the same text, or runs will reuse
# results the old code produced (22: "Clinton's advisers" are not Clinton).
EXTRACTOR_VERSION = 22


def analyze_texts(
    texts: list[str], model: str | None = None, cleaned: bool = False
) -> list[Analysis]:
    """Entities (people with their gender) and quotes of each text, from one spaCy pass in this
    process. `cleaned`: the texts are articles' as the clean step made them, not raw text (the
    evaluation corpora's), so their boilerplate lines are known to be gone."""
    nlp = load_model(model)
    results = []
    with _IN_PROCESS:  # one pipeline object, one caller at a time
        for doc in parse(texts, nlp):
            if cleaned:
                mark_filtered(doc)
            mentions = extract_mentions(doc)
            quotes = extract_quotes(doc, mentions)
            mentions = speaker_mentions(doc, mentions, quotes)
            sentence_starts = [s.start_char for s in doc.sents]
            subjects = clause_subjects(doc)
            mentions = with_gender(text_of(doc), sentence_starts, mentions, quotes, subjects)
            mentions = without_things(mentions, quotes, doc.vocab)
            quotes = agreeing_speakers(text_of(doc), sentence_starts, mentions, quotes, subjects)
            results.append(Analysis(mentions=mentions, quotes=quotes))
    return results


def analyze(
    articles: list[Article], model: str | None = None, n_process: int = 1
) -> list[Analysis]:
    """Analyses in article order; articles not in English get an empty analysis, not a guess.

    With several processes a batch is cut into chunks of CHUNK_CHARS, so that workers stay busy
    until the batch ends: the last worker to finish ends at most one chunk (about a second of
    parsing) after the others. A batch too small to pay for starting workers runs here, unless
    they were started already (start_workers), and then this process never loads spaCy.
    """
    english = [i for i, a in enumerate(articles) if a.language in (ENGLISH, None)]
    texts = [articles[i].text for i in english]
    found: list[Analysis] = []
    if texts and (model in _POOLS or (n_process > 1 and len(texts) >= MIN_POOL_BATCH)):
        chunks = list(batches(texts, len, CHUNK_CHARS))
        with _spawning():
            parts = _pool(n_process, model).map(
                analyze_texts, chunks, [model] * len(chunks), [True] * len(chunks)
            )
        found = [analysis for part in parts for analysis in part]
    elif texts:
        found = analyze_texts(texts, model, cleaned=True)
    results = [Analysis() for _ in articles]
    for index, analysis in zip(english, found, strict=True):
        results[index] = analysis
    return results


def start_workers(n_process: int, model: str | None = None) -> None:
    """Start `n_process` workers now, so that they load the model while the caller does other
    things (the CLI: while it imports Prefect and its server starts). Every later batch of this
    model is parsed by them, whatever its size."""
    pool = _pool(n_process, model)
    with _spawning():
        for _ in range(n_process):  # each submit spawns a worker while the others still load
            pool.submit(_ready)


def release_workers() -> None:
    """End every worker now: the caller has nothing more to parse. A run's commit then has the
    workers' memory (about 300 MB each) to itself, and a process that runs again later (`newsflow
    serve`) holds no idle model between runs; its next run starts workers again (seconds)."""
    with _POOL_LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    if pools:
        atexit.unregister(_stop)
    for pool in pools:
        _stop(pool)


def _stop(pool: ProcessPoolExecutor) -> None:
    """End the workers at exit. Every result is in by then, and an orderly exit costs each worker
    one to three seconds of freeing spaCy's memory at the end of every run; the executor has no
    public way to end its workers, hence `_processes`."""
    for process in list((pool._processes or {}).values()):
        process.terminate()
    pool.shutdown(cancel_futures=True)


@contextlib.contextmanager
def _spawning() -> Iterator[None]:
    """Workers started inside begin with SIGINT blocked (a blocked signal stays blocked through
    fork and exec) until their initializer ignores it: a Ctrl-C that comes while one still
    imports would otherwise print its traceback. The caller gets its signals meanwhile: Python
    runs its handlers in the main thread whichever thread the kernel gave the signal to."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _worker_start(model: str | None) -> None:
    """A worker leaves Ctrl-C to its parent, which ends it (a terminal sends SIGINT to the whole
    process group, and an idle worker would otherwise print a KeyboardInterrupt traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # see _spawning
    load_model(model)


def _ready() -> None:
    """Nothing: the worker's initializer has loaded the model when this runs."""


def _pool(n_process: int, model: str | None) -> ProcessPoolExecutor:
    """Worker processes that load the model once and live as long as this process; the first
    caller for a model sets how many."""
    with _POOL_LOCK:  # batches in flight ask for the pool from several threads at once
        if model not in _POOLS:
            pool = ProcessPoolExecutor(
                n_process,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_start,
                initargs=(model,),
            )
            atexit.register(_stop, pool)
            _POOLS[model] = pool
        return _POOLS[model]
