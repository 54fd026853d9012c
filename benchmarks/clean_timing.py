"""`python -m benchmarks.clean_timing`: CPU time of the clean step per document on the dev sets.

time.process_time around clean() for each document, medians reported: the text drops of
`eval text-drops` (both template sets, seed 1, the batch's repeated lines given as a drop would),
the same gold bodies as JSON-shaped records without boilerplate, and the scrapinghub pages as HTML.
process_time counts this process's CPU only, so other work on a shared machine matters less.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from statistics import median

from evaluation.clean_pages import page_files, read_json
from evaluation.text_drops import TEMPLATES, read_templates, test_set
from tasks.clean import clean, normalise, paragraphs
from tasks.ingest import Limits, parse_document
from tasks.records import RawRecord
from tasks.repetition import repeated_by_outlet

BENCH = Path("../shared/data/clean/scrapinghub_aeb")


def _median_ms(records: list[RawRecord], known: frozenset[str] = frozenset()) -> float:
    times = []
    for record in records:
        start = time.process_time()
        clean(record, known=known)
        times.append(time.process_time() - start)
    return median(times) * 1000


def main() -> None:
    truth = read_json(BENCH / "ground-truth.json")
    languages = read_json(BENCH / "lang_guess.json")
    bodies = {k: v["articleBody"] for k, v in truth.items()}
    for name in ("first", "second"):
        documents = test_set(bodies, 1, languages, read_templates(TEMPLATES / f"{name}.toml"))
        records = [
            next(parse_document(f"{d.name}.txt", d.text.encode(), Limits())) for d in documents
        ]
        found = repeated_by_outlet((r.outlet, paragraphs(normalise(r.body))) for r in records)
        known = found.get(None, frozenset())
        _median_ms(records[:5], known)  # warm up: first calls load models
        print(
            f"text drop, {name} set: {_median_ms(records, known):.2f} ms median, n={len(records)}"
        )
    plain = [
        RawRecord(path=f"{k}.json", record="0", format="json", body=v) for k, v in bodies.items()
    ]
    print(f"JSON article bodies: {_median_ms(plain):.2f} ms median, n={len(plain)}")
    pages = []
    for path in page_files(BENCH / "html"):
        raw = next(parse_document(path.name, path.read_bytes(), Limits()))
        if isinstance(raw, RawRecord):
            pages.append(
                dataclasses.replace(raw, url=truth.get(path.name.split(".")[0], {}).get("url"))
            )
    _median_ms(pages[:3])
    print(f"HTML pages: {_median_ms(pages):.2f} ms median, n={len(pages)}")


if __name__ == "__main__":
    main()
