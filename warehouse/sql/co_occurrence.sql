-- Entity co-occurrence: pairs of entities named in the same sentence
SELECT a.name AS entity, b.name AS with_entity, count(*) AS sentences,
       count(DISTINCT a.article_id) AS articles
FROM latest_mentions a
JOIN latest_mentions b
  ON a.article_id = b.article_id AND a.version = b.version AND a.sentence = b.sentence
 AND a.entity_key < b.entity_key
GROUP BY ALL
ORDER BY sentences DESC, entity, with_entity
LIMIT 20;
