"""The NLP pass over a batch: one parse per article, then entities and quotes from that parse.

Docs never leave this module: parsing and extraction happen together, so only small result rows
cross process or task boundaries (a pickled Doc costs more than the parse that made it).
"""

from __future__ import annotations

import atexit
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache

from tasks.entities import extract_mentions, speaker_mentions
from tasks.nlp import load_model, parse
from tasks.quotes import extract_quotes
from tasks.records import Analysis, Article

ENGLISH = "en"
# Part of the cache key of analysed batches: raise it with any change to the extractors (entities,
# quotes, lexicon) that alters what analyze() returns for the same text, or runs will reuse
# results the old code produced.
EXTRACTOR_VERSION = 1


def analyze_texts(texts: list[str], model: str | None = None) -> list[Analysis]:
    """Entities and quotes of each text, from one spaCy pass in this process."""
    nlp = load_model(model)
    results = []
    for doc in parse(texts, nlp):
        mentions = extract_mentions(doc)
        quotes = extract_quotes(doc, mentions)
        results.append(Analysis(mentions=speaker_mentions(doc, mentions, quotes), quotes=quotes))
    return results


def analyze(
    articles: list[Article], model: str | None = None, n_process: int = 1
) -> list[Analysis]:
    """Analyses in article order; articles not in English get an empty analysis, not a guess."""
    english = [i for i, a in enumerate(articles) if a.language in (ENGLISH, None)]
    texts = [articles[i].text for i in english]
    if n_process > 1 and len(texts) > 1:
        size = -(-len(texts) // n_process)
        chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
        parts = _pool(n_process, model).map(analyze_texts, chunks, [model] * len(chunks))
        found = [analysis for part in parts for analysis in part]
    else:
        found = analyze_texts(texts, model)
    results = [Analysis() for _ in articles]
    for index, analysis in zip(english, found, strict=True):
        results[index] = analysis
    return results


@lru_cache(maxsize=1)
def _pool(n_process: int, model: str | None) -> ProcessPoolExecutor:
    """Worker processes that load the model once and live as long as this process."""
    pool = ProcessPoolExecutor(
        n_process,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=load_model,
        initargs=(model,),
    )
    atexit.register(pool.shutdown, cancel_futures=True)
    return pool
