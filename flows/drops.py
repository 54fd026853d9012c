"""Which drops in the incoming folder are ready to load, and which are loaded already.

Every entry at the top of the incoming folder is one drop: a folder, a file or an archive. Hidden
entries and names a download or copy tool gives unfinished files (`.part`, `.tmp`, …) are not
drops yet.

A drop is **ready** when a folder holds a `_SUCCESS` (or `_DONE`) marker, or when nothing in it has
changed for the quiet period. "Changed" goes by the inode change time (ctime), which every write,
truncate, rename and timestamp reset moves forward: a copy that restores old modification times
(`cp -p`, `rsync -t`, `tar x`) still looks busy while it runs, and a file whose size is still
growing is never quiet.

A drop is **loaded** when completed runs recorded each of its current files (path and sha256) under
its drop id, the id that `tasks.ingest.drop_id_for` derives from those same hashes: a drop whose
files change afterwards has a new id and loads again, as new versions of its stories. Hashing
every drop at every poll would read the whole incoming folder every few minutes, so a drop that
has not changed since a completed run on it started is taken as loaded without reading it.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from tasks import ingest
from warehouse.store import Store

UNFINISHED_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".download", ".filepart")


class DropState(StrEnum):
    READY = "ready"
    WAITING = "waiting"  # still changing: quiet period not over, no marker
    LOADED = "already loaded"
    EMPTY = "empty"  # no input files (yet)


@dataclass(frozen=True)
class Drop:
    path: Path
    changed: float  # latest ctime of anything in the drop, the folder itself included
    modified: float  # latest mtime: when its content was written, the order drops load in
    marked: bool  # a folder with a completion marker

    def is_ready(self, quiet_seconds: float, now: float) -> bool:
        return self.marked or now - self.changed >= quiet_seconds


def list_drops(incoming: Path) -> list[Drop]:
    """The drops in `incoming`, oldest first (by their newest content, then by name)."""
    drops = []
    for path in incoming.iterdir():
        if path.name.startswith(".") or path.name.lower().endswith(UNFINISHED_SUFFIXES):
            continue
        changed, modified = _times(path)
        marked = path.is_dir() and any((path / m).is_file() for m in ingest.MARKERS)
        drops.append(Drop(path.resolve(), changed, modified, marked))
    return sorted(drops, key=lambda d: (d.modified, d.path.name))


def _times(path: Path) -> tuple[float, float]:
    """Latest ctime and mtime in a file or a whole folder tree.

    A file that vanishes while we look means the drop is changing right now.
    """
    try:
        stats = [path.stat()]
        if path.is_dir():
            for folder, _dirs, files in os.walk(path):
                stats.append(os.stat(folder))
                stats += [os.stat(os.path.join(folder, name)) for name in files]
    except FileNotFoundError:
        now = time.time()
        return now, now
    return max(s.st_ctime for s in stats), max(s.st_mtime for s in stats)


def state_of(drop: Drop, store: Store, quiet_seconds: float, now: float) -> DropState:
    """Where a drop stands; only READY drops are worth a run."""
    if not drop.is_ready(quiet_seconds, now):
        return DropState.WAITING
    started = store.last_completed_start(str(drop.path))
    if started is not None and started.timestamp() > drop.changed:
        return DropState.LOADED
    entries = ingest.scan(drop.path)
    if not entries:
        return DropState.EMPTY
    return DropState.LOADED if loaded(drop.path, entries, store) else DropState.READY


def loaded(path: Path, entries: list[ingest.FileEntry], store: Store) -> bool:
    """Whether a completed run recorded every one of these files under this drop."""
    recorded = store.recorded_files(ingest.drop_id_for(path, entries))
    return {(e.path, e.sha256) for e in entries} <= recorded
