-- Women among quoted sources in original reporting only: women_among_sources.sql without wire
-- copies (a story another outlet ran first counts once, in the outlet that ran it first). It
-- reads `gender_mix_original`, which the load keeps like `gender_mix` over the stories that are
-- not wire copies: each person once per article, by the gender that article gives them (a
-- `newsflow gender set` override first); unknown gender is counted but left out of the share.
SELECT outlet, month, sum(articles) AS articles,
       sum(women * articles) AS women, sum(men * articles) AS men,
       sum(unknown * articles) AS unknown,
       round(100.0 * sum(women * articles) / nullif(sum((women + men) * articles), 0), 1)
         AS women_pct
FROM gender_mix_original
WHERE role = 'source'
GROUP BY outlet, month
ORDER BY outlet, month;
