-- Tuned peer, one report's counts: for the unit {{UNIT}}, the period
-- [{{START}}, {{END}}] (dates yyyymmdd; {{PREV}} the day before it, {{YTD}}
-- the first of its year) under the map of {{MAP}}, over the tables of
-- prepare.<dialect>.sql.  {{LO}}..{{HI}} is the range of the unit's area
-- numbers (areas are numbered in code order, so a commune's areas lie
-- together and its spells are one stretch of the clustered tables).  One
-- statement of a few grouped scans, each grouped by "leaf": the commune of
-- a column, or the unit itself when it has one column:
--   E, S   counted persons at the end and on the day before the start, by
--          sex (a), five-year band (b; 20: 100+) and the method of the
--          married women 15-49 (c; -1: not one of them);
--   hh     households with a counted person at the end (a: family ones);
--   fl     flows of the period by kind (a), sex (b) and what the rows need
--          of them (c, d: c1, c2 of prepare.duckdb.sql);
--   in/out migration between communes;
--   =...   distinct persons screened or checked, by column (leaf is the
--          column here: the unit's own count is not a sum over communes);
--   leaf=  every leaf's code, with persons or not.
-- A leaf is a number here (0: the unit itself), for fast grouping.
-- bench/tuned.mjs turns these few hundred lines into the form's rows and
-- rates as bench/sql/30_report.sql does.  {{DIV}} is the dialect's integer
-- division (floor for the non-negative numbers it divides).
WITH
m AS (SELECT area_id, anc, lvl FROM anc
      WHERE area_id BETWEEN {{LO}} AND {{HI}} AND vf <= '{{MAP}}' AND vt >= '{{MAP}}'),
acomm AS (SELECT area_id, anc AS commune FROM anc WHERE lvl = 'commune' AND vf <= '{{MAP}}' AND vt >= '{{MAP}}'),
-- One column per commune when the unit is above the commune level.
split AS (SELECT 1 AS y FROM units WHERE code = '{{UNIT}}' AND u_level IN ('country', 'province', 'district')
          AND (valid_from IS NULL OR valid_from <= '{{MAP}}') AND (valid_to IS NULL OR valid_to >= '{{MAP}}')),
leaf0 AS (
  SELECT u.area_id, COALESCE(CASE WHEN EXISTS (SELECT 1 FROM split) THEN c.commune END, u.anc) AS code
  FROM m u LEFT JOIN acomm c ON c.area_id = u.area_id WHERE u.anc = '{{UNIT}}'),
-- leaf: the leaf's number (0: the unit itself).
leaf AS MATERIALIZED (
  SELECT area_id, code, CASE WHEN code = '{{UNIT}}' THEN 0 ELSE dense_rank() OVER (ORDER BY code) END :: INTEGER AS leaf
  FROM leaf0),
dist AS MATERIALIZED (
  SELECT l.leaf, f.pid, CASE f.kind WHEN 11 THEN '=prenatal' WHEN 12 THEN '=newborn' ELSE '=elderly' END AS k
  FROM flows f JOIN leaf l ON l.area_id = f.area_id
  WHERE f.area_id BETWEEN {{LO}} AND {{HI}} AND f.d <= {{END}} AND f.d >= {{START}} AND (f.kind IN (11, 12) OR f.kind = 13 AND f.age >= 60)
  UNION ALL
  SELECT l.leaf, f.pid, '=elderly_ytd' FROM flows f JOIN leaf l ON l.area_id = f.area_id
  WHERE f.area_id BETWEEN {{LO}} AND {{HI}} AND f.d <= {{END}} AND f.d >= {{YTD}} AND f.kind = 13 AND f.age >= 60)
-- Each scan groups by area first (a parallel partial aggregation), then
-- the few lines per area are summed by leaf.
SELECT l.leaf, 'E' AS k, x.a, x.b, x.c, 0 AS d, SUM(x.n) AS n FROM (
  SELECT s.area_id, s.sex AS a, CAST(LEAST(({{END}} - s.bd + 100000000) {{DIV}} 50000 - 2000, 20) AS SMALLINT) AS b,
         CAST(CASE WHEN s.sex = 2 AND s.mar = 2 AND s.bd <= {{END}} - 150000 AND s.bd > {{END}} - 500000
                   THEN s.fp ELSE -1 END AS SMALLINT) AS c, COUNT(*) AS n
  FROM spells s
  WHERE s.area_id BETWEEN {{LO}} AND {{HI}} AND s.f <= {{END}} AND s.t > {{END}}
  GROUP BY 1, 2, 3, 4) x
JOIN leaf l ON l.area_id = x.area_id
GROUP BY l.leaf, x.a, x.b, x.c
UNION ALL
SELECT l.leaf, 'S', x.a, x.b, -1, 0, SUM(x.n) FROM (
  SELECT s.area_id, s.sex AS a, CAST(LEAST(({{PREV}} - s.bd + 100000000) {{DIV}} 50000 - 2000, 20) AS SMALLINT) AS b,
         COUNT(*) AS n
  FROM spells s
  WHERE s.area_id BETWEEN {{LO}} AND {{HI}} AND s.f <= {{PREV}} AND s.t > {{PREV}}
  GROUP BY 1, 2, 3) x
JOIN leaf l ON l.area_id = x.area_id
GROUP BY l.leaf, x.a, x.b
UNION ALL
SELECT l.leaf, 'hh', x.ht, 0, 0, 0, SUM(x.n) FROM (
  SELECT h.area_id, h.ht, COUNT(*) AS n FROM hspells h
  WHERE h.area_id BETWEEN {{LO}} AND {{HI}} AND h.f <= {{END}} AND h.t > {{END}}
  GROUP BY 1, 2) x
JOIN leaf l ON l.area_id = x.area_id
GROUP BY l.leaf, x.ht
UNION ALL
SELECT l.leaf, 'fl', x.kind, x.sex, x.c1, x.c2, SUM(x.n) FROM (
  SELECT f.area_id, f.kind, f.sex, f.c1, f.c2, COUNT(*) AS n FROM flows f
  WHERE f.area_id BETWEEN {{LO}} AND {{HI}} AND f.d <= {{END}} AND f.d >= {{START}} AND f.kind IN (1, 2, 6, 7, 8, 9, 10)
  GROUP BY 1, 2, 3, 4, 5) x
JOIN leaf l ON l.area_id = x.area_id
GROUP BY l.leaf, x.kind, x.sex, x.c1, x.c2
UNION ALL
-- In: arrivals, and transfers from a household of another commune (or of
-- none known); out: departures, and transfers to another commune.
SELECT l.leaf, 'in', 0, 0, 0, 0, COUNT(*)
FROM flows f
JOIN leaf l ON l.area_id = CASE WHEN f.kind = 5 THEN f.area_to ELSE f.area_id END
LEFT JOIN acomm ct ON ct.area_id = l.area_id
LEFT JOIN acomm cf ON cf.area_id = CASE WHEN f.kind = 5 THEN f.area_id END
WHERE (f.kind = 3 AND f.area_id BETWEEN {{LO}} AND {{HI}} OR f.kind = 5 AND f.area_to BETWEEN {{LO}} AND {{HI}})
  AND f.d >= {{START}} AND f.d <= {{END}}
  AND (f.kind = 3 OR cf.commune IS NULL OR ct.commune IS NULL OR cf.commune <> ct.commune)
GROUP BY l.leaf
UNION ALL
SELECT l.leaf, 'out', 0, 0, 0, 0, COUNT(*)
FROM flows f
JOIN leaf l ON l.area_id = f.area_id
LEFT JOIN acomm cf ON cf.area_id = f.area_id
LEFT JOIN acomm ct ON ct.area_id = CASE WHEN f.kind = 5 THEN f.area_to END
WHERE f.area_id BETWEEN {{LO}} AND {{HI}} AND f.d <= {{END}} AND f.kind IN (4, 5) AND f.d >= {{START}}
  AND (f.kind = 4 OR cf.commune IS NULL OR ct.commune IS NULL OR cf.commune <> ct.commune)
GROUP BY l.leaf
UNION ALL
SELECT leaf, k, 0, 0, 0, 0, COUNT(DISTINCT pid) FROM dist WHERE leaf <> 0 GROUP BY leaf, k
UNION ALL
SELECT 0, k, 0, 0, 0, 0, COUNT(DISTINCT pid) FROM dist GROUP BY k
UNION ALL
SELECT DISTINCT leaf, 'leaf=' || code, 0, 0, 0, 0, 0 FROM leaf
