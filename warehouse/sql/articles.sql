-- Articles in the warehouse (current version of each story)
SELECT headline, outlet, byline, published_at::DATE AS published, language, word_count,
       version, len(notes) AS notes
FROM latest_articles
ORDER BY published_at DESC NULLS LAST, headline;
