"""The README is true: its example queries are their files, and its query commands run as written.

Only the read commands (`newsflow sql`, `newsflow show`) run here, on an empty warehouse. Blocks
that load data or need more are left to the tests of those commands: `make` (builds .venv),
`newsflow run` (tests/e2e), `serve`/`trigger`/`prefect` (a server: tests/integration), `eval`
and `bench` (../shared data).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from warehouse.store import Store

README = (ROOT / "README.md").read_text()
NEWSFLOW = ".venv/bin/newsflow"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


def test_every_example_query_in_the_readme_is_its_file() -> None:
    shown = re.findall(r"\(\[(\w+\.sql)\]\(warehouse/sql/\1\)\):\n```sql\n(.*?)```", README, re.S)
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
    Store(home).init()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSFLOW_"))}
    env |= {"NEWSFLOW_HOME": str(home), "PYTHONPATH": str(ROOT)}
    for command in commands:
        line = command.replace(NEWSFLOW, f"{sys.executable} -m flows.cli", 1)
        result = subprocess.run(
            ["bash", "-c", line], capture_output=True, text=True, env=env, cwd=tmp_path
        )
        assert result.returncode == 0, f"{command}\n{result.stderr}"
