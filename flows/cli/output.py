"""What the `newsflow` commands print: the consoles, one-line errors, tables and run summaries."""

from __future__ import annotations

import functools
import json
import os
import sys
from typing import Any

import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.table import Table


@functools.cache
def _consoles(pid: int) -> tuple[Console, Console]:
    return Console(), Console(stderr=True, soft_wrap=True)


def console() -> Console:
    """The commands' stdout console. One per process: Rich settles colours and terminal features
    when a console is made, from the stream it writes to then, and a run forked by the warm
    runner writes to a terminal of its own."""
    return _consoles(os.getpid())[0]


def errors() -> Console:
    """The commands' stderr console (see console())."""
    return _consoles(os.getpid())[1]


BAR = (
    TextColumn("[bold]{task.description}"),
    BarColumn(),
    MofNCompleteColumn(),
    TextColumn("{task.fields[articles]} articles"),
    TimeElapsedColumn(),
)


def fail(message: str, code: int = 1) -> typer.Exit:
    """One line on stderr saying what is wrong and what to do, and the exit status to leave with."""
    errors().print(f"[red]error:[/] {message}")
    return typer.Exit(code)


RUN_AGAIN = "run it again (its drop is then skipped if that run loaded it)"
COMMAND_AGAIN = "run this command again: it changed nothing"


def busy(error: BaseException, again: str = RUN_AGAIN) -> typer.Exit:
    """Exit 3, saying which run holds the warehouse and what to do then (a load's advice is
    about its drop; another command's is not)."""
    errors().print(f"[red]busy:[/] {error}; wait for it to finish, then {again}")
    return typer.Exit(3)


def print_summary(summary: Any) -> None:
    counts = summary.counts
    title = f"drop {summary.drop_id}" + ("" if summary.status == "completed" else " (failed)")
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_row("articles loaded", str(counts["articles"]))
    table.add_row("duplicates (already loaded)", str(counts["duplicates"]))
    retried = counts.get("files_retried")  # --retry-rejects
    table.add_row(
        "files",
        f"{counts['files']} ({counts['files_already_loaded']} already loaded, "
        f"{counts['duplicate_files']} duplicate" + (f", {retried} read again)" if retried else ")"),
    )
    rejects = ", ".join(f"{k}: {v}" for k, v in summary.rejects.most_common()) or "none"
    table.add_row("rejects", f"{counts['rejects']} ({rejects})")
    table.add_row("entity mentions", str(counts["entity_mentions"]))
    table.add_row("quotes", str(counts["quotes"]))
    steps = ", ".join(f"{k} {v:.1f}s" for k, v in summary.timings.items())
    table.add_row("time", f"{summary.seconds:.1f}s ({steps})")
    console().print(table)
    if counts["rejects"]:
        console().print(
            'see them with: newsflow sql "SELECT path, record, reason, detail FROM rejects"'
        )


FORMATS = ("table", "csv", "json")

# What the line under a cut table says to do, by command: each names only options it has.
MORE_SQL = "--limit 0 prints all, --format csv writes all"
MORE_SHOW = "--limit N shows more per section; `newsflow sql` queries them all"


def print_rows(
    columns: list[str],
    rows: list[tuple[Any, ...]],
    output: str,
    limit: int,
    more: str = MORE_SQL,
    cut: int | None = None,
) -> None:
    """Rows as a table for a person, or all of them, whole, as CSV or JSON for a program.

    In a table an identifier (see `is_identifier`) is never cut nor wrapped, however narrow the
    terminal: it is there to be copied into the next command (`forget --drop`, `sql --at`).
    Other values wrap, and with `cut` a text longer than that many characters is shortened.
    """
    if output == "json":
        for row in rows:
            sys.stdout.write(json.dumps(dict(zip(columns, row, strict=True)), default=str) + "\n")
    elif output == "csv":
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        shown = rows[:limit] if limit else rows
        cells = [["" if v is None else str(v) for v in row] for row in shown]
        # No vertical lines and one space between columns: room for the values at 80 columns.
        table = Table(box=box.SIMPLE_HEAD, padding=0, show_edge=False)
        for index, column in enumerate(columns):
            width = max((len(row[index]) for row in cells), default=0)
            if is_identifier(column):
                table.add_column(column, no_wrap=True, min_width=max(width, len(column)))
            elif all(row[index] is None or isinstance(row[index], int) for row in shown):
                table.add_column(column, no_wrap=True, min_width=width)  # a number stays whole
            else:
                table.add_column(column, overflow="fold")
                if cut is not None:
                    for row in cells:
                        if len(row[index]) > cut:
                            row[index] = row[index][: cut - 1] + "…"
        for row in cells:
            table.add_row(*row)
        console().print(table)
        if len(rows) > len(shown):
            console().print(f"… {len(rows) - len(shown)} more rows ({more})")


def is_identifier(column: str) -> bool:
    """Whether a column holds what a person copies into another command or query: an id, a
    key, a drop, a snapshot (and its time, which `sql --at` takes), a run, a URL."""
    name = column.lower()
    return (
        name == "id"
        or name.endswith(("_id", "_key", "url"))
        or name.startswith(("drop", "snapshot"))
        or name in {"run", "path", "time"}
    )
