"""Join the people annotations kept here (name lists keyed by document id, no text) to the
article texts in ../shared, as the annotated sets `newsflow eval people` reads.

    python -m evaluation.people_sets [--shared ../shared] [--out build/people]

writes `people_dev.jsonl` (to study: read its errors) and `people_measured.jsonl` (read its
figures only). The texts belong to their publishers, so they stay in ../shared and the joined
files stay out of git.
"""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ANNOTATIONS = Path(__file__).parent / "annotations" / "people" / "annotations.jsonl"
PARTS = ("dev", "measured")


def texts(shared: Path) -> dict[tuple[str, str], str]:
    """Every text an annotation may name, by (corpus, key)."""
    found: dict[tuple[str, str], str] = {}
    polnear = shared / "data" / "quotes" / "polnear_train" / "polnear_train.jsonl"
    with open(polnear, encoding="utf-8") as handle:
        for line in handle:
            doc = json.loads(line)
            found["polnear_train", doc["doc_id"]] = doc["text"]
    truth = shared / "data" / "clean" / "scrapinghub_aeb" / "ground-truth.json"
    for key, page in json.loads(truth.read_text(encoding="utf-8")).items():
        found["scrapinghub_aeb", key] = page["articleBody"]
    return found


def joined(shared: Path, annotations: Path = ANNOTATIONS) -> Iterator[dict[str, Any]]:
    """Each annotation with its text, in `text` and `text_raw` (the field eval people reads);
    an annotation whose text is missing from ../shared is an error, not a smaller set."""
    available = texts(shared)
    with open(annotations, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            text = available.get((row["corpus"], row["key"]))
            if text is None:
                raise SystemExit(f"{row['corpus']} has no document {row['key']} in {shared}")
            yield {**row, "text": text, "text_raw": text}


def write_sets(shared: Path, out: Path) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    counts = dict.fromkeys(PARTS, 0)
    with contextlib.ExitStack() as stack:
        handles = {
            part: stack.enter_context(open(out / f"people_{part}.jsonl", "w", encoding="utf-8"))
            for part in PARTS
        }
        for row in joined(shared):
            handles[row["part"]].write(json.dumps(row, ensure_ascii=False) + "\n")
            counts[row["part"]] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--out", type=Path, default=Path("build/people"))
    args = parser.parse_args()
    for part, count in write_sets(args.shared, args.out).items():
        print(f"{count} articles in {args.out / f'people_{part}.jsonl'}")


if __name__ == "__main__":
    main()
