-- Top entities: one row per real-world entity, counted over current article versions
SELECT name, label, mentions, articles, aliases
FROM entities
ORDER BY mentions DESC, articles DESC, name
LIMIT 15;
