-- Tuned PostgreSQL peer, preparation: the tables of prepare.duckdb.sql
-- (spells, hspells, flows, anc, areas, units), loaded with COPY from the
-- CSV files that bench/tuned.mjs exports from the DuckDB preparation into
-- {{DIR}}, then indexed, clustered and analysed.  Run by psql (\copy).
SET client_min_messages = warning;
DROP TABLE IF EXISTS spells, hspells, flows, anc, areas, units;
CREATE TABLE units (code text, u_level text, parent_code text, valid_from text, valid_to text);
CREATE TABLE areas (area_id integer, code text);
CREATE TABLE anc (area_id integer, anc text, lvl text, vf text, vt text);
CREATE TABLE spells (area_id integer, f integer, t integer, hh integer, bd integer,
                     ht smallint, sex smallint, mar smallint, fp smallint);
CREATE TABLE hspells (area_id integer, hh integer, f integer, t integer, ht smallint);
CREATE TABLE flows (area_id integer, d integer, area_to integer, kind smallint, sex smallint, age smallint,
                    c1 smallint, c2 smallint, pid integer);
\copy units FROM '{{DIR}}/units.csv' WITH (FORMAT csv, HEADER true)
\copy areas FROM '{{DIR}}/areas.csv' WITH (FORMAT csv, HEADER true)
\copy anc FROM '{{DIR}}/anc.csv' WITH (FORMAT csv, HEADER true)
\copy spells FROM '{{DIR}}/spells.csv' WITH (FORMAT csv, HEADER true)
\copy hspells FROM '{{DIR}}/hspells.csv' WITH (FORMAT csv, HEADER true)
\copy flows FROM '{{DIR}}/flows.csv' WITH (FORMAT csv, HEADER true)
-- A commune's rows lie together (btree on the area, table clustered on it);
-- the province form reads them all in a parallel scan.
CREATE INDEX spells_area ON spells (area_id);
CLUSTER spells USING spells_area;
CREATE INDEX hspells_area ON hspells (area_id);
CLUSTER hspells USING hspells_area;
CREATE INDEX flows_area_d ON flows (area_id, d);
CLUSTER flows USING flows_area_d;
CREATE INDEX flows_to_d ON flows (area_to, d);
CREATE INDEX anc_anc ON anc (anc);
VACUUM ANALYZE units;
VACUUM ANALYZE areas;
VACUUM ANALYZE anc;
VACUUM ANALYZE spells;
VACUUM ANALYZE hspells;
VACUUM ANALYZE flows;
