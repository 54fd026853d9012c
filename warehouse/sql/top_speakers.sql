-- Top speakers: who is quoted most, in how many articles
SELECT s.name, s.quotes, s.articles, e.label, s.verbs
FROM speakers s LEFT JOIN entities e USING (entity_key)
ORDER BY s.quotes DESC, s.name
LIMIT 20;
