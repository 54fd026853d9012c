-- Who talks about whom: people named inside the quotes of speakers who are people
SELECT q.speaker_name AS speaker, m.name AS about, count(*) AS times
FROM latest_quotes q
JOIN latest_mentions m
  ON m.article_id = q.article_id AND m.version = q.version
 AND m.start_char >= q.start_char AND m.end_char <= q.end_char
WHERE q.speaker_entity_key LIKE 'person:%' AND m.label = 'person'
  AND m.entity_key IS DISTINCT FROM q.speaker_entity_key
GROUP BY ALL
ORDER BY times DESC, speaker, about
LIMIT 20;
