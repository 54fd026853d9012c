"""Progress reporting from inside a flow to whoever is watching (the CLI's progress bar).

Flows run in the caller's process under the local API, so a module-level sink is enough; flows
run by a deployment worker have no sink and report nothing.
"""

from __future__ import annotations

from typing import Protocol


class Sink(Protocol):
    def total(self, files: int) -> None: ...
    def advance(self, files: int, articles: int) -> None: ...


_sink: Sink | None = None


def attach(sink: Sink | None) -> None:
    global _sink
    _sink = sink


def total(files: int) -> None:
    if _sink is not None:
        _sink.total(files)


def advance(files: int, articles: int) -> None:
    if _sink is not None:
        _sink.advance(files, articles)
