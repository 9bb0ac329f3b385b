-- One report: every row of the commune forms, the annual form's age
-- groups and the derived indicators, for the unit, period and hierarchy
-- date in the temp table params (see params.*.sql).  Portable SQL over the
-- model tables of 20_model.sql.  The last statement returns
-- (col, code, v, male, female): col is a commune under the unit (when the
-- unit is above the commune level) or the unit itself (its value, or the
-- total).  Codes starting with '_' are helper values, not rows.

-- The administrative map at the hierarchy date: each area's ancestors.
CREATE TEMP TABLE r_links AS
SELECT u.code, u.parent_code, u.u_level FROM units u CROSS JOIN params p
WHERE (u.valid_from IS NULL OR u.valid_from <= p.p_map)
  AND (u.valid_to IS NULL OR u.valid_to >= p.p_map);

CREATE TEMP TABLE r_anc AS
WITH RECURSIVE a(area, anc, lvl, par, depth) AS (
  SELECT code, code, u_level, parent_code, 0 FROM r_links WHERE u_level = 'area'
  UNION ALL
  SELECT a.area, l.code, l.u_level, l.parent_code, a.depth + 1
  FROM a JOIN r_links l ON l.code = a.par
  WHERE a.depth < 10)
SELECT area, anc, lvl FROM a;

CREATE TEMP TABLE r_acomm AS SELECT area, anc AS commune FROM r_anc WHERE lvl = 'commune';

-- Columns: the unit itself (its value or the total) and, for a unit above
-- the commune level, each commune under it.
CREATE TEMP TABLE r_acol AS
SELECT a.area, p.p_unit AS col FROM r_anc a JOIN params p ON a.anc = p.p_unit
UNION ALL
SELECT a.area, c.commune FROM r_anc a
JOIN params p ON a.anc = p.p_unit
JOIN r_acomm c ON c.area = a.area
WHERE EXISTS (SELECT 1 FROM r_links l WHERE l.code = p.p_unit
              AND l.u_level IN ('country', 'province', 'district'));

CREATE TEMP TABLE r_cols AS SELECT DISTINCT col FROM r_acol;

CREATE TEMP TABLE r_hcol AS
SELECT h.household_id AS hh, c.col FROM m_hh h JOIN r_acol c ON c.area = h.area_code;

-- Stocks at the end of the period (E) and on the day before it (S).
CREATE TEMP TABLE r_d AS
SELECT 'E' AS w, p_end AS d FROM params UNION ALL SELECT 'S', p_prev FROM params;

CREATE TEMP TABLE r_lc AS
SELECT w, person,
       MAX(CASE WHEN kind = 'h' THEN val END) AS hh,
       MAX(CASE WHEN kind = 'r' THEN val END) AS res,
       MAX(CASE WHEN kind = 'm' THEN val END) AS mar,
       MAX(CASE WHEN kind = 'f' THEN val END) AS fp
FROM (SELECT d.w, c.person, c.kind, c.val,
             ROW_NUMBER() OVER (PARTITION BY d.w, c.person, c.kind
                                ORDER BY c.c_date DESC, c.c_seq DESC) AS rn
      FROM m_chg c JOIN r_d d ON c.c_date <= d.d) x
WHERE rn = 1
GROUP BY w, person;

CREATE TEMP TABLE r_st AS
SELECT d.w, h.household_id AS hh, h.area_code AS area, p.sex,
       CAST(substr(d.d, 1, 4) AS INTEGER) - CAST(substr(p.bd, 1, 4) AS INTEGER)
         - CASE WHEN substr(d.d, 6, 5) < substr(p.bd, 6, 5) THEN 1 ELSE 0 END AS age,
       COALESCE(CAST(l.mar AS INTEGER), p.mar0) AS mar,
       COALESCE(CAST(l.fp AS INTEGER), p.fp0) AS fp
FROM m_p p CROSS JOIN r_d d
LEFT JOIN r_lc l ON l.w = d.w AND l.person = p.person_id
JOIN m_hh h ON h.household_id = COALESCE(l.hh, p.entry_hh)
WHERE p.entry_date <= d.d
  AND (p.x_date IS NULL OR p.x_date > d.d)
  AND COALESCE(CAST(l.res AS INTEGER), p.res0) = 1;

