"""Views stored in the lake itself, so every DuckDB client that attaches it sees them.

The raw tables keep every version of a story; `current_articles` (a mart the load keeps) names
the current one, and these views restrict the raw tables to it.

`entity_gender` is each person's gender as the counts should use it: a user's override
(`gender_overrides`) when there is one, else the gender most of the person's articles found
(the `entity_genders` mart; a tie or no call is unknown). It reads two small tables and the
`entities` mart, never the mentions, and applies an override to rows loaded before it.
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
    "entity_gender": """
        WITH votes AS (
          SELECT entity_key,
                 coalesce(sum(articles) FILTER (WHERE gender = 'female'), 0) AS female,
                 coalesce(sum(articles) FILTER (WHERE gender = 'male'), 0) AS male,
                 coalesce(sum(articles) FILTER (WHERE gender = 'unknown'), 0) AS undecided,
                 coalesce(sum(text_articles) FILTER (WHERE gender = 'female'), 0) AS female_text,
                 coalesce(sum(text_articles) FILTER (WHERE gender = 'male'), 0) AS male_text
          FROM entity_genders GROUP BY entity_key
        ),
        estimate AS (
          SELECT *, CASE WHEN female > male THEN 'female' WHEN male > female THEN 'male'
                         ELSE 'unknown' END AS estimated
          FROM votes
        )
        SELECT e.entity_key, e.name,
               coalesce(o.gender, v.estimated, 'unknown') AS gender,
               CASE WHEN o.gender IS NOT NULL THEN 'override'
                    WHEN v.estimated = 'female' AND v.female_text > 0 THEN 'text'
                    WHEN v.estimated = 'male' AND v.male_text > 0 THEN 'text'
                    WHEN v.estimated IN ('female', 'male') THEN 'name'
               END AS gender_source,
               CASE WHEN o.gender IS NOT NULL THEN 1.0
                    WHEN v.estimated IN ('female', 'male')
                    THEN greatest(v.female, v.male) / (v.female + v.male)
               END AS gender_probability,
               coalesce(v.female, 0) AS female_articles,
               coalesce(v.male, 0) AS male_articles,
               coalesce(v.undecided, 0) AS unknown_articles
        FROM entities e
        LEFT JOIN estimate v USING (entity_key)
        LEFT JOIN gender_overrides o USING (entity_key)
        WHERE e.label = 'person'
    """,
}
