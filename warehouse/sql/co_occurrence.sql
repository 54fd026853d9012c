-- Entity co-occurrence: pairs of entities named in the same sentence
WITH top AS (
  SELECT * FROM co_occurrence_counts
  WHERE sentences >= (SELECT min(sentences) FROM
                        (SELECT sentences FROM co_occurrence_counts ORDER BY sentences DESC LIMIT 20))
)
SELECT a.name AS entity, b.name AS with_entity, t.sentences, t.articles
FROM top t
JOIN entity_ids a ON a.entity_id = t.entity_id
JOIN entity_ids b ON b.entity_id = t.with_id
ORDER BY t.sentences DESC, entity, with_entity
LIMIT 20;
