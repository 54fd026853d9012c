-- Quotes with their speakers, from the 50 most recent articles
WITH recent AS (
  SELECT article_id, version, headline, published_at FROM current_articles
  ORDER BY published_at DESC NULLS LAST, article_id
  LIMIT 50
)
SELECT coalesce(q.speaker_name, '(unknown)') AS speaker, q.kind,
       q.text AS quote, r.headline AS article
FROM recent r JOIN quotes q USING (article_id, version)
ORDER BY r.published_at DESC NULLS LAST, r.headline, q.start_char
LIMIT 200;
