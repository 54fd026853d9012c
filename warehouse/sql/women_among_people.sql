-- Women among the people mentioned, per outlet and month: each person once per article, by
-- their gender in `entity_gender` (a `newsflow gender set` override, else the majority of
-- their articles' calls). Unknown gender is counted but left out of the share.
SELECT p.outlet, p.month,
       coalesce(sum(p.articles) FILTER (WHERE g.gender = 'female'), 0) AS women,
       coalesce(sum(p.articles) FILTER (WHERE g.gender = 'male'), 0) AS men,
       coalesce(sum(p.articles) FILTER (WHERE coalesce(g.gender, 'unknown') = 'unknown'), 0)
         AS unknown,
       round(100.0 * women / nullif(women + men, 0), 1) AS women_pct
FROM outlet_month_people p
LEFT JOIN entity_gender g USING (entity_id)
GROUP BY ALL
ORDER BY p.outlet, p.month;
