"""Sources: the women and the men quoted most in the period, side by side."""

from __future__ import annotations

import pyarrow as pa
import streamlit as st

from flows.dashboard import common
from warehouse import figures

LIMIT = 20


@st.cache_data(show_spinner=False)
def _top(home: str, snapshot: int, filters: figures.Filters) -> dict[str, pa.Table]:
    return figures.top_sources(common.connection(), filters, LIMIT)


common.snapshot_box()
st.title("Top sources by gender")
filters = common.filters()
st.caption(
    "The people quoted most in the period: quotes, articles quoting them and outlets, by each "
    "person's gender (an override, else what most of their articles say). The last column "
    "opens the person's page."
)
tops = _top(st.session_state["home"], common.shown(), filters)
for column, gender in zip(st.columns(2), figures.GENDERS, strict=True):
    with column:
        st.header({"female": "Women", "male": "Men"}[gender])
        top = tops[gender]
        if not top.num_rows:
            st.info(f"No {gender} source in this period and selection.")
            continue
        links = top.append_column(
            "page", pa.array([f"person?id={i}" for i in top["entity_id"].to_pylist()])
        )
        common.table(
            links,
            f"top {gender} sources",
            column_config={
                "page": st.column_config.LinkColumn("person page", display_text="open"),
                "entity_key": None,
                "entity_id": None,
            },
        )
common.reproduce(figures.top_sources_query(filters, LIMIT))
