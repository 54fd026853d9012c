"""The figures the dashboard and the report show, each read from the marts with one query.

Every function takes a read-only connection (at the snapshot the page shows) and returns Arrow
tables, never pandas: the report runs in a `newsflow` process, which has none. Each query is a
`Query` too, so a page can print the `newsflow sql --at` line that gives its numbers again.

Nothing here scans the mentions: the Gender page reads `gender_mix` (a few rows per outlet and
month), the Sources and Person pages `source_months` and the other marts keyed by entity id, the
Quotes page the quotes of the articles its filters keep, and a quote's article one row.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from warehouse.lake import ALIAS, literal
from warehouse.maintenance import data_files

ROLES = {"source": "sources (people quoted)", "person": "people (named)"}
GENDERS = ("female", "male")
ALL = "all"  # the outlet, or the month, of a total over the others
BOOTSTRAP = 1000  # resamples of the articles behind each point
EXACT_BELOW = 400  # articles behind a point under which each resample is drawn article by article
LEVEL = 95  # the interval's coverage, in percent


@dataclass(frozen=True)
class Query:
    """A statement and its `$name` parameters."""

    sql: str
    params: dict[str, Any] = field(default_factory=dict)

    def run(self, con: duckdb.DuckDBPyConnection) -> pa.Table:
        return con.execute(self.sql, self.params).fetch_arrow_table()

    def inline(self) -> str:
        """The statement with its parameters written in, on one line: what `newsflow sql` takes."""
        text = re.sub(r"\$(\w+)", lambda m: _sql_value(self.params[m.group(1)]), self.sql)
        return " ".join(text.split())

    def command(self, snapshot: int) -> str:
        """The shell line that answers this query at this snapshot."""
        quoted = self.inline().replace("'", "'\\''")
        return f"newsflow sql --at {snapshot} '{quoted}'"


def _sql_value(value: Any) -> str:
    if isinstance(value, str):
        return literal(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_sql_value(v) for v in value) + "]"
    if isinstance(value, (date, datetime)):
        return f"TIMESTAMPTZ {literal(value.isoformat())}"
    return str(value)


@dataclass(frozen=True)
class Filters:
    """What a page is narrowed to: published dates (inclusive), outlets, languages (none: all)."""

    start: date | None = None
    end: date | None = None
    outlets: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    def month_clauses(self, params: dict[str, Any]) -> list[str]:
        """WHERE clauses over a mart's `month`, `outlet`, `language` columns: the months the
        dates fall in (an undated article is in no period)."""
        clauses = []
        if self.start is not None:
            params["first"] = self.start.strftime("%Y-%m")
            clauses.append("month >= $first")
        if self.end is not None:
            params["last"] = self.end.strftime("%Y-%m")
            clauses.append("month <= $last")
        if self.start is not None or self.end is not None:
            clauses.append("month <> 'undated'")
        return clauses + self._where_in(params)

    def _where_in(self, params: dict[str, Any]) -> list[str]:
        clauses = []
        if self.outlets:
            params["outlets"] = list(self.outlets)
            clauses.append("list_contains($outlets, outlet)")
        if self.languages:
            params["languages"] = list(self.languages)
            clauses.append("list_contains($languages, language)")
        return clauses

    def days(self) -> int | None:
        """The days the period spans (None: open at either end)."""
        if self.start is None or self.end is None:
            return None
        return (self.end - self.start).days + 1

    def article_clauses(self, params: dict[str, Any]) -> list[str]:
        """The same over articles' own published time (the Quotes page)."""
        clauses = []
        if self.start is not None:
            params["since"] = datetime.combine(self.start, datetime.min.time())
            clauses.append("published_at >= $since")
        if self.end is not None:
            params["before"] = datetime.combine(self.end, datetime.max.time())
            clauses.append("published_at <= $before")
        return clauses + self._where_in(params)


def _where(clauses: list[str]) -> str:
    return f"WHERE {' AND '.join(clauses)}" if clauses else ""


# -- the snapshot a page shows ---------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    id: int
    time: datetime
    describe: str  # the drop a run loaded, or what else the commit did


