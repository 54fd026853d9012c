"""Quotes: search by words, speaker, outlet and dates; each quote opens its article with the
quote and its speaker highlighted."""

from __future__ import annotations

import pyarrow as pa
import streamlit as st

from flows.dashboard import article, common
from warehouse import figures

LIMIT = 100


@st.cache_data(show_spinner=False)
def _search(
    home: str, snapshot: int, filters: figures.Filters, words: str, speaker: str
) -> pa.Table:
    return figures.search_quotes(common.connection(), filters, words, speaker, LIMIT)


def _article(quote_id: str, article_id: str | None) -> None:
    found = figures.quote_in_article(common.connection(), quote_id, article_id)
    st.page_link("views/quotes.py", label="Back to the search")
    if found is None:
        st.warning(f"Snapshot {common.shown()} holds no quote {quote_id}.")
        return
    st.title(found["headline"] or "(no headline)")
    published = found["published_at"]
    st.caption(
        f"{found['outlet'] or 'no outlet'} · {published:%Y-%m-%d %H:%M} UTC"
        if published
        else f"{found['outlet'] or 'no outlet'} · undated"
    )
    st.markdown(
        f"**{found['speaker_name'] or found['speaker_text'] or 'unknown speaker'}** "
        f"({found['verb'] or 'no verb'}, {found['kind']} quote): “{found['quote']}”"
    )
    st.html(article.STYLE + f'<div class="article-text">{article.highlighted(found)}</div>')
    meta = {
        key: found[key]
        for key in (
            "byline", "url", "language", "word_count", "article_id", "version", "drop_id",
            "source_file",
        )
    }  # fmt: skip
    st.table(pa.table({"field": list(meta), "value": [str(v) for v in meta.values()]}))


def _search_page() -> None:
    st.title("Quotes")
    filters = common.filters(recent_days=figures.QUOTE_DAYS)
    st.caption(
        f"Searching the {figures.QUOTE_DAYS} days up to the newest article unless you widen "
        "the dates in the sidebar: a search of every quote reads all their text (seconds on a "
        "large warehouse)."
    )
    words = st.text_input("Words in the quote", key="words")
    speaker = st.text_input("Speaker's name", key="speaker")
    found = _search(st.session_state["home"], common.shown(), filters, words, speaker)
    st.caption(f"{found.num_rows} quotes, newest first (at most {LIMIT}).")
    with st.expander("As a table"):
        common.table(found.drop_columns(["quote_id", "article_id"]), "quotes")
    common.reproduce(figures.quotes_query(filters, words, speaker, LIMIT))
    for row in found.to_pylist():
        with st.container(border=True):
            when = f"{row['published_at']:%Y-%m-%d}" if row["published_at"] else "undated"
            st.markdown(f"“{row['quote']}”")
            st.caption(f"{row['speaker'] or 'unknown speaker'} · {row['outlet']} · {when}")
            st.page_link(
                "views/quotes.py",
                label="Open in its article",
                query_params={"quote": row["quote_id"], "article": row["article_id"]},
            )


common.snapshot_box()
if "quote" in st.query_params:
    _article(st.query_params["quote"], st.query_params.get("article"))
else:
    _search_page()
