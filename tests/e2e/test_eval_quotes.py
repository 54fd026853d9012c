"""`newsflow eval quotes` on a few articles of both quote sets in ../shared.

The articles are copied to a temporary folder for the run; nothing of them is kept.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SHARED, needs_shared, newsflow

QUOTES = SHARED / "data" / "quotes"
GGT = QUOTES / "ggt_dev" / "ggt_dev49.jsonl"
POLNEAR = QUOTES / "polnear_dev" / "polnear_dev.jsonl"


@needs_shared(GGT)
@needs_shared(POLNEAR)
def test_eval_quotes_scores_each_set_with_recall_by_form_and_cue(tmp_path: Path) -> None:
    sets = []
    for source in (GGT, POLNEAR):
        sample = tmp_path / source.name
        sample.write_text("\n".join(source.read_text().splitlines()[:2]) + "\n")
        sets.append(str(sample))
    out = tmp_path / "q.jsonl"
    result = newsflow("eval", "quotes", *sets, "--predictions", str(out), home=tmp_path)
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert text.count("speaker accuracy") == 2 and text.count("recall by form") == 2
    assert text.count("recall by cue_class") == 1  # only PolNeAR labels its cues
    assert (tmp_path / "q.ggt_dev49.jsonl").exists() and (tmp_path / "q.polnear_dev.jsonl").exists()