def snapshot(con: duckdb.DuckDBPyConnection) -> Snapshot:
    """The snapshot this connection reads."""
    (current,) = con.execute("SELECT id FROM current_snapshot()").fetchone()  # type: ignore[misc]
    return _snapshot(con, int(current))


def newest_snapshot(con: duckdb.DuckDBPyConnection) -> Snapshot:
    """The newest snapshot of the lake, whatever snapshot this connection reads."""
    (newest,) = con.execute("SELECT max(snapshot_id) FROM snapshots()").fetchone()  # type: ignore[misc]
    return _snapshot(con, int(newest))


def _snapshot(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> Snapshot:
    when, message = con.execute(  # type: ignore[misc]
        "SELECT snapshot_time, commit_message FROM snapshots() WHERE snapshot_id = $id",
        {"id": snapshot_id},
    ).fetchone()
    return Snapshot(snapshot_id, when, message or "maintenance")


# -- filter choices --------------------------------------------------------------------------


@dataclass(frozen=True)
class Choices:
    outlets: list[str]
    languages: list[str]
    first: date | None  # the first and last dated month the warehouse holds
    last: date | None
    newest: date | None  # the day the newest current article was published

    def recent(self, days: int) -> Filters:
        """The last `days` days up to the newest article (the whole period when shorter)."""
        if self.newest is None or self.first is None:
            return Filters()
        return Filters(max(self.first, self.newest - timedelta(days=days - 1)), self.newest)


def choices(con: duckdb.DuckDBPyConnection) -> Choices:
    """The outlets, languages and months there is something to show for (from `gender_mix`),
    and the newest article's day."""
    outlets, languages, first, last = con.execute(  # type: ignore[misc]
        "SELECT list(DISTINCT outlet ORDER BY outlet), list(DISTINCT language ORDER BY language), "
        "min(month) FILTER (WHERE month <> 'undated'), "
        "max(month) FILTER (WHERE month <> 'undated') FROM gender_mix"
    ).fetchone()
    (newest,) = con.execute(  # type: ignore[misc]
        "SELECT max(published_at)::DATE FROM current_articles"
    ).fetchone()
    return Choices(outlets or [], languages or [], _month_start(first), _month_end(last), newest)


def _month_start(month: str | None) -> date | None:
    return None if month is None else date.fromisoformat(f"{month}-01")


def _month_end(month: str | None) -> date | None:
    if month is None:
        return None
    year, number = (int(p) for p in month.split("-"))
    following = date(year + number // 12, number % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


# -- Gender ----------------------------------------------------------------------------------


def gender_points_query(filters: Filters, role: str) -> Query:
    """Women, men and unknown per outlet and month (each person once per article): the numbers
    the Gender page draws, as `newsflow sql` gives them."""
    params: dict[str, Any] = {"role": role}
    where = _where(["role = $role", *filters.month_clauses(params)])
    return Query(
        "SELECT outlet, month, sum(articles)::BIGINT AS articles, "
        "sum(women * articles)::BIGINT AS women, sum(men * articles)::BIGINT AS men, "
        "sum(unknown * articles)::BIGINT AS unknown, "
        "round(100.0 * sum(women * articles) / nullif(sum((women + men) * articles), 0), 1) "
        f"AS women_pct FROM gender_mix {where} GROUP BY outlet, month ORDER BY outlet, month",
        params,
    )


def gender_mix_query(filters: Filters, role: str) -> Query:
    """The article mixes behind each point: what the interval resamples."""
    params: dict[str, Any] = {"role": role}
    where = _where(["role = $role", *filters.month_clauses(params), "women + men > 0"])
    return Query(
        "SELECT outlet, month, women, men, sum(articles)::BIGINT AS articles "
        f"FROM gender_mix {where} GROUP BY ALL ORDER BY ALL",
        params,
    )


@dataclass(frozen=True)
class GenderFigures:
    """Women's share with its interval: per outlet and month, per month over the outlets
    chosen (outlet `all`), per outlet over the period (month `all`)."""

    role: str
    points: pa.Table  # outlet, month, articles, women, men, unknown, women_pct, low_pct, high_pct
    query: Query

    def per_outlet(self) -> pa.Table:
        """Each outlet over the whole period."""
        return self._where(pc.and_(pc.equal(self.points["month"], ALL), self._outlets()))

    def per_month(self) -> pa.Table:
        """Each outlet's months, and the months of all the outlets chosen (outlet `all`)."""
        return self._where(pc.not_equal(self.points["month"], ALL))

    def overall(self) -> dict[str, Any]:
        """All the outlets chosen over the whole period."""
        return self._where(pc.invert(self._outlets())).to_pylist()[-1]

    def _outlets(self) -> pa.ChunkedArray:
        return pc.not_equal(self.points["outlet"], ALL)

    def _where(self, mask: pa.ChunkedArray) -> pa.Table:
        return self.points.filter(mask)


def gender_figures(con: duckdb.DuckDBPyConnection, filters: Filters, role: str) -> GenderFigures:
    """Women among the role's people per outlet and month, with a 95% bootstrap interval over
    articles (see _interval), resampled from each point's article mixes."""
    points = gender_points_query(filters, role)
    counts = points.run(con).to_pylist()
    mixes = _MixGroups(gender_mix_query(filters, role).run(con))
    totals: dict[tuple[str, str], dict[str, Any]] = {}
    for row in counts:
        for key in (
            (row["outlet"], row["month"]),
            (ALL, row["month"]),
            (row["outlet"], ALL),
            (ALL, ALL),
        ):
            total = totals.setdefault(
                key,
                {"outlet": key[0], "month": key[1], "articles": 0, "women": 0, "men": 0,
                 "unknown": 0},
            )  # fmt: skip
            for name in ("articles", "women", "men", "unknown"):
                total[name] += int(row[name])
    rng = np.random.default_rng(0)  # the same interval every time the snapshot is shown
    rows = []
    for key, total in sorted(totals.items(), key=lambda kv: _order(kv[0])):
        known = total["women"] + total["men"]
        share = 100.0 * total["women"] / known if known else None
        low, high = mixes.interval(rng, key)
        rows.append(total | {"women_pct": _round(share), "low_pct": low, "high_pct": high})
    return GenderFigures(role, pa.Table.from_pylist(rows, schema=_GENDER_SCHEMA), points)


_GENDER_SCHEMA = pa.schema(
    [("outlet", pa.string()), ("month", pa.string())]
    + [(name, pa.int64()) for name in ("articles", "women", "men", "unknown")]
    + [(name, pa.float64()) for name in ("women_pct", "low_pct", "high_pct")]
)


def _order(key: tuple[str, str]) -> tuple[bool, str, bool, str]:
    """Outlets by name with `all` last; months in order with `all` last."""
    return (key[0] == ALL, key[0], key[1] == ALL, key[1])


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


class _MixGroups:
    """The article mixes (outlet, month, women, men, articles) grouped into every point they
    count in: their own outlet and month, all outlets that month, that outlet all period, and
    all of them. The sums a large point's interval needs are added up for every point at once
    (numpy's bincount): picking each point's mixes out one point at a time took most of the
    Gender page's first render at 393,000 articles (1.1 s for 328 points on a busy machine)."""

    def __init__(self, mixes: pa.Table) -> None:
        self.women = mixes["women"].to_numpy().astype(np.int64)
        self.people = self.women + mixes["men"].to_numpy().astype(np.int64)
        self.weights = mixes["articles"].to_numpy().astype(np.float64)
        outlets, outlet = np.unique(
            mixes["outlet"].to_numpy(zero_copy_only=False), return_inverse=True
        )
        months, month = np.unique(
            mixes["month"].to_numpy(zero_copy_only=False), return_inverse=True
        )
        self.outlets = {str(o): i + 1 for i, o in enumerate(outlets)} | {ALL: 0}
        self.months = {str(m): i + 1 for i, m in enumerate(months)} | {ALL: 0}
        self.span = len(months) + 1
        # each mix under its 4 points' codes (outlet number * span + month number, 0 for ALL)
        codes = np.concatenate(
            [(outlet + 1) * self.span + month + 1, month + 1, (outlet + 1) * self.span,
             np.zeros(len(outlet), dtype=np.int64)]
        )  # fmt: skip
        self.rows = np.tile(np.arange(len(outlet)), 4)
        self.order = np.argsort(codes, kind="stable")
        length = 4 * len(outlet) and int(codes.max()) + 1
        self.starts = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=length))])
        w, t, n = (
            np.tile(a.astype(np.float64), 4) for a in (self.women, self.people, self.weights)
        )
        self.sums = {
            name: np.bincount(codes, weights=n * x, minlength=length)
            for name, x in (("n", np.ones_like(n)), ("w", w), ("t", t), ("ww", w * w),
                            ("wt", w * t), ("tt", t * t))
        }  # fmt: skip

    def interval(
        self, rng: np.random.Generator, key: tuple[str, str]
    ) -> tuple[float | None, float | None]:
        """The point's interval (see _interval); None, None when no mix counts in it."""
        if key[0] not in self.outlets or key[1] not in self.months:
            return None, None
        code = self.outlets[key[0]] * self.span + self.months[key[1]]
        if code + 1 >= len(self.starts) or self.starts[code] == self.starts[code + 1]:
            return None, None
        if self.sums["n"][code] < EXACT_BELOW:
            rows = self.rows[self.order[self.starts[code] : self.starts[code + 1]]]
            return _interval(rng, rows, self.women, self.people - self.women, self.weights)
        s = {name: float(sums[code]) for name, sums in self.sums.items()}
        return _normal_interval(rng, s["w"], s["t"], s["ww"], s["wt"], s["tt"])


