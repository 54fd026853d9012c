"""Maintenance: few large files, a bounded history, nothing kept that no snapshot needs.

Every load adds small files (a run's rows, the marts' changes, delete markers); left alone,
a year of nightly loads makes every query open thousands of them. `maintain` rewrites files
that are mostly deleted rows, merges small files, expires snapshots older than the window and
deletes the files no snapshot references any more. With `purge` the window is now: only the
current state survives, so a takedown's rows are gone from every file, the catalog and the cache.
It runs under the write lock, never beside a load, and only on a data path whose marker names
this catalog (warehouse/ownership.py): files the catalog does not know (left by a load killed
in its commit) are deleted only where nothing else was in the path when the catalog claimed it.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from warehouse import ownership
from warehouse.lake import ALIAS
from warehouse.store import Store, close_writers


@dataclass
class Report:
    files_before: dict[str, int] = field(default_factory=dict)
    files_after: dict[str, int] = field(default_factory=dict)
    bytes_before: int = 0
    bytes_after: int = 0
    snapshots_expired: int = 0
    staging_removed: int = 0
    cache_cleared: bool = False
    # Data files of unknown origin left where the path held such files when it was claimed.
    unknown_kept: int = 0


def maintain(store: Store, keep_days: float = 30, purge: bool = False) -> Report:
    """Compact and expire; call under the write lock."""
    report = Report(staging_removed=store.discard_staging())
    with contextlib.closing(store.writer()) as con:
        owner = ownership.claim(con, store.location)
        report.files_before, report.bytes_before = data_files(con)
        # Rewrite every file with deleted rows: marts change rows on every load, and a deleted
        # row's text stays in its file until it is rewritten. Then merge what is small.
        con.execute(f"CALL ducklake_rewrite_data_files('{ALIAS}', delete_threshold => 0)")
        con.execute(f"CALL ducklake_merge_adjacent_files('{ALIAS}')")
        cutoff = datetime.now(UTC) - (timedelta(0) if purge else timedelta(days=keep_days))
        before = _snapshots(con)
        con.execute(f"CALL ducklake_expire_snapshots('{ALIAS}', older_than => $t)", {"t": cutoff})
        report.snapshots_expired = before - _snapshots(con)
        con.execute(f"CALL ducklake_cleanup_old_files('{ALIAS}', cleanup_all => true)")
        if owner.exclusive:
            con.execute(f"CALL ducklake_delete_orphaned_files('{ALIAS}', cleanup_all => true)")
        else:
            report.unknown_kept = len(ownership.unknown_files(con, store.location))
        report.files_after, report.bytes_after = data_files(con)
    if purge:
        _vacuum_catalog(store)
        cache = store.home / "cache"
        if cache.exists():
            shutil.rmtree(cache)
            report.cache_cleared = True
    return report


def data_files(con: object) -> tuple[dict[str, int], int]:
    """Data and delete files per table, and their bytes in all."""
    rows = con.execute(  # type: ignore[attr-defined]
        "SELECT table_name, file_count + delete_file_count, "
        f"file_size_bytes + delete_file_size_bytes FROM ducklake_table_info('{ALIAS}')"
    ).fetchall()
    return {name: int(n) for name, n, _ in rows}, sum(int(b) for *_, b in rows)


def _snapshots(con: object) -> int:
    (n,) = con.execute(f"SELECT count(*) FROM {ALIAS}.snapshots()").fetchone()  # type: ignore[attr-defined]
    return int(n)


def _vacuum_catalog(store: Store) -> None:
    """SQLite keeps deleted catalog pages until VACUUM; a purge must not leave text in them."""
    file = store.location.sqlite_file
    if file is None:
        return
    close_writers()
    with contextlib.closing(sqlite3.connect(file)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("VACUUM")
