"""The dashboard's figures (warehouse/figures.py) on a small warehouse loaded through the real
commit, each checked against the same count made from the raw tables: the marts it reads must
say what the rows say, through updated stories, a takedown and a gender override."""

from __future__ import annotations

import contextlib
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pytest

from benchmarks.sql import Population, _batch
from tests.bench_nights import load_night
from warehouse import figures, marts, syndication
from warehouse.gender_overrides import set_override, unset_override
from warehouse.schemas import DASHBOARD_MARTS
from warehouse.store import Store
from warehouse.takedowns import forget

JANUARY = figures.Filters(date(2026, 1, 1), date(2026, 1, 31))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """Three nights of 150 articles (published from 31 December to 3 January), a night that
    updates 8 stories, a takedown of one outlet, and an override of a much-quoted person."""
    store = Store(tmp_path_factory.mktemp("figures"))
    store.init()
    rng = np.random.default_rng(11)
    people = Population.make(rng, 1_500)
    first = _batch(rng, people, 0, 150, [])
    load_night(store, first)
    load_night(store, _batch(rng, people, 1, 150, []))
    older = first["articles"]["article_id"].to_pylist()
    load_night(store, _batch(rng, people, 2, 150, older[:8]))
    forget(store, "outlet", "Outlet 5", "test")
    return store


@pytest.fixture()
def con(store: Store) -> duckdb.DuckDBPyConnection:
    with store.connect() as con:
        yield con


def _raw_mixes(con: duckdb.DuckDBPyConnection, role: str) -> Counter[tuple]:  # type: ignore[type-arg]
    """(outlet, month, women, men, unknown) -> articles, from the raw rows of current articles:
    each person once per article, by that article's call, an override first."""
    people = con.execute(
        "SELECT m.article_id, m.entity_key, any_value(coalesce(o.gender, m.gender)) "
        "FROM latest_mentions m LEFT JOIN gender_overrides o USING (entity_key) "
        "WHERE m.label = 'person' GROUP BY ALL"
    ).fetchall()
    called = {(a, k): g for a, k, g in people}
    if role == "person":
        members = called
    else:
        spoken = con.execute(
            "SELECT DISTINCT q.article_id, q.speaker_entity_key, o.gender FROM latest_quotes q "
            "LEFT JOIN gender_overrides o ON o.entity_key = q.speaker_entity_key "
            "WHERE q.speaker_entity_key LIKE 'person:%' AND q.speaker_name IS NOT NULL"
        ).fetchall()
        members = {(a, k): o or called.get((a, k)) for a, k, o in spoken}
    where = dict(
        (a, (o or "(none)", m or "undated"))
        for a, o, m in con.execute(
            "SELECT article_id, outlet, strftime(published_at, '%Y-%m') FROM current_articles"
        ).fetchall()
    )
    per_article: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for (article, _), gender in members.items():
        per_article[article][{"female": 0, "male": 1}.get(gender or "", 2)] += 1
    return Counter((*where[a], *mix) for a, mix in per_article.items())


@pytest.mark.parametrize("role", ["source", "person"])
def test_gender_points_are_the_raw_rows_counted(con: duckdb.DuckDBPyConnection, role: str) -> None:
    mixes = _raw_mixes(con, role)
    shown = figures.gender_figures(con, figures.Filters(), role)
    expected: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for (outlet, month, women, men, unknown), articles in mixes.items():
        for key in ((outlet, month), (figures.ALL, month), (outlet, figures.ALL)):
            row = expected[key]
            row[0] += articles
            row[1] += women * articles
            row[2] += men * articles
            row[3] += unknown * articles
    got = {
        (r["outlet"], r["month"]): [r["articles"], r["women"], r["men"], r["unknown"]]
        for r in shown.points.to_pylist()
        if (r["outlet"], r["month"]) != (figures.ALL, figures.ALL)
    }
    assert got == dict(expected)
    assert {m for _, m in got} == {"2025-12", "2026-01", figures.ALL}
    assert "Outlet 5" not in {o for o, _ in got}  # taken down
    overall = shown.overall()
    assert overall["women"] == sum(w * n for (_, _, w, _, _), n in mixes.items())
    assert overall["women_pct"] == round(
        100 * overall["women"] / (overall["women"] + overall["men"]), 1
    )
    # the command it prints gives the same numbers
    (articles,) = con.execute(
        f"SELECT sum(articles) FROM ({shown.query.inline()}) WHERE outlet = 'Outlet 1'"
    ).fetchone()
    assert articles == expected[("Outlet 1", figures.ALL)][0]