def _interval(
    rng: np.random.Generator,
    rows: list[int] | np.ndarray,
    women: np.ndarray,
    men: np.ndarray,
    weights: np.ndarray,
) -> tuple[float | None, float | None]:
    """The percentile interval of a Poisson bootstrap over articles: each resample takes every
    article a Poisson(1) number of times, so a mix held by n articles appears Poisson(n) times.

    A point of many articles would need a thousand draws per mix; there the resampled totals of
    women and of people (sums over many independent articles) are drawn from the normal law
    with their exact means and covariance instead, which is what the draws would converge to.
    """
    if not len(rows):
        return None, None
    w, t, n = women[rows], women[rows] + men[rows], weights[rows].astype(np.float64)
    if n.sum() >= EXACT_BELOW:
        return _normal_interval(rng, n @ w, n @ t, n @ (w * w), n @ (w * t), n @ (t * t))
    drawn = rng.poisson(n, size=(BOOTSTRAP, len(n)))
    return _percentiles(np.stack([drawn @ w, drawn @ t], axis=1).astype(np.float64))


def _normal_interval(
    rng: np.random.Generator, w: float, t: float, ww: float, wt: float, tt: float
) -> tuple[float | None, float | None]:
    """The interval from the resampled totals' normal law: means (w, t), covariance from the
    sums of squares and products, each over the articles."""
    cov = np.array([[ww, wt], [wt, tt]])
    return _percentiles(rng.multivariate_normal([w, t], cov, size=BOOTSTRAP, method="cholesky"))


