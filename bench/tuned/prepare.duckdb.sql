-- Tuned DuckDB peer, preparation: the exchange files ({{DATA}}: units.csv,
-- households.csv, persons.csv, events.ndjson; {{AS_OF}} the baseline date
-- of manifest.json) to four tables, built once:
--   spells  one row per person and stretch of days [f, t) with one state
--           (area, household, household type, sex, birth date, marital
--           status, method), counted persons only (residence 1, entered,
--           not exited); ordered by area, then f;
--   hspells one row per household and stretch of days with at least one
--           counted person, with its type then;
--   flows   one row per counted flow event (birth, death, moves, marriage,
--           divorce, fp_start/stop, pregnancy, screenings, elderly checks)
--           with its date, area (the subject's household's), target area
--           (transfers), subject (a number), sex, age and what the rows
--           need of it (c1, c2);
--   anc     each area's ancestors with the days [vf, vt] the path is valid.
-- Dates are integers yyyymmdd.  The counting rules are those of
-- shared/spec/reports.md, as bench/sql/20_model.sql applies them (an event
-- id counts once, voids, order of events on one date by line, birth-date
-- corrections for every date, partial dates to the 15th / July).
-- DuckDB runs one statement per call: statements end with ';' at a line end.

CREATE TEMP TABLE units0 AS
SELECT * FROM read_csv('{{DATA}}/units.csv', header = true, all_varchar = true);
CREATE TABLE units AS
SELECT code, level AS u_level, NULLIF(parent_code, '') AS parent_code,
       NULLIF(valid_from, '') AS valid_from, NULLIF(valid_to, '') AS valid_to
FROM units0;

CREATE TEMP TABLE hh0 AS
SELECT household_id AS hh, area_code AS area,
       CAST(NULLIF(type, '') AS INTEGER) AS t0, CAST(NULLIF(poverty, '') AS INTEGER) AS pov
FROM read_csv('{{DATA}}/households.csv', header = true, all_varchar = true);

CREATE TEMP TABLE p0 AS
SELECT person_id AS person, household_id AS hh, CAST(NULLIF(sex, '') AS INTEGER) AS sex,
       birth_date AS birth, CAST(NULLIF(marital, '') AS INTEGER) AS mar,
       CAST(NULLIF(residence, '') AS INTEGER) AS res, COALESCE(CAST(NULLIF(fp_method, '') AS INTEGER), 0) AS fp
FROM read_csv('{{DATA}}/persons.csv', header = true, all_varchar = true);

CREATE TEMP TABLE ev_all AS
SELECT row_number() OVER () AS seq, *
FROM read_json('{{DATA}}/events.ndjson', format = 'newline_delimited', columns = {
  'id': 'VARCHAR', 'type': 'VARCHAR', 'date': 'VARCHAR', 'person': 'JSON', 'mother': 'VARCHAR',
  'child': 'STRUCT(person_id VARCHAR, sex INTEGER)', 'order': 'INTEGER', 'place': 'INTEGER',
  'household': 'VARCHAR',
  'new_household': 'STRUCT(household_id VARCHAR, area_code VARCHAR, type INTEGER, poverty INTEGER)',
  'spouse': 'VARCHAR', 'consanguineous': 'BOOLEAN', 'premarital_check': 'BOOLEAN',
  'method': 'INTEGER', 'source': 'INTEGER', 'outcome': 'VARCHAR', 'field': 'VARCHAR',
  'value': 'JSON', 'target': 'VARCHAR', 'poverty': 'INTEGER', 'year': 'INTEGER',
  'household_type': 'INTEGER'});

-- The first line of each id; voids that are not voided themselves.
CREATE TEMP TABLE ev1 AS
SELECT * FROM ev_all QUALIFY row_number() OVER (PARTITION BY id ORDER BY seq) = 1;
CREATE TEMP TABLE voids AS SELECT id, target FROM ev1 WHERE type = 'void' AND target IS NOT NULL;
CREATE TEMP TABLE voided AS
SELECT DISTINCT v.target FROM voids v WHERE NOT EXISTS (SELECT 1 FROM voids w WHERE w.target = v.id);

