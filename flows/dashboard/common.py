"""What every page of the dashboard shares: the warehouse at the snapshot the session shows, the
line saying which one with the `newsflow sql --at` that reproduces a figure, the filters, and
the CSV download under each table.

A session reads one snapshot until the person moves it: figures at a snapshot never change, so
they are cached by snapshot, and a load that commits meanwhile neither blocks nor is blocked
(the connection is read-only). Every few seconds the page looks for a newer snapshot and offers
it.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv
import streamlit as st

from flows.settings import store_for
from warehouse import figures
from warehouse.lake import ALIAS

CHECK_EVERY = 5.0  # seconds between looks for a newer snapshot


def arguments(argv: list[str]) -> Path:
    """The home, from the app's command line (`newsflow dashboard` passes `--home`)."""
    if "--home" not in argv or argv.index("--home") + 1 >= len(argv):
        raise SystemExit("usage: app.py --home HOME (run it with `newsflow dashboard`)")
    return Path(argv[argv.index("--home") + 1]).resolve()


@st.cache_resource(show_spinner=False, max_entries=4)
def _connection(home: str, at: int | None) -> duckdb.DuckDBPyConnection:
    """One read-only connection per snapshot (None: the newest, to look for new commits);
    each page run queries through a cursor of its own."""
    return store_for(home).connect(at=at)


def start(home: Path) -> None:
    """Settle the session's home and snapshot (the newest at its first page)."""
    st.session_state.setdefault("home", str(home))
    if "snapshot" not in st.session_state:
        st.session_state["snapshot"] = figures.newest_snapshot(_latest()).id


def _cursor(at: int | None) -> duckdb.DuckDBPyConnection:
    cursor = _connection(st.session_state["home"], at).cursor()
    cursor.execute(f"USE {ALIAS}")  # a cursor starts in the in-memory database
    return cursor


def _latest() -> duckdb.DuckDBPyConnection:
    return _cursor(None)


def connection() -> duckdb.DuckDBPyConnection:
    """A cursor on the snapshot this session shows."""
    return _cursor(st.session_state["snapshot"])


def shown() -> int:
    return int(st.session_state["snapshot"])


def move_to(snapshot: int) -> None:
    st.session_state["snapshot"] = snapshot


def snapshot_box() -> None:
    """The sidebar's word on the snapshot shown, and a newer one when a run has committed.
    Each page draws it (a page is a script Streamlit may run alone)."""
    with st.sidebar:
        _snapshot_box()


def _snapshot_box() -> None:
    current = figures.snapshot(connection())
    st.caption(
        f"Snapshot **{current.id}** of {current.time:%Y-%m-%d %H:%M} ({current.describe}). "
        "Every figure here is as of that snapshot."
    )
    newest = figures.newest_snapshot(_latest())
    st.session_state["newest"] = newest.id
    if newest.id > current.id:
        st.info(f"Snapshot {newest.id} is newer ({newest.describe}).")
        if st.button(f"Show snapshot {newest.id}", key="newer"):
            move_to(newest.id)
            st.rerun()
    _watch()


@st.fragment(run_every=CHECK_EVERY)
def _watch() -> None:
    """Every few seconds: when a commit has come since the page was drawn, draw it again (the
    figures stay at their snapshot; the sidebar then offers the new one)."""
    if figures.newest_snapshot(_latest()).id != st.session_state.get("newest"):
        st.rerun(scope="app")


def reproduce(query: figures.Query) -> None:
    """The command that gives these numbers again, at this snapshot."""
    with st.expander(f"Reproduce: newsflow sql --at {shown()} …"):
        st.code(query.command(shown()), language="bash", wrap_lines=True)


def table(rows: pa.Table, name: str, **options: Any) -> None:
    """A table and its CSV download."""
    st.dataframe(rows, hide_index=True, **options)
    buffer = io.BytesIO()
    pa_csv.write_csv(rows, buffer)
    st.download_button(
        f"Download {name} (CSV)",
        buffer.getvalue(),
        file_name=f"{name.replace(' ', '_')}-snapshot{shown()}.csv",
        mime="text/csv",
        key=f"csv-{name}",
    )


@st.cache_data(show_spinner=False)
def _choices(home: str, snapshot: int) -> figures.Choices:
    return figures.choices(connection())


def filters(dated: bool = True, recent_days: int | None = None) -> figures.Filters:
    """The sidebar's filters: published dates (by default the whole period, or with
    `recent_days` the last days up to the newest article), outlets, languages."""
    options = _choices(st.session_state["home"], shown())
    start: date | None = None
    end: date | None = None
    if dated and options.first is not None and options.last is not None:
        recent = options.recent(recent_days) if recent_days else figures.Filters()
        picked = st.sidebar.date_input(
            "Published between",
            (recent.start or options.first, recent.end or options.last),
            min_value=options.first,
            max_value=options.last,
            key="period",
        )
        if isinstance(picked, tuple) and len(picked) == 2:
            start, end = picked
    outlets = st.sidebar.multiselect("Outlets (none: all)", options.outlets, key="outlets")
    languages = st.sidebar.multiselect("Languages (none: all)", options.languages, key="languages")
    return figures.Filters(start, end, tuple(outlets), tuple(languages))
