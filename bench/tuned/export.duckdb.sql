-- The tuned tables of prepare.duckdb.sql as CSV files in {{DIR}}, in the
-- column order of prepare.postgres.sql's tables.
COPY units TO '{{DIR}}/units.csv' (HEADER);
COPY areas TO '{{DIR}}/areas.csv' (HEADER);
COPY (SELECT area_id, anc, lvl, vf, vt FROM anc) TO '{{DIR}}/anc.csv' (HEADER);
COPY (SELECT area_id, f, t, hh, bd, ht, sex, mar, fp FROM spells) TO '{{DIR}}/spells.csv' (HEADER);
COPY (SELECT area_id, hh, f, t, ht FROM hspells) TO '{{DIR}}/hspells.csv' (HEADER);
COPY (SELECT area_id, d, area_to, kind, sex, age, c1, c2, pid FROM flows) TO '{{DIR}}/flows.csv' (HEADER);
