"""Cleaning that does not end, raises, eats memory or dies: each costs its own record, and the
batch's other records are cleaned.

Issue 33, defect 6: libxml2 is not interruptible (a page of 300,000 attributes ran for half an
hour) and trafilatura swallows the exception a time limit raises (a 2 s limit took 45 s and
returned an article). Cleaning now runs in a child process the kernel ends at the limit.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator

import pytest

from tasks import clean as clean_module
from tasks import stoppable
from tasks.clean import CleanOptions, clean_batch
from tasks.records import Article, RawRecord, Reject

BODY = (
    "The harbour commission voted on Tuesday to delay the dredging plan until spring. "
    "“We need another season of data before we dig,” commission chair Ines Moreau said."
)
GOOD = RawRecord("good.txt", None, "text", BODY, title="Harbour dredging delayed")
LIMIT = CleanOptions(max_seconds=1)


@pytest.fixture(autouse=True)
def fresh_child() -> Iterator[None]:
    """The child is forked at its first call: a test that patches the cleaner starts a new one
    that has the patch, and leaves none behind that has it."""
    stoppable.release()
    yield
    stoppable.release()


def _misbehaving(monkeypatch: pytest.MonkeyPatch, behaviour: object) -> RawRecord:
    """A record whose cleaning runs `behaviour` instead of the line filter."""
    real = clean_module.filter_lines

    def filter_lines(lines: list[str], *args: object, **kwargs: object) -> object:
        if any("MISBEHAVE" in line for line in lines):
            behaviour()  # type: ignore[operator]
        return real(lines, *args, **kwargs)

    monkeypatch.setattr(clean_module, "filter_lines", filter_lines)
    return RawRecord("bad.txt", None, "text", BODY + " MISBEHAVE", title="Bad record")


def _outcome(records: list[RawRecord], options: CleanOptions) -> tuple[list[str], float]:
    started = time.monotonic()
    results = clean_batch(records, options)
    names = [r.reason if isinstance(r, Reject) else "article" for r in results]
    assert all(isinstance(r, Article | Reject) for r in results)
    return names, time.monotonic() - started


def test_a_page_libxml2_chews_on_is_stopped_at_the_limit() -> None:
    attributes = " ".join(f'data-a{i}="v"' for i in range(60_000))
    page = RawRecord(
        "attributes.html",
        None,
        "html",
        f"<html><body><div {attributes}>x</div><p>{BODY}</p></body></html>",
    )
    names, seconds = _outcome([page, GOOD], LIMIT)
    assert names == ["clean timed out", "article"]
    assert seconds < 8  # parsing the page alone takes half a minute and more


def test_a_cleaner_that_swallows_the_limit_is_stopped_anyway(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def swallowing() -> None:
        end = time.monotonic() + 30
        while time.monotonic() < end:  # what trafilatura does to a time limit's exception
            with contextlib.suppress(Exception):
                time.sleep(0.01)

    bad = _misbehaving(monkeypatch, swallowing)
    names, seconds = _outcome([GOOD, bad, GOOD], LIMIT)
    assert names == ["article", "clean timed out", "article"]
    assert seconds < 8


def test_a_record_that_raises_is_a_reject_that_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    def raising() -> None:
        raise ValueError("Invalid IPv6 URL")

    bad = _misbehaving(monkeypatch, raising)
    results = clean_batch([bad, GOOD], LIMIT)
    assert isinstance(results[0], Reject) and results[0].reason == "clean failed"
    assert "ValueError: Invalid IPv6 URL" in results[0].detail
    assert isinstance(results[1], Article)


def test_a_record_that_takes_too_much_memory_is_a_reject(monkeypatch: pytest.MonkeyPatch) -> None:
    def hungry() -> None:
        hoard = [bytearray(50_000_000) for _ in range(40)]  # 2 GB
        assert hoard

    bad = _misbehaving(monkeypatch, hungry)
    names, _ = _outcome([bad, GOOD], CleanOptions(max_seconds=10, max_memory_bytes=300_000_000))
    assert names == ["clean out of memory", "article"]


def test_a_record_that_kills_its_process_is_a_reject(monkeypatch: pytest.MonkeyPatch) -> None:
    bad = _misbehaving(monkeypatch, lambda: os.kill(os.getpid(), signal.SIGSEGV))
    results = clean_batch([bad, GOOD], LIMIT)
    assert isinstance(results[0], Reject) and results[0].reason == "clean failed"
    assert "SIGSEGV" in results[0].detail
    assert isinstance(results[1], Article)
