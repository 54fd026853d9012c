"""Train tasks/models/line_model.json: `python -m evaluation.train_line_model [trafilatura_eval
dir]`.

Lines come from the real pages of trafilatura_eval (../shared/data/clean/trafilatura_eval): every
text line of each page (block elements split lines; script, style and forms left out). A line that
holds one of the page's must-drop segments is labelled boilerplate, one that holds or sits inside a
must-keep segment is labelled text; the others are not used. The scrapinghub pages are left out on
purpose: `eval text-drops` and `eval clean` score on them. Training is plain stochastic
gradient descent on the logistic loss with a fixed seed, so a rerun gives the same file.
"""

from __future__ import annotations

import gzip
import json
import math
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from lxml import html as lxml_html

from tasks.line_model import BUCKETS, MODEL_FILE, features, indices

DATA = Path("../shared/data/clean/trafilatura_eval")
_SKIP = {"script", "style", "noscript", "template", "svg", "head", "select", "option", "textarea"}
_BLOCKS = {
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "td", "th",
    "table", "section", "article", "header", "footer", "nav", "aside", "figure", "figcaption",
    "blockquote", "pre", "dd", "dt", "dl", "form", "main", "address", "hr", "caption", "label",
}  # fmt: skip


def page_lines(raw: bytes) -> list[str]:
    """Every text line of a page as a reader sees it, block elements breaking lines."""
    try:
        tree = lxml_html.fromstring(raw)
    except (ValueError, lxml_html.etree.ParserError):
        return []
    parts: list[str] = []

    def walk(element: lxml_html.HtmlElement) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _SKIP:
            parts.append(element.tail or "")
            return
        block = tag in _BLOCKS
        parts.append("\n" if block else "")
        parts.append(element.text or "")
        for child in element:
            walk(child)
        parts.append("\n" if block else "")
        parts.append(element.tail or "")

    walk(tree)
    text = "".join(parts)
    return [re.sub(r"\s+", " ", line).strip() for line in text.split("\n") if line.strip()]


def labelled_lines(folder: Path) -> Iterator[tuple[str, int]]:
    """(line, 1 for boilerplate / 0 for text) over the annotated pages."""
    with open(folder / "annotations.jsonl", encoding="utf-8") as handle:
        annotations = [json.loads(line) for line in handle if line.strip()]
    for annotation in annotations:
        data = (folder / annotation["file"]).read_bytes()
        data = gzip.decompress(data) if annotation["file"].endswith(".gz") else data
        keep = [_squash(s) for s in annotation.get("with", []) if s.strip()]
        drop = [_squash(s) for s in annotation.get("without", []) if s.strip()]
        for line in dict.fromkeys(page_lines(data)):
            flat = _squash(line)
            if any(s in flat for s in drop) and not any(s in flat or flat in s for s in keep):
                yield line, 1
            elif any(s in flat or (len(flat) > 20 and flat in s) for s in keep):
                yield line, 0


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def train(
    examples: list[tuple[str, int]], epochs: int = 12, rate: float = 0.1, l2: float = 1e-5
) -> tuple[float, list[float]]:
    """SGD on the logistic loss with a falling step; classes weighed equally."""
    rng = random.Random(16)
    rows = [(indices(features(line)), label) for line, label in examples]
    positives = sum(label for _, label in rows)
    weight_of = {1: len(rows) / (2 * positives), 0: len(rows) / (2 * (len(rows) - positives))}
    weights = [0.0] * BUCKETS
    bias = 0.0
    for epoch in range(epochs):
        rng.shuffle(rows)
        step = rate / (1 + epoch)
        for active, label in rows:
            z = bias + sum(weights[i] for i in active)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            g = (p - label) * weight_of[label] * step
            bias -= g
            for i in active:
                weights[i] -= g + l2 * weights[i]
    return bias, weights


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DATA
    examples = list(labelled_lines(folder))
    print(f"{len(examples)} lines, {sum(y for _, y in examples)} boilerplate")
    bias, weights = train(examples)
    MODEL_FILE.parent.mkdir(exist_ok=True)
    MODEL_FILE.write_text(
        json.dumps(
            {"buckets": BUCKETS, "bias": round(bias, 4), "weights": [round(w, 3) for w in weights]}
        ),
        encoding="utf-8",
    )
    print(f"written {MODEL_FILE}")


if __name__ == "__main__":
    main()
