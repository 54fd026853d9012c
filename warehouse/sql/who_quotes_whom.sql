-- Who talks about whom: people named inside the quotes of each quoted person
WITH people AS (
  SELECT q.* FROM quote_subject_counts q
  SEMI JOIN entity_ids s ON s.entity_id = q.speaker_id AND s.label = 'person'
), top AS (
  SELECT * FROM people
  WHERE times >= (SELECT min(times) FROM (SELECT times FROM people ORDER BY times DESC LIMIT 20))
)
SELECT s.name AS speaker, e.name AS about, t.times
FROM top t
JOIN entity_ids s ON s.entity_id = t.speaker_id
JOIN entity_ids e ON e.entity_id = t.subject_id
ORDER BY t.times DESC, speaker, about
LIMIT 20;
