"""`newsflow bench-dashboard`: each dashboard page's queries, and each page's first render, on a
warehouse (the 1,000,000-article one `bench-sql --home` builds, typically).

Queries: every data function a page calls, on a fresh connection: the first call (nothing
cached by DuckDB yet) and the best of three. Renders: each page's first run in a new session
with Streamlit's caches emptied (so it opens its connections and runs its queries), in this
process through Streamlit's AppTest: the time from the request to the page's last element.

A server scans the installed packages for Streamlit components once, when it starts; AppTest
scans them again for every new app (3 s on two busy cores), so the renders share one scan, made
before the first is timed, as the sessions of one server do.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from warehouse import figures
from warehouse.store import Store

APP = Path(__file__).resolve().parent.parent / "flows" / "dashboard" / "app.py"
REPEAT = 3


def _person(con: Any) -> tuple[int, str]:
    """The most quoted person: the Person page with the most to show."""
    (entity_id, name) = con.execute(
        "SELECT entity_id, name FROM speakers ORDER BY quotes DESC LIMIT 1"
    ).fetchone()
    return int(entity_id), str(name)


def page_queries(con: Any) -> dict[str, dict[str, Callable[[], Any]]]:
    """The calls each page makes with its default filters (the whole dated period; the Quotes
    page's last QUOTE_DAYS days, and its word search widened to the whole period too)."""
    options = figures.choices(con)
    period = figures.Filters(options.first, options.last)
    recent = options.recent(figures.QUOTE_DAYS)  # the Quotes page's default period
    entity_id, name = _person(con)
    quote, article = con.execute("SELECT quote_id, article_id FROM quotes LIMIT 1").fetchone()
    runs = figures.last_runs(con)["run_id"].to_pylist()
    every = {
        "snapshot": lambda: figures.snapshot(con),
        "newest snapshot": lambda: figures.newest_snapshot(con),
        "filter choices": lambda: figures.choices(con),
    }
    person = {
        f"person {part}": (lambda q=query: q.run(con))
        for part, query in figures.person_queries(entity_id).items()
    }
    return {
        "gender": every
        | {
            f"women among {role}s": (lambda r=role: figures.gender_figures(con, period, r))
            for role in figures.ROLES
        },
        "sources": every | {"top sources, women and men": lambda: figures.top_sources(con, period)},
        "person": every
        | {"find people": lambda: figures.find_people(con, name.split()[-1])}
        | person,
        "quotes": every
        | {
            "search (no words)": lambda: figures.search_quotes(con, recent),
            "search words": lambda: figures.search_quotes(con, recent, "council vote"),
            "search words, whole period": lambda: figures.search_quotes(
                con, period, "council vote"
            ),
            "search speaker": lambda: figures.search_quotes(con, recent, "", name.split()[0]),
            "quote in its article": lambda: figures.quote_in_article(con, quote, article),
        },
        "runs": every
        | {
            "last runs": lambda: figures.last_runs(con),
            "rejects by reason": lambda: figures.rejects_by_reason(con, runs),
            "warehouse size": lambda: figures.warehouse_size(con),
        },
    }


def time_queries(home: Path) -> dict[str, dict[str, dict[str, float]]]:
    """Seconds of each page's calls: the first and the best of REPEAT, on a fresh connection."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    with Store(home).connect() as con:
        pages = page_queries(con)
    for page, calls in pages.items():
        with Store(home).connect() as con:
            calls = page_queries(con)[page]
            out[page] = {}
            for name, call in calls.items():
                times = []
                for _ in range(REPEAT):
                    started = time.perf_counter()
                    call()
                    times.append(time.perf_counter() - started)
                out[page][name] = {"first": times[0], "best": min(times)}
    return out


def time_renders(home: Path) -> dict[str, float]:
    """Seconds of each page's first render in a new session, caches empty."""
    import streamlit as st
    from streamlit.components.v2.component_manager import BidiComponentManager
    from streamlit.testing.v1 import AppTest

    with Store(home).connect() as con:
        entity_id, _ = _person(con)
    argv = sys.argv
    sys.argv = ["app.py", "--home", str(home)]
    out = {}
    try:
        components = BidiComponentManager()
        components.discover_and_register_components(start_file_watching=False)
        for page in ("gender", "sources", "person", "quotes", "runs"):
            st.cache_data.clear()
            st.cache_resource.clear()
            app = AppTest.from_file(str(APP), default_timeout=120)
            app._bidi_component_manager = components  # the server's, made at its start
            if page == "person":
                app.query_params["id"] = str(entity_id)
            if page != "gender":
                app.switch_page(f"views/{page}.py")
            started = time.perf_counter()
            app.run()
            out[page] = time.perf_counter() - started
            if app.exception:
                raise RuntimeError(f"the {page} page failed: {app.exception[0].value}")
    finally:
        sys.argv = argv
    return out


def measure(home: Path) -> dict[str, Any]:
    """Both, as the JSON `bench-dashboard --json` prints."""
    return {"home": str(home), "queries": time_queries(home), "renders": time_renders(home)}


if __name__ == "__main__":
    # Its own process: Streamlit needs pandas, which `newsflow` commands keep out of theirs.
    import json

    sys.stdout.write(json.dumps(measure(Path(sys.argv[1]))) + "\n")
