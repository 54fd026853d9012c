"""Where the article runs in a scraped page's text: the span of its lines, and the lines inside it
that are not its own.

A scraper's text is the whole page: menus and other stories' headlines above the article,
comment threads, "most read" lists and footers below it. Lines of those blocks often look like
the article's own (a headline reads like a sentence, a comment is prose), so judging each line
alone leaves most of them in. Their place gives them away: they stand outside the one stretch
where the article's prose is. Each line gets a probability of being the article's, from its own
shape and its neighbourhood's (models/body_span.json: a small neural network, trained by
evaluation/train_body_span.py on real pages rendered as scraper text); the article is then the
contiguous run of lines with the largest sum of log-odds above a bar, and inside it only the
lines the model is sure about go (share text, captions, "Read more").
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

from tasks import boilerplate_rules as rules
from tasks.line_model import boilerplate_probability

MODEL_FILE = Path(__file__).parent / "models" / "body_span.json"

# Words that make a sentence, in the languages of the pages the model learnt from: lists and
# labels have few of them, prose many.
_FUNCTION_WORD_LIST = (
    "the a an of to in and or but is are was were be been has have had it its this that these "
    "those with for on at by from as not he she they we you his her their our who which what "
    "would will can could said says there than then so if when also into after about over "
    "der die das und ist nicht ein eine zu den mit sich des auf für von dem im "
    "le la les et est un une des du en que qui dans pour pas sur au "
    "el los las y es en del que por con para una su se lo "
    "o os e é um uma do da dos das em no na para com não "
    "il di che è per non una sono"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_WORD_LIST.split())
_WORD = re.compile(r"[^\W\d_]+")
_SEPARATORS = frozenset("|»›•·/@©#>")
# Neighbourhoods (lines either side) over which the shape of the page around a line is averaged.
_WINDOWS = (1, 3, 8)
# Lines in the block whose prose words mark where the article is densest.
_CORE = 9


def _line_shape(line: str) -> list[float]:
    """The features of one line alone (see FEATURES for their names)."""
    words = line.split()
    count = max(len(words), len(rules.CJK.findall(line)) // 2)
    lower = [w.lower().strip(".,;:!?\"'“”‘’()") for w in words]
    letters = sum(map(str.isalpha, line)) or 1
    prose_end = bool(rules.PROSE_END.search(line))
    last = line.rstrip()[-1:]
    return [
        math.log1p(count),
        float(prose_end),
        float(prose_end and count >= 12),
        float(last in ":|/-–—>»›"),
        float(last.isdigit()),
        sum(map(str.isupper, (w[:1] for w in words))) / max(1, len(words)),
        sum(map(_FUNCTION_WORDS.__contains__, lower)) / max(1, len(words)),
        sum(map(str.isdigit, line)) / len(line),
        float(not _SEPARATORS.isdisjoint(line)),
        line.count(",") / max(1, count),
        math.log1p(letters / max(1, len(words))),
        float(bool(rules.QUOTED.search(line))),
        float(line.isupper()),
        float(line[:1].islower()),
        boilerplate_probability(line),
    ]


_SHAPE = (
    "log words",
    "ends a sentence",
    "prose",
    "ends in a separator",
    "ends in a digit",
    "capitalised share",
    "function word share",
    "digit share",
    "separator mark",
    "commas per word",
    "log word length",
    "quotes someone",
    "all capitals",
    "starts in lower case",
    "line model",
)
# What the lines either side say about a line: a paragraph a scraper cut at its links goes on in
# lower case after a line that ends in none of a sentence's marks.
_NEIGHBOUR = ("log words", "ends a sentence", "prose", "starts in lower case", "line model")
FEATURES = (
    *_SHAPE,
    "rule matched",
    "own words",
    *(f"{side} {name}" for side in ("previous", "next") for name in _NEIGHBOUR),
    *(f"{name} ±{w}" for w in _WINDOWS for name in ("prose", "log words", "line model")),
    "prose words before",
    "prose words after",
    "log lines to core",
    "above core",
    "below core",
    "position",
)


def features(lines: Sequence[str], matched: Sequence[bool]) -> np.ndarray:
    """One row per line: its shape, the shape of its neighbourhood and where it stands relative
    to the densest prose (`matched`: whether a boilerplate rule named the line)."""
    n = len(lines)
    shape = np.array([_line_shape(line) for line in lines], dtype=float).reshape(n, len(_SHAPE))
    words = np.expm1(shape[:, 0])
    prose = shape[:, 2]
    prose_words = words * prose
    columns = [shape, np.asarray(matched, dtype=float).reshape(n, 1)]
    columns.append(np.array(_own_words(lines, prose), dtype=float).reshape(n, 1))
    neighbour = shape[:, [_SHAPE.index(name) for name in _NEIGHBOUR]]
    edge = np.zeros((1, len(_NEIGHBOUR)))
    columns += [np.vstack((edge, neighbour[:-1])), np.vstack((neighbour[1:], edge))]
    for width in _WINDOWS:
        for column in (prose, shape[:, 0], shape[:, -1]):
            columns.append(_window_mean(column, width).reshape(n, 1))
    total = prose_words.sum() or 1.0
    before = (np.cumsum(prose_words) - prose_words) / total
    after = 1.0 - before - prose_words / total
    core = _window_mean(prose_words, _CORE // 2)
    centre = int(np.argmax(core))
    index = np.arange(n)
    columns += [
        before.reshape(n, 1),
        after.reshape(n, 1),
        np.log1p(np.abs(index - centre)).reshape(n, 1),
        (index < centre - _CORE // 2).astype(float).reshape(n, 1),
        (index > centre + _CORE // 2).astype(float).reshape(n, 1),
        (index / max(1, n - 1)).reshape(n, 1),
    ]
    return np.hstack(columns)


def _own_words(lines: Sequence[str], prose: np.ndarray) -> list[float]:
    """For each line, the share of its content words that another prose line of the text uses:
    an article's own table, list or subhead names what its prose talks about; a menu does not."""
    words = [{w for w in _WORD.findall(line.lower()) if len(w) >= 4} for line in lines]
    counts: Counter[str] = Counter()
    for found, is_prose in zip(words, prose.tolist(), strict=True):
        if is_prose:
            counts.update(found)
    return [
        sum(counts[w] > is_prose for w in found) / len(found) if found else 0.0
        for found, is_prose in zip(words, prose.tolist(), strict=True)
    ]