def _percentiles(totals: np.ndarray) -> tuple[float | None, float | None]:
    """The percentile interval of the shares of resampled (women, people) totals."""
    kept = totals[totals[:, 1] > 0]
    shares = 100.0 * np.clip(kept[:, 0] / kept[:, 1], 0.0, 1.0)
    tail = (100 - LEVEL) / 2
    low, high = np.percentile(shares, [tail, 100 - tail])
    return _round(float(low)), _round(float(high))


# -- Sources ---------------------------------------------------------------------------------


def top_sources_query(filters: Filters, limit: int = 20) -> Query:
    """The women and the men quoted most in the period (`limit` of each): quotes, articles,
    outlets, by each person's gender in the `person_gender` mart (what `entity_gender` says).

    The people are ranked on their sums first (ties at the cut kept, then broken by name); only
    the ranked few have their outlets counted, in a second look at their rows: a distinct count
    per person over the whole period took most of the query (at 393,000 articles, 1.5 s of it
    under load, the sums alone 0.7 s)."""
    params: dict[str, Any] = {"limit": limit}
    where = _where(filters.month_clauses(params))
    return Query(
        "WITH s AS (SELECT entity_id, sum(quotes)::BIGINT AS quotes, "
        f"sum(articles)::BIGINT AS articles FROM source_months {where} GROUP BY entity_id), "
        "ranked AS (SELECT s.*, g.gender, g.gender_source FROM s "
        "JOIN person_gender g USING (entity_id) WHERE g.gender IN ('female', 'male') "
        "QUALIFY rank() OVER (PARTITION BY g.gender ORDER BY s.quotes DESC, s.articles DESC) "
        "<= $limit), "
        "top AS (SELECT r.*, i.name, i.entity_key FROM ranked r "
        "JOIN entity_ids i USING (entity_id) QUALIFY row_number() OVER "
        "(PARTITION BY r.gender ORDER BY r.quotes DESC, r.articles DESC, i.name) <= $limit), "
        "o AS (SELECT entity_id, count(DISTINCT outlet) AS outlets FROM source_months "
        f"{_where([*filters.month_clauses(params), 'entity_id IN (SELECT entity_id FROM top)'])} "
        "GROUP BY entity_id) "
        "SELECT t.gender, t.name, t.quotes, t.articles, o.outlets, t.gender_source, "
        "t.entity_key, t.entity_id FROM top t JOIN o USING (entity_id) "
        "ORDER BY t.gender, t.quotes DESC, t.articles DESC, t.name",
        params,
    )


