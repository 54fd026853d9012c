"""The dashboard's entry script: `newsflow dashboard` runs `streamlit run app.py -- --home H`.

Streamlit runs this file again on every interaction; the pages are the scripts in views/ (a
folder named pages/ would be served as pages of their own, without this script).
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

from flows.dashboard import common

PAGES = Path(__file__).with_name("views")

st.set_page_config(page_title="newsflow", layout="wide")
common.start(common.arguments(sys.argv[1:]))
navigation = st.navigation(
    [
        st.Page(PAGES / "gender.py", title="Gender", url_path="gender", default=True),
        st.Page(PAGES / "sources.py", title="Sources", url_path="sources"),
        st.Page(PAGES / "person.py", title="Person", url_path="person"),
        st.Page(PAGES / "quotes.py", title="Quotes", url_path="quotes"),
        st.Page(PAGES / "runs.py", title="Runs", url_path="runs"),
    ]
)
navigation.run()
