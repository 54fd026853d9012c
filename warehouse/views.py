"""Views stored in the lake itself, so every DuckDB client that attaches it sees them.

The raw tables keep every version of a story; `current_articles` (a mart the load keeps) names
the current one, and the `latest_*` views restrict the raw tables to it. The marts count by
integer entity id (warehouse/marts.py); the named views over them are what a person queries:
the same counts with entity keys and names.

`entity_gender` is each person's gender as the counts should use it: a user's override
(`gender_overrides`) when there is one, else the gender most of the person's articles found
(the `entity_gender_counts` mart; a tie or no call is unknown). The `person_gender` mart holds
it, worked out again for each person a load, a takedown or an override touches
(marts.refresh_genders); the view adds the names and the people with no call.
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
    "entities": (
        "SELECT i.entity_key, i.name, i.label, c.mentions, c.articles, c.entity_id "
        "FROM entity_counts c JOIN entity_ids i USING (entity_id)"
    ),
    "entity_aliases": (
        "SELECT i.entity_key, a.alias, a.mentions, a.entity_id "
        "FROM alias_counts a JOIN entity_ids i USING (entity_id)"
    ),
    "speakers": (
        "SELECT i.entity_key, i.name, s.quotes, s.articles, s.entity_id "
        "FROM speaker_counts s JOIN entity_ids i USING (entity_id)"
    ),
    "speaker_verbs": (
        "SELECT i.entity_key, v.verb, v.quotes, v.entity_id "
        "FROM speaker_verb_counts v JOIN entity_ids i USING (entity_id)"
    ),
    "quote_subjects": (
        "SELECT s.entity_key AS speaker_key, o.entity_key AS subject_key, q.times "
        "FROM quote_subject_counts q JOIN entity_ids s ON s.entity_id = q.speaker_id "
        "JOIN entity_ids o ON o.entity_id = q.subject_id"
    ),
    "co_occurrences": (
        "SELECT a.entity_key, b.entity_key AS with_key, c.sentences, c.articles "
        "FROM co_occurrence_counts c JOIN entity_ids a ON a.entity_id = c.entity_id "
        "JOIN entity_ids b ON b.entity_id = c.with_id"
    ),
    "entity_gender": """
        SELECT e.entity_id, e.entity_key, e.name, coalesce(g.gender, 'unknown') AS gender,
               g.gender_source, g.gender_probability,
               coalesce(g.female_articles, 0) AS female_articles,
               coalesce(g.male_articles, 0) AS male_articles,
               coalesce(g.unknown_articles, 0) AS unknown_articles
        FROM entities e
        LEFT JOIN person_gender g USING (entity_id)
        WHERE e.label = 'person'
    """,
}

# v5: syndication (warehouse/syndication.py).
VIEWS |= {
    "story_clusters": """
        SELECT story_cluster_id,
               arg_min(article_id, is_wire_copy) AS original_article_id,
               arg_min(outlet, is_wire_copy) AS original_outlet,
               arg_min(headline, is_wire_copy) AS original_headline,
               count(*) AS copies, count(DISTINCT outlet) AS outlets,
               min(coalesce(published_at, ingested_at)) AS first_seen,
               max(coalesce(published_at, ingested_at)) AS last_seen,
               avg(story_similarity) AS mean_similarity
        FROM current_articles
        WHERE story_cluster_id IS NOT NULL
        GROUP BY story_cluster_id
        HAVING count(*) > 1
    """,
    "quotations": """
        SELECT c.quote_cluster_id, q.text, c.speaker_entity_key, i.name AS speaker,
               c.occurrences, c.articles, c.outlets, c.first_seen, c.first_outlet,
               c.first_article_id, c.last_seen, c.quote_id, c.words
        FROM quote_clusters c
        JOIN quotes q USING (quote_id)
        LEFT JOIN entity_ids i ON i.entity_key = c.speaker_entity_key
    """,
}
