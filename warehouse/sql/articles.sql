-- Articles in the warehouse: the current version of each story, newest first
SELECT left(headline, 50) AS headline, outlet, published_at::DATE AS published, language,
       word_count AS words, version
FROM current_articles
ORDER BY published_at DESC NULLS LAST, headline
LIMIT 50;