-- Households with a counted person at the end, and their type then.
CREATE TEMP TABLE r_hhE AS
SELECT h.hh, h.area, COALESCE(t.t, m.type0) AS t
FROM (SELECT DISTINCT hh, area FROM r_st WHERE w = 'E') h
JOIN m_hh m ON m.household_id = h.hh
LEFT JOIN (SELECT hh, t FROM (
             SELECT x.hh, x.t, ROW_NUMBER() OVER (PARTITION BY x.hh ORDER BY x.c_date DESC, x.c_seq DESC) AS rn
             FROM m_hht x CROSS JOIN params p WHERE x.c_date <= p.p_end) y
           WHERE rn = 1) t ON t.hh = h.hh;

-- The stocks by column and characteristics (few lines: one per area, age,
-- sex, marital status and method, then per column).
CREATE TEMP TABLE r_sa AS
SELECT w, area, sex, age, mar, fp, COUNT(*) AS n FROM r_st GROUP BY w, area, sex, age, mar, fp;
CREATE TEMP TABLE r_sta AS
SELECT s.w, c.col, s.sex, s.age, s.mar, s.fp, SUM(s.n) AS n
FROM r_sa s JOIN r_acol c ON c.area = s.area GROUP BY s.w, c.col, s.sex, s.age, s.mar, s.fp;

-- Flow events of the period (and of the year to date), with their column.
CREATE TEMP TABLE r_fl AS
SELECT f.*, c.col,
       CASE WHEN f.ev_date >= p.p_start THEN 1 ELSE 0 END AS in_p
FROM m_fl f CROSS JOIN params p JOIN r_hcol c ON c.hh = f.hh
WHERE f.ev_date >= p.p_ytd
  AND f.ev_date <= p.p_end;

-- Migration: into / out of a commune from / to another commune (under the
-- map of the hierarchy date); above the commune, sums over communes.
CREATE TEMP TABLE r_mig AS
SELECT c.col, 'in' AS k, COUNT(*) AS n
FROM m_fl f CROSS JOIN params p
JOIN m_hh ht ON ht.household_id = CASE WHEN f.ev_type = 'transfer' THEN f.hh_to ELSE f.hh END
JOIN r_acol c ON c.area = ht.area_code
LEFT JOIN r_acomm ct ON ct.area = ht.area_code
LEFT JOIN m_hh hf ON f.ev_type = 'transfer' AND hf.household_id = f.hh
LEFT JOIN r_acomm cf ON cf.area = hf.area_code
WHERE f.ev_type IN ('move_in', 'transfer') AND f.ev_date >= p.p_start AND f.ev_date <= p.p_end
  AND (f.ev_type = 'move_in' OR cf.commune IS NULL OR ct.commune IS NULL OR cf.commune <> ct.commune)
GROUP BY c.col
UNION ALL
SELECT c.col, 'out', COUNT(*)
FROM m_fl f CROSS JOIN params p
JOIN m_hh hf ON hf.household_id = f.hh
JOIN r_acol c ON c.area = hf.area_code
LEFT JOIN r_acomm cf ON cf.area = hf.area_code
LEFT JOIN m_hh ht ON f.ev_type = 'transfer' AND ht.household_id = f.hh_to
LEFT JOIN r_acomm ct ON ct.area = ht.area_code
WHERE f.ev_type IN ('move_out', 'transfer') AND f.ev_date >= p.p_start AND f.ev_date <= p.p_end
  AND (f.ev_type = 'move_out' OR cf.commune IS NULL OR ct.commune IS NULL OR cf.commune <> ct.commune)
GROUP BY c.col;