def top_sources(
    con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 20
) -> dict[str, pa.Table]:
    """The top sources of each of GENDERS."""
    rows = top_sources_query(filters, limit).run(con)
    return {
        gender: rows.filter(pc.equal(rows["gender"], gender)).drop_columns(["gender"])
        for gender in GENDERS
    }


# -- Person ----------------------------------------------------------------------------------


def find_people(con: duckdb.DuckDBPyConnection, text: str, limit: int = 20) -> pa.Table:
    """People whose name holds these words (any case), the most written about first."""
    words = text.split()
    params: dict[str, Any] = {f"w{i}": f"%{w}%" for i, w in enumerate(words)} | {"n": limit}
    clauses = ["label = 'person'", *(f"name ILIKE $w{i}" for i in range(len(words)))]
    return Query(
        f"SELECT entity_id, name, entity_key, articles, mentions FROM entities "
        f"{_where(clauses)} ORDER BY articles DESC, name LIMIT $n",
        params,
    ).run(con)


@dataclass(frozen=True)
class Person:
    """What the Person page shows of one person."""

    entity_id: int
    entity_key: str
    name: str
    gender: dict[str, Any]  # the `entity_gender` row: gender, gender_source, its evidence
    months: pa.Table  # month, articles naming them, quotes, articles quoting them
    verbs: pa.Table
    talks_about: pa.Table
    talked_about_by: pa.Table
    named_with: pa.Table
    queries: dict[str, Query]


