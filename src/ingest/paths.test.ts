import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { markovAttribution } from '../core/attribution/markov.js';
import { referenceMarkov } from '../core/attribution/markov-reference.js';
import { pathTotals } from '../core/attribution/paths.js';
import { shapleyAttribution } from '../core/attribution/shapley.js';
import { RevlineError } from '../core/errors.js';
import { readPathsFile } from './paths.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'revline-paths-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const full = path.join(dir, name);
  await writeFile(full, text);
  return full;
}

async function failure(promise: Promise<unknown>): Promise<RevlineError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RevlineError);
  return error as RevlineError;
}

describe('readPathsFile', () => {
  for (const [name, delimiter] of [
    ['semicolon', ';'],
    ['comma', ','],
    ['tab', '\t'],
    ['pipe', '|'],
  ] as const) {
    it(`detects the ${name} delimiter`, async () => {
      const text = [
        ['path', 'total_conversions', 'total_conversion_value', 'total_null'],
        ['eta > iota > alpha > eta', '1', '0.244', '3'],
        ['beta > eta', '1', '2.402', '3'],
      ]
        .map((r) => r.join(delimiter))
        .join('\n');
      const read = await readPathsFile(await file(`${name}.csv`, `${text}\n`));
      expect(read.delimiter).toBe(delimiter);
      expect(read.paths).toEqual([
        { channels: ['eta', 'iota', 'alpha', 'eta'], conversions: 1, value: 0.244, nulls: 3 },
        { channels: ['beta', 'eta'], conversions: 1, value: 2.402, nulls: 3 },
      ]);
    });
  }

  it('reads quoted paths (a delimiter or a quote inside a channel name) and CRLF line ends', async () => {
    const read = await readPathsFile(await file('quoted.csv', 'path,total_conversions,total_null\r\n"events, EMEA > ""vip"" list",2,1\r\nemail,0,4\r\n'));
    expect(read.paths).toEqual([
      { channels: ['events, EMEA', '"vip" list'], conversions: 2, value: 0, nulls: 1 },
      { channels: ['email'], conversions: 0, value: 0, nulls: 4 },
    ]);
  });

  it('takes a forced delimiter, another separator and other column names', async () => {
    const read = await readPathsFile(await file('forced.txt', 'journey;conv;lost\na/b;1;1\n'), {
      delimiter: ';',
      separator: '/',
      columns: { path: 'journey', conversions: 'conv', nulls: 'lost', value: null },
    });
    expect(read.paths).toEqual([{ channels: ['a', 'b'], conversions: 1, value: 0, nulls: 1 }]);
  });

  it('throws paths-invalid naming the file, the first bad row and field, every problem and its fix', async () => {
    const name = await file('bad.csv', 'path;total_conversions;total_conversion_value;total_null\na > b;1;1.5;0\na >> b;1;0;0\nc;-2;0;1\nd;1;0\n');
    const error = await failure(readPathsFile(name));
    expect(error.code).toBe('paths-invalid');
    expect(error.at).toEqual({ file: name, row: 3, field: 'path' });
    expect(error.message).toContain(`${name} is not a valid paths file (3 problems)`);
    expect(error.message).toMatch(/row 3, field "path": .*empty channel at position 2/);
    expect(error.message).toMatch(/row 4, field "total_conversions": .*cannot be negative/);
    expect(error.message).toMatch(/row 5, field "record": .*3 fields/);
  });

  it('names a missing column, and hints at the delimiter when the header is one column', async () => {
    const error = await failure(readPathsFile(await file('one-column.csv', 'path:total_conversions\na:1\n'), { delimiter: ',' }));
    expect(error.code).toBe('paths-invalid');
    expect(error.message).toMatch(/no column "path"/);
    expect(error.hint).toMatch(/--delimiter/);
  });

  it('refuses an empty file and a file with a header only', async () => {
    expect((await failure(readPathsFile(await file('empty.csv', '')))).code).toBe('file-empty');
    expect((await failure(readPathsFile(await file('header.csv', 'path;total_conversions\n')))).code).toBe('file-empty');
  });

  it('says when the file does not exist', async () => {
    expect((await failure(readPathsFile(path.join(dir, 'missing.csv')))).code).toBe('file-not-found');
  });
});

// ChannelAttribution's example data (SOURCE.md beside it). Never copied into the project: read
// from ../shared/data next to the repository, or from REVLINE_DATA_DIR.
const ROOT = path.resolve(import.meta.dirname, '../..');
const DATA_DIR = process.env.REVLINE_DATA_DIR ?? path.resolve(ROOT, '../shared/data');
const PATH_DATA = path.join(DATA_DIR, 'attribution-paths', 'PathData.csv');
const present = existsSync(PATH_DATA);

describe.skipIf(!present)(present ? 'PathData.csv (ChannelAttribution example data)' : `PathData.csv — SKIPPED: not found at ${PATH_DATA} (set REVLINE_DATA_DIR)`, () => {
  it('reads 10,000 rows with the totals of its SOURCE.md', async () => {
    const read = await readPathsFile(PATH_DATA);
    expect(read.delimiter).toBe(';');
    expect(read.paths).toHaveLength(10_000);
    const totals = pathTotals(read.paths);
    expect(totals.conversions).toBe(19_785);
    expect(totals.nulls).toBe(68_602);
    expect(totals.value).toBeCloseTo(74_802.97, 2);
    expect(totals.channels).toEqual(['alpha', 'beta', 'delta', 'epsilon', 'eta', 'gamma', 'iota', 'kappa', 'lambda', 'mi', 'theta', 'zeta']);
  });

  it('attributes its totals with Markov of every order, equal to the dense reference at orders 1 and 2', async () => {
    const { paths } = await readPathsFile(PATH_DATA);
    for (const order of [1, 2, 3, 4]) {
      const r = markovAttribution(paths, { order });
      expect(r.channels).toHaveLength(12);
      expect(r.channels.reduce((s, c) => s + c.conversions, 0)).toBeCloseTo(19_785, 6);
      expect(r.channels.reduce((s, c) => s + c.value, 0)).toBeCloseTo(74_802.97, 2);
      expect(r.conversionProbability).toBeCloseTo(19_785 / 88_387, 15);
      if (order > 2) continue;
      const ref = referenceMarkov(paths, order);
      expect(r.states).toBe(ref.states);
      for (const c of r.channels) {
        expect(c.removalEffect).toBeCloseTo(ref.removalEffect.get(c.channel)!, 12);
        expect(c.valueRemovalEffect).toBeCloseTo(ref.valueRemovalEffect.get(c.channel)!, 12);
      }
    }
  });

  it('attributes its totals with exact Shapley over its 12 channels', async () => {
    const { paths } = await readPathsFile(PATH_DATA);
    const r = shapleyAttribution(paths);
    expect(r.method).toBe('exact');
    expect(r.channels.reduce((s, c) => s + c.conversions, 0)).toBeCloseTo(19_785, 6);
    expect(r.channels.reduce((s, c) => s + c.value, 0)).toBeCloseTo(74_802.97, 2);
  });
});
