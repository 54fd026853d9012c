"""`newsflow eval clean` and `eval clean-segments`: the clean step on annotated pages, scored.

Each page goes the pipeline's own way, ingest.parse_document then clean.clean, so a figure here is
the warehouse's figure. The benchmarks' metrics live in evaluation/scoring.py.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import median, quantiles
from typing import Any

from evaluation.scoring import MetadataField, metadata_match
from tasks.clean import CleanOptions, clean
from tasks.ingest import Limits, parse_document
from tasks.records import Article, RawRecord

PAGE_SUFFIXES = (".html.gz", ".html", ".htm.gz", ".htm")


@dataclass(frozen=True)
class CleanedPage:
    """One page through the clean step: the article, or why there is none, and the time taken."""

    article: Article | None
    reason: str | None
    seconds: float

    @property
    def text(self) -> str | None:
        return self.article.text if self.article else None


def page_id(path: Path) -> str:
    name = path.name
    return next((name.removesuffix(s) for s in PAGE_SUFFIXES if name.endswith(s)), name)


def page_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.endswith(PAGE_SUFFIXES))


def clean_file(path: Path, url: str | None) -> CleanedPage:
    """Read, decode and clean one page exactly as a drop would; `url` is what a JSON drop would
    give with it. Only the clean step is timed."""
    records = list(parse_document(path.name, path.read_bytes(), Limits()))
    raw = records[0] if records else None
    if not isinstance(raw, RawRecord):
        return CleanedPage(None, raw.reason if raw else "nothing read", 0.0)
    raw = dataclasses.replace(raw, url=url)
    start = time.perf_counter()
    result = clean(raw, CleanOptions())
    seconds = time.perf_counter() - start
    if isinstance(result, Article):
        return CleanedPage(result, None, seconds)
    return CleanedPage(None, result.reason, seconds)


def clean_folder(folder: Path, urls: Mapping[str, str]) -> dict[str, CleanedPage]:
    return {page_id(p): clean_file(p, urls.get(page_id(p))) for p in page_files(folder)}


def benchmark_predictions(pages: Mapping[str, CleanedPage]) -> dict[str, dict[str, Any]]:
    """The article-extraction-benchmark's own output format, one entry per page."""
    output = {}
    for name, page in pages.items():
        article = page.article
        output[name] = {
            "articleBody": article.text if article else "",
            "title": article.headline if article else None,
            "author": article.byline if article else None,
            "date": article.published_at.isoformat() if article and article.published_at else None,
        }
    return output


def milliseconds(pages: Iterable[CleanedPage]) -> tuple[float, float]:
    """Median and 95th percentile of the clean time per page, in ms."""
    times = [p.seconds * 1000 for p in pages if p.seconds]
    if len(times) < 2:
        return (times[0], times[0]) if times else (0.0, 0.0)
    return median(times), quantiles(times, n=20)[-1]


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------
# trafilatura_eval: must-keep / must-drop segments and metadata, newsflow next to trafilatura
# --------------------------------------------------------------------------------------------

FIELDS: tuple[MetadataField, ...] = ("title", "author", "date")


@dataclass(frozen=True)
class SystemRun:
    """One system's text and metadata per annotated page, keyed by the annotation's `file`."""

    texts: dict[str, str | None]
    metadata: dict[str, dict[str, Any]]


def read_annotations(folder: Path) -> list[dict[str, Any]]:
    with open(folder / "annotations.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def page_url(annotation: Mapping[str, Any]) -> str | None:
    """The page's address; some upstream keys are labels ("hard::…"), not addresses."""
    url = str(annotation.get("url") or "")
    return url if url.startswith(("http://", "https://")) else None


def newsflow_run(folder: Path, annotations: Sequence[Mapping[str, Any]]) -> SystemRun:
    texts: dict[str, str | None] = {}
    metadata: dict[str, dict[str, Any]] = {}
    for annotation in annotations:
        key = str(annotation["file"])
        page = clean_file(folder / key, page_url(annotation))
        article = page.article
        texts[key] = page.text
        metadata[key] = {
            "title": article.headline if article else None,
            "author": list(article.authors) if article else None,
            "date": article.published_at.date() if article and article.published_at else None,
        }
    return SystemRun(texts, metadata)


def trafilatura_run(folder: Path, annotations: Sequence[Mapping[str, Any]]) -> SystemRun:
    """trafilatura alone, with the settings of its own evaluation (raw bytes in, no comments,
    tables kept), for the side-by-side figures."""
    import gzip

    import trafilatura

    texts: dict[str, str | None] = {}
    metadata: dict[str, dict[str, Any]] = {}
    for annotation in annotations:
        key = str(annotation["file"])
        data = (folder / key).read_bytes()
        data = gzip.decompress(data) if key.endswith(".gz") else data
        document = trafilatura.bare_extraction(
            data,
            url=page_url(annotation),
            with_metadata=True,
            include_comments=False,
            include_tables=True,
        )
        texts[key] = document.text if document else None
        metadata[key] = {f: getattr(document, f, None) for f in FIELDS}
    return SystemRun(texts, metadata)


def metadata_accuracy(
    annotations: Sequence[Mapping[str, Any]], run: SystemRun, field: MetadataField
) -> tuple[float, int]:
    """Share of the pages with a gold value for `field` that the run gets right, and how many
    pages that is (pages without a gold value are left out, as in the data's README)."""
    judged = [a for a in annotations if a.get(field)]
    right = sum(
        metadata_match(field, a[field], run.metadata[str(a["file"])][field]) for a in judged
    )
    return (right / len(judged) if judged else 0.0), len(judged)
