"""One night of real articles loaded into a big warehouse: how much of the run its clustering
takes, and the run's peak memory (issue 36's "loading stays cheap").

The night is the articles of ../shared/data/quotes (PolNeAR's train and dev splits, then the
Gender Gap Tracker's dev sample), up to `--articles`, written as one JSON-lines drop dated on
the day given: the day after a `bench-sql` warehouse's last night, so the load compares them
with that warehouse's last 30 days of stories and quotations. The run is `newsflow run` in a
process of its own, as a user starts it; its process tree's resident memory is sampled every
half second (benchmarks/run_vs_spacy.peak_memory). Its clustering seconds are the ones the
commit recorded (`clustering_seconds` in the snapshot's commit_extra_info).

Run it on a copy of the warehouse: the night is loaded into it.

    python -m benchmarks.night --home COPY --day 2026-04-11 [--articles 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.run_vs_spacy import peak_memory
from warehouse.store import Store

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "quotes"
SOURCES = ("polnear_train/polnear_train.jsonl", "polnear_dev/polnear_dev.jsonl",
           "ggt_dev/ggt_dev49.jsonl")  # fmt: skip


def write_drop(folder: Path, day: str, articles: int) -> int:
    """The night's drop in `folder`: each article published on `day`; how many it holds."""
    records = []
    for source in SOURCES:
        with (SHARED / source).open() as handle:
            for line in handle:
                article = json.loads(line)
                records.append(
                    {
                        "id": article["doc_id"],
                        "url": article.get("url") or None,
                        "outlet": article.get("outlet"),
                        "title": article.get("title"),
                        "authors": article.get("authors"),
                        "published": f"{day}T{len(records) % 24:02d}:00:00Z",
                        "text": article["text"],
                    }
                )
    records = records[:articles]
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "night.jsonl").open("w") as out:
        out.writelines(json.dumps(r) + "\n" for r in records)
    return len(records)


def measure(home: Path, day: str, articles: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        drop = Path(scratch) / "night"
        loaded = write_drop(drop, day, articles)
        command = [sys.executable, "-m", "flows.cli", "run", str(drop), "--home", str(home)]
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        with peak_memory(process.pid) as peaks:
            output, _ = process.communicate()
        seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"newsflow run failed:\n{output.decode()}")
    with Store(home).connect() as con:
        (info,) = con.execute(
            "SELECT commit_extra_info FROM snapshots() ORDER BY snapshot_id DESC LIMIT 1"
        ).fetchone()  # type: ignore[misc]
    clustering = float(json.loads(info)["clustering_seconds"])
    return {
        "articles": loaded,
        "run_seconds": round(seconds, 1),
        "clustering_seconds": clustering,
        "clustering_share": round(clustering / seconds, 4),
        "peak_rss_mb": round(peaks.total / 2**20),
        # the run's own process and its workers, each at its own peak; the sum's peak by quarter
        "peak_own_and_workers_mb": [round(b / 2**20) for b in peaks.parts[0]],
        "peak_by_quarter_mb": [round(b / 2**20) for b in peaks.by_part(4)],
        "load_average": os.getloadavg(),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--day", required=True, help="the night's date, YYYY-MM-DD")
    parser.add_argument("--articles", type=int, default=1000)
    options = parser.parse_args()
    sys.stdout.write(json.dumps(measure(options.home, options.day, options.articles)) + "\n")