def test_intervals_hold_their_point_and_narrow_with_more_articles(
    con: duckdb.DuckDBPyConnection,
) -> None:
    shown = figures.gender_figures(con, figures.Filters(), "person")
    rows = [r for r in shown.points.to_pylist() if r["women_pct"] is not None]
    assert all(r["low_pct"] <= r["women_pct"] <= r["high_pct"] for r in rows)
    overall = shown.overall()
    one_outlet = shown.per_outlet().to_pylist()[0]
    assert overall["articles"] > 5 * one_outlet["articles"]
    assert (overall["high_pct"] - overall["low_pct"]) < (
        one_outlet["high_pct"] - one_outlet["low_pct"]
    )


def test_an_interval_over_articles_that_all_have_one_mix_has_no_width() -> None:
    rng = np.random.default_rng(0)
    women, men, articles = np.array([1]), np.array([3]), np.array([40])
    assert figures._interval(rng, [0], women, men, articles) == (25.0, 25.0)
    # two mixes, 20 articles each: the share of a resample moves, within what is possible
    low, high = figures._interval(
        rng, [0, 1], np.array([0, 2]), np.array([2, 0]), np.array([20, 20])
    )
    assert low is not None and high is not None and 0 < low < 50 < high < 100


def test_filters_narrow_the_points(con: duckdb.DuckDBPyConnection) -> None:
    mixes = _raw_mixes(con, "source")
    shown = figures.gender_figures(
        con, figures.Filters(date(2026, 1, 2), date(2026, 1, 9), ("Outlet 1", "Outlet 2")), "source"
    )
    months = {(r["outlet"], r["month"]) for r in shown.points.to_pylist()}
    assert months == {
        (o, m) for o in ("Outlet 1", "Outlet 2", figures.ALL) for m in ("2026-01", figures.ALL)
    }
    assert shown.overall()["articles"] == sum(
        n for (o, m, *_), n in mixes.items() if o in ("Outlet 1", "Outlet 2") and m == "2026-01"
    )
    assert not figures.gender_figures(
        con, figures.Filters(languages=("fr",)), "source"
    ).points.num_rows


def test_top_sources_are_the_most_quoted_of_each_gender(con: duckdb.DuckDBPyConnection) -> None:
    raw = con.execute(
        "SELECT q.speaker_entity_key, count(*) AS quotes, count(DISTINCT q.article_id), "
        "count(DISTINCT a.outlet), any_value(g.gender), any_value(g.name) FROM latest_quotes q "
        "JOIN current_articles a USING (article_id, version) "
        "JOIN entity_gender g ON g.entity_key = q.speaker_entity_key "
        "WHERE strftime(a.published_at, '%Y-%m') = '2026-01' AND q.speaker_name IS NOT NULL "
        "GROUP BY 1"
    ).fetchall()
    tops = figures.top_sources(con, JANUARY, limit=5)
    for gender in figures.GENDERS:
        top = tops[gender].to_pylist()
        assert len(top) == 5
        mine = sorted((r for r in raw if r[4] == gender), key=lambda r: (-r[1], -r[2], r[5]))
        assert [r["entity_key"] for r in top] == [r[0] for r in mine[:5]]  # ties by name
        by_key = {r[0]: r for r in mine}
        for row in top:
            assert by_key[row["entity_key"]][1:4] == (
                row["quotes"],
                row["articles"],
                row["outlets"],
            )
        assert top[0]["quotes"] == mine[0][1]
        assert [r["quotes"] for r in top] == sorted((r["quotes"] for r in top), reverse=True)


