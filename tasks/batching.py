"""Cutting a stream into batches bounded by a size, so memory is bounded by the batch rather
than by the count of items (files and articles vary in size by orders of magnitude)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def batches(
    items: Iterable[T], size: Callable[[T], int], max_size: int, max_items: int | None = None
) -> Iterator[list[T]]:
    """Consecutive items, at most `max_items` and `max_size` in all per batch; an item larger
    than `max_size` makes a batch of its own rather than being dropped."""
    batch: list[T] = []
    total = 0
    for item in items:
        weight = size(item)
        if batch and (total + weight > max_size or len(batch) == max_items):
            yield batch
            batch, total = [], 0
        batch.append(item)
        total += weight
    if batch:
        yield batch


def ramp(first: int, size: int) -> Iterator[int]:
    """Batch sizes that start at `first` and double up to `size`, then stay there.

    A pipeline's first batch is one that nothing downstream overlaps with: its workers wait while
    it is read and cleaned. Small first batches put them to work within a fraction of a second;
    full-size ones follow while the first are parsed.
    """
    current = max(1, min(first, size))
    while True:
        yield current
        current = min(2 * current, size)
