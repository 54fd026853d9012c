"""The example queries shipped with newsflow (the .sql files beside this module).

`newsflow show` prints the first three; the README shows them all, and the benchmark times them.
"""

from __future__ import annotations

from pathlib import Path

_SQL = Path(__file__).with_name("sql")


def query(name: str) -> str:
    return (_SQL / f"{name}.sql").read_text()


def title(name: str) -> str:
    """The first comment line of a query file."""
    return query(name).splitlines()[0].removeprefix("--").strip()


SHOW = ("articles", "top_entities", "quotes")
EXAMPLES = ("top_speakers", "who_quotes_whom", "co_occurrence")
SHOW_QUERIES = [(title(name), query(name)) for name in SHOW]
