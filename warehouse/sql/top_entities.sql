-- Top entities: one row per real-world entity, counted over current article versions
-- (the 15th highest count is found first: a one-column sort skips most of the table; names
-- are joined to those few rows only)
WITH top AS (
  SELECT c.*, i.name, i.label FROM entity_counts c JOIN entity_ids i USING (entity_id)
  WHERE c.mentions >= (SELECT min(mentions) FROM
                         (SELECT mentions FROM entity_counts ORDER BY mentions DESC LIMIT 15))
  ORDER BY c.mentions DESC, c.articles DESC, i.name
  LIMIT 15
)
SELECT t.name, t.label, t.mentions, t.articles,
       list(a.alias ORDER BY a.mentions DESC, a.alias) AS aliases
FROM top t JOIN alias_counts a USING (entity_id)
GROUP BY ALL
ORDER BY t.mentions DESC, t.articles DESC, t.name;
