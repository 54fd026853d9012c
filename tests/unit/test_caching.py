"""Cache keys of the expensive steps: content and what changes the answer, nothing else."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

import pytest

from flows import caching
from tasks.clean import CleanOptions
from tasks.records import Article, RawRecord

ARTICLE = Article(
    article_id="a1", content_hash="h1", source_file="a.txt", record=None, text="Text."
)
RECORD = RawRecord(path="a.txt", record=None, format="text", body="Body.", title="Title")


def _nlp(articles: list[Article], model: str | None = "m", n_process: int = 1) -> str:
    return caching.nlp_key(None, {"articles": articles, "model": model, "n_process": n_process})  # type: ignore[arg-type]


DEFAULTS = CleanOptions()


def _clean(records: list[RawRecord], options: CleanOptions = DEFAULTS) -> str:
    return caching.clean_key(None, {"records": records, "options": options})  # type: ignore[arg-type]


def test_nlp_key_is_content_model_and_version(monkeypatch: pytest.MonkeyPatch) -> None:
    key = _nlp([ARTICLE])
    assert key == _nlp([ARTICLE], n_process=4)  # speed, not the answer
    assert key == _nlp([replace(ARTICLE, source_file="elsewhere.txt")])  # same content
    assert key != _nlp([replace(ARTICLE, content_hash="h2")])
    assert key != _nlp([ARTICLE], model="other")
    assert key != _nlp([ARTICLE, ARTICLE])
    monkeypatch.setattr(caching, "EXTRACTOR_VERSION", 99)
    assert key != _nlp([ARTICLE])


def test_nlp_key_names_the_default_model() -> None:
    from tasks.nlp import default_model

    assert _nlp([ARTICLE], model=None) == _nlp([ARTICLE], model=default_model())
    assert _nlp([ARTICLE], model=None) != _nlp([ARTICLE], model="m")


def test_clean_key_is_the_records_content_options_and_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = _clean([RECORD])
    assert key == _clean([replace(RECORD)])
    assert key != _clean([replace(RECORD, body="Other body.")])
    assert key != _clean([RECORD], CleanOptions(max_article_chars=10))
    monkeypatch.setattr(caching, "CLEANER_VERSION", 99)
    assert key != _clean([RECORD])


def test_prune_deletes_only_expired_results(tmp_path: Path) -> None:
    old, new = tmp_path / "nlp-old", tmp_path / "nlp-new"
    for path in (old, new):
        path.write_bytes(b"x")
    stale = time.time() - caching.EXPIRATION.total_seconds() - 60
    os.utime(old, (stale, stale))
    assert caching.prune(tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["nlp-new"]
    assert caching.prune(tmp_path / "missing") == 0
