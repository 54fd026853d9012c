-- Quotes with their speakers
SELECT coalesce(q.speaker_name, '(unknown)') AS speaker, q.kind,
       left(q.text, 60) || CASE WHEN length(q.text) > 60 THEN '…' ELSE '' END AS quote,
       left(a.headline, 28) || '…' AS article
FROM latest_quotes q JOIN latest_articles a USING (article_id, version)
ORDER BY a.headline, q.start_char
LIMIT 200;
