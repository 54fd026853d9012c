-- Top speakers in original reporting only: quotes and articles without wire copies, beside all
WITH top AS (
  SELECT s.*, i.name, i.label FROM speaker_counts_original s JOIN entity_ids i USING (entity_id)
  WHERE s.quotes >= (SELECT min(quotes) FROM
                       (SELECT quotes FROM speaker_counts_original ORDER BY quotes DESC LIMIT 20))
  ORDER BY s.quotes DESC, i.name
  LIMIT 20
)
SELECT t.name, t.quotes, t.articles, a.quotes AS all_quotes, a.articles AS all_articles, t.label
FROM top t
JOIN speaker_counts a USING (entity_id)
ORDER BY t.quotes DESC, t.name;