-- Counts: (col, key, band, sex, n); sex 0 when not split, band -1 when none.
CREATE TEMP TABLE r_cnt AS
SELECT c.col, 'hh' AS k, -1 AS band, 0 AS sex, COUNT(*) AS n FROM r_hhE h JOIN r_acol c ON c.area = h.area GROUP BY c.col
UNION ALL
SELECT c.col, 'hh1', -1, 0, COUNT(*) FROM r_hhE h JOIN r_acol c ON c.area = h.area WHERE h.t = 1 GROUP BY c.col
UNION ALL
SELECT col, 'pop', -1, sex, SUM(n) FROM r_sta WHERE w = 'E' GROUP BY col, sex
UNION ALL
SELECT col, 'popS', -1, sex, SUM(n) FROM r_sta WHERE w = 'S' GROUP BY col, sex
UNION ALL
SELECT col, 'mw', -1, 0, SUM(n) FROM r_sta
WHERE w = 'E' AND sex = 2 AND age BETWEEN 15 AND 49 AND mar = 2 GROUP BY col
UNION ALL
SELECT col, 'fp', fp, 0, SUM(n) FROM r_sta
WHERE w = 'E' AND sex = 2 AND age BETWEEN 15 AND 49 AND mar = 2 GROUP BY col, fp
UNION ALL
SELECT col, 'age', CASE WHEN age >= 100 THEN 100 ELSE age - age % 5 END, sex, SUM(n)
FROM r_sta WHERE w = 'E' GROUP BY col, CASE WHEN age >= 100 THEN 100 ELSE age - age % 5 END, sex
UNION ALL
SELECT col, 'ageS', CASE WHEN age >= 100 THEN 100 ELSE age - age % 5 END, sex, SUM(n)
FROM r_sta WHERE w = 'S' GROUP BY col, CASE WHEN age >= 100 THEN 100 ELSE age - age % 5 END, sex
UNION ALL
SELECT col, 'birth', -1, sex, COUNT(*) FROM r_fl WHERE in_p = 1 AND ev_type = 'birth' GROUP BY col, sex
UNION ALL
SELECT col, 'b_order2', -1, 0, COUNT(*) FROM r_fl WHERE in_p = 1 AND ev_type = 'birth' AND b_order = 2 GROUP BY col
UNION ALL
SELECT col, 'b_order3', -1, 0, COUNT(*) FROM r_fl WHERE in_p = 1 AND ev_type = 'birth' AND b_order >= 3 GROUP BY col
UNION ALL
SELECT col, 'b_home', -1, 0, COUNT(*) FROM r_fl WHERE in_p = 1 AND ev_type = 'birth' AND place = 3 GROUP BY col
UNION ALL
SELECT col, 'b_mage', CASE WHEN age >= 50 THEN 50 ELSE age - age % 5 END, 0, COUNT(*)
FROM r_fl WHERE in_p = 1 AND ev_type = 'birth'
GROUP BY col, CASE WHEN age >= 50 THEN 50 ELSE age - age % 5 END
UNION ALL
SELECT col, 'death', -1, sex, COUNT(*) FROM r_fl WHERE in_p = 1 AND ev_type = 'death' GROUP BY col, sex
UNION ALL
SELECT col, 'death0', -1, 0, COUNT(*) FROM r_fl WHERE in_p = 1 AND ev_type = 'death' AND age < 1 GROUP BY col
UNION ALL
SELECT col, k, -1, 0, n FROM r_mig
UNION ALL
SELECT col, 'marry', -1, 0, COUNT(*) FROM r_fl WHERE in_p = 1 AND ev_type = 'marriage' GROUP BY col
UNION ALL
SELECT col, 'marry_child', -1, 0, COUNT(*) FROM r_fl
WHERE in_p = 1 AND ev_type = 'marriage' AND ((sex = 1 AND age < 20) OR (sex = 2 AND age < 18)) GROUP BY col
UNION ALL
SELECT col, 'marry_consang', -1, 0, COUNT(*) FROM r_fl WHERE in_p = 1 AND ev_type = 'marriage' AND consang = 1 GROUP BY col
UNION ALL
SELECT col, 'couple', -1, 0, COUNT(*) FROM r_fl WHERE in_p = 1 AND ev_type = 'marriage' AND couple = 1 GROUP BY col
UNION ALL
SELECT col, 'couple_pre', -1, 0, COUNT(*) FROM r_fl
WHERE in_p = 1 AND ev_type = 'marriage' AND couple = 1 AND premarital = 1 GROUP BY col
UNION ALL
SELECT col, 'divorce', -1, 0, COUNT(*) FROM r_fl WHERE in_p = 1 AND ev_type = 'divorce' GROUP BY col
UNION ALL
SELECT col, 'fp_start', method, 0, COUNT(*) FROM r_fl WHERE in_p = 1 AND ev_type = 'fp_start' GROUP BY col, method
UNION ALL
SELECT col, 'fp_free_poor', -1, 0, COUNT(*) FROM r_fl
WHERE in_p = 1 AND ev_type = 'fp_start' AND method BETWEEN 1 AND 8 AND source = 1 AND pov IN (1, 2) GROUP BY col
UNION ALL
SELECT col, 'fp_stop', -1, 0, COUNT(*) FROM r_fl WHERE in_p = 1 AND ev_type = 'fp_stop' GROUP BY col
UNION ALL
SELECT col, 'pregnancy', outcome, 0, COUNT(*) FROM r_fl WHERE in_p = 1 AND ev_type = 'pregnancy' GROUP BY col, outcome
UNION ALL
SELECT col, 'prenatal', -1, 0, COUNT(DISTINCT person) FROM r_fl WHERE in_p = 1 AND ev_type = 'prenatal_screening' GROUP BY col
UNION ALL
SELECT col, 'newborn', -1, 0, COUNT(DISTINCT person) FROM r_fl WHERE in_p = 1 AND ev_type = 'newborn_screening' GROUP BY col
UNION ALL
SELECT col, 'elderly', -1, 0, COUNT(DISTINCT person) FROM r_fl
WHERE in_p = 1 AND ev_type = 'elderly_check' AND age >= 60 GROUP BY col
UNION ALL
SELECT f.col, 'elderly_ytd', -1, 0, COUNT(DISTINCT f.person) FROM r_fl f CROSS JOIN params p
WHERE f.ev_type = 'elderly_check' AND f.age >= 60 AND f.ev_date >= p.p_ytd GROUP BY f.col;

