/**
 * `revline model cv` through main(argv, io): the JSON document, the folds file another tool reads,
 * and errors that name the file, line and column.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { Random } from '../../src/core/demo/random.js';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'revline-model-'));
const rng = Random.seeded(11);
const lines = ['lead_id;visits;source;plan;converted'];
for (let i = 0; i < 300; i++) {
  const visits = rng.int(0, 20);
  const source = ['ads', 'seo', 'Select'][rng.int(0, 2)]!;
  const converted = rng.chance(visits > 10 ? 0.7 : 0.2) ? 'yes' : 'no';
  lines.push(`L${i};${rng.chance(0.1) ? '' : visits};${source};basic;${converted}`);
}
fs.writeFileSync(path.join(dir, 'leads.csv'), '\uFEFF' + lines.join('\r\n') + '\r\n');

async function run(...argv: string[]) {
  const io = memoryIo({}, dir);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('revline model cv', () => {
  it('cross-validates both learners on a ;-separated CSV with a BOM and CRLF, and writes the folds', async () => {
    const r = await run('model', 'cv', '--csv', 'leads.csv', '--target', 'converted', '--drop', 'lead_id', '--missing', 'Select', '--folds', '3', '--write-folds', 'folds.csv', '--format', 'json');
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out) as {
      rows: number; delimiter: string; skipped: { column: string; reason: string }[]; folds: { fold: number; testRows: number; gbdt: { auc: number; trees: number }; logistic: { auc: number } }[];
      mean: { gbdt: { auc: number; logLoss: number; fitSeconds: number }; logistic: { auc: number } };
    };
    expect([doc.rows, doc.delimiter]).toEqual([300, ';']);
    expect(doc.skipped).toEqual([{ column: 'lead_id', reason: 'dropped (--drop)' }, { column: 'plan', reason: 'constant: every cell is "basic"' }]);
    expect(doc.folds.map((f) => f.fold)).toEqual([1, 2, 3]);
    expect(doc.folds.reduce((s, f) => s + f.testRows, 0)).toBe(300);
    expect(doc.mean.gbdt.auc).toBeGreaterThan(0.6);
    expect(doc.mean.logistic.auc).toBeGreaterThan(0.6);
    const folds = fs.readFileSync(path.join(dir, 'folds.csv'), 'utf8').trim().split('\n');
    expect(folds[0]).toBe('row,fold');
    expect(folds.length).toBe(301);
    expect(folds[1]).toMatch(/^1,[012]$/);
  });

  it('prints a table with the skipped columns and the mean row', async () => {
    const r = await run('model', 'cv', '--csv', 'leads.csv', '--target', 'converted', '--positive', 'yes', '--folds', '2');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('skipped "plan": constant: every cell is "basic"');
    expect(r.out).toMatch(/\nmean\s+\d\.\d{4}/);
  });

  it('refuses an unknown target column as a file error naming the columns, and a missing --target as usage', async () => {
    const unknown = await run('model', 'cv', '--csv', 'leads.csv', '--target', 'won');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('leads.csv has no column "won" to predict.');
    expect((await run('model', 'cv', '--csv', 'leads.csv')).code).toBe(2);
  });

  it('refuses an unrecognised outcome with the line and column, and the --positive fix', async () => {
    fs.writeFileSync(path.join(dir, 'odd.csv'), 'x,converted\n1,won\n2,lost\n');
    const r = await run('model', 'cv', '--csv', 'odd.csv', '--target', 'converted');
    expect(r.code).toBe(2);
    expect(r.err).toContain('odd.csv, row 2, field "converted": The target "converted" is "won", which is not a recognised outcome, on line 2 of odd.csv (and on 1 other rows).');
    expect(r.err).toContain('--positive');
  });
});
