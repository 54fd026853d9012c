"""Cache keys for the expensive steps, so a retried or re-triggered run does not redo them.

A key holds what a step's output depends on and nothing else: the content of its inputs (as
hashes, never the objects, and never a spaCy object), the options that change the output, and the
step's version constant, which goes up whenever its code changes what it returns. A run that
failed after the NLP of a batch and is triggered again finds the batch by that key and skips it.

Results are small pickled dataclasses under `$NEWSFLOW_HOME/cache`, one folder per home so two
warehouses never share results. They expire after CACHE_DAYS, when `prune` deletes them; the
folder can also be deleted at any time.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import astuple, fields
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tasks.analyze import EXTRACTOR_VERSION
from tasks.clean import CLEANER_VERSION
from tasks.nlp import default_model
from tasks.records import Article, RawRecord

if TYPE_CHECKING:
    from prefect.context import TaskRunContext

CACHE_DIR = "cache"
CACHE_DAYS = 7
EXPIRATION = timedelta(days=CACHE_DAYS)


def cache_dir(home: Path) -> Path:
    return home / CACHE_DIR


def _key(step: str, *parts: object) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode())
        digest.update(b"\0")
    return f"{step}-{digest.hexdigest()}"


def clean_key(_context: TaskRunContext, parameters: dict[str, Any]) -> str:
    """The records' full content, the cleaning options, the cleaner's version and the fields an
    Article has (a result cached before a field was added would lack it)."""
    records: list[RawRecord] = parameters["records"]
    return _key(
        "clean",
        CLEANER_VERSION,
        [f.name for f in fields(Article)],
        parameters["options"],
        *(astuple(r) for r in records),
    )


def nlp_key(_context: TaskRunContext, parameters: dict[str, Any]) -> str:
    """The articles' content hashes, the model's name and the extractors' version.

    `n_process` is left out: it changes how fast the answer comes, not the answer.
    """
    articles: list[Article] = parameters["articles"]
    model = parameters["model"] or default_model()
    return _key("nlp", EXTRACTOR_VERSION, model, *(a.content_hash for a in articles))


def prune(folder: Path, now: float | None = None) -> int:
    """Delete cached results older than CACHE_DAYS (they can no longer be hits); return how many."""
    if not folder.is_dir():
        return 0
    cutoff = (now or time.time()) - EXPIRATION.total_seconds()
    removed = 0
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
