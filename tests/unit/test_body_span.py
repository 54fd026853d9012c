"""The article's span in a scraped page's text: the runs read from the line scores, and what the
text path does with them on real pages saved the way scrapers save them (read from ../shared,
never copied here)."""

from __future__ import annotations

import itertools
import random

import numpy as np

from tasks.body_span import article_runs
from tests.conftest import SHARED

BENCHMARK = SHARED / "data" / "clean" / "scrapinghub_aeb"


def _best_by_trying_all(scores: list[float], gap_cost: float) -> float:
    best = 0.0
    for mask in itertools.product((False, True), repeat=len(scores)):
        runs = sum(1 for n, on in enumerate(mask) if on and (n == 0 or not mask[n - 1]))
        if runs:
            total = sum(s for s, on in zip(scores, mask, strict=True) if on)
            best = max(best, total - gap_cost * (runs - 1))
    return best


def _value(scores: list[float], covered: np.ndarray, gap_cost: float) -> float:
    runs = sum(1 for n, on in enumerate(covered) if on and (n == 0 or not covered[n - 1]))
    return float(np.dot(scores, covered)) - gap_cost * max(0, runs - 1)


def test_the_runs_are_the_best_cover_of_the_scores() -> None:
    rng = random.Random(38)
    for _ in range(200):
        scores = [rng.gauss(0, 2) for _ in range(rng.randint(1, 9))]
        gap_cost = rng.uniform(0, 6)
        covered = article_runs(np.array(scores), gap_cost)
        assert abs(_value(scores, covered, gap_cost) - _best_by_trying_all(scores, gap_cost)) < 1e-9


def test_a_gap_is_passed_over_only_when_the_prose_after_it_pays_for_it() -> None:
    scores = np.array([-4.0, 5.0, 5.0, -3.0, -3.0, 4.0, -5.0])
    assert article_runs(scores, 2.0).tolist() == [0, 1, 1, 0, 0, 1, 0]
    assert article_runs(scores, 20.0).tolist() == [0, 1, 1, 0, 0, 0, 0]
    assert not article_runs(np.array([-1.0, -2.0]), 1.0).any()
