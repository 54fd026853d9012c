"""Train tasks/models/body_span.json: `python -m evaluation.train_body_span [scrapinghub_aeb dir]`.

The examples are real pages saved as scraper text: the scrapinghub benchmark's development half
(../shared/data/clean/scrapinghub_aeb), each page rendered in every way of evaluation/scraped.py,
each line labelled by the page's gold body (a line mostly of gold paragraphs is the article's, a
line with none of their words is not, the rest are left out). Only the pages `scraped.select`
puts in "train" are used, so `newsflow eval scraped --part held-out` measures pages the model
never saw. The network is fitted by full-batch gradient descent (Adam) from a fixed seed, so a
rerun writes the same file.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from evaluation.scraped import BODY, MIN_WORDS, gold_paragraphs, label_lines, render, select
from tasks.body_span import FEATURES, MODEL_FILE, features, log_odds
from tasks.boilerplate import classify
from tasks.clean import normalise

DATA = Path("../shared/data/clean/scrapinghub_aeb")
HIDDEN = 16
# How the runs are read from the scores (see tasks/body_span.py): the bar a line's log-odds must
# clear to count for the article, the cost of a gap between two runs, and the log-odds under
# which a line inside them goes. Chosen with `newsflow eval scraped --part train`: the most
# non-article lines removed for no lower share of the article kept.
DECODING = {"span_bias": -3.0, "gap_cost": 20.0, "inside_cut": -6.0}


class Page:
    """One rendering of one page: its feature rows and gold labels (the headline line left out)."""

    def __init__(self, lines: list[str], labels: list[str]) -> None:
        self.lines = lines
        self.labels = np.array(labels)
        self.table = features(lines, [classify(line) is not None for line in lines])
        self.counted = np.array([len(line.split()) >= MIN_WORDS for line in lines])


def pages(folder: Path, part: str) -> Iterator[Page]:
    gold = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    files = {f.name.removesuffix(".html.gz"): f for f in (folder / "html").glob("*.html.gz")}
    for name in select(files, part):
        html = gzip.decompress(files[name].read_bytes()).decode("utf-8", "replace")
        paragraphs = gold_paragraphs(gold[name]["articleBody"])
        for rendered in render(html).values():
            lines = [line for line in (normalise(text) for text in rendered[1:]) if line]
            if lines:
                yield Page(lines, label_lines(lines, paragraphs))


def fit(x: np.ndarray, y: np.ndarray, weight: np.ndarray, steps: int = 400) -> dict[str, object]:
    """One hidden layer of tanh units, logistic output, weighted log loss with a little L2."""
    rng = np.random.default_rng(38)
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    z = (x - mean) / scale
    params = {
        "hidden": rng.normal(0, 1 / np.sqrt(x.shape[1]), (x.shape[1], HIDDEN)),
        "hidden_bias": np.zeros(HIDDEN),
        "out": rng.normal(0, 1 / np.sqrt(HIDDEN), HIDDEN),
        "out_bias": np.zeros(1),
    }
    moments = {k: (np.zeros_like(v), np.zeros_like(v)) for k, v in params.items()}
    weight = weight / weight.sum()
    for step in range(1, steps + 1):
        hidden = np.tanh(z @ params["hidden"] + params["hidden_bias"])
        p = 1 / (1 + np.exp(-(hidden @ params["out"] + params["out_bias"])))
        g = (p - y) * weight
        back = np.outer(g, params["out"]) * (1 - hidden**2)
        grads = {
            "out": hidden.T @ g + 1e-4 * params["out"],
            "out_bias": np.array([g.sum()]),
            "hidden": z.T @ back + 1e-4 * params["hidden"],
            "hidden_bias": back.sum(axis=0),
        }
        for key, grad in grads.items():
            m, v = moments[key]
            m[:] = 0.9 * m + 0.1 * grad
            v[:] = 0.999 * v + 0.001 * grad**2
            params[key] -= 0.01 * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    return {"mean": mean, "scale": scale, **params, "out_bias": float(params["out_bias"][0])}


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DATA
    examples = list(pages(folder, "train"))
    x = np.vstack([p.table for p in examples])
    labels = np.concatenate([p.labels for p in examples])
    use = labels != "mixed"
    y = (labels[use] == BODY).astype(float)
    weight = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    print(f"{len(examples)} renderings, {use.sum()} lines, {int(y.sum())} of the article")
    model = fit(x[use], y, weight)
    odds = log_odds(x[use], model)  # type: ignore[arg-type]
    print(f"training lines classified right: {np.mean((odds > 0) == (y == 1)):.4f}")
    MODEL_FILE.write_text(
        json.dumps(
            {
                "features": list(FEATURES),
                **{k: np.round(v, 5).tolist() for k, v in model.items()},
                **DECODING,
            }
        ),
        encoding="utf-8",
    )
    print(f"written {MODEL_FILE}")


if __name__ == "__main__":
    main()
