-- Top entities: one row per real-world entity, counted over current article versions
-- (the 15th highest count is found first: a one-column sort skips most of the table)
WITH top AS (
  SELECT * FROM entities
  WHERE mentions >= (SELECT min(mentions) FROM
                       (SELECT mentions FROM entities ORDER BY mentions DESC LIMIT 15))
  ORDER BY mentions DESC, articles DESC, name
  LIMIT 15
)
SELECT t.name, t.label, t.mentions, t.articles,
       list(a.alias ORDER BY a.mentions DESC, a.alias) AS aliases
FROM top t JOIN entity_aliases a USING (entity_key)
GROUP BY ALL
ORDER BY t.mentions DESC, t.articles DESC, t.name;
