-- Top speakers: who is quoted most, in how many articles, with which verbs
WITH top AS (
  SELECT * FROM speakers
  WHERE quotes >= (SELECT min(quotes) FROM
                     (SELECT quotes FROM speakers ORDER BY quotes DESC LIMIT 20))
  ORDER BY quotes DESC, name
  LIMIT 20
)
SELECT t.name, t.quotes, t.articles, e.label,
       list(v.verb ORDER BY v.quotes DESC, v.verb) FILTER (WHERE v.verb IS NOT NULL) AS verbs
FROM top t
LEFT JOIN entities e USING (entity_key)
LEFT JOIN speaker_verbs v USING (entity_key)
GROUP BY ALL
ORDER BY t.quotes DESC, t.name;
