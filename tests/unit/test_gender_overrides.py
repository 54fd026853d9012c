"""A person's gender in the warehouse: the majority of their articles' calls, unless a user's
override (`newsflow gender set`) says otherwise, for rows loaded before the override too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from benchmarks.sql import Population, _batch, _conform
from flows.cli.app import app
from tests.bench_nights import load_night
from warehouse import figures
from warehouse.examples import query
from warehouse.schemas import RUN_TABLES
from warehouse.store import Store

PEOPLE = {
    # name: the (gender, source) each of its three articles calls it
    "Robin Okafor": [("female", "text"), ("male", "name"), ("female", "name")],
    "Sam Ilves": [("female", "name"), ("male", "name"), ("unknown", None)],
    "Lee Brandt": [("male", "text"), ("male", "name"), ("male", "name")],
}


def _people_in_three_articles() -> dict[str, pa.Table]:
    """Three articles, each naming every one of PEOPLE once with that article's call."""
    rng = np.random.default_rng(1)
    tables = _batch(rng, Population.make(rng, 10), 0, 3, [])
    ids = tables["articles"]["article_id"].to_pylist()
    rows = [
        {
            "article_id": article,
            "version": 1,
            "mention_id": f"{article}-{n}",
            "entity_key": f"person:{name.lower()}",
            "name": name,
            "text": name,
            "label": "person",
            "start_char": 20 * n,
            "end_char": 20 * n + len(name),
            "sentence": n,
            "gender": calls[a][0],
            "gender_source": calls[a][1],
            "run_id": tables["runs"]["run_id"][0].as_py(),
        }
        for a, article in enumerate(ids)
        for n, (name, calls) in enumerate(PEOPLE.items())
    ]
    mentions = pa.Table.from_pylist(rows, schema=RUN_TABLES["entity_mentions"])
    tables["entity_mentions"] = _conform(mentions, RUN_TABLES["entity_mentions"])
    return tables


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gender")
    store = Store(path)
    store.init()
    load_night(store, _people_in_three_articles())
    return path


def _gender(home: Path, name: str) -> tuple:  # type: ignore[type-arg]
    with Store(home).connect() as con:
        return con.execute(
            "SELECT gender, gender_source, gender_probability FROM entity_gender "
            "WHERE entity_key = $k",
            {"k": f"person:{name.lower()}"},
        ).fetchone()


def test_the_estimate_is_the_majority_of_the_persons_articles(home: Path) -> None:
    gender, source, probability = _gender(home, "Robin Okafor")
    assert (gender, source) == ("female", "text")  # one article's text said so
    assert abs(probability - 2 / 3) < 1e-9
    assert _gender(home, "Lee Brandt") == ("male", "text", 1.0)


def test_a_tie_or_no_call_is_unknown(home: Path) -> None:
    assert _gender(home, "Sam Ilves") == ("unknown", None, None)


def test_an_override_wins_over_the_estimate_for_rows_already_loaded(home: Path) -> None:
    cli = CliRunner()
    at = ["--home", str(home)]
    assert _gender(home, "Lee Brandt")[:2] == ("male", "text")

    set_ = cli.invoke(app, ["gender", "set", "Lee Brandt", "female", *at])
    assert set_.exit_code == 0, set_.output
    assert "in 3 articles" in set_.output
    assert _gender(home, "Lee Brandt") == ("female", "override", 1.0)
    assert _gender(home, "Robin Okafor")[:2] == ("female", "text")  # nobody else changes
    listed = cli.invoke(app, ["gender", "list", *at])
    assert "person:lee brandt" in listed.output and "female" in listed.output
    # Set again, by entity key: one override per person, the last word wins.
    cli.invoke(app, ["gender", "set", "person:lee brandt", "unknown", *at])
    assert _gender(home, "Lee Brandt") == ("unknown", "override", 1.0)

    unset = cli.invoke(app, ["gender", "unset", "Lee Brandt", *at])
    assert unset.exit_code == 0 and "override removed" in unset.output
    assert _gender(home, "Lee Brandt") == ("male", "text", 1.0)
    again = cli.invoke(app, ["gender", "unset", "Lee Brandt", *at])
    assert "had no override" in again.output
    with Store(home).connect() as con:
        messages = [m for (m,) in con.execute("SELECT commit_message FROM snapshots()").fetchall()]
    assert messages[-3:] == [
        "gender override person:lee brandt: female",
        "gender override person:lee brandt: unknown",
        "gender override person:lee brandt removed",
    ]


