-- Quotes with their speakers
SELECT coalesce(q.speaker_name, '(unknown)') AS speaker, q.verb, q.kind,
       left(q.text, 90) || CASE WHEN length(q.text) > 90 THEN '…' ELSE '' END AS quote,
       left(a.headline, 40) AS article
FROM latest_quotes q JOIN latest_articles a USING (article_id, version)
ORDER BY a.headline, q.start_char;
