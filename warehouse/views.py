"""Views stored in the lake itself, so every DuckDB client that attaches it sees them.

The raw tables keep every version of a story; `current_articles` (a mart the load keeps) names
the current one, and these views restrict the raw tables to it.
"""

from __future__ import annotations

VIEWS: dict[str, str] = {
    "latest_articles": (
        "SELECT a.* FROM articles a SEMI JOIN current_articles c USING (article_id, version)"
    ),
    "latest_mentions": (
        "SELECT m.* FROM entity_mentions m SEMI JOIN current_articles c USING (article_id, version)"
    ),
    "latest_quotes": (
        "SELECT q.* FROM quotes q SEMI JOIN current_articles c USING (article_id, version)"
    ),
}