-- k orders events: date, then line.
CREATE TEMP TABLE ev AS
SELECT e.seq, e.type,
  CAST(replace(e.date, '-', '') AS INTEGER) AS d,
  CAST(replace(e.date, '-', '') AS BIGINT) * 10000000000 + e.seq AS k,
  CASE e.type WHEN 'birth' THEN e.mother
              WHEN 'move_in' THEN CASE WHEN json_type(e.person) = 'OBJECT' THEN e.person->>'$.person_id' END
              ELSE CASE WHEN json_type(e.person) = 'VARCHAR' THEN e.person->>'$' END END AS person,
  e.child.person_id AS child_id, e.child.sex AS child_sex, e."order" AS b_order, e.place,
  e.household, e.new_household.household_id AS nh_id, e.new_household.area_code AS nh_area,
  e.new_household.type AS nh_type, e.new_household.poverty AS nh_pov,
  CASE WHEN json_type(e.person) = 'OBJECT' THEN CAST(e.person->>'$.sex' AS INTEGER) END AS np_sex,
  CASE WHEN json_type(e.person) = 'OBJECT' THEN e.person->>'$.birth_date' END AS np_birth,
  CASE WHEN json_type(e.person) = 'OBJECT' THEN CAST(e.person->>'$.marital' AS INTEGER) END AS np_mar,
  CASE WHEN json_type(e.person) = 'OBJECT' THEN CAST(e.person->>'$.residence' AS INTEGER) END AS np_res,
  CASE WHEN json_type(e.person) = 'OBJECT' THEN CAST(NULLIF(e.person->>'$.fp_method', '') AS INTEGER) END AS np_fp,
  e.spouse, CAST(e.consanguineous AS INTEGER) AS consang, CAST(e.premarital_check AS INTEGER) AS premarital,
  e.method, e.source, e.outcome, e.field, e.value->>'$' AS val, e.poverty, e.year AS pyear,
  e.household_type AS hh_type
FROM ev1 e
WHERE e.type <> 'void' AND NOT EXISTS (SELECT 1 FROM voided v WHERE v.target = e.id);

-- Households (baseline and new ones of move_in) with their area.
CREATE TEMP TABLE hh AS
SELECT hh, area, t0 FROM hh0
UNION ALL
SELECT nh_id, nh_area, nh_type FROM ev WHERE type = 'move_in' AND nh_id IS NOT NULL;

CREATE TABLE areas AS
SELECT row_number() OVER (ORDER BY code) :: INTEGER AS area_id, code
FROM (SELECT code FROM units WHERE u_level = 'area' UNION SELECT area FROM hh WHERE area IS NOT NULL);

CREATE TEMP TABLE hhx AS
SELECT h.hh, row_number() OVER (ORDER BY a.area_id, h.hh) :: INTEGER AS hid, a.area_id, h.t0
FROM hh h JOIN areas a ON a.code = h.area;

-- Household assignments: baseline, arrival, transfer; then births.
CREATE TEMP TABLE assign0 AS
SELECT person, CAST(replace('{{AS_OF}}', '-', '') AS BIGINT) * 10000000000 AS k, hh FROM p0
UNION ALL
SELECT person, k, COALESCE(household, nh_id) FROM ev WHERE type = 'move_in'
UNION ALL
SELECT person, k, household FROM ev WHERE type = 'transfer';

CREATE TEMP TABLE birth_hh AS
SELECT b.seq, COALESCE(b.household, a.hh) AS hh
FROM (SELECT * FROM ev WHERE type = 'birth') b
ASOF LEFT JOIN assign0 a ON a.person = b.person AND b.k > a.k;

CREATE TEMP TABLE assign AS
SELECT person, k, hh FROM assign0
UNION ALL
SELECT e.child_id, e.k, h.hh FROM ev e JOIN birth_hh h ON h.seq = e.seq;

-- Everyone who entered, with the state they entered with.
CREATE TEMP TABLE person0 AS
SELECT person, sex, birth, mar, res, fp, CAST(replace('{{AS_OF}}', '-', '') AS INTEGER) AS entry_d, hh AS entry_hh FROM p0
UNION ALL
SELECT person, np_sex, np_birth, np_mar, np_res, COALESCE(np_fp, 0), d, COALESCE(household, nh_id)
FROM ev WHERE type = 'move_in'
UNION ALL
SELECT e.child_id, e.child_sex, CAST(e.d AS VARCHAR), 1, 1, 0, e.d, h.hh
FROM ev e JOIN birth_hh h ON h.seq = e.seq;