-- Rows: code -> (key, band range, split by sex).
CREATE TEMP TABLE r_map AS
WITH t(code, k, lo, hi, bysex) AS (VALUES
  ('1', 'hh', -1, -1, 0), ('1a', 'hh1', -1, -1, 0), ('2', 'pop', -1, -1, 1),
  ('3', 'mw', -1, -1, 0), ('3a', 'fp', 1, 8, 0),
  ('3a.1', 'fp', 1, 1, 0), ('3a.2', 'fp', 2, 2, 0), ('3a.3', 'fp', 3, 3, 0), ('3a.4', 'fp', 4, 4, 0),
  ('3a.5', 'fp', 5, 5, 0), ('3a.6', 'fp', 6, 6, 0), ('3a.7', 'fp', 7, 7, 0), ('3a.8', 'fp', 8, 8, 0),
  ('4', 'age', 60, 100, 1),
  ('5', 'birth', -1, -1, 1), ('5a', 'b_order2', -1, -1, 0), ('5b', 'b_order3', -1, -1, 0),
  ('5c', 'b_mage', 0, 19, 0), ('5d', 'b_home', -1, -1, 0),
  ('6', 'death', -1, -1, 1), ('6a', 'death0', -1, -1, 0),
  ('7', 'in', -1, -1, 0), ('8', 'out', -1, -1, 0),
  ('9', 'marry', -1, -1, 0), ('9a', 'marry_child', -1, -1, 0), ('9b', 'marry_consang', -1, -1, 0),
  ('9c', 'couple', -1, -1, 0), ('10', 'couple_pre', -1, -1, 0), ('11', 'divorce', -1, -1, 0),
  ('12', 'fp_start', 1, 9, 0),
  ('12.1', 'fp_start', 1, 1, 0), ('12.2', 'fp_start', 2, 2, 0), ('12.3', 'fp_start', 3, 3, 0),
  ('12.4', 'fp_start', 4, 4, 0), ('12.5', 'fp_start', 5, 5, 0), ('12.6', 'fp_start', 6, 6, 0),
  ('12.7', 'fp_start', 7, 7, 0), ('12.8', 'fp_start', 8, 8, 0), ('12.9', 'fp_start', 9, 9, 0),
  ('12a', 'fp_free_poor', -1, -1, 0), ('13', 'fp_stop', -1, -1, 0),
  ('14', 'pregnancy', 1, 1, 0), ('14a.1', 'pregnancy', 2, 2, 0), ('14a.2', 'pregnancy', 3, 3, 0),
  ('14a.3', 'pregnancy', 4, 4, 0),
  ('15', 'prenatal', -1, -1, 0), ('16', 'newborn', -1, -1, 0), ('17', 'elderly', -1, -1, 0),
  ('A00', 'age', 0, 0, 1), ('A05', 'age', 5, 5, 1), ('A10', 'age', 10, 10, 1), ('A15', 'age', 15, 15, 1),
  ('A20', 'age', 20, 20, 1), ('A25', 'age', 25, 25, 1), ('A30', 'age', 30, 30, 1), ('A35', 'age', 35, 35, 1),
  ('A40', 'age', 40, 40, 1), ('A45', 'age', 45, 45, 1), ('A50', 'age', 50, 50, 1), ('A55', 'age', 55, 55, 1),
  ('A60', 'age', 60, 60, 1), ('A65', 'age', 65, 65, 1), ('A70', 'age', 70, 70, 1), ('A75', 'age', 75, 75, 1),
  ('A80', 'age', 80, 80, 1), ('A85', 'age', 85, 85, 1), ('A90', 'age', 90, 90, 1), ('A95', 'age', 95, 95, 1),
  ('A100', 'age', 100, 100, 1),
  ('B10', 'b_mage', 10, 10, 0), ('B15', 'b_mage', 15, 15, 0), ('B20', 'b_mage', 20, 20, 0),
  ('B25', 'b_mage', 25, 25, 0), ('B30', 'b_mage', 30, 30, 0), ('B35', 'b_mage', 35, 35, 0),
  ('B40', 'b_mage', 40, 40, 0), ('B45', 'b_mage', 45, 45, 0), ('B50', 'b_mage', 50, 50, 0),
  ('_elderly_ytd', 'elderly_ytd', -1, -1, 0), ('_popS', 'popS', -1, -1, 1),
  ('_p0014', 'age', 0, 10, 0), ('_p1564', 'age', 15, 60, 0), ('_p65', 'age', 65, 100, 0),
  ('_w1549', 'age', 15, 45, 2),
  ('_wS1549', 'ageS', 15, 45, 2), ('_wS15', 'ageS', 15, 15, 2), ('_wS20', 'ageS', 20, 20, 2),
  ('_wS25', 'ageS', 25, 25, 2), ('_wS30', 'ageS', 30, 30, 2), ('_wS35', 'ageS', 35, 35, 2),
  ('_wS40', 'ageS', 40, 40, 2), ('_wS45', 'ageS', 45, 45, 2),
  ('W15', 'age', 15, 15, 2), ('W20', 'age', 20, 20, 2), ('W25', 'age', 25, 25, 2), ('W30', 'age', 30, 30, 2),
  ('W35', 'age', 35, 35, 2), ('W40', 'age', 40, 40, 2), ('W45', 'age', 45, 45, 2)
)
SELECT code, k, lo, hi, bysex FROM t;

