"""Person: one person's mentions and quotes per month, reporting verbs, who they talk about and
who talks about them, who is named with them, and their gender with its evidence and an
override (the same code as `newsflow gender set`)."""

from __future__ import annotations

import streamlit as st

from flows.dashboard import charts, common
from flows.settings import store_for
from warehouse import figures
from warehouse.gender_overrides import GENDERS, set_override, unset_override
from warehouse.store import WarehouseBusy

REMOVE = "remove the override"


def _choose() -> int | None:
    """The person: from the page's link (?id=), else searched by name."""
    name = st.text_input("Search a person by name", key="person_search")
    if name.strip():
        found = figures.find_people(common.connection(), name).to_pylist()
        if not found:
            st.info(f"No person named like “{name}” in this snapshot.")
            return None
        labels = {f"{p['name']} ({p['articles']} articles)": p["entity_id"] for p in found}
        return labels[st.selectbox("People found", list(labels), key="person_pick")]
    if "id" in st.query_params and st.query_params["id"].isdigit():
        return int(st.query_params["id"])
    return None


def _gender(person: figures.Person) -> None:
    gender = person.gender
    evidence = {
        "override": "set by hand (`newsflow gender set`)",
        "text": "the articles' own words (pronouns, titles, gendered nouns)",
        "name": "the first name's statistic (the articles say nothing)",
        None: "nothing decides it",
    }[gender.get("gender_source")]
    st.metric("gender", gender["gender"], help=f"from {evidence}")
    st.caption(
        f"From {evidence}. Articles calling them female: {gender.get('female_articles', 0)}, "
        f"male: {gender.get('male_articles', 0)}, undecided: {gender.get('unknown_articles', 0)}."
    )
    choice = st.selectbox(
        "Override the gender in every article (as `newsflow gender set` does)",
        [*GENDERS, REMOVE],
        key="override_choice",
    )
    if st.button("Save the override", key="override_save"):
        store = store_for(st.session_state["home"])
        try:
            with store.write_lock():
                if choice == REMOVE:
                    unset_override(store, person.entity_key)
                else:
                    set_override(store, person.entity_key, person.name, choice)
        except WarehouseBusy as busy:
            st.error(f"Not saved: {busy}")
            return
        with store.connect() as con:
            common.move_to(figures.newest_snapshot(con).id)
        st.rerun()


common.snapshot_box()
st.title("Person")
chosen = _choose()
if chosen is None:
    st.info("Search a name, or open a person from the Sources page.")
    st.stop()
shown = figures.person(common.connection(), chosen)
if shown is None:
    st.warning(f"Snapshot {common.shown()} holds no person with id {chosen}.")
    st.stop()
st.header(shown.name)
st.caption(f"entity key `{shown.entity_key}`")
_gender(shown)
sections = (
    ("months", "Per month: articles naming them, their quotes, articles quoting them"),
    ("verbs", "Reporting verbs"),
    ("talks_about", "Who they talk about (people named in their quotes)"),
    ("talked_about_by", "Who talks about them (people whose quotes name them)"),
    ("named_with", "Named with them (same sentence)"),
)
for name, title in sections:
    st.subheader(title)
    rows = getattr(shown, name)
    if name == "months" and rows.num_rows:
        st.vega_lite_chart(charts.person_months(rows), width="stretch")
    if rows.num_rows:
        common.table(rows, f"{shown.name} {name.replace('_', ' ')}")
    else:
        st.caption("none")
    common.reproduce(shown.queries[name])