def test_a_bad_gender_is_refused_before_anything_is_written(home: Path) -> None:
    refused = CliRunner().invoke(app, ["gender", "set", "Lee Brandt", "woman", "--home", str(home)])
    assert refused.exit_code == 2
    with Store(home).connect() as con:
        assert con.execute("SELECT count(*) FROM gender_overrides").fetchone() == (0,)


def test_the_share_of_women_per_outlet_and_month_reads_the_marts(home: Path) -> None:
    with Store(home).connect() as con:
        rows = con.execute(query("women_among_people")).fetchall()
        sources = con.execute(query("women_among_sources")).fetchall()
    assert len({(outlet, month) for outlet, month, *_ in rows}) == len(rows)  # one row each
    articles, women, men, unknown = (sum(r[i] for r in rows) for i in (2, 3, 4, 5))
    # Each person counts by what each article calls them: Robin female twice and male once, Sam
    # female, male and unknown, Lee male three times.
    assert (articles, women, men, unknown) == (3, 3, 5, 1)
    assert sources  # the batch's synthetic quotes, counted the same way


def _said(result: Any) -> str:
    """stdout and stderr of a CliRunner result, one line (Rich wraps at the runner's width)."""
    return " ".join((result.output + (result.stderr or "")).split())


def test_a_name_the_warehouse_lacks_is_refused_with_the_close_names_it_has(home: Path) -> None:
    at = ["--home", str(home)]
    refused = CliRunner().invoke(app, ["gender", "set", "Lee Brant", "female", *at])
    assert refused.exit_code == 1
    said = _said(refused)
    assert "the warehouse has nobody named 'Lee Brant'" in said
    assert "close names it has: Lee Brandt (3 articles)" in said
    assert "Robin Okafor" not in said and "--force" in said
    with Store(home).connect() as con:
        assert con.execute("SELECT count(*) FROM gender_overrides").fetchone() == (0,)

    # Insisted on: stored, for the articles to come.
    forced = CliRunner().invoke(app, ["gender", "set", "Lee Brant", "female", "--force", *at])
    assert forced.exit_code == 0, forced.output
    assert "not in the warehouse yet" in forced.output
    assert CliRunner().invoke(app, ["gender", "unset", "Lee Brant", *at]).exit_code == 0


def test_a_busy_warehouse_tells_gender_set_to_try_again_not_about_drops(home: Path) -> None:
    with Store(home).write_lock():
        busy = CliRunner().invoke(app, ["gender", "set", "Lee Brandt", "male", "--home", str(home)])
    assert busy.exit_code == 3
    said = _said(busy)
    assert "wait for it to finish, then run this command again: it changed nothing" in said
    assert "drop" not in said


@pytest.mark.parametrize(("role", "example"), [("person", "women_among_people"),
                                               ("source", "women_among_sources")])  # fmt: skip
def test_the_gender_page_counts_as_the_example_query_does(
    home: Path, role: str, example: str
) -> None:
    cli, at = CliRunner(), ["--home", str(home)]
    for override in (None, "male", "unknown"):  # before any override, and through two
        if override is not None:
            done = cli.invoke(app, ["gender", "set", "Robin Okafor", override, *at])
            assert done.exit_code == 0, done.output
        with Store(home).connect() as con:
            queried = {
                (outlet, month): rest
                for outlet, month, *rest in con.execute(query(example)).fetchall()
            }
            shown = figures.gender_figures(con, figures.Filters(), role).per_month().to_pylist()
            if role == "source":  # no story is a wire copy here: original reporting is all
                assert con.execute(query("women_among_sources_original")).fetchall() == [
                    (outlet, month, *rest) for (outlet, month), rest in queried.items()
                ]
        page = {
            (r["outlet"], r["month"]): [
                r[k] for k in ("articles", "women", "men", "unknown", "women_pct")
            ]
            for r in shown
            if r["outlet"] != figures.ALL
        }
        assert page == queried and page
    assert cli.invoke(app, ["gender", "unset", "Robin Okafor", *at]).exit_code == 0
