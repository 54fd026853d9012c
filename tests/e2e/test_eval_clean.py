"""`newsflow eval clean`, `clean-segments` and `text-drops` on a few pages of ../shared.

The pages and their answers are copied to a temporary folder for the run; nothing of them is kept.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import SHARED, needs_shared, newsflow

BENCHMARK = SHARED / "data" / "clean" / "scrapinghub_aeb"
SEGMENTS = SHARED / "data" / "clean" / "trafilatura_eval"


def _benchmark_sample(folder: Path, count: int = 3) -> list[str]:
    truth = json.loads((BENCHMARK / "ground-truth.json").read_text())
    ids = sorted(truth)[:count]
    (folder / "html").mkdir(parents=True)
    for page in ids:
        shutil.copy(BENCHMARK / "html" / f"{page}.html.gz", folder / "html")
    (folder / "ground-truth.json").write_text(json.dumps({i: truth[i] for i in ids}))
    return ids


@needs_shared(BENCHMARK)
def test_eval_clean_writes_the_benchmark_format_and_scores(tmp_path: Path) -> None:
    ids = _benchmark_sample(tmp_path / "bench")
    out = tmp_path / "predictions.json"
    result = newsflow(
        "eval", "clean", str(tmp_path / "bench" / "html"), "--predictions", str(out), home=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "3 pages cleaned" in result.stdout and "F1" in result.stdout
    predictions = json.loads(out.read_text())
    assert sorted(predictions) == ids
    assert all(set(p) == {"articleBody", "title", "author", "date"} for p in predictions.values())
    assert all(p["articleBody"] for p in predictions.values())


def test_eval_clean_says_what_to_give(tmp_path: Path) -> None:
    result = newsflow("eval", "clean", str(tmp_path / "missing"), home=tmp_path)
    assert result.returncode == 2 and "give the folder of .html.gz pages" in result.stderr


@needs_shared(SEGMENTS)
def test_eval_clean_segments_puts_newsflow_next_to_trafilatura(tmp_path: Path) -> None:
    sample = tmp_path / "segments"
    (sample / "html").mkdir(parents=True)
    lines = (SEGMENTS / "annotations.jsonl").read_text().splitlines()[:3]
    for line in lines:
        shutil.copy(SEGMENTS / json.loads(line)["file"], sample / "html")
    (sample / "annotations.jsonl").write_text("\n".join(lines) + "\n")
    result = newsflow("eval", "clean-segments", str(sample), home=tmp_path)
    assert result.returncode == 0, result.stderr
    for word in ("newsflow", "trafilatura", "title", "author", "date"):
        assert word in result.stdout


@needs_shared(BENCHMARK)
def test_eval_text_drops_counts_removed_and_kept_lines(tmp_path: Path) -> None:
    _benchmark_sample(tmp_path / "bench", count=5)
    gold = tmp_path / "bench" / "ground-truth.json"
    errors = tmp_path / "misses.tsv"
    result = newsflow("eval", "text-drops", str(gold), "--errors", str(errors), home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "all boilerplate" in result.stdout and "body lines kept" in result.stdout
    assert errors.exists()


@needs_shared(BENCHMARK)
def test_eval_scraped_scores_each_rendering(tmp_path: Path) -> None:
    _benchmark_sample(tmp_path / "bench", count=3)
    bench, errors = tmp_path / "bench", tmp_path / "misses.tsv"
    result = newsflow(
        "eval", "scraped", str(bench / "html"), str(bench / "ground-truth.json"),
        "--errors", str(errors), home=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for rendering in ("blocks", "soup", "html2txt"):
        assert rendering in result.stdout
    assert "3 pages (all)" in result.stdout and "body kept" in result.stdout
    assert errors.exists()
    wrong = newsflow("eval", "scraped", str(bench / "html"), "--part", "some", home=tmp_path)
    assert wrong.returncode == 2 and "give all, train or held-out" in wrong.stderr
