"""What a run starts, checked in processes of their own: the bench's rounds and memory samples,
and a command without pandas."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT


def test_bench_rounds_need_a_warehouse_each(tmp_path: Path) -> None:
    command = ["bench", str(tmp_path), "--rounds", "2", "--home", str(tmp_path / "h")]
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", *command],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "leave --home out to bench several rounds" in done.stderr


def test_a_command_binds_query_parameters_and_builds_tables_without_loading_pandas() -> None:
    """As `newsflow` runs: the lake's look-ups bind parameters, the load builds Arrow tables from
    rows, and neither DuckDB nor pyarrow falls over pandas being out of reach."""
    script = """
import sys
from flows.cli.app import _WithoutPandas
sys.meta_path.insert(0, _WithoutPandas())
import duckdb, pyarrow as pa
rows = pa.Table.from_pylist([{"article_id": "a-1", "version": 2}])
con = duckdb.connect()
found = con.execute("SELECT version FROM rows WHERE article_id = $id", {"id": "a-1"}).fetchall()
print(found, rows.num_rows, "pandas" in sys.modules)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.split() == ["[(2,)]", "1", "False"]


def test_the_bench_tells_a_process_from_its_children_and_keeps_each_ones_peak() -> None:
    from benchmarks.run_vs_spacy import SAMPLE_SECONDS, Peaks, peak_memory, tree_rss

    child = subprocess.Popen(
        [sys.executable, "-c", "import time; blob = b'x' * (60 * 2**20); time.sleep(30)"]
    )
    try:
        with peak_memory() as peaks:
            deadline = time.monotonic() + 20
            while tree_rss(os.getpid())[0][1] < 60 * 2**20 and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(2.5 * SAMPLE_SECONDS)  # sampled at least twice with the child's memory in
    finally:
        child.kill()
        child.wait()
    (own, children) = peaks.parts[0]
    assert children >= 60 * 2**20 and own > 10 * 2**20
    assert peaks.total >= own + 60 * 2**20

    peaks = Peaks()
    peaks.add([(100, 500), (300, 0)])
    peaks.add([(400, 50), (200, 0)])  # the flow's process peaks after its children did
    assert peaks.parts == [(400, 500), (300, 0)]
    assert peaks.total == 900  # the sum's own peak, not the sum of the peaks (1,200)
