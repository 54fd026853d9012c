-- Articles in the warehouse: the current version of each story, newest first
SELECT headline, outlet,
       -- the publisher's own date: the instant (UTC) moved by the offset the source gave
       (published_at AT TIME ZONE 'UTC' + to_minutes(published_offset_minutes))::DATE AS published,
       language, word_count AS words, version
FROM current_articles
ORDER BY published_at DESC NULLS LAST, headline
LIMIT 50;