-- bysex: 0 one value, 1 value with men and women, 2 women only.
CREATE TEMP TABLE r_rows AS
SELECT c.col, m.code,
       COALESCE(SUM(CASE WHEN m.bysex < 2 OR n.sex = 2 THEN n.n END), 0) AS v,
       CASE WHEN m.bysex = 1 THEN COALESCE(SUM(CASE WHEN n.sex = 1 THEN n.n END), 0) END AS male,
       CASE WHEN m.bysex = 1 THEN COALESCE(SUM(CASE WHEN n.sex = 2 THEN n.n END), 0) END AS female
FROM r_cols c CROSS JOIN r_map m
LEFT JOIN r_cnt n ON n.col = c.col AND n.k = m.k AND n.band BETWEEN m.lo AND m.hi
GROUP BY c.col, m.code, m.bysex;

-- The values the indicators need, one line per column.
CREATE TEMP TABLE r_w AS
SELECT col,
  CAST(SUM(CASE WHEN code = '2' THEN v END) AS DOUBLE PRECISION) AS pop,
  CAST(SUM(CASE WHEN code = '2' THEN male END) AS DOUBLE PRECISION) AS pop_m,
  CAST(SUM(CASE WHEN code = '2' THEN female END) AS DOUBLE PRECISION) AS pop_f,
  CAST(SUM(CASE WHEN code = '_popS' THEN v END) AS DOUBLE PRECISION) AS pop_s,
  CAST(SUM(CASE WHEN code = '3' THEN v END) AS DOUBLE PRECISION) AS r3,
  CAST(SUM(CASE WHEN code = '3a' THEN v END) AS DOUBLE PRECISION) AS r3a,
  CAST(SUM(CASE WHEN code = '4' THEN v END) AS DOUBLE PRECISION) AS r4,
  CAST(SUM(CASE WHEN code = '5' THEN v END) AS DOUBLE PRECISION) AS b,
  CAST(SUM(CASE WHEN code = '5' THEN male END) AS DOUBLE PRECISION) AS b_m,
  CAST(SUM(CASE WHEN code = '5' THEN female END) AS DOUBLE PRECISION) AS b_f,
  CAST(SUM(CASE WHEN code = '5b' THEN v END) AS DOUBLE PRECISION) AS r5b,
  CAST(SUM(CASE WHEN code = '6' THEN v END) AS DOUBLE PRECISION) AS d,
  CAST(SUM(CASE WHEN code = '9' THEN v END) AS DOUBLE PRECISION) AS r9,
  CAST(SUM(CASE WHEN code = '9a' THEN v END) AS DOUBLE PRECISION) AS r9a,
  CAST(SUM(CASE WHEN code = '9c' THEN v END) AS DOUBLE PRECISION) AS r9c,
  CAST(SUM(CASE WHEN code = '10' THEN v END) AS DOUBLE PRECISION) AS r10,
  CAST(SUM(CASE WHEN code = '15' THEN v END) AS DOUBLE PRECISION) AS r15,
  CAST(SUM(CASE WHEN code = '16' THEN v END) AS DOUBLE PRECISION) AS r16,
  CAST(SUM(CASE WHEN code = '_elderly_ytd' THEN v END) AS DOUBLE PRECISION) AS eld_ytd,
  CAST(SUM(CASE WHEN code = '_p0014' THEN v END) AS DOUBLE PRECISION) AS p0014,
  CAST(SUM(CASE WHEN code = '_p1564' THEN v END) AS DOUBLE PRECISION) AS p1564,
  CAST(SUM(CASE WHEN code = '_p65' THEN v END) AS DOUBLE PRECISION) AS p65,
  CAST(SUM(CASE WHEN code = '_w1549' THEN v END) AS DOUBLE PRECISION) AS w,
  CAST(SUM(CASE WHEN code = '_wS1549' THEN v END) AS DOUBLE PRECISION) AS w_s,
  CAST(SUM(CASE WHEN code = 'B15' THEN v END) AS DOUBLE PRECISION) AS b15,
  CAST(SUM(CASE WHEN code = 'B20' THEN v END) AS DOUBLE PRECISION) AS b20,
  CAST(SUM(CASE WHEN code = 'B25' THEN v END) AS DOUBLE PRECISION) AS b25,
  CAST(SUM(CASE WHEN code = 'B30' THEN v END) AS DOUBLE PRECISION) AS b30,
  CAST(SUM(CASE WHEN code = 'B35' THEN v END) AS DOUBLE PRECISION) AS b35,
  CAST(SUM(CASE WHEN code = 'B40' THEN v END) AS DOUBLE PRECISION) AS b40,
  CAST(SUM(CASE WHEN code = 'B45' THEN v END) AS DOUBLE PRECISION) AS b45,
  CAST(SUM(CASE WHEN code = 'W15' THEN v END) + SUM(CASE WHEN code = '_wS15' THEN v END) AS DOUBLE PRECISION) AS w15,
  CAST(SUM(CASE WHEN code = 'W20' THEN v END) + SUM(CASE WHEN code = '_wS20' THEN v END) AS DOUBLE PRECISION) AS w20,
  CAST(SUM(CASE WHEN code = 'W25' THEN v END) + SUM(CASE WHEN code = '_wS25' THEN v END) AS DOUBLE PRECISION) AS w25,
  CAST(SUM(CASE WHEN code = 'W30' THEN v END) + SUM(CASE WHEN code = '_wS30' THEN v END) AS DOUBLE PRECISION) AS w30,
  CAST(SUM(CASE WHEN code = 'W35' THEN v END) + SUM(CASE WHEN code = '_wS35' THEN v END) AS DOUBLE PRECISION) AS w35,
  CAST(SUM(CASE WHEN code = 'W40' THEN v END) + SUM(CASE WHEN code = '_wS40' THEN v END) AS DOUBLE PRECISION) AS w40,
  CAST(SUM(CASE WHEN code = 'W45' THEN v END) + SUM(CASE WHEN code = '_wS45' THEN v END) AS DOUBLE PRECISION) AS w45
