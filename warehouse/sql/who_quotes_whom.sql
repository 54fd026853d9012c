-- Who talks about whom: people named inside the quotes of each quoted person
WITH people AS (
  SELECT * FROM quote_subjects WHERE speaker_key LIKE 'person:%'
), top AS (
  SELECT * FROM people
  WHERE times >= (SELECT min(times) FROM (SELECT times FROM people ORDER BY times DESC LIMIT 20))
  ORDER BY times DESC, speaker_key, subject_key
  LIMIT 20
)
SELECT s.name AS speaker, e.name AS about, t.times
FROM top t
JOIN speakers s ON s.entity_key = t.speaker_key
JOIN entities e ON e.entity_key = t.subject_key
ORDER BY t.times DESC, speaker, about;
