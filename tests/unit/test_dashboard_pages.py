"""Each page of the dashboard run by Streamlit's own AppTest on a small warehouse: what it shows,
that every table has its CSV and its `newsflow sql --at` line, and what a person can do there
(search, open a quote in its article, override a gender, move to a newer snapshot)."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import parse_qs

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from benchmarks.sql import Population, _batch
from tests.bench_nights import load_night
from warehouse import figures
from warehouse.store import Store

APP = str(Path(__file__).resolve().parents[2] / "flows" / "dashboard" / "app.py")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("dashboard")
    store = Store(home)
    store.init()
    rng = np.random.default_rng(21)
    people = Population.make(rng, 1_000)
    for night in range(2):
        load_night(store, _batch(rng, people, night, 100, []))
    return home


def _app(home: Path, monkeypatch: pytest.MonkeyPatch, page: str | None = None) -> AppTest:
    monkeypatch.setattr(sys, "argv", ["app.py", "--home", str(home)])
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    if page is not None:
        app.switch_page(f"views/{page}.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _snapshot(home: Path) -> int:
    with Store(home).connect() as con:
        return figures.snapshot(con).id


def _reproduces(app: AppTest, home: Path) -> None:
    lines = [c.value for c in app.code]
    assert lines and all(
        line.startswith(f"newsflow sql --at {_snapshot(home)} '") for line in lines
    )


def test_gender_draws_both_roles_with_their_tables(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(home, monkeypatch)
    assert app.title[0].value.startswith("Women among")
    assert len(app.get("vega_lite_chart")) == 4  # per outlet and per month, for both roles
    assert len(app.dataframe) == 2 and len(app.get("download_button")) == 2
    with Store(home).connect() as con:
        people = figures.gender_figures(con, figures.Filters(), "person").overall()
    assert app.metric[1].value == f"{people['women_pct']}%"
    _reproduces(app, home)
    # an outlet chosen in the sidebar narrows every figure to it
    app.sidebar.multiselect(key="outlets").select("Outlet 3").run()
    outlets = set(app.dataframe[0].value["outlet"])
    assert outlets == {"Outlet 3", figures.ALL}


def test_sources_lists_women_and_men_with_links_to_their_pages(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(home, monkeypatch, "sources")
    women, men = (frame.value for frame in app.dataframe)
    assert len(women) == len(men) == 20
    assert list(women["quotes"]) == sorted(women["quotes"], reverse=True)
    assert all(page.startswith("person?id=") for page in men["page"])
    assert len(app.get("download_button")) == 2
    _reproduces(app, home)


def test_person_search_and_a_gender_override(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(home, monkeypatch, "person")
    assert app.info[0].value.startswith("Search a name")
    with Store(home).connect() as con:
        top = con.execute(
            "SELECT s.name, g.gender FROM speakers s JOIN entity_gender g USING (entity_id) "
            "WHERE g.gender = 'male' ORDER BY s.quotes DESC LIMIT 1"
        ).fetchone()
    app.text_input(key="person_search").input(top[0].lower()).run()
    assert app.header[0].value == top[0]
    assert app.metric[0].value == "male"
    assert len(app.get("vega_lite_chart")) == 1  # per month
    _reproduces(app, home)
    before = _snapshot(home)
    app.selectbox(key="override_choice").select("female").run()
    app.button(key="override_save").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.metric[0].value == "female"
    assert _snapshot(home) == before + 1  # one commit, and the page moved to it
    assert app.session_state["snapshot"] == before + 1
    app.selectbox(key="override_choice").select("remove the override").run()
    app.button(key="override_save").click().run()
    assert app.metric[0].value == "male"


def test_quotes_search_and_open_one_in_its_article(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(home).connect() as con:
        (text,) = con.execute("SELECT text FROM latest_quotes ORDER BY quote_id LIMIT 1").fetchone()
    first, second = [w for w in text.lower().split() if w.isalpha()][:2]
    app = _app(home, monkeypatch, "quotes")
    with Store(home).connect() as con:
        period = figures.choices(con).recent(figures.QUOTE_DAYS)
    assert app.date_input(key="period").value == (period.start, period.end)
    app.text_input(key="words").input(f"{first} {second}").run()
    found = app.dataframe[0].value
    assert len(found) > 0
    assert all(first in q.lower() and second in q.lower() for q in found["quote"])
    _reproduces(app, home)
    link = app.get("page_link")[0]  # the first quote's (no "Back" link on the search page)
    linked = parse_qs(link.proto.query_string)
    quote_id, article_id = linked["quote"][0], linked["article"][0]
    app.query_params["quote"] = quote_id
    app.query_params["article"] = article_id
    app.run()
    html = app.get("html")[0].proto.body
    with Store(home).connect() as con:
        quote = figures.quote_in_article(con, quote_id)
    assert quote is not None and quote["article_id"] == article_id
    assert f'<mark class="quote">{quote["quote"]}</mark>' in html
    assert app.title[0].value == quote["headline"]


def test_runs_shows_the_loads_and_the_size(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(home, monkeypatch, "runs")
    runs = app.dataframe[0].value
    assert list(runs["articles"]) == [100, 100]
    assert app.metric[0].value.endswith(" MB")
    assert app.main.info[0].value == "None of these runs rejected anything."
    _reproduces(app, home)


def test_a_run_that_commits_is_offered_and_the_page_moves_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path)
    store.init()
    rng = np.random.default_rng(5)
    people = Population.make(rng, 1_000)
    load_night(store, _batch(rng, people, 0, 50, []))
    app = _app(tmp_path, monkeypatch)  # the first page, under the app's sidebar
    shown = app.session_state["snapshot"]
    articles = app.metric[0].help
    load_night(store, _batch(rng, people, 1, 50, []))
    app.run()
    assert app.session_state["snapshot"] == shown  # a commit never changes what is shown
    assert app.metric[0].help == articles
    assert app.sidebar.info[0].value.startswith(f"Snapshot {shown + 1} is newer")
    app.sidebar.button(key="newer").click().run()
    assert app.session_state["snapshot"] == shown + 1
    assert app.metric[0].help != articles
    assert not app.sidebar.info
