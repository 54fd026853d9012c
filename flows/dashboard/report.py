"""`newsflow report`: the Gender and Sources views of a period as one HTML file for an editor.

Everything is inline (the charts as SVG that vl-convert draws from the dashboard's own Vega-Lite
specifications, the tables as HTML, the style in the head), so the file opens anywhere with no
network and shows the same thing next year. It is stamped with the snapshot it was read from and
the `newsflow sql --at` lines that give its numbers again.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import vl_convert

from flows.dashboard import charts
from warehouse import figures

WIDTH = 520
TOP = 15
STYLE = """
body {font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222}
h1 {margin-bottom: .2em} .stamp {color: #555}
.charts {display: flex; flex-wrap: wrap; gap: 1.5em}
.side {display: flex; flex-wrap: wrap; gap: 2em} .side > div {flex: 1 1 30em}
table {border-collapse: collapse; font-size: .9em; margin: .5em 0 1em}
th, td {border-bottom: 1px solid #ddd; padding: .25em .6em; text-align: right}
th:first-child, td:first-child {text-align: left}
code {display: block; white-space: pre-wrap; word-break: break-all; font-size: .8em;
      background: #f4f4f4; padding: .5em}
"""


def write(con: duckdb.DuckDBPyConnection, filters: figures.Filters, out: Path) -> int:
    """Write the report; the snapshot it shows."""
    snapshot = figures.snapshot(con)
    parts = [
        f"<h1>Who is quoted: {_period(filters)}</h1>",
        f'<p class="stamp">newsflow warehouse snapshot {snapshot.id} of '
        f"{snapshot.time:%Y-%m-%d %H:%M %Z} ({html.escape(snapshot.describe)}); written "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC. {_selection(filters)}</p>",
    ]
    for role, label in figures.ROLES.items():
        parts.append(_gender(figures.gender_figures(con, filters, role), label, snapshot.id))
    parts.append(_sources(con, filters, snapshot.id))
    body = "\n".join(parts)
    out.write_text(
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>newsflow report {html.escape(_period(filters))}</title>"
        f"<style>{STYLE}</style></head><body>\n{body}\n</body></html>\n",
        encoding="utf-8",
    )
    return snapshot.id


def _period(filters: figures.Filters) -> str:
    return f"{filters.start or 'the first article'} to {filters.end or 'the last'}"


def _selection(filters: figures.Filters) -> str:
    outlets = ", ".join(filters.outlets) or "all outlets"
    languages = ", ".join(filters.languages) or "all languages"
    return html.escape(f"{outlets}; {languages}.")


def _gender(shown: figures.GenderFigures, label: str, snapshot: int) -> str:
    title = f"<h2>Women among {label}</h2>"
    if not shown.points.num_rows:
        return title + "<p>No article in this period names anyone of this kind.</p>"
    overall = shown.overall()
    headline = (
        f"<p><strong>{overall['women_pct']}%</strong> women ({figures.LEVEL}% interval "
        f"{overall['low_pct']}–{overall['high_pct']}%): {overall['women']} women, "
        f"{overall['men']} men and {overall['unknown']} of unknown gender in "
        f"{overall['articles']} articles. Each person counts once per article.</p>"
    )
    drawn = [
        charts.share_by_outlet(shown.per_outlet(), "per outlet, whole period", WIDTH),
        charts.share_by_month(shown.per_month(), "per month", WIDTH),
    ]
    svgs = "".join(f"<div>{vl_convert.vegalite_to_svg(spec)}</div>" for spec in drawn)
    return (
        title
        + headline
        + f'<div class="charts">{svgs}</div>'
        + _table(shown.points)
        + _reproduce(shown.query, snapshot)
    )


def _sources(con: duckdb.DuckDBPyConnection, filters: figures.Filters, snapshot: int) -> str:
    tops = figures.top_sources(con, filters, TOP)
    columns = "".join(
        f"<div><h3>{title}</h3>"
        f"{_table(tops[gender].select(['name', 'quotes', 'articles', 'outlets']))}</div>"
        for gender, title in zip(figures.GENDERS, ("Women", "Men"), strict=True)
    )
    return f'<h2>Top sources</h2><div class="side">{columns}</div>' + _reproduce(
        figures.top_sources_query(filters, TOP), snapshot
    )


def _table(rows: pa.Table) -> str:
    head = "".join(f"<th>{html.escape(name)}</th>" for name in rows.column_names)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(value)}</td>" for value in row.values()) + "</tr>"
        for row in rows.to_pylist()
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value: Any) -> str:
    return "" if value is None else html.escape(str(value))


def _reproduce(query: figures.Query, snapshot: int) -> str:
    return f"<p>Reproduce:</p><code>{html.escape(query.command(snapshot))}</code>"
