// Projections from the register through the API: the answer names its
// inputs and what it borrowed, starts from the report forms' own population,
// refuses bad input with the field named, and scenarios are saved through
// the writer onto the record log, listed, used and compared side by side.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { BACKENDS, makeDb, startServer, login, assertError, run } from './lib.mjs';

const q = (o) => new URLSearchParams(o).toString();
const P = (extra = {}) => `/api/v1/projection?${q({ unit: '79', base: '2025-12-31', to: '2035', ...extra })}`;

for (const backend of BACKENDS) {
  describe(`projections (${backend})`, () => {
    let fx, srv, prov, nat, commune;
    before(async () => {
      fx = makeDb(backend);
      srv = await startServer(fx.db);
      prov = await login(srv.base, 'province', fx.pw.province);
      nat = await login(srv.base, 'national', fx.pw.national);
      commune = await login(srv.base, 'commune', fx.pw.commune);
    });
    after(async () => {
      await srv?.stop();
      fx?.drop();
    });

    test('a projection names its inputs and starts from the forms\' population', async () => {
      const r = await prov.get(P());
      assert.equal(r.status, 200, r.text);
      const p = r.json;
      assert.equal(p.unit, '79');
      assert.equal(p.inputs.base_date, '2025-12-31');
      assert.deepEqual(p.inputs.rates_years, { from: 2023, to: 2025 });
      assert.equal(p.inputs.scenario.name, 'base');
      assert.equal(p.inputs.horizon, 2035);
      assert.equal(p.indicators.length, 11);
      assert.deepEqual(p.indicators.map((y) => y.year), [...Array(11).keys()].map((k) => 2025 + k));
      assert.equal(p.groups.ages.length, 21);
      assert.equal(p.population.male.length, 11);
      assert.equal(p.population.male[0].length, 101);
      // The annual form of 2025 (its last day is the base date, the same map).
      const f = await prov.get('/api/v1/reports/03-DSX?unit=79&period=2025&columns=single');
      assert.equal(f.status, 200, f.text);
      const row = (code) => f.json.rows.find((x) => x.code === code);
      const pop = row('2');
      assert.equal(p.indicators[0].population, pop.values[0]);
      assert.equal(p.indicators[0].male, pop.male[0]);
      assert.equal(p.indicators[0].female, pop.female[0]);
      // The form's rows A00 (0-4), A05, ..., A95, A100 (100+), by sex.
      for (let g = 0; g < 21; g++) {
        const want = row(`A${String(5 * g).padStart(2, '0')}`);
        assert.equal(p.groups.male[0][g], want.male[0], `men ${p.groups.ages[g]}`);
        assert.equal(p.groups.female[0][g], want.female[0], `women ${p.groups.ages[g]}`);
      }
      assert.equal(p.indicators[0].dependency_ratio, Math.round(row('DR').values[0] * 100) / 100);
    });

    test('a tiny register borrows the national schedules, says so, and divides by nothing', async () => {
      const r = await prov.get(P({ lang: 'en' }));
      const i = r.json.inputs;
      // The fixture has one birth and one death in 2023-2025.
      assert.equal(i.fertility.births, 1);
      assert.equal(i.fertility.source, 'national-scaled');
      assert.equal(i.srb.source, 'national');
      assert.equal(i.srb.value, 1.12);
      assert.equal(i.mortality.male.deaths, 1);
      assert.equal(i.mortality.male.source, 'brass-1');
      assert.equal(i.mortality.female.deaths, 0);
      assert.equal(i.mortality.female.source, 'national');
      const notes = i.notes.join('\n');
      assert.match(notes, /Fertility: only 1 births in 2023-2025/);
      assert.match(notes, /Mortality, men: only 1 deaths .*Brass relational logit/);
      assert.match(notes, /Mortality, women: no deaths in 2023-2025: the national schedule \(UN WPP 2024, 2020-2025\)/);
      assert.match(notes, /SRB: 1 births .* Viet Nam's 1.12/);
      for (const y of r.json.indicators.slice(1))
        for (const [k, v] of Object.entries(y)) assert.ok(Number.isFinite(v), `${y.year} ${k} is ${v}`);
      // In Vietnamese when asked (the web interface's default).
      const vi = await prov.get(P({ lang: 'vi' }));
      assert.match(vi.json.inputs.notes.join('\n'), /Tử vong, nữ: không có ca chết nào/);
    });

    test('bad input is refused with the field named', async () => {
      const cases = [
        [P({ unit: '99999' }), 404, 'no_unit', 'unit'],
        [P({ base: '2026-12-01' }), 422, 'date_future', 'base'],
        [P({ to: '2025' }), 422, 'horizon_before_base', 'to'],
        [P({ to: '2020' }), 422, 'horizon_before_base', 'to'],
        [P({ base: '2025-02-30' }), 400, 'bad_date', 'base'],
        [P({ scenario: 'nope' }), 404, 'no_scenario', 'scenario'],
        [P({ format: 'pdf' }), 400, 'bad_code', 'format'],
      ];
      for (const [url, status, code, field] of cases) {
        const r = await prov.get(url);
        assertError(r, status, code);
        assert.equal(r.json.error.field, field, url);
      }
      const save = [
        [{ unit: '79', base: '2025-12-31', name: 'x', srb: { value: 1.5, year: 2030 } }, 'srb_range', 'srb.value'],
        [{ unit: '79', base: '2025-12-31', name: 'x', tfr: { value: 1.7, year: 2020 } }, 'path_before_base', 'tfr.year'],
        [{ unit: '79', base: '2025-12-31', name: 'x', e0_gain: 2 }, 'out_of_range', 'e0_gain'],
        [{ unit: '79', base: '2025-12-31', name: 'có dấu' }, 'bad_code', 'name'],
        [{ unit: '79', base: '2025-12-31', name: 'x', colour: 'red' }, 'unknown_member', 'colour'],
        [{ unit: '79', name: 'x' }, 'required', 'base'],
        [{ unit: '79', base: '2027-01-01', name: 'x' }, 'date_future', 'base'],
        [{ unit: '2673400101', base: '2025-12-31', name: 'x' }, 'record_level', 'unit'],
      ];
      for (const [body, code, field] of save) {
        const r = await nat.post('/api/v1/scenarios', body);
        assertError(r, 422, code);
        assert.equal(r.json.error.field, field, JSON.stringify(body));
      }
      // Outside the province officer's scope: exactly as a unit that does not exist.
      const absent = await prov.get(P({ unit: '99999' }));
      for (const r of [await prov.post('/api/v1/scenarios', { unit: '01', base: '2025-12-31', name: 'x' }),
        await prov.get(P({ unit: '01' })), await prov.get(P({ unit: '0000400101' })),
        await prov.get('/api/v1/scenarios?unit=01')]) {
        assertError(r, 404, 'no_unit');
        assert.deepEqual(r.json, absent.json);
      }
      assert.equal((await nat.get(P({ unit: '01' }))).status, 200, 'a national officer projects any province');
      // A commune officer is no planner.
      assertError(await commune.get(P()), 403, 'forbidden');
    });

    test('scenarios: saved through the writer, listed, replaced, used and compared', async () => {
      const body = { unit: '79', base: '2025-12-31', name: 'thap', label: 'Mức sinh thấp', tfr: { value: 1.5, year: 2030 }, srb: { value: 1.05, year: 2028 }, e0_gain: 0.25, migration: false };
      const s = await prov.post('/api/v1/scenarios', { ...body, tfr: { value: 1.2, year: 2030 } });
      assert.equal(s.status, 201, s.text);
      const again = await prov.post('/api/v1/scenarios', body);
      assert.equal(again.status, 201, again.text);
      const list = await prov.get('/api/v1/scenarios?unit=79');
      const mine = list.json.scenarios.filter((x) => x.name === 'thap');
      assert.equal(mine.length, 1, 'the second replaces the first');
      assert.deepEqual(mine[0].tfr, { value: 1.5, year: 2030 });
      assert.equal(mine[0].recorded_by, 'province');
      // On the record log: the command line reads it from the store.
      const cli = JSON.parse(run('scenario', 'list', '--db', fx.db, '--unit', '79'));
      assert.ok(cli.some((x) => x.name === 'thap' && x.body.tfr.value === 1.5));
      const r = await prov.get(P({ scenario: 'thap', lang: 'en' }));
      assert.equal(r.status, 200, r.text);
      const y = Object.fromEntries(r.json.indicators.map((x) => [x.year, x]));
      const t0 = y[2025].tfr;
      // A straight line from the base TFR to 1.5 in 2030, then held.
      assert.ok(Math.abs(y[2027].tfr - (t0 + (1.5 - t0) * 2 / 5)) < 1e-4);
      assert.equal(y[2030].tfr, 1.5);
      assert.equal(y[2035].tfr, 1.5);
      assert.equal(y[2028].srb, 1.05);
      assert.ok(Math.abs(y[2029].e0_male - (y[2025].e0_male + 1)) < 0.011);
      assert.equal(r.json.inputs.scenario.label, 'Mức sinh thấp');
      assert.equal(r.json.inputs.scenario.saved, true);
      assert.match(r.json.inputs.notes.join('\n'), /closed population/);
      // Side by side: the inputs once, each scenario's years.
      const c = await prov.get(P({ scenario: 'base,thap' }));
      assert.equal(c.status, 200, c.text);
      assert.equal(c.json.inputs.scenario, undefined);
      assert.deepEqual(c.json.scenarios.map((x) => x.scenario.name), ['base', 'thap']);
      assert.equal(c.json.scenarios[0].indicators[0].population, c.json.scenarios[1].indicators[0].population);
      assert.notEqual(c.json.scenarios[0].indicators[10].tfr, c.json.scenarios[1].indicators[10].tfr);
    });

    test('CSV and XLSX, one sheet per table', async () => {
      const csv = await prov.get(P({ format: 'csv', lang: 'en' }));
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get('content-type'), /text\/csv/);
      const sections = csv.text.replace(/^\uFEFF/, '').split('\n\n').map((s) => s.split('\n')[0]);
      assert.deepEqual(sections, ['name,value',
        'scenario,year,population,male,female,births,deaths,tfr,srb,e0_male,e0_female,dependency_ratio,ageing_index,share_60_plus',
        'scenario,year,sex,age_group,count', 'scenario,year,sex,age,count']);
      assert.match(csv.text, /\nrates_years,2023-2025\n/);
      const x = await prov.get(P({ format: 'xlsx', lang: 'vi' }));
      assert.equal(x.status, 200);
      assert.equal(x.buf.subarray(0, 2).toString(), 'PK');
      const file = `${fx.dir}/p.xlsx`;
      fs.writeFileSync(file, x.buf);
      const names = JSON.parse(execFileSync('/usr/bin/python3', ['-c',
        'import json,sys,openpyxl; print(json.dumps(openpyxl.load_workbook(sys.argv[1]).sheetnames, ensure_ascii=False))', file], { encoding: 'utf8' }));
      assert.deepEqual(names, ['Đầu vào', 'Chỉ tiêu', 'Nhóm 5 tuổi', 'Từng độ tuổi', 'Bảng sống']);
    });
  });
}
