"""Gender: women among the people quoted and named, per outlet and per month, with intervals."""

from __future__ import annotations

import streamlit as st

from flows.dashboard import charts, common
from warehouse import figures


@st.cache_data(show_spinner=False)
def _figures(
    home: str, snapshot: int, filters: figures.Filters, role: str
) -> figures.GenderFigures:
    return figures.gender_figures(common.connection(), filters, role)


common.snapshot_box()
st.title("Women among sources and people")
filters = common.filters()
st.caption(
    "Each person counts once per article, by the gender that article gives them (a `newsflow "
    "gender set` override first); people of unknown gender are counted but left out of the "
    f"share. Bars and ranges: the {figures.LEVEL}% interval of a bootstrap over the articles."
)
for role, label in figures.ROLES.items():
    shown = _figures(st.session_state["home"], common.shown(), filters, role)
    st.header(f"Women among {label}")
    if not shown.points.num_rows:
        st.info("No article in this period and selection names anyone of this kind.")
        continue
    overall = shown.overall()
    st.metric(
        f"women among {label}, all outlets chosen",
        f"{overall['women_pct']}%" if overall["women_pct"] is not None else "no gender known",
        help=f"{figures.LEVEL}% interval {overall['low_pct']}–{overall['high_pct']}%; "
        f"{overall['women']} women, {overall['men']} men, {overall['unknown']} unknown in "
        f"{overall['articles']} articles",
    )
    left, right = st.columns(2)
    left.vega_lite_chart(
        charts.share_by_outlet(shown.per_outlet(), "per outlet, whole period"), width="stretch"
    )
    right.vega_lite_chart(charts.share_by_month(shown.per_month(), "per month"), width="stretch")
    common.table(shown.points, f"women among {role}s")
    common.reproduce(shown.query)
