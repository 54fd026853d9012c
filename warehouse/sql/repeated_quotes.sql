-- Quotations in the most articles: the same words of one speaker, counted once per article
WITH top AS (
  SELECT * FROM quote_clusters
  WHERE articles >= (SELECT min(articles) FROM
                       (SELECT articles FROM quote_clusters ORDER BY articles DESC LIMIT 20))
)
SELECT i.name AS speaker, q.text, t.articles, t.outlets, t.first_seen, t.first_outlet,
       t.last_seen
FROM top t
JOIN quotes q USING (quote_id)
LEFT JOIN entity_ids i ON i.entity_key = t.speaker_entity_key
ORDER BY t.articles DESC, t.first_seen, q.text
LIMIT 20;
