"""The NLP pass over a batch: one parse per article, then entities and quotes from that parse.

Docs never leave this module: parsing and extraction happen together, so only small result rows
cross process or task boundaries (a pickled Doc costs more than the parse that made it).
"""

from __future__ import annotations

import atexit
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor

from tasks.entities import extract_mentions, speaker_mentions
from tasks.nlp import load_model, parse
from tasks.quotes import extract_quotes
from tasks.records import Analysis, Article

ENGLISH = "en"
# Below this many articles a batch is parsed in this process: spawning workers and loading the
# model in each costs seconds, more than parsing a few articles.
MIN_POOL_BATCH = 24
_POOLS: dict[tuple[int, str | None], ProcessPoolExecutor] = {}
_POOL_LOCK = threading.Lock()
_IN_PROCESS = threading.Lock()
# Part of the cache key of analysed batches: raise it with any change to the extractors (entities,
# quotes, lexicon) that alters what analyze() returns for the same text, or runs will reuse
# results the old code produced.
EXTRACTOR_VERSION = 3


def analyze_texts(texts: list[str], model: str | None = None) -> list[Analysis]:
    """Entities and quotes of each text, from one spaCy pass in this process."""
    nlp = load_model(model)
    results = []
    with _IN_PROCESS:  # one pipeline object, one caller at a time
        for doc in parse(texts, nlp):
            mentions = extract_mentions(doc)
            quotes = extract_quotes(doc, mentions)
            results.append(
                Analysis(mentions=speaker_mentions(doc, mentions, quotes), quotes=quotes)
            )
    return results


def analyze(
    articles: list[Article], model: str | None = None, n_process: int = 1
) -> list[Analysis]:
    """Analyses in article order; articles not in English get an empty analysis, not a guess.

    With several processes a batch is cut into small chunks, so that workers stay busy until the
    batch ends and one slow article does not hold the rest; a batch too small to pay for the
    workers' start-up runs here.
    """
    english = [i for i, a in enumerate(articles) if a.language in (ENGLISH, None)]
    texts = [articles[i].text for i in english]
    if n_process > 1 and len(texts) >= MIN_POOL_BATCH:
        size = max(4, len(texts) // (4 * n_process))
        chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
        parts = _pool(n_process, model).map(analyze_texts, chunks, [model] * len(chunks))
        found = [analysis for part in parts for analysis in part]
    else:
        found = analyze_texts(texts, model)
    results = [Analysis() for _ in articles]
    for index, analysis in zip(english, found, strict=True):
        results[index] = analysis
    return results


def _pool(n_process: int, model: str | None) -> ProcessPoolExecutor:
    """Worker processes that load the model once and live as long as this process."""
    with _POOL_LOCK:  # batches in flight ask for the pool from several threads at once
        key = (n_process, model)
        if key not in _POOLS:
            pool = ProcessPoolExecutor(
                n_process,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=load_model,
                initargs=(model,),
            )
            atexit.register(pool.shutdown, cancel_futures=True)
            _POOLS[key] = pool
        return _POOLS[key]