def test_a_person_page_counts_what_the_rows_hold(con: duckdb.DuckDBPyConnection) -> None:
    (key, entity_id) = con.execute(
        "SELECT entity_key, entity_id FROM speakers ORDER BY quotes DESC LIMIT 1"
    ).fetchone()
    assert figures.find_people(con, key.split(":")[1].upper())["entity_id"][0].as_py() == entity_id
    shown = figures.person(con, entity_id)
    assert shown is not None and shown.entity_key == key
    raw_quotes = dict(
        con.execute(
            "SELECT strftime(a.published_at, '%Y-%m'), count(*) FROM latest_quotes q "
            "JOIN current_articles a USING (article_id, version) "
            "WHERE q.speaker_entity_key = $k AND q.speaker_name IS NOT NULL GROUP BY 1",
            {"k": key},
        ).fetchall()
    )
    raw_named = dict(
        con.execute(
            "SELECT strftime(a.published_at, '%Y-%m'), count(DISTINCT article_id) "
            "FROM latest_mentions m JOIN current_articles a USING (article_id, version) "
            "WHERE m.entity_key = $k GROUP BY 1",
            {"k": key},
        ).fetchall()
    )
    months = {r["month"]: r for r in shown.months.to_pylist()}
    assert {m: r["quotes"] for m, r in months.items() if r["quotes"]} == raw_quotes
    assert {m: r["articles_naming"] for m, r in months.items() if r["articles_naming"]} == raw_named
    raw_verbs = con.execute(
        "SELECT verb, count(*) FROM latest_quotes WHERE speaker_entity_key = $k "
        "AND speaker_name IS NOT NULL AND verb IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1",
        {"k": key},
    ).fetchall()
    assert [(r["verb"], r["quotes"]) for r in shown.verbs.to_pylist()] == raw_verbs
    assert shown.gender["gender"] in ("female", "male", "unknown")
    assert shown.named_with.num_rows > 0
    assert figures.person(con, 10**9) is None


def test_quote_search_and_a_quote_in_its_article(con: duckdb.DuckDBPyConnection) -> None:
    # Two words and a speaker of a quote the bench's generator wrote in January.
    text, speaker = con.execute(
        "SELECT q.text, q.speaker_name FROM latest_quotes q JOIN current_articles a "
        "USING (article_id, version) WHERE q.speaker_name IS NOT NULL "
        "AND a.published_at >= '2026-01-01' AND a.published_at < '2026-02-01' "
        "ORDER BY q.quote_id LIMIT 1"
    ).fetchone()
    first, second = [w for w in text.lower().split() if w.isalpha()][:2]
    found = figures.search_quotes(
        con, JANUARY, words=f"{first.upper()} {second}", speaker=speaker[:2], limit=1000
    )
    raw = con.execute(
        "SELECT count(*) FROM latest_quotes q JOIN current_articles a USING (article_id, version) "
        "WHERE q.text ILIKE $first AND q.text ILIKE $second AND q.speaker_name ILIKE $speaker "
        "AND a.published_at >= '2026-01-01' AND a.published_at < '2026-02-01'",
        {"first": f"%{first}%", "second": f"%{second}%", "speaker": f"%{speaker[:2]}%"},
    ).fetchone()
    assert 0 < found.num_rows == raw[0]
    dates = found["published_at"].to_pylist()
    assert dates == sorted(dates, reverse=True)
    first = found.to_pylist()[0]
    quote = figures.quote_in_article(con, first["quote_id"])
    assert quote is not None
    assert figures.quote_in_article(con, first["quote_id"], first["article_id"]) == quote
    assert figures.quote_in_article(con, first["quote_id"], "another-story") is None
    assert (
        quote["text"][quote["start_char"] : quote["end_char"]] == quote["quote"] == first["quote"]
    )
    assert figures.quote_in_article(con, "no-such-quote") is None


