"""`newsflow eval syndication` on a drop of a few stories made from ../shared's PolNeAR articles
(generated in a temporary folder and loaded with `newsflow run`; nothing of them is kept)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import SHARED, needs_shared, newsflow

POLNEAR = SHARED / "data" / "quotes" / "polnear_dev" / "polnear_dev.jsonl"


@needs_shared(POLNEAR)
def test_eval_syndication_scores_story_and_quote_clusters(tmp_path: Path) -> None:
    home = tmp_path / "kept"
    result = newsflow(
        "eval", "syndication", str(POLNEAR), "--stories", "4", "--home", str(home), home=tmp_path
    )
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "4 stories (dev part, seed 1)" in text
    rows = re.findall(r"(stories|quotes)\W+([\d.]+)\W+([\d.]+)", result.stdout)
    assert [name for name, *_ in rows] == ["stories", "quotes"]
    assert all(0.9 <= float(v) <= 1.0 for _, *scores in rows for v in scores), rows
    assert (home / "catalog.sqlite").exists()  # --home keeps the loaded warehouse

    again = newsflow("eval", "syndication", str(POLNEAR), "--home", str(home), home=tmp_path)
    assert again.returncode == 2 and "exists" in again.stderr
