"""A small learned score of how boilerplate-like one line looks, for wordings no rule names.

Logistic regression over hashed features of the line alone: its words (lower-cased, the first and
last marked), its length, how it ends, its share of capitalised words, digits, separators and
quote marks. Trained by evaluation/train_line_model.py on the lines of real pages (trafilatura_eval:
each page's must-keep and must-drop segments label the lines that contain them); the weights ship
in models/line_model.json (a few thousand numbers, no download). The score is one signal among
others: boilerplate.py decides with it, the rules, the line's position and repetition.
"""

from __future__ import annotations

import json
import math
import re
import zlib
from functools import cache, lru_cache
from pathlib import Path

MODEL_FILE = Path(__file__).parent / "models" / "line_model.json"
BUCKETS = 1 << 13  # hashed feature space; collisions cost little at this size
_TOKEN = re.compile(r"\w+", re.UNICODE)
_LENGTH_BINS = (1, 2, 3, 5, 8, 12, 20, 40)


def _bin(value: float, edges: tuple[float, ...]) -> int:
    return next((n for n, edge in enumerate(edges) if value <= edge), len(edges))


def _ending(line: str) -> str:
    last = line.rstrip("\"'”’)]»*").rstrip()[-1:] or " "
    if last in ".!?…。":
        return last if last in "!?" else "."
    if last in ":;,|/-–—>":
        return "sep"
    return "digit" if last.isdigit() else "word" if last.isalpha() else "other"


def features(line: str) -> list[str]:
    """The named features of one line (hashed by `indices`)."""
    words = _TOKEN.findall(line)
    lower = [w.lower() for w in words[:30]]
    count = len(words)
    size = f"n{_bin(count, _LENGTH_BINS)}"
    end = f"e{_ending(line)}"
    capitalised = sum(map(str.isupper, (w[0] for w in words))) / count if count else 0.0
    caps = f"c{_bin(capitalised, (0.0, 0.2, 0.5, 0.8, 0.99))}"
    names = [f"w:{w}" for w in lower]
    if lower:
        names += [f"f:{lower[0]}", f"l:{lower[-1]}"]
    if len(lower) >= 2:
        names.append(f"b:{lower[0]} {lower[1]}")
    names += [size, end, caps, f"{size}{end}", f"{size}{caps}", f"{end}{caps}"]
    if any(map(str.isdigit, line)):
        names.append(f"d{size}")
    if re.search(r"[|»›•·/@©#]", line):
        names.append("sepmark")
    if re.search(r"[“”\"„«]", line):
        names.append("quote")
    if line.isupper():
        names.append("allcaps")
    names.append("commas" + str(min(line.count(","), 3)))
    return names


def indices(names: list[str]) -> list[int]:
    return [zlib.crc32(name.encode()) & (BUCKETS - 1) for name in names]


@cache
def _weights() -> tuple[float, list[float]]:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    return float(data["bias"]), [float(w) for w in data["weights"]]


@lru_cache(maxsize=4096)
def boilerplate_probability(line: str) -> float:
    """How likely the line is boilerplate, 0 to 1, from its features alone (kept for the lines
    of the last articles: the body span and the navigation test both ask)."""
    bias, weights = _weights()
    total = bias + sum(map(weights.__getitem__, indices(features(line))))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))