def test_the_quotes_default_period_ends_at_the_newest_article(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # The articles run from 31 December to 3 January: two days back from the newest, and a
    # period longer than the warehouse is all of it from its first month.
    (newest,) = con.execute("SELECT max(published_at) FROM current_articles").fetchone()
    options = figures.choices(con)
    assert options.newest == newest.date()
    assert options.recent(2) == figures.Filters(newest.date() - timedelta(days=1), newest.date())
    assert options.recent(400) == figures.Filters(options.first, newest.date())


def test_runs_rejects_and_size(con: duckdb.DuckDBPyConnection) -> None:
    runs = figures.last_runs(con)
    assert runs.num_rows == 3 and runs["articles"].to_pylist() == [150, 150, 150]
    tables, size = figures.warehouse_size(con)
    assert size > 0 and "articles" in tables["table"].to_pylist()
    assert figures.rejects_by_reason(con, runs["run_id"].to_pylist()).num_rows == 0


def test_a_gender_override_moves_the_mixes_as_a_rebuild_would(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.init()
    rng = np.random.default_rng(4)
    people = Population.make(rng, 1_000)
    load_night(store, _batch(rng, people, 0, 120, []))
    with store.connect() as con:
        key, name = con.execute(
            "SELECT entity_key, name FROM entity_gender WHERE gender = 'male' "
            "ORDER BY female_articles + male_articles DESC LIMIT 1"
        ).fetchone()
        before = figures.gender_figures(con, figures.Filters(), "person").overall()
    set_override(store, key, name, "female")
    _assert_marts_equal_a_rebuild(store)
    with store.connect() as con:
        after = figures.gender_figures(con, figures.Filters(), "person").overall()
        assert _raw_mixes(con, "person") == _mixes(con)
    assert after["women"] > before["women"] and after["men"] < before["men"]
    assert after["articles"] == before["articles"]
    unset_override(store, key)
    with store.connect() as con:
        assert figures.gender_figures(con, figures.Filters(), "person").overall() == before
    _assert_marts_equal_a_rebuild(store)


def _mixes(con: duckdb.DuckDBPyConnection) -> Counter[tuple]:  # type: ignore[type-arg]
    return Counter(
        {
            (o, m, w, n, u): a
            for o, m, w, n, u, a in con.execute(
                "SELECT outlet, month, women, men, unknown, articles FROM gender_mix "
                "WHERE role = 'person'"
            ).fetchall()
        }
    )


def _assert_marts_equal_a_rebuild(store: Store) -> None:
    """The dashboard's marts, and the original reporting's gender mixes, as counted from
    scratch."""
    tables = (*DASHBOARD_MARTS, "gender_mix_original")
    with contextlib.closing(store.writer()) as con:
        kept = {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}
        con.execute("BEGIN")
        marts.rebuild(con)
        marts.rebuild(con, only=syndication.ORIGINAL_BY_GENDER_CALLS, counted=syndication.NOT_WIRE)
        rebuilt = {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}
        con.execute("ROLLBACK")
    assert kept == rebuilt


def test_a_warehouse_from_before_the_dashboard_gets_its_marts_counted(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.init()
    rng = np.random.default_rng(8)
    load_night(store, _batch(rng, Population.make(rng, 1_000), 0, 80, []))
    with store.connect() as con:
        before = {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall()) for t in DASHBOARD_MARTS}
    with contextlib.closing(store.writer()) as con:
        for table in DASHBOARD_MARTS:
            con.execute(f"DROP TABLE {table}")
    store.init()
    with store.connect() as con:
        after = {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall()) for t in DASHBOARD_MARTS}
    assert all(before.values()) and after == before


def test_the_reproduce_line_quotes_its_parameters() -> None:
    query = figures.quotes_query(
        figures.Filters(date(2026, 1, 1), None, ("O'Neill Post",)), words="it's", speaker=""
    )
    line = query.inline()
    assert "$" not in line and "'O''Neill Post'" in line and "'%it''s%'" in line
    assert query.command(7).startswith("newsflow sql --at 7 '")
    assert "'\\''" in query.command(7)  # the shell's way to put a ' inside '…'


def test_a_quote_search_looks_at_the_newest_articles_first_and_misses_nothing(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(figures, "WINDOW", 12)
    for words, limit in (("", 20), ("water", 40), ("council court vote plan", 30)):
        everything = figures.quotes_query(figures.Filters(), words, limit=limit).run(con)
        assert figures.search_quotes(con, figures.Filters(), words, limit=limit) == everything
    windowed = figures.quotes_query(figures.Filters(), "", limit=20, window=12).run(con)
    assert windowed.num_rows == 20  # the window alone answered the first search
    # Words over a period of QUOTE_DAYS or fewer are looked for in one pass: the same answer.
    days = figures.Filters(date(2026, 1, 1), date(2026, 1, 2))
    assert days.days() == 2
    (text,) = con.execute("SELECT text FROM latest_quotes ORDER BY quote_id LIMIT 1").fetchone()
    word = max(text.split(), key=len)
    for words, limit in (("", 20), (word, 5), (word, 100_000)):
        everything = figures.quotes_query(days, words, limit=limit).run(con)
        assert everything.num_rows > 0
        assert figures.search_quotes(con, days, words, limit=limit) == everything
