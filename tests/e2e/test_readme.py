"""The README and the pages of docs/ are true: their example queries are their files, and their
query commands run as written.

Only the read commands (`newsflow sql`, `newsflow show`) run here, on a warehouse of one empty
run. Blocks that load data or need more are left to the tests of those commands: `make` (builds
.venv), `newsflow run` (tests/e2e), `serve`/`trigger`/`prefect` (a server: tests/integration),
`eval` and `bench` (../shared data).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from flows.report import RunSummary, run_row
from tests.conftest import ROOT
from warehouse.store import Store

PAGES = "\n".join(
    p.read_text() for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
)
NEWSFLOW = ".venv/bin/newsflow"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", PAGES, re.S)


def test_every_example_query_in_the_readme_is_its_file() -> None:
    shown = re.findall(
        r"\(\[(\w+\.sql)\]\((?:\.\./)?warehouse/sql/\1\)\):\n```sql\n(.*?)```", PAGES, re.S
    )
    assert len(shown) == 3
    for name, text in shown:
        lines = (ROOT / "warehouse" / "sql" / name).read_text().splitlines(keepends=True)
        assert text == "".join(lines[1:]), name  # the file less its title comment


def test_the_readme_query_commands_run_as_written(tmp_path: Path) -> None:
    commands = [
        line
        for block in _blocks("sh")
        for line in block.splitlines()
        if line.startswith((f"{NEWSFLOW} sql", f"{NEWSFLOW} show"))
    ]
    assert len(commands) >= 3
    home = tmp_path / "home"
    store = Store(home)
    store.init()  # snapshot 1: the tables; a run (of nothing) commits snapshot 2, as a first run does
    run = RunSummary(run_id="readme", flow="process-drop", drop_id="readme-drop", source="drop")
    store.commit(run.run_id, run_row(run), "a run of nothing", {})
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSFLOW_"))}
    env |= {"NEWSFLOW_HOME": str(home), "PYTHONPATH": str(ROOT)}
    (tmp_path / "warehouse").symlink_to(ROOT / "warehouse")  # `sql warehouse/sql/x.sql` as written
    for command in commands:
        line = command.replace(NEWSFLOW, f"{sys.executable} -m flows.cli", 1)
        result = subprocess.run(
            ["bash", "-c", line], capture_output=True, text=True, env=env, cwd=tmp_path
        )
        assert result.returncode == 0, f"{command}\n{result.stderr}"


def test_every_link_of_the_readme_and_docs_to_a_file_finds_it() -> None:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    missing = [
        f"{page.name}: {target}"
        for page in pages
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text())
        if "://" not in target and not (page.parent / target).exists()
    ]
    assert missing == []
