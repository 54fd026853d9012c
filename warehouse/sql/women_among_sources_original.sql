-- Women among quoted sources in original reporting only, without wire copies (a story another
-- outlet ran first counts once, in the outlet that ran it first). The counts come from
-- `outlet_month_sources_original`, which the load keeps like `outlet_month_sources`; each person
-- counts by their one gender in `entity_gender` (an override, else the majority of their
-- articles' calls), not by each article's call as women_among_sources.sql counts them.
WITH known AS (SELECT entity_id, gender FROM entity_gender WHERE gender IN ('female', 'male')),
by_gender AS (
  SELECT p.outlet, p.month, k.gender, sum(p.articles) AS articles
  FROM outlet_month_sources_original p JOIN known k USING (entity_id)
  GROUP BY ALL
),
total AS (
  SELECT outlet, month, sum(articles) AS articles FROM outlet_month_sources_original GROUP BY ALL
)
SELECT t.outlet, t.month,
       coalesce(sum(g.articles) FILTER (WHERE g.gender = 'female'), 0) AS women,
       coalesce(sum(g.articles) FILTER (WHERE g.gender = 'male'), 0) AS men,
       any_value(t.articles) - women - men AS unknown,
       round(100.0 * women / nullif(women + men, 0), 1) AS women_pct
FROM total t
LEFT JOIN by_gender g USING (outlet, month)
GROUP BY ALL
ORDER BY t.outlet, t.month;
