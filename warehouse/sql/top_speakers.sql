-- Top speakers: who is quoted most, in how many articles, with which verbs
WITH top AS (
  SELECT s.*, i.name, i.label FROM speaker_counts s JOIN entity_ids i USING (entity_id)
  WHERE s.quotes >= (SELECT min(quotes) FROM
                       (SELECT quotes FROM speaker_counts ORDER BY quotes DESC LIMIT 20))
  ORDER BY s.quotes DESC, i.name
  LIMIT 20
)
SELECT t.name, t.quotes, t.articles, t.label,
       list(v.verb ORDER BY v.quotes DESC, v.verb) FILTER (WHERE v.verb IS NOT NULL) AS verbs
FROM top t
LEFT JOIN speaker_verb_counts v USING (entity_id)
GROUP BY ALL
ORDER BY t.quotes DESC, t.name;
