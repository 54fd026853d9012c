"""Runs: the last loads, their counts, time and rejects by reason, and the warehouse's size."""

from __future__ import annotations

import streamlit as st

from flows.dashboard import common
from warehouse import figures

common.snapshot_box()
st.title("Runs")
con = common.connection()
runs = figures.last_runs(con)
tables, size = figures.warehouse_size(con)
st.metric("warehouse size", f"{size / 1e6:,.1f} MB", help="data files of every table")
st.header("Last runs")
common.table(runs, "runs")
common.reproduce(figures.runs_query())
st.header("Rejects by reason")
rejects = figures.rejects_by_reason(con, runs["run_id"].to_pylist())
if rejects.num_rows:
    common.table(rejects, "rejects")
    common.reproduce(figures.rejects_query(runs["run_id"].to_pylist()))
else:
    st.info("None of these runs rejected anything.")
st.header("Data files per table")
common.table(tables, "files per table")