def person_queries(entity_id: int, limit: int = 20) -> dict[str, Query]:
    """The Person page's queries, one per table it shows."""
    p = {"id": entity_id}
    n = {"id": entity_id, "n": limit}
    return {
        "gender": Query(
            "SELECT gender, gender_source, gender_probability, female_articles, male_articles, "
            "unknown_articles, (SELECT gender FROM gender_overrides o "
            "WHERE o.entity_key = g.entity_key) AS override FROM entity_gender g "
            "WHERE entity_id = $id",
            p,
        ),
        "months": Query(
            "WITH named AS (SELECT month, sum(articles)::BIGINT AS articles "
            "FROM outlet_month_people WHERE entity_id = $id GROUP BY month), "
            "quoted AS (SELECT month, sum(quotes)::BIGINT AS quotes, "
            "sum(articles)::BIGINT AS quoted_in "
            "FROM source_months WHERE entity_id = $id GROUP BY month) "
            "SELECT month, coalesce(n.articles, 0) AS articles_naming, "
            "coalesce(q.quotes, 0) AS quotes, coalesce(q.quoted_in, 0) AS articles_quoting "
            "FROM named n FULL JOIN quoted q USING (month) ORDER BY month",
            p,
        ),
        "verbs": Query(
            "SELECT verb, quotes FROM speaker_verb_counts WHERE entity_id = $id "
            "ORDER BY quotes DESC, verb LIMIT $n",
            n,
        ),
        "talks_about": Query(
            "SELECT i.name, q.times, i.entity_id FROM quote_subject_counts q "
            "JOIN entity_ids i ON i.entity_id = q.subject_id WHERE q.speaker_id = $id "
            "ORDER BY q.times DESC, i.name LIMIT $n",
            n,
        ),
        "talked_about_by": Query(
            "SELECT i.name, q.times, i.entity_id FROM quote_subject_counts q "
            "JOIN entity_ids i ON i.entity_id = q.speaker_id WHERE q.subject_id = $id "
            "ORDER BY q.times DESC, i.name LIMIT $n",
            n,
        ),
        "named_with": Query(
            "WITH c AS (SELECT with_id AS other, sentences, articles FROM co_occurrence_counts "
            "WHERE entity_id = $id UNION ALL SELECT entity_id, sentences, articles "
            "FROM co_occurrence_counts WHERE with_id = $id) "
            "SELECT i.name, i.label, c.sentences, c.articles, i.entity_id FROM c "
            "JOIN entity_ids i ON i.entity_id = c.other "
            "ORDER BY c.sentences DESC, i.name LIMIT $n",
            n,
        ),
    }


def person(con: duckdb.DuckDBPyConnection, entity_id: int) -> Person | None:
    """One person's page, or None when the snapshot does not hold them."""
    found = con.execute(
        "SELECT entity_key, name FROM entity_ids WHERE entity_id = $id AND label = 'person'",
        {"id": entity_id},
    ).fetchone()
    if found is None:
        return None
    queries = person_queries(entity_id)
    tables = _run_at_once(con, queries)
    gender = tables.pop("gender").to_pylist()
    return Person(
        entity_id,
        found[0],
        found[1],
        gender[0] if gender else {"gender": "unknown", "gender_source": None, "override": None},
        queries=queries,
        **tables,
    )


def _run_at_once(con: duckdb.DuckDBPyConnection, queries: dict[str, Query]) -> dict[str, pa.Table]:
    """Each query on a cursor of its own, all at once: one after the other, the Person page's
    six took 2.9 s of its first render at a million articles, most of it waiting on files."""

    def run(query: Query) -> pa.Table:
        cursor = con.cursor()
        cursor.execute(f"USE {ALIAS}")  # a cursor starts in the in-memory database
        return query.run(cursor)

    with ThreadPoolExecutor(len(queries)) as pool:
        return dict(zip(queries, pool.map(run, queries.values()), strict=True))


# -- Quotes ----------------------------------------------------------------------------------


WINDOW = 5_000  # the newest articles a quote search looks in first
# The Quotes page's period until the person widens it: words few quotes hold are looked for in
# every quote's text of the period (4.7 s for all five million quotes of a million articles).
QUOTE_DAYS = 14


def quotes_query(
    filters: Filters,
    words: str = "",
    speaker: str = "",
    limit: int = 100,
    window: int | None = None,
) -> Query:
    """Quotes of current articles holding every one of these words and said by someone whose
    name holds `speaker`, newest first; with a `window`, among the quotes of that many newest
    articles only."""
    params: dict[str, Any] = {"n": limit}
    articles = filters.article_clauses(params)
    clauses = []
    for i, word in enumerate(words.split()):
        params[f"w{i}"] = f"%{word}%"
        clauses.append(f"q.text ILIKE $w{i}")
    if speaker.strip():
        params["speaker"] = f"%{speaker.strip()}%"
        clauses.append("q.speaker_name ILIKE $speaker")
    newest = "published_at DESC NULLS LAST, article_id"
    if window is not None:
        params["window"] = window
        articles_sql = (
            f"(SELECT * FROM current_articles {_where(articles)} ORDER BY {newest} LIMIT $window)"
        )
    else:
        articles_sql = f"(SELECT * FROM current_articles {_where(articles)})"
    return Query(
        "SELECT q.quote_id, q.article_id, a.published_at, a.outlet, q.speaker_name AS speaker, "
        f"q.verb, q.text AS quote, a.headline FROM quotes q JOIN {articles_sql} a "
        f"USING (article_id, version) {_where(clauses)} "
        "ORDER BY a.published_at DESC NULLS LAST, q.article_id, q.start_char, q.quote_id LIMIT $n",
        params,
    )


