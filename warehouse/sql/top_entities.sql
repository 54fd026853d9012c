-- Top entities: one row per real-world entity, counted over current article versions
WITH top AS (
  SELECT * FROM entities ORDER BY mentions DESC, articles DESC, name LIMIT 15
)
SELECT t.name, t.label, t.mentions, t.articles,
       list(a.alias ORDER BY a.mentions DESC, a.alias) AS aliases
FROM top t JOIN entity_aliases a USING (entity_key)
GROUP BY ALL
ORDER BY t.mentions DESC, t.articles DESC, t.name;