FROM r_rows GROUP BY col;

-- Rates: an empty value (NULL) when the denominator is 0.  Rates over a
-- period shorter than a year are annualised (p_annual = 365 / days; 1 for a
-- calendar year).  Averages of a stock: (day before start + end) / 2.
CREATE TEMP TABLE r_rate AS
SELECT w.col,
  w.b_m / NULLIF(w.b_f, 0) * 100 AS srb,
  w.pop_m / NULLIF(w.pop_f, 0) * 100 AS sr,
  w.b / NULLIF((w.pop_s + w.pop) / 2, 0) * 1000 * p.p_annual AS cbr,
  w.d / NULLIF((w.pop_s + w.pop) / 2, 0) * 1000 * p.p_annual AS cdr,
  w.b / NULLIF((w.w_s + w.w) / 2, 0) * 1000 * p.p_annual AS gfr,
  w.b15 / NULLIF(w.w15 / 2, 0) * 1000 * p.p_annual AS asfr15,
  w.b20 / NULLIF(w.w20 / 2, 0) * 1000 * p.p_annual AS asfr20,
  w.b25 / NULLIF(w.w25 / 2, 0) * 1000 * p.p_annual AS asfr25,
  w.b30 / NULLIF(w.w30 / 2, 0) * 1000 * p.p_annual AS asfr30,
  w.b35 / NULLIF(w.w35 / 2, 0) * 1000 * p.p_annual AS asfr35,
  w.b40 / NULLIF(w.w40 / 2, 0) * 1000 * p.p_annual AS asfr40,
  w.b45 / NULLIF(w.w45 / 2, 0) * 1000 * p.p_annual AS asfr45,
  w.r5b / NULLIF(w.b, 0) * 100 AS p3,
  w.r3a / NULLIF(w.r3, 0) * 100 AS mcpr,
  w.r10 / NULLIF(w.r9c, 0) * 100 AS pmc,
  w.r15 / NULLIF(w.b, 0) * 100 AS pns,
  w.r16 / NULLIF(w.b, 0) * 100 AS nbs,
  w.eld_ytd / NULLIF(w.r4, 0) * 100 AS elc,
  (w.p0014 + w.p65) / NULLIF(w.p1564, 0) * 100 AS dr,
  w.r4 / NULLIF(w.p0014, 0) * 100 AS ai,
  w.r9a / NULLIF(w.r9, 0) * 100 AS cm,
  p.p_is_year AS is_year