CREATE TEMP TABLE bdfix AS
SELECT person, val FROM ev WHERE type = 'info_change' AND field = 'birth_date'
QUALIFY row_number() OVER (PARTITION BY person ORDER BY k DESC) = 1;

CREATE TEMP TABLE pexit AS
SELECT person, MIN(d) AS x_d FROM ev WHERE type IN ('death', 'move_out') GROUP BY person;

-- Birth dates as yyyymmdd (births: the event's date, already an integer).
CREATE TEMP TABLE mp AS
SELECT p.person, p.sex, p.mar, p.res, p.fp, p.entry_d, p.entry_hh,
  CAST(replace(CASE length(COALESCE(b.val, p.birth))
         WHEN 4 THEN COALESCE(b.val, p.birth) || '-07-15'
         WHEN 7 THEN COALESCE(b.val, p.birth) || '-15'
         ELSE COALESCE(b.val, p.birth) END, '-', '') AS INTEGER) AS bd,
  COALESCE(x.x_d, 99999999) AS x_d
FROM person0 p LEFT JOIN bdfix b ON b.person = p.person LEFT JOIN pexit x ON x.person = p.person;

-- Dated changes after entry: household (transfer), residence, marital
-- status (marriage 2, widowed 3, divorce 4), method (fp_stop: 0).  A change
-- without a value ('' or -1 here) puts back the entry state, as the
-- reference reads it.
CREATE TEMP TABLE chg AS
SELECT person, d, k, COALESCE(household, '') AS hh, CAST(NULL AS INTEGER) AS res, CAST(NULL AS INTEGER) AS mar,
       CAST(NULL AS INTEGER) AS fp
FROM ev WHERE type = 'transfer'
UNION ALL
SELECT person, d, k, NULL, COALESCE(TRY_CAST(val AS INTEGER), -1), NULL, NULL
FROM ev WHERE type = 'info_change' AND field = 'residence'
UNION ALL
SELECT person, d, k, NULL, NULL, CASE type WHEN 'marriage' THEN 2 WHEN 'widowed' THEN 3 ELSE 4 END, NULL
FROM ev WHERE type IN ('marriage', 'widowed', 'divorce')
UNION ALL
SELECT person, d, k, NULL, NULL, NULL, CASE type WHEN 'fp_start' THEN COALESCE(method, -1) ELSE 0 END
FROM ev WHERE type IN ('fp_start', 'fp_stop');

-- The state at the end of each date with a change: the last value of each
-- kind so far (NULL: the entry state's).
CREATE TEMP TABLE chg_d AS
SELECT person, d,
  last_value(hh IGNORE NULLS) OVER w AS hh, last_value(res IGNORE NULLS) OVER w AS res,
  last_value(mar IGNORE NULLS) OVER w AS mar, last_value(fp IGNORE NULLS) OVER w AS fp
FROM chg
WINDOW w AS (PARTITION BY person ORDER BY k ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
QUALIFY row_number() OVER (PARTITION BY person, d ORDER BY k DESC) = 1;

CREATE TEMP TABLE seg AS
SELECT person, d AS f, COALESCE(lead(d) OVER (PARTITION BY person ORDER BY d), 99999999) AS t, hh, res, mar, fp
FROM chg_d
UNION ALL
SELECT person, 0, MIN(d), NULL, NULL, NULL, NULL FROM chg_d GROUP BY person;

CREATE TEMP TABLE pspell AS
SELECT p.person, GREATEST(COALESCE(s.f, 0), p.entry_d) AS f, LEAST(COALESCE(s.t, 99999999), p.x_d) AS t,
       COALESCE(NULLIF(s.hh, ''), p.entry_hh) AS hh, COALESCE(s.mar, p.mar) AS mar,
       COALESCE(NULLIF(s.fp, -1), p.fp) AS fp, p.sex, p.bd
FROM mp p LEFT JOIN seg s ON s.person = p.person
WHERE COALESCE(NULLIF(s.res, -1), p.res) = 1
  AND GREATEST(COALESCE(s.f, 0), p.entry_d) < LEAST(COALESCE(s.t, 99999999), p.x_d);

-- Household types by stretch of days (household_change with a type).
CREATE TEMP TABLE htc AS
SELECT household AS hh, d, hh_type AS ht FROM ev WHERE type = 'household_change' AND hh_type IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY household, d ORDER BY k DESC) = 1;
CREATE TEMP TABLE htseg AS
SELECT hh, d AS f, COALESCE(lead(d) OVER (PARTITION BY hh ORDER BY d), 99999999) AS t, ht FROM htc
UNION ALL
SELECT hh, 0, MIN(d), NULL FROM htc GROUP BY hh;

CREATE TABLE spells AS
SELECT h.area_id, GREATEST(s.f, COALESCE(x.f, 0)) :: INTEGER AS f,
       LEAST(s.t, COALESCE(x.t, 99999999)) :: INTEGER AS t,
       h.hid AS hh, COALESCE(x.ht, h.t0) :: TINYINT AS ht, s.sex :: TINYINT AS sex, s.bd,
       s.mar :: TINYINT AS mar, s.fp :: TINYINT AS fp
FROM pspell s JOIN hhx h ON h.hh = s.hh
LEFT JOIN htseg x ON x.hh = s.hh AND x.f < s.t AND x.t > s.f
WHERE GREATEST(s.f, COALESCE(x.f, 0)) < LEAST(s.t, COALESCE(x.t, 99999999))
ORDER BY h.area_id, f;

-- Households with a counted person: the union of their persons' stretches
-- (islands), one row per stretch and type.
CREATE TABLE hspells AS
SELECT area_id, hh, ht, MIN(f) AS f, MAX(t) AS t
FROM (SELECT *, SUM(CASE WHEN f < prev_t THEN 0 ELSE 1 END) OVER (PARTITION BY hh, ht ORDER BY f, t) AS island
      FROM (SELECT area_id, hh, ht, f, t,
                   COALESCE(MAX(t) OVER (PARTITION BY hh, ht ORDER BY f, t ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS prev_t
            FROM spells) x) y
GROUP BY area_id, hh, ht, island
ORDER BY area_id, f;

-- Poverty records of households, by year.
CREATE TEMP TABLE pov AS
SELECT hh, CAST(substr('{{AS_OF}}', 1, 4) AS INTEGER) AS pyear,
       CAST(replace('{{AS_OF}}', '-', '') AS BIGINT) * 10000000000 AS k, pov FROM hh0
UNION ALL
SELECT nh_id, d // 10000, k, nh_pov FROM ev WHERE type = 'move_in' AND nh_id IS NOT NULL
UNION ALL
SELECT household, COALESCE(pyear, d // 10000), k, poverty FROM ev WHERE type = 'household_change' AND poverty IS NOT NULL;

-- Flow events with the subject's household just before the event.
CREATE TEMP TABLE fev AS
SELECT e.*, CASE WHEN e.type = 'move_in' THEN COALESCE(e.household, e.nh_id) ELSE a.hh END AS hh_from
FROM (SELECT * FROM ev WHERE type IN ('birth', 'death', 'move_in', 'move_out', 'transfer', 'marriage',
      'divorce', 'fp_start', 'fp_stop', 'pregnancy', 'prenatal_screening', 'newborn_screening',
      'elderly_check')) e
ASOF LEFT JOIN assign a ON a.person = e.person AND e.k > a.k;

CREATE TEMP TABLE fpov AS
SELECT e.seq, v.pov FROM fev e JOIN pov v ON v.hh = e.hh_from AND v.pyear <= e.d // 10000
WHERE e.type = 'fp_start'
QUALIFY row_number() OVER (PARTITION BY e.seq ORDER BY v.pyear DESC, v.k DESC) = 1;

-- c1, c2: what the rows need of each kind, as two small numbers
--   birth     c1 the mother's five-year band (50: 50+), c2 order (0 other,
--             1 second, 2 third+) * 2 + born at home;
--   death     c1 under one year old;
--   marriage  c1 child marriage, c2 consanguineous + 2 * couple (counted
--             once per couple) + 4 * couple with a premarital check;
--   fp_start  c1 the method, c2 free supply to a poor or near-poor household;
--   pregnancy c1 the outcome (1 pregnant, 2 miscarriage, 3 abortion, 4 stillbirth).
CREATE TEMP TABLE fl0 AS
SELECT e.type, e.d, hf.area_id, ht.area_id AS area_to,
  (CASE WHEN e.person IS NOT NULL THEN dense_rank() OVER (ORDER BY e.person) END) :: INTEGER AS pid,
  CASE WHEN e.type = 'birth' THEN e.child_sex ELSE p.sex END AS sex,
  (e.d - p.bd + 100000000) // 10000 - 10000 AS age,
  e.b_order, e.place, e.consang, e.premarital, e.method, e.source, v.pov, e.outcome,
  CASE WHEN e.type = 'marriage' AND (e.spouse IS NULL OR p.sex = 2 OR s.person IS NULL) THEN 1 ELSE 0 END AS couple
FROM fev e
LEFT JOIN hhx hf ON hf.hh = e.hh_from
LEFT JOIN hhx ht ON ht.hh = CASE WHEN e.type = 'transfer' THEN e.household END
LEFT JOIN mp p ON p.person = e.person
LEFT JOIN mp s ON s.person = e.spouse
LEFT JOIN fpov v ON v.seq = e.seq
WHERE hf.area_id IS NOT NULL OR ht.area_id IS NOT NULL;

CREATE TABLE flows AS
SELECT area_id, d, area_to,
  CASE type WHEN 'birth' THEN 1 WHEN 'death' THEN 2 WHEN 'move_in' THEN 3 WHEN 'move_out' THEN 4
    WHEN 'transfer' THEN 5 WHEN 'marriage' THEN 6 WHEN 'divorce' THEN 7 WHEN 'fp_start' THEN 8
    WHEN 'fp_stop' THEN 9 WHEN 'pregnancy' THEN 10 WHEN 'prenatal_screening' THEN 11
    WHEN 'newborn_screening' THEN 12 ELSE 13 END :: TINYINT AS kind,
  sex :: TINYINT AS sex, age :: SMALLINT AS age,
  (CASE type WHEN 'birth' THEN CASE WHEN age >= 50 THEN 50 ELSE age - age % 5 END
             WHEN 'death' THEN CASE WHEN age < 1 THEN 1 ELSE 0 END
             WHEN 'marriage' THEN CASE WHEN (sex = 1 AND age < 20) OR (sex = 2 AND age < 18) THEN 1 ELSE 0 END
             WHEN 'fp_start' THEN method
             WHEN 'pregnancy' THEN CASE outcome WHEN 'pregnant' THEN 1 WHEN 'miscarriage' THEN 2
                                    WHEN 'abortion' THEN 3 WHEN 'stillbirth' THEN 4 END
             ELSE 0 END) :: SMALLINT AS c1,
  (CASE type WHEN 'birth' THEN (CASE WHEN b_order = 2 THEN 1 WHEN b_order >= 3 THEN 2 ELSE 0 END) * 2
                               + CASE WHEN place = 3 THEN 1 ELSE 0 END
             WHEN 'marriage' THEN CASE WHEN consang = 1 THEN 1 ELSE 0 END + 2 * couple
                                  + CASE WHEN couple = 1 AND premarital = 1 THEN 4 ELSE 0 END
             WHEN 'fp_start' THEN CASE WHEN method BETWEEN 1 AND 8 AND source = 1 AND pov IN (1, 2) THEN 1 ELSE 0 END
             ELSE 0 END) :: SMALLINT AS c2,
  pid
FROM fl0
ORDER BY area_id, d;

-- Each area's ancestors, with the days the whole path is valid.
CREATE TABLE anc AS
WITH RECURSIVE u AS (
  SELECT code, parent_code, u_level, COALESCE(valid_from, '0000-00-00') AS vf,
         COALESCE(valid_to, '9999-99-99') AS vt FROM units),
a(area, anc, lvl, par, vf, vt, depth) AS (
  SELECT code, code, u_level, parent_code, vf, vt, 0 FROM u WHERE u_level = 'area'
  UNION ALL
  SELECT a.area, l.code, l.u_level, l.parent_code, GREATEST(a.vf, l.vf), LEAST(a.vt, l.vt), a.depth + 1
  FROM a JOIN u l ON l.code = a.par AND l.vf <= a.vt AND l.vt >= a.vf
  WHERE a.depth < 10)
SELECT r.area_id, a.anc, a.lvl, a.vf, a.vt FROM a JOIN areas r ON r.code = a.area;
