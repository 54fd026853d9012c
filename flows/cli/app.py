"""The `newsflow` command: its groups assembled, and what its process does first and last."""

from __future__ import annotations

import atexit
import importlib.abc
import os
import sys
from collections.abc import Mapping
from typing import Annotated

import typer

from flows.cli import look, measure, run, serving, warehouse
from flows.cli.output import console, errors
from flows.runtime import interrupt
from flows.settings import HomeUnusable, SettingError

app = typer.Typer(
    help="newsflow: news article drops in, a DuckDB warehouse of who said what out.",
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", is_eager=True)
    ] = False,
) -> None:
    if version:
        from importlib.metadata import version as installed

        console().print(f"newsflow {installed('newsflow')}")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        console().print(ctx.get_help())
        raise typer.Exit()


for group in (run, serving, warehouse, look, measure):
    app.add_typer(group.commands)


class _WithoutPandas(importlib.abc.MetaPathFinder):
    """pandas is installed (for nomquamgender, whose name table tasks/gender.py reads without
    it), so DuckDB imports it at the first bound query parameter, to compare it with pandas.NaT,
    and pyarrow at the first table built from Python rows: 0.7 s of CPU in every command. No
    command hands either a pandas object, so to them it is as if pandas were not installed."""

    def find_spec(self, name: str, *_: object) -> None:
        if name.partition(".")[0] == "pandas":
            raise ModuleNotFoundError(f"newsflow commands run without {name}", name=name)


def begin_process() -> None:
    """What a `newsflow` process sets up before it imports anything else: the exit (see
    _end_process) and commands without pandas. Once per process: the warm runner calls it
    before its imports, so that a run it forks has the exit handlers a local run has, in the
    same order, and main() then finds it done."""
    if any(isinstance(finder, _WithoutPandas) for finder in sys.meta_path):
        return
    atexit.register(_end_process)  # the first handler registered is the last to run
    sys.meta_path.insert(0, _WithoutPandas())


def main(entry_env: Mapping[str, str] | None = None) -> None:
    """The `newsflow` command: an error no command turned into a message is still one line
    (the traceback with --verbose). `entry_env` is the environment the console script started
    with (a run may start the home's warm runner in it: flows/runtime/warm/client.py)."""
    begin_process()
    interrupt.guard(sys.argv)  # done already, unless a warm runner forked this run
    try:
        app(obj=entry_env)
    except SystemExit as done:
        _EXIT.append(done.code)
        raise
    except (HomeUnusable, SettingError) as error:  # the message says what to do
        errors().print(f"[red]error:[/] {error}")
        _EXIT.append(1)
        sys.exit(1)
    except Exception as error:
        if "--verbose" in sys.argv:
            raise
        errors().print(f"[red]error:[/] {type(error).__name__}: {error}")
        errors().print("(--verbose shows the traceback)")
        _EXIT.append(1)
        sys.exit(1)


_EXIT: list[int | str | None] = []  # the code main() exits with, once it has one


def _end_process() -> None:
    """Leave without the interpreter's teardown, once every other exit handler has run (the
    spaCy workers ended, Prefect's logs and events sent, logging flushed): freeing the modules
    of Prefect, spaCy and DuckDB one object at a time takes 0.6 s of a one-article run, and
    longer on a busy machine, for nothing a user sees. Only the lake's connections have work
    left at exit (removing their spill files), so they are closed first."""
    if not _EXIT or not isinstance(_EXIT[-1], int | None):
        return  # a message to print (sys.exit("…")) or no verdict: the usual exit does it
    if "warehouse.store" in sys.modules:
        sys.modules["warehouse.store"].close_writers()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_EXIT[-1] or 0)
