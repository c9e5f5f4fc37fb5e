/**
 * A plain CSV file (sources/csv-survey.ts) is read by the engine itself where the engine can
 * (DuckDB), with the cells' facts guiding normalisation; every other file is framed. Whichever
 * way a file goes, the import must come out the same: the same summary, the same quarantined rows
 * with the same row numbers and reasons, the same stored rows. Each case imports a file twice,
 * once as the engine offers and once through an engine that can only be handed framed chunks.
 */

import { beforeEach, expect, test } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import type { ImportSummary } from '../../src/ingest/import.js';
import { describeEngines } from '../engines/engines.js';
import { dumpTables, importWith, quarantineOf, resetWorkspace, useTempDir, writeFile } from './fixtures.js';

const HEADER = 'touchpoint_id,occurred_at,touch_type,channel,source,medium,anonymous_id,email';
/** Rows 2–11: a clean touch, problems of every kind, and a key given twice (row 4 superseded by row 10). */
const ROWS = [
  't1,2025-01-02T10:00:00Z,page_view,,google,cpc,anon-1,',
  't2,2025-01-02T11:00:00Z,form_fill,,,,anon-1,Ann@Example.com',
  't3,2025-01-03T09:30:00+01:00,page_view,paid_social,,,anon-2,',
  't4,2025-01-03T10:00:00Z,page_view,,,,anon-3,not-an-email',
  't5,2025-13-45T10:00:00Z,page_view,,,,anon-4,',
  't6,2025-01-04T10:00:00Z,teleport,,,,anon-5,',
  ',2025-01-04T11:00:00Z,page_view,,,,anon-6,',
  't7,2025-01-05T10:00:00Z,ad_click,,linkedin,paid_social,anon-7,',
  't3,2025-01-06T10:00:00Z,email_click,email,,,anon-2,',
  't8,1735725600,webinar,Carrier Pigeon,,,anon-8,',
];

describeEngines('import of plain files read by the engine itself', (engine) => {
  const dir = useTempDir();
  beforeEach(async () => {
    await resetWorkspace(engine());
  });

  /** The engine with a count of its direct reads, or without them (every file framed). */
  function variant(direct: boolean): { engine: Engine; calls: () => number } {
    const real = engine();
    let calls = 0;
    const insertCsvFile: Engine['insertCsvFile'] =
      direct && real.insertCsvFile
        ? (...args) => {
            calls++;
            return real.insertCsvFile!(...args);
          }
        : undefined;
    return { engine: Object.create(real, { insertCsvFile: { value: insertCsvFile } }) as Engine, calls: () => calls };
  }

  /** Imports `text` as touchpoints both ways; returns what each gave and how many direct reads were tried. */
  async function bothWays(text: string) {
    const results: { summary: Omit<ImportSummary, 'importId' | 'seconds' | 'file' | 'rejectedFile'>; quarantine: unknown; tables: unknown }[] = [];
    let directCalls = 0;
    for (const direct of [true, false]) {
      await resetWorkspace(engine());
      const v = variant(direct);
      const file = writeFile(dir(), 'touchpoints.csv', text);
      const summary = await importWith(v.engine, file, 'touchpoints', { rejectedReport: false });
      const { importId: _id, seconds: _s, file: _f, rejectedFile: _r, ...rest } = summary;
      results.push({ summary: rest, quarantine: await quarantineOf(engine(), summary), tables: await dumpTables(engine(), ['touchpoints', 'identities']) });
      if (direct) directCalls = v.calls();
    }
    return { direct: results[0]!, framed: results[1]!, directCalls };
  }

  const canReadFiles = () => engine().insertCsvFile !== undefined;

  test('a plain file with bad values and a duplicate key: the same rows quarantined with the same row numbers, the same rows stored', async () => {
    const { direct, framed, directCalls } = await bothWays(`${HEADER}\n${ROWS.join('\n')}\n`);
    expect(directCalls).toBe(canReadFiles() ? 1 : 0);
    expect(direct).toEqual(framed);
    expect(direct.summary).toMatchObject({ read: 10, inserted: 5, quarantined: 5 });
    expect((direct.quarantine as { row: number; reasons: { code: string }[] }[]).map((q) => [q.row, q.reasons.map((r) => r.code)])).toEqual([
      [4, ['key-duplicate']],
      [5, ['email-invalid']],
      [6, ['timestamp-invalid']],
      [7, ['value-unknown']],
      [8, ['required-missing']],
    ]);
  });

  test('cells with white space at their ends or inside, and text that is not ASCII: normalised (trimmed, folded, lower-cased) as when framed', async () => {
    const rows = ROWS.map((r, i) =>
      i === 0 ? 't1,2025-01-02T10:00:00Z, Page_View ,,Google ,CPC,anon-1,'
      : i === 1 ? 't2,2025-01-02T11:00:00Z,form_fill,,Bücher.de,,anon-1,  ANN@example.com'
      : i === 7 ? 't7,2025-01-05T10:00:00Z,ad\tclick,,linkedin,paid\vsocial,anon-7,'
      : r,
    );
    const { direct, framed, directCalls } = await bothWays(`${HEADER}\n${rows.join('\n')}`);
    expect(directCalls).toBe(canReadFiles() ? 1 : 0);
    expect(direct).toEqual(framed);
    const touches = (direct.tables as { touchpoints: { touchpoint_id: string; touch_type: string; source: string; email: string | null }[] }).touchpoints;
    expect(touches.find((t) => t.touchpoint_id === 't1')).toMatchObject({ touch_type: 'page_view', source: 'google' });
    expect(touches.find((t) => t.touchpoint_id === 't2')).toMatchObject({ source: 'bücher.de', email: 'ann@example.com' });
    expect(touches.find((t) => t.touchpoint_id === 't7')).toMatchObject({ touch_type: 'ad_click', channel: 'paid_social' });
  });

  test('a record with the wrong number of fields: the engine refuses the file, the file is framed, and that record alone is quarantined', async () => {
    const rows = [...ROWS.slice(0, 4), 't9,2025-01-03T10:00:00Z,page_view,,,,anon-9,,surplus', ...ROWS.slice(4)];
    const { direct, framed, directCalls } = await bothWays(`${HEADER}\n${rows.join('\n')}\n`);
    expect(directCalls).toBe(canReadFiles() ? 1 : 0);
    expect(direct).toEqual(framed);
    expect((direct.quarantine as { row: number; reasons: { code: string }[] }[]).find((q) => q.row === 6)?.reasons.map((r) => r.code)).toEqual(['field-count-wrong']);
    expect(direct.summary).toMatchObject({ read: 11, quarantined: 6 });
  });

  test('a file with quotes is not plain: framed, with no direct read tried', async () => {
    const rows = ROWS.map((r, i) => (i === 0 ? 't1,2025-01-02T10:00:00Z,page_view,,"google, inc",cpc,anon-1,' : r));
    const { direct, framed, directCalls } = await bothWays(`${HEADER}\n${rows.join('\n')}\n`);
    expect(directCalls).toBe(0);
    expect(direct).toEqual(framed);
  });
});