def search_quotes(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    words: str = "",
    speaker: str = "",
    limit: int = 100,
) -> pa.Table:
    """The newest quotes that match: first among the quotes of the WINDOW newest articles (in
    the same order, so when that finds `limit` quotes they are the newest of all), else among
    every quote of the period. Words over a period of QUOTE_DAYS or fewer are looked for in one
    pass: there the window's articles hold about half the period's quotes, and words few quotes
    hold had their text read twice (1.3 s for 14 days at a million articles, 0.5 s in one pass;
    without words the window still pays: 0.25 s against 0.47 s)."""
    days = filters.days()
    if not words.split() or days is None or days > QUOTE_DAYS:
        found = quotes_query(filters, words, speaker, limit, WINDOW).run(con)
        if found.num_rows == limit:
            return found
    return quotes_query(filters, words, speaker, limit).run(con)


def quote_in_article(
    con: duckdb.DuckDBPyConnection, quote_id: str, article_id: str | None = None
) -> dict[str, Any] | None:
    """A quote with its speaker's span and the whole article version it is in (None: not
    there). With its article's id the look-up reads the few files that can hold that story (the
    files' id ranges say which) instead of every quote."""
    params: dict[str, Any] = {"id": quote_id}
    clauses = ["q.quote_id = $id"]
    if article_id is not None:
        params["article"] = article_id
        clauses += ["q.article_id = $article", "a.article_id = $article"]
    rows = (
        Query(
            "SELECT q.quote_id, q.text AS quote, q.kind, q.start_char, q.end_char, "
            "q.speaker_text, q.speaker_start, q.speaker_end, q.speaker_name, q.verb, "
            "a.article_id, a.version, a.headline, a.outlet, a.byline, a.url, a.published_at, "
            "a.language, a.word_count, a.drop_id, a.source_file, a.text "
            f"FROM quotes q JOIN articles a USING (article_id, version) {_where(clauses)}",
            params,
        )
        .run(con)
        .to_pylist()
    )
    return rows[0] if rows else None


# -- Runs ------------------------------------------------------------------------------------


def runs_query(limit: int = 20) -> Query:
    return Query(
        "SELECT started_at, flow, drop_id, status, "
        "round(epoch(finished_at - started_at), 1) AS seconds, "
        "counts['articles'] AS articles, counts['duplicates'] AS duplicates, "
        "counts['rejects'] AS rejects, counts['entity_mentions'] AS mentions, "
        "counts['quotes'] AS quotes, snapshot_id, run_id, message "
        "FROM runs ORDER BY started_at DESC LIMIT $n",
        {"n": limit},
    )


def last_runs(con: duckdb.DuckDBPyConnection, limit: int = 20) -> pa.Table:
    return runs_query(limit).run(con)


def rejects_query(run_ids: list[str]) -> Query:
    return Query(
        "SELECT run_id, reason, count(*) AS files FROM rejects "
        "WHERE list_contains($runs, run_id) GROUP BY ALL ORDER BY run_id, files DESC, reason",
        {"runs": run_ids},
    )


def rejects_by_reason(con: duckdb.DuckDBPyConnection, run_ids: list[str]) -> pa.Table:
    return rejects_query(run_ids).run(con)


def warehouse_size(con: duckdb.DuckDBPyConnection) -> tuple[pa.Table, int]:
    """Data files per table, and the bytes of them all."""
    files, size = data_files(con)
    return pa.table({"table": list(files), "files": list(files.values())}), size
