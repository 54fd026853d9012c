"""The warehouse as other processes meet it: the DuckDB shell reading the lake, a second writer
told to wait, a scheduled one waiting its turn."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.unit.test_store import _rejects, _run
from warehouse import extensions
from warehouse.store import Store, WarehouseBusy


def test_the_duckdb_shell_reads_the_lake_with_the_readme_line(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.init()
    store.stage("r1", "rejects", _rejects("r1", 2), "00000")
    store.commit("r1", _run("r1"), "run r1", {})
    shell = Path(sys.executable).with_name("duckdb")
    if not shell.exists():
        pytest.skip("the duckdb shell (duckdb-cli) is not installed")
    script = (
        f"LOAD '{extensions.extension_path('ducklake')}';\n"
        f"LOAD '{extensions.extension_path('sqlite_scanner')}';\n"
        f"ATTACH 'ducklake:sqlite:{tmp_path / 'catalog.sqlite'}' AS nf (READ_ONLY);\n"
        "SELECT count(*) FROM nf.rejects;\n"
    )
    done = subprocess.run(
        [str(shell), "-csv", "-noheader"], input=script, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "2"


def test_second_writer_is_told_to_wait(tmp_path: Path) -> None:
    store = Store(tmp_path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from warehouse.store import Store\n"
            "with Store(Path(sys.argv[1])).write_lock():\n print('locked', flush=True); time.sleep(30)",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(WarehouseBusy, match=f"pid {holder.pid}"), store.write_lock():
            pass
    finally:
        holder.kill()
        holder.wait()
    with store.write_lock():
        pass


def test_a_scheduled_writer_waits_its_turn(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from warehouse.store import Store\n"
            "with Store(Path(sys.argv[1])).write_lock():\n print('locked', flush=True); time.sleep(3)\n"
            "print('released', flush=True)",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    store = Store(tmp_path)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(WarehouseBusy, match="did not finish within 1s"), store.write_lock(1):
            pass
        with store.write_lock(wait=60):
            assert holder.stdout.readline().strip() == "released"
    finally:
        holder.kill()
        holder.wait()