def _window_mean(column: np.ndarray, width: int) -> np.ndarray:
    """The mean of a column over each line and `width` lines either side (fewer at the edges)."""
    sums = np.concatenate(([0.0], np.cumsum(column)))
    index = np.arange(len(column))
    low, high = np.maximum(0, index - width), np.minimum(len(column), index + width + 1)
    return (sums[high] - sums[low]) / (high - low)


@cache
def _model() -> dict[str, np.ndarray | float]:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    return {
        "mean": np.array(data["mean"]),
        "scale": np.array(data["scale"]),
        "hidden": np.array(data["hidden"]),
        "hidden_bias": np.array(data["hidden_bias"]),
        "out": np.array(data["out"]),
        "out_bias": float(data["out_bias"]),
        "span_bias": float(data["span_bias"]),
        "inside_cut": float(data["inside_cut"]),
        "gap_cost": float(data["gap_cost"]),
    }


def log_odds(table: np.ndarray, model: dict[str, np.ndarray | float]) -> np.ndarray:
    """The network's log-odds that each row's line is the article's."""
    x = (table - model["mean"]) / model["scale"]
    hidden = np.tanh(x @ model["hidden"] + model["hidden_bias"])
    return np.asarray(hidden @ model["out"] + model["out_bias"])


def article_runs(scores: np.ndarray, gap_cost: float) -> np.ndarray:
    """Which lines the article's runs cover: the runs with the largest sum of scores, where each
    gap between two runs costs `gap_cost` (an inserted block inside the article is passed over
    when the prose after it outweighs the cost; a page's other blocks are not). Viterbi over
    three states: before the article, in it, in a gap after some of it."""
    before, inside, gap = 0.0, -math.inf, -math.inf
    came: list[tuple[int, int]] = []  # (the state before "inside", the one before "gap")
    for score in scores.tolist():
        from_gap = gap - gap_cost
        enter = (0, before) if before >= from_gap else (2, from_gap)
        stay_or_enter = (1, inside) if inside >= enter[1] else enter
        leave = (1, inside) if inside >= gap else (2, gap)
        came.append((stay_or_enter[0], leave[0]))
        inside, gap = stay_or_enter[1] + score, leave[1]
    state = 0 if before >= max(inside, gap) else 1 if inside >= gap else 2
    covered = np.zeros(len(came), dtype=bool)
    for index in range(len(came) - 1, -1, -1):
        if state == 0:
            break
        covered[index] = state == 1
        state = came[index][0] if state == 1 else came[index][1]
    return covered


def outside_article(
    lines: Sequence[str], matched: Sequence[bool], listed: Sequence[bool]
) -> list[bool]:
    """For each line, whether it is not the article's: outside its runs, or inside them and sure
    to be the page's (`matched`: a boilerplate rule names the line). A line of a link block the
    rules found (`listed`) counts neither way: a "Related" block after the article's first
    paragraph must not cut that paragraph off."""
    if not lines:
        return []
    model = _model()
    odds = log_odds(features(lines, matched), model)
    scores = np.where(listed, 0.0, odds - float(model["span_bias"]))
    covered = article_runs(scores, float(model["gap_cost"]))
    return (~covered | (odds < float(model["inside_cut"]))).tolist()
