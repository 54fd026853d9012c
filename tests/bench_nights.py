"""Nights of the SQL benchmark's synthetic data (benchmarks/sql.py) loaded into a test warehouse."""

from __future__ import annotations

import pyarrow as pa

from warehouse.store import Store


def load_night(store: Store, tables: dict[str, pa.Table]) -> None:
    """Stage one night's rows and commit them, without clustering: the tests that use these
    nights count marts and figures, not wire copies."""
    run_id = tables["runs"]["run_id"][0].as_py()
    for name in ("articles", "entity_mentions", "quotes", "files"):
        store.stage(run_id, name, tables[name], "00000")
    store.commit(run_id, tables["runs"], run_id, {})
