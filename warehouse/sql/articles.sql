-- Articles in the warehouse (current version of each story)
SELECT left(headline, 50) AS headline, outlet, published_at::DATE AS published, language,
       word_count AS words, version
FROM latest_articles
ORDER BY published_at DESC NULLS LAST, headline;
