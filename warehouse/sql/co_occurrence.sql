-- Entity co-occurrence: pairs of entities named in the same sentence
WITH top AS (
  SELECT * FROM co_occurrences
  WHERE sentences >= (SELECT min(sentences) FROM
                        (SELECT sentences FROM co_occurrences ORDER BY sentences DESC LIMIT 20))
  ORDER BY sentences DESC, entity_key, with_key
  LIMIT 20
)
SELECT a.name AS entity, b.name AS with_entity, t.sentences, t.articles
FROM top t
JOIN entities a ON a.entity_key = t.entity_key
JOIN entities b ON b.entity_key = t.with_key
ORDER BY t.sentences DESC, entity, with_entity;
