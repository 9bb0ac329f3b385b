-- Typed tables from the raw CSV text tables (r_units, r_households,
-- r_persons: every column text, as in the exchange files).  Portable SQL.
-- Run once per database, after the raw import.
CREATE TABLE units AS
SELECT code, name, level AS u_level, NULLIF(parent_code, '') AS parent_code,
       NULLIF(valid_from, '') AS valid_from, NULLIF(valid_to, '') AS valid_to
FROM r_units;

CREATE TABLE hh0 AS
SELECT household_id, area_code,
       CAST(NULLIF(type, '') AS INTEGER) AS hh_type,
       CAST(NULLIF(poverty, '') AS INTEGER) AS poverty
FROM r_households;

CREATE TABLE p0 AS
SELECT person_id, household_id,
       CAST(NULLIF(sex, '') AS INTEGER) AS sex,
       birth_date,
       CAST(NULLIF(marital, '') AS INTEGER) AS marital,
       CAST(NULLIF(residence, '') AS INTEGER) AS residence,
       CAST(NULLIF(fp_method, '') AS INTEGER) AS fp_method
FROM r_persons;
