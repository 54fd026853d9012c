"""Progress reporting from inside a flow to whoever is watching (the CLI's progress bar).

Flows run in the caller's process under the local API, so a module-level sink is enough; flows
run by a deployment worker have no sink and report nothing.

A run has three stretches a person waits through: reading the files, the NLP of what was read
(which goes on after the last file is read, and is most of the time), and the commit. The bar
shows each, so that it never stands still while work goes on.
"""

from __future__ import annotations

from typing import Protocol

from rich.progress import Progress


class Sink(Protocol):
    def total(self, files: int) -> None: ...
    def advance(self, files: int, articles: int) -> None: ...
    def analysed(self, articles: int) -> None: ...
    def committing(self) -> None: ...


class Bar:
    """The CLI's sink: files read (with the articles they held), articles analysed out of those
    read so far, then the commit."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.files = progress.add_task("files", total=None, articles=0)
        self.nlp = progress.add_task("articles analysed", total=0, articles=0)
        self.read = 0

    def total(self, files: int) -> None:
        self.progress.update(self.files, total=files)

    def advance(self, files: int, articles: int) -> None:
        self.read += articles
        self.progress.update(self.files, advance=files, articles=self.read)
        self.progress.update(self.nlp, total=self.read, articles=self.read)

    def analysed(self, articles: int) -> None:
        self.progress.update(self.nlp, advance=articles)

    def committing(self) -> None:
        self.progress.add_task("committing", total=None, articles=self.read)


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


def analysed(articles: int) -> None:
    if _sink is not None:
        _sink.analysed(articles)


def committing() -> None:
    if _sink is not None:
        _sink.committing()
