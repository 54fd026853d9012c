-- Women among quoted sources, per outlet and month: the people quoted in each article, each once,
-- by the gender that article gives them (a `newsflow gender set` override first), as the
-- dashboard's Gender page counts them. Unknown gender is counted but left out of the share. It
-- reads the `gender_mix` mart: per outlet, month and language, how many articles quote this
-- many women, men and people of unknown gender.
SELECT outlet, month, sum(articles) AS articles,
       sum(women * articles) AS women, sum(men * articles) AS men,
       sum(unknown * articles) AS unknown,
       round(100.0 * sum(women * articles) / nullif(sum((women + men) * articles), 0), 1)
         AS women_pct
FROM gender_mix
WHERE role = 'source'
GROUP BY outlet, month
ORDER BY outlet, month;
