"""The dashboard's charts as Vega-Lite specifications: plain dicts the app draws
(st.vega_lite_chart) and the report renders to inline SVG (vl-convert), so both show the same
chart from the same rows. Streamlit's own chart functions (st.bar_chart …) build theirs with
Altair, whose import is most of a page's first render (0.7 s on two busy cores)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

Spec = dict[str, Any]
TOOLTIP = [
    {"field": "outlet", "type": "nominal"},
    {"field": "month", "type": "nominal"},
    {"field": "women_pct", "type": "quantitative", "title": "women (%)"},
    {"field": "low_pct", "type": "quantitative", "title": "95% interval from"},
    {"field": "high_pct", "type": "quantitative", "title": "to"},
    {"field": "women", "type": "quantitative"},
    {"field": "men", "type": "quantitative"},
    {"field": "articles", "type": "quantitative"},
]
SHARE_AXIS = {"title": "women (%)", "scale": {"domain": [0, 100]}}


def _values(rows: pa.Table) -> list[dict[str, Any]]:
    """Rows with a share (a point of unknown people only has none), months as dates."""
    values = [r for r in rows.to_pylist() if r["women_pct"] is not None]
    for row in values:
        row["month_start"] = f"{row['month']}-01"
    return values


def share_by_month(rows: pa.Table, title: str, width: int | None = None) -> Spec:
    """Women's share per month, a line per outlet, each point with its interval."""
    x = {
        "field": "month_start",
        "type": "temporal",
        "timeUnit": "yearmonth",
        "title": "month published",
    }
    color = {"field": "outlet", "type": "nominal", "title": "outlet"}
    return _sized(
        {
            "title": title,
            "data": {"values": _values(rows)},
            "layer": [
                {
                    "mark": {"type": "rule", "opacity": 0.5},
                    "encoding": {
                        "x": x,
                        "y": {"field": "low_pct", "type": "quantitative", **SHARE_AXIS},
                        "y2": {"field": "high_pct"},
                        "color": color,
                    },
                },
                {
                    "mark": {"type": "line", "point": True},
                    "encoding": {
                        "x": x,
                        "y": {"field": "women_pct", "type": "quantitative", **SHARE_AXIS},
                        "color": color,
                        "tooltip": TOOLTIP,
                    },
                },
            ],
        },
        width,
    )


def share_by_outlet(rows: pa.Table, title: str, width: int | None = None) -> Spec:
    """Women's share per outlet over the whole period, with its interval."""
    y = {"field": "outlet", "type": "nominal", "title": None, "sort": "-x"}
    return _sized(
        {
            "title": title,
            "data": {"values": _values(rows)},
            "layer": [
                {
                    "mark": {"type": "bar", "opacity": 0.7},
                    "encoding": {
                        "y": y,
                        "x": {"field": "women_pct", "type": "quantitative", **SHARE_AXIS},
                        "tooltip": TOOLTIP,
                    },
                },
                {
                    "mark": {"type": "rule"},
                    "encoding": {
                        "y": y,
                        "x": {"field": "low_pct", "type": "quantitative"},
                        "x2": {"field": "high_pct"},
                    },
                },
            ],
        },
        width,
    )


def person_months(rows: pa.Table) -> Spec:
    """A person's months: articles naming them and their quotes, side by side."""
    measures = ["articles_naming", "quotes"]
    return {
        "data": {"values": rows.select(["month", *measures]).to_pylist()},
        "transform": [{"fold": measures, "as": ["count of", "n"]}],
        "mark": "bar",
        "encoding": {
            "x": {"field": "month", "type": "ordinal", "title": "month published"},
            "xOffset": {"field": "count of"},
            "y": {"field": "n", "type": "quantitative", "title": None},
            "color": {"field": "count of", "type": "nominal", "title": None},
            "tooltip": [
                {"field": "month", "type": "ordinal"},
                {"field": "count of", "type": "nominal"},
                {"field": "n", "type": "quantitative"},
            ],
        },
    }


def _sized(spec: Spec, width: int | None) -> Spec:
    """A fixed width for the report's SVG; in the app the page's width."""
    return spec if width is None else spec | {"width": width}
