-- Which outlets write their own stories: per outlet, stories, wire copies and the share original
SELECT coalesce(outlet, '(none)') AS outlet,
       count(*) AS stories,
       count(*) FILTER (WHERE is_wire_copy) AS wire_copies,
       round(100.0 * count(*) FILTER (WHERE is_wire_copy IS NOT TRUE) / count(*), 1)
           AS original_pct
FROM current_articles
GROUP BY ALL
ORDER BY stories DESC, outlet;