FROM r_w w CROSS JOIN params p;

SELECT col, code, CAST(v AS DOUBLE PRECISION) AS v, male, female FROM r_rows
UNION ALL SELECT col, 'SRB', srb, NULL, NULL FROM r_rate
UNION ALL SELECT col, 'SR', sr, NULL, NULL FROM r_rate
UNION ALL SELECT col, 'CBR', cbr, NULL, NULL FROM r_rate
UNION ALL SELECT col, 'CDR', cdr, NULL, NULL FROM r_rate
UNION ALL SELECT col, 'RNI', cbr - cdr, NULL, NULL FROM r_rate
UNION ALL SELECT col, 'GFR', gfr, NULL, NULL FROM r_rate
UNION ALL SELECT col, 'ASFR15', asfr15, NULL, NULL FROM r_rate
UNION ALL SELECT col, 'ASFR20', asfr20, NULL, NULL FROM r_rate
UNION ALL SELECT col, 'ASFR25', asfr25, NULL, NULL FROM r_rate
UNION ALL SELECT col, 'ASFR30', asfr30, NULL, NULL FROM r_rate
UNION ALL SELECT col, 'ASFR35', asfr35, NULL, NULL FROM r_rate
UNION ALL SELECT col, 'ASFR40', asfr40, NULL, NULL FROM r_rate
UNION ALL SELECT col, 'ASFR45', asfr45, NULL, NULL FROM r_rate
UNION ALL SELECT col, 'TFR', CASE WHEN is_year = 1 THEN
    5 * (asfr15 + asfr20 + asfr25 + asfr30 + asfr35 + asfr40 + asfr45) / 1000 END, NULL, NULL FROM r_rate
UNION ALL SELECT col, 'P3', p3, NULL, NULL FROM r_rate
UNION ALL SELECT col, 'MCPR', mcpr, NULL, NULL FROM r_rate
UNION ALL SELECT col, 'PMC', pmc, NULL, NULL FROM r_rate
UNION ALL SELECT col, 'PNS', pns, NULL, NULL FROM r_rate
UNION ALL SELECT col, 'NBS', nbs, NULL, NULL FROM r_rate
UNION ALL SELECT col, 'ELC', elc, NULL, NULL FROM r_rate
UNION ALL SELECT col, 'DR', dr, NULL, NULL FROM r_rate
UNION ALL SELECT col, 'AI', ai, NULL, NULL FROM r_rate
UNION ALL SELECT col, 'CM', cm, NULL, NULL FROM r_rate;
