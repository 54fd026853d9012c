"""Work that can be stopped: calls made one at a time in a child process, which the kernel ends
when a call runs past its time limit; the calls after it go to a new child.

A limit inside the process does not hold. Python raises an exception in a thread only between
bytecodes, so a long call into C is not stopped (libxml2 parsing a page of 300,000 attributes ran
for half an hour), and trafilatura catches the exceptions such a limit raises and goes on (a 2 s
limit took 45 s and returned an article). A process ends for sure: the child arms an alarm for
each call, whose default action ends it wherever it is.

The child is forked once, when the first call comes, so it starts with all this process has
imported and loaded (the language model, trafilatura); it then costs the pickling of what goes
in and out, some microseconds per call. It holds no file of ours open (a lock held by a copy of
a descriptor would outlive its holder's release), ignores Ctrl-C (its parent stops it), ends
when its parent goes away, and may grow by `memory_bytes` at most: a call that would take more
fails with a MemoryError instead of taking the machine's memory.
"""

from __future__ import annotations

import atexit
import logging
import math
import os
import resource
import signal
import threading
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, Pipe
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# After the child's own alarm, how long the parent waits before it kills the child itself (a
# child the alarm did not end: stopped, or its alarm lost).
_GRACE_SECONDS = 5.0


@dataclass(frozen=True)
class Failure:
    """Why a call has no result: `timed out`, `out of memory`, `failed` (it raised) or
    `crashed` (its process died), and the particulars."""

    reason: str
    detail: str


def map_stoppable(
    function: Callable[[T], R], items: Sequence[T], seconds: float, memory_bytes: int
) -> list[R | Failure]:
    """`function(item)` for each item, in order, each call ended after `seconds`; a call that
    runs past it, raises or dies is a Failure in its place, and the calls after it go on.

    `function` and the items are pickled to the child and the results back, so they are
    module-level functions (or partials of them) and plain data.
    """
    results: list[R | Failure] = []
    with _LOCK:
        while len(results) < len(items):
            worker = _worker(memory_bytes)
            try:
                worker.connection.send((function, items[len(results) :], seconds))
            except OSError:  # it died while idle: nothing of ours was running in it
                _discard()
                continue
            while len(results) < len(items):
                try:
                    if not worker.connection.poll(seconds + _GRACE_SECONDS):
                        worker.kill()
                    results.append(worker.connection.recv())
                except (EOFError, OSError):
                    results.append(_discard().failure(seconds))
                    break
    return results


def release() -> None:
    """End the child now: the caller has nothing more to run (a run's end, as for the spaCy
    workers; a long-lived process then holds no idle child between runs)."""
    with _LOCK:
        _discard()


class _Worker:
    """A forked child and the connection to it."""

    def __init__(self, memory_bytes: int) -> None:
        ours, theirs = Pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child
            ours.close()
            _serve(theirs, memory_bytes)
        theirs.close()
        self.connection: Connection = ours
        self.status: int | None = None
        self.killed = False

    def kill(self) -> None:
        """End a call past its limit (the child's own alarm should have)."""
        self.killed = True
        os.kill(self.pid, signal.SIGKILL)

    def reap(self) -> None:
        """End the child, whatever it is doing, and collect its exit status. It is not reaped
        before this, so its pid cannot be another process's yet."""
        self.connection.close()
        os.kill(self.pid, signal.SIGKILL)
        _, self.status = os.waitpid(self.pid, 0)

    def failure(self, seconds: float) -> Failure:
        """What ended the call that was running when the child died."""
        status = self.status or 0
        signalled = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        if signalled == signal.SIGALRM or (signalled == signal.SIGKILL and self.killed):
            return Failure("timed out", f"still running after {seconds:g} s")
        if signalled is not None:
            return Failure("crashed", f"its process died of {signal.Signals(signalled).name}")
        return Failure("crashed", f"its process exited with status {os.WEXITSTATUS(status)}")


_LOCK = threading.Lock()
_current: _Worker | None = None


def _worker(memory_bytes: int) -> _Worker:
    global _current
    if _current is None:
        _current = _Worker(memory_bytes)
    return _current


def _discard() -> _Worker:
    """Reap the current child (killing it if need be) and forget it; returns it, so its exit
    status can be read. Called with _LOCK held."""
    global _current
    worker, _current = _current, None
    if worker is not None:
        worker.reap()
    return worker  # type: ignore[return-value]


@atexit.register
def _at_exit() -> None:
    if _current is not None:
        _current.kill()


def _after_fork() -> None:
    """A process forked from this one (the warm runner's runs) has no child of its own yet."""
    global _current, _LOCK
    _current, _LOCK = None, threading.Lock()


os.register_at_fork(after_in_child=_after_fork)


def _serve(connection: Connection, memory_bytes: int) -> None:
    """The child's life: jobs of calls until the parent goes away; it never returns."""
    try:
        _isolate(connection.fileno(), memory_bytes)
        while True:
            function, items, seconds = connection.recv()
            for item in items:
                signal.alarm(math.ceil(seconds))
                result: Any
                try:
                    result = function(item)
                except MemoryError:
                    result = Failure("out of memory", f"needed more than {memory_bytes:,} bytes")
                except Exception as error:
                    result = Failure("failed", f"{type(error).__name__}: {error}")
                signal.alarm(0)
                connection.send(result)
    except BaseException:  # the parent went away (EOFError, a broken pipe): nothing to tell
        pass
    finally:
        os._exit(0)


def _isolate(keep: int, memory_bytes: int) -> None:
    """Close every descriptor but the standard ones and the connection, end on the alarm, leave
    Ctrl-C to the parent, log nothing (the parent's handlers send to threads the child lacks),
    and cap the memory the child may add to what it started with."""
    os.closerange(3, keep)
    os.closerange(keep + 1, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    with open("/proc/self/statm") as statm:
        size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = size + memory_bytes
    if hard == resource.RLIM_INFINITY or limit <= hard:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
