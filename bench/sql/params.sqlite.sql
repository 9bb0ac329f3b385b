-- SQLite prelude: the report's parameters (bound with .parameter set).
CREATE TEMP TABLE params AS
SELECT CAST(:unit AS TEXT) AS p_unit, CAST(:start AS TEXT) AS p_start, CAST(:end AS TEXT) AS p_end,
       CAST(:prev AS TEXT) AS p_prev, CAST(:map AS TEXT) AS p_map, CAST(:ytd AS TEXT) AS p_ytd,
       CAST(:days AS INTEGER) AS p_days, CAST(:annual AS DOUBLE PRECISION) AS p_annual,
       CAST(:is_year AS INTEGER) AS p_is_year;
