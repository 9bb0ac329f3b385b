-- SQLite prelude: NDJSON lines (ev_raw(line), rowid = line order) to the
-- typed event table ev.  Only this file and params.sqlite.sql are SQLite's
-- own; json_extract re-parses a line per call, so members are only read for
-- the types that have them.
CREATE TABLE ev_t AS SELECT rowid AS seq, json_extract(line, '$.type') AS t, line FROM ev_raw;
CREATE TABLE ev AS
SELECT seq,
  json_extract(line, '$.id') AS id,
  t AS ev_type,
  json_extract(line, '$.date') AS ev_date,
  CASE WHEN t NOT IN ('birth', 'move_in', 'household_change', 'void') THEN json_extract(line, '$.person') END AS person,
  CASE WHEN t = 'birth' THEN json_extract(line, '$.mother') END AS mother,
  CASE WHEN t = 'birth' THEN json_extract(line, '$.child.person_id') END AS child_id,
  CASE WHEN t = 'birth' THEN CAST(json_extract(line, '$.child.sex') AS INTEGER) END AS child_sex,
  CASE WHEN t = 'birth' THEN CAST(json_extract(line, '$.order') AS INTEGER) END AS b_order,
  CASE WHEN t = 'birth' THEN CAST(json_extract(line, '$.place') AS INTEGER) END AS place,
  CASE WHEN t IN ('birth', 'move_in', 'transfer', 'household_change') THEN json_extract(line, '$.household') END AS household,
  CASE WHEN t = 'move_in' THEN json_extract(line, '$.new_household.household_id') END AS nh_id,
  CASE WHEN t = 'move_in' THEN json_extract(line, '$.new_household.area_code') END AS nh_area,
  CASE WHEN t = 'move_in' THEN CAST(json_extract(line, '$.new_household.type') AS INTEGER) END AS nh_type,
  CASE WHEN t = 'move_in' THEN CAST(json_extract(line, '$.new_household.poverty') AS INTEGER) END AS nh_poverty,
  CASE WHEN t = 'move_in' THEN json_extract(line, '$.person.person_id') END AS np_id,
  CASE WHEN t = 'move_in' THEN CAST(json_extract(line, '$.person.sex') AS INTEGER) END AS np_sex,
  CASE WHEN t = 'move_in' THEN CAST(json_extract(line, '$.person.birth_date') AS TEXT) END AS np_birth,
  CASE WHEN t = 'move_in' THEN CAST(json_extract(line, '$.person.marital') AS INTEGER) END AS np_marital,
  CASE WHEN t = 'move_in' THEN CAST(json_extract(line, '$.person.residence') AS INTEGER) END AS np_residence,
  CASE WHEN t = 'move_in' THEN CAST(NULLIF(json_extract(line, '$.person.fp_method'), '') AS INTEGER) END AS np_fp,
  CASE WHEN t = 'marriage' THEN json_extract(line, '$.spouse') END AS spouse,
  CASE WHEN t = 'marriage' THEN CAST(json_extract(line, '$.consanguineous') AS INTEGER) END AS consang,
  CASE WHEN t = 'marriage' THEN CAST(json_extract(line, '$.premarital_check') AS INTEGER) END AS premarital,
  CASE WHEN t IN ('fp_start', 'fp_stop') THEN CAST(json_extract(line, '$.method') AS INTEGER) END AS method,
  CASE WHEN t = 'fp_start' THEN CAST(json_extract(line, '$.source') AS INTEGER) END AS source,
  CASE WHEN t = 'pregnancy' THEN json_extract(line, '$.outcome') END AS outcome,
  CASE WHEN t = 'info_change' THEN json_extract(line, '$.field') END AS field,
  CASE WHEN t = 'info_change' THEN CAST(json_extract(line, '$.value') AS TEXT) END AS val,
  CASE WHEN t = 'void' THEN json_extract(line, '$.target') END AS target,
  CASE WHEN t = 'household_change' THEN CAST(json_extract(line, '$.poverty') AS INTEGER) END AS poverty,
  CASE WHEN t = 'household_change' THEN CAST(json_extract(line, '$.year') AS INTEGER) END AS pyear,
  CASE WHEN t = 'household_change' THEN CAST(json_extract(line, '$.household_type') AS INTEGER) END AS hh_type
FROM ev_t;
DROP TABLE ev_t;
