-- The register's history as tables, independent of any report parameter.
-- Portable SQL (SQLite, PostgreSQL, DuckDB).  Inputs: units, hh0, p0, ev,
-- meta(as_of).  Run once per database, after the load.
--
-- Rules (shared/spec/reports.md, exchange.md, domain.md):
--  * an event id counts once (the first line with it); a void cancels its
--    target for every date; a voided void cancels nothing;
--  * events of one person apply in date order, and on one date in the order
--    they were recorded (line order);
--  * a person's household at an event is the one they belonged to just
--    before it (for move_in: the arrival household; for a birth: the
--    mother's household, unless the birth names a household);
--  * corrections of birth_date apply to every date; partial dates: missing
--    month = July, missing day = 15th.

CREATE TABLE m_first AS SELECT id, MIN(seq) AS seq FROM ev GROUP BY id;
CREATE INDEX m_first_seq ON m_first (seq);
CREATE TABLE m_void AS
SELECT e.id, e.target FROM ev e JOIN m_first f ON f.seq = e.seq
WHERE e.ev_type = 'void' AND e.target IS NOT NULL;
CREATE TABLE m_void_eff AS
SELECT DISTINCT v.target FROM m_void v
WHERE NOT EXISTS (SELECT 1 FROM m_void w WHERE w.target = v.id);
CREATE INDEX m_void_eff_target ON m_void_eff (target);

CREATE TABLE m_ev AS
SELECT e.seq, e.id, e.ev_type, e.ev_date,
  CASE e.ev_type WHEN 'birth' THEN e.mother WHEN 'move_in' THEN e.np_id ELSE e.person END AS person,
  e.child_id, e.child_sex, e.b_order, e.place, e.household, e.nh_id, e.nh_area, e.nh_type,
  e.nh_poverty, e.np_sex, e.np_birth, e.np_marital, e.np_residence, e.np_fp, e.spouse,
  e.consang, e.premarital, e.method, e.source, e.outcome, e.field, e.val, e.poverty, e.pyear,
  e.hh_type
FROM ev e JOIN m_first f ON f.seq = e.seq
WHERE e.ev_type <> 'void'
  AND NOT EXISTS (SELECT 1 FROM m_void_eff v WHERE v.target = e.id);
CREATE INDEX m_ev_person ON m_ev (person);
CREATE INDEX m_ev_seq ON m_ev (seq);

-- Households: the baseline's and those created by a move_in.
CREATE TABLE m_hh AS
SELECT household_id, area_code, hh_type AS type0 FROM hh0
UNION ALL
SELECT nh_id, nh_area, nh_type FROM m_ev WHERE ev_type = 'move_in' AND nh_id IS NOT NULL;
CREATE INDEX m_hh_id ON m_hh (household_id);

-- Poverty records: (household, year) from the baseline (its year), a new
-- household (the year it arrives) and household_change (its year).
CREATE TABLE m_pov AS
SELECT h.household_id AS hh, CAST(substr(m.as_of, 1, 4) AS INTEGER) AS pyear,
       m.as_of AS p_date, 0 AS p_seq, h.poverty AS pov
FROM hh0 h CROSS JOIN meta m
UNION ALL
SELECT nh_id, CAST(substr(ev_date, 1, 4) AS INTEGER), ev_date, seq, nh_poverty
FROM m_ev WHERE ev_type = 'move_in' AND nh_id IS NOT NULL
UNION ALL
SELECT household, COALESCE(pyear, CAST(substr(ev_date, 1, 4) AS INTEGER)), ev_date, seq, poverty
FROM m_ev WHERE ev_type = 'household_change' AND poverty IS NOT NULL;

-- Household type changes (apply from their date).
CREATE TABLE m_hht AS
SELECT household AS hh, ev_date AS c_date, seq AS c_seq, hh_type AS t
FROM m_ev WHERE ev_type = 'household_change' AND hh_type IS NOT NULL;

-- Household assignments other than births: baseline, arrival, transfer.
CREATE TABLE m_assign0 AS
SELECT p.person_id AS person, m.as_of AS a_date, 0 AS a_seq, p.household_id AS hh
FROM p0 p CROSS JOIN meta m
UNION ALL
SELECT person, ev_date, seq, COALESCE(household, nh_id) FROM m_ev WHERE ev_type = 'move_in'
UNION ALL
SELECT person, ev_date, seq, household FROM m_ev WHERE ev_type = 'transfer';
CREATE INDEX m_assign0_person ON m_assign0 (person);

-- A newborn's household: the named one, or the mother's just before the birth.
CREATE TABLE m_birth_hh AS
SELECT seq, hh FROM (
  SELECT b.seq, COALESCE(b.household, a.hh) AS hh,
         ROW_NUMBER() OVER (PARTITION BY b.seq ORDER BY a.a_date DESC, a.a_seq DESC) AS rn
  FROM m_ev b
  LEFT JOIN m_assign0 a ON a.person = b.person
       AND (a.a_date < b.ev_date OR (a.a_date = b.ev_date AND a.a_seq < b.seq))
  WHERE b.ev_type = 'birth') x
WHERE rn = 1;

CREATE TABLE m_assign AS
SELECT person, a_date, a_seq, hh FROM m_assign0
UNION ALL
SELECT e.child_id, e.ev_date, e.seq, h.hh FROM m_ev e JOIN m_birth_hh h ON h.seq = e.seq;
CREATE INDEX m_assign_person ON m_assign (person);

-- Everyone who was ever in the register, with the state they entered with.
CREATE TABLE m_person AS
SELECT p.person_id, p.sex, p.birth_date AS birth0, p.marital AS mar0, p.residence AS res0,
       COALESCE(p.fp_method, 0) AS fp0, m.as_of AS entry_date, 0 AS entry_seq,
       p.household_id AS entry_hh
FROM p0 p CROSS JOIN meta m
UNION ALL
SELECT person, np_sex, np_birth, np_marital, np_residence, COALESCE(np_fp, 0), ev_date, seq,
       COALESCE(household, nh_id)
FROM m_ev WHERE ev_type = 'move_in'
UNION ALL
SELECT e.child_id, e.child_sex, e.ev_date, 1, 1, 0, e.ev_date, e.seq, h.hh
FROM m_ev e JOIN m_birth_hh h ON h.seq = e.seq;

CREATE TABLE m_bdfix AS
SELECT person, val FROM (
  SELECT person, val, ROW_NUMBER() OVER (PARTITION BY person ORDER BY ev_date DESC, seq DESC) AS rn
  FROM m_ev WHERE ev_type = 'info_change' AND field = 'birth_date') x
WHERE rn = 1;

CREATE TABLE m_exit AS
SELECT person, MIN(ev_date) AS x_date FROM m_ev
WHERE ev_type IN ('death', 'move_out') GROUP BY person;

CREATE TABLE m_p AS
SELECT p.person_id, p.sex, p.mar0, p.res0, p.fp0, p.entry_date, p.entry_seq, p.entry_hh,
       CASE length(COALESCE(b.val, p.birth0))
         WHEN 4 THEN COALESCE(b.val, p.birth0) || '-07-15'
         WHEN 7 THEN COALESCE(b.val, p.birth0) || '-15'
         ELSE COALESCE(b.val, p.birth0) END AS bd,
       x.x_date
FROM m_person p
LEFT JOIN m_bdfix b ON b.person = p.person_id
LEFT JOIN m_exit x ON x.person = p.person_id;
CREATE INDEX m_p_id ON m_p (person_id);
-- Statistics for the planners (PostgreSQL needs them for the joins below).
ANALYZE;

-- Dated changes of a person's state after entry: h household (transfer),
-- r residence, m marital (marriage 2, widowed 3, divorce 4), f current
-- contraceptive method (fp_start: its method, fp_stop: none).
CREATE TABLE m_chg AS
SELECT person, 'h' AS kind, ev_date AS c_date, seq AS c_seq, household AS val
FROM m_ev WHERE ev_type = 'transfer'
UNION ALL
SELECT person, 'r', ev_date, seq, val FROM m_ev WHERE ev_type = 'info_change' AND field = 'residence'
UNION ALL
SELECT person, 'm', ev_date, seq,
       CASE ev_type WHEN 'marriage' THEN '2' WHEN 'widowed' THEN '3' ELSE '4' END
FROM m_ev WHERE ev_type IN ('marriage', 'widowed', 'divorce')
UNION ALL
SELECT person, 'f', ev_date, seq,
       CASE ev_type WHEN 'fp_start' THEN CAST(method AS VARCHAR) ELSE '0' END
FROM m_ev WHERE ev_type IN ('fp_start', 'fp_stop');

-- The subject's household just before each event.
CREATE TABLE m_evhh AS
SELECT seq, hh FROM (
  SELECT e.seq, a.hh,
         ROW_NUMBER() OVER (PARTITION BY e.seq ORDER BY a.a_date DESC, a.a_seq DESC) AS rn
  FROM m_ev e
  JOIN m_assign a ON a.person = e.person
       AND (a.a_date < e.ev_date OR (a.a_date = e.ev_date AND a.a_seq < e.seq))
  WHERE e.ev_type IN ('birth', 'death', 'move_out', 'transfer', 'marriage', 'divorce',
                      'fp_start', 'fp_stop', 'pregnancy', 'prenatal_screening',
                      'newborn_screening', 'elderly_check')) x
WHERE rn = 1;
CREATE INDEX m_evhh_seq ON m_evhh (seq);

-- Poverty of the household of each fp_start, for the event's year: the
-- record for that year, else the latest earlier year's.
CREATE TABLE m_fppov AS
SELECT seq, pov FROM (
  SELECT e.seq, v.pov,
         ROW_NUMBER() OVER (PARTITION BY e.seq ORDER BY v.pyear DESC, v.p_date DESC, v.p_seq DESC) AS rn
  FROM m_ev e JOIN m_evhh h ON h.seq = e.seq
  JOIN m_pov v ON v.hh = h.hh AND v.pyear <= CAST(substr(e.ev_date, 1, 4) AS INTEGER)
  WHERE e.ev_type = 'fp_start') x
WHERE rn = 1;

ANALYZE;

-- One row per counted flow event, with the dimensions the rows need.
-- hh: the subject's household (birth: the mother's; move_in: arrival;
-- transfer: the one left); hh_to: a transfer's new household; sex: the
-- subject's (birth: the child's); age: the subject's on the event date
-- (birth: the mother's).
CREATE TABLE m_fl AS
SELECT e.seq, e.ev_type, e.ev_date, e.person,
  CASE WHEN e.ev_type = 'move_in' THEN COALESCE(e.household, e.nh_id) ELSE h.hh END AS hh,
  CASE WHEN e.ev_type = 'transfer' THEN e.household END AS hh_to,
  CASE WHEN e.ev_type = 'birth' THEN e.child_sex ELSE p.sex END AS sex,
  CAST(substr(e.ev_date, 1, 4) AS INTEGER) - CAST(substr(p.bd, 1, 4) AS INTEGER)
    - CASE WHEN substr(e.ev_date, 6, 5) < substr(p.bd, 6, 5) THEN 1 ELSE 0 END AS age,
  e.b_order, e.place, e.consang, e.premarital,
  CASE WHEN e.ev_type = 'marriage'
        AND (e.spouse IS NULL OR p.sex = 2 OR s.person_id IS NULL)
       THEN 1 ELSE 0 END AS couple,
  e.method, e.source, v.pov,
  CASE e.outcome WHEN 'pregnant' THEN 1 WHEN 'miscarriage' THEN 2 WHEN 'abortion' THEN 3
                 WHEN 'stillbirth' THEN 4 END AS outcome
FROM m_ev e
LEFT JOIN m_evhh h ON h.seq = e.seq
LEFT JOIN m_p p ON p.person_id = e.person
LEFT JOIN m_p s ON s.person_id = e.spouse
LEFT JOIN m_fppov v ON v.seq = e.seq
WHERE e.ev_type IN ('birth', 'death', 'move_in', 'move_out', 'transfer', 'marriage', 'divorce',
                    'fp_start', 'fp_stop', 'pregnancy', 'prenatal_screening',
                    'newborn_screening', 'elderly_check');
CREATE INDEX m_fl_date ON m_fl (ev_date);
