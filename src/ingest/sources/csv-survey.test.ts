import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openCsvSource } from './csv.js';
import { surveyCsv, type CsvSurvey } from './csv-survey.js';
import { piecesOf, readSource } from './testing.js';

const MAX_RECORD_BYTES = 1 << 20;
/** The white space trimming removes (core/normalize trimToNull). */
const WHITE = /^[ \t\n\v\f\r]|[ \t\n\v\f\r]$/;

describe('csv survey', () => {
  let dir = '';
  let n = 0;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'revline-csv-survey-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Surveys the records of `header\nbody` (whole, or as the read stream cuts it). */
  /** Pieces as a reader that reuses one buffer hands them out (the survey must copy what it keeps). */
  async function* reusing(pieces: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    const buffer = Buffer.alloc(1 << 16);
    for await (const piece of pieces) {
      piece.copy(buffer);
      yield buffer.subarray(0, piece.length);
      buffer.fill(0x22); // quotes: a kept reference to it would make the file look not plain
    }
  }

  async function survey(body: string | Buffer, options: { delimiter?: string; cuts?: number[]; maxRecordBytes?: number } = {}): Promise<CsvSurvey> {
    const delimiter = options.delimiter ?? ',';
    const header = Buffer.from(`a${delimiter}b\n`);
    const bytes = Buffer.concat([header, typeof body === 'string' ? Buffer.from(body) : body]);
    const file = join(dir, `s${n++}.csv`);
    await writeFile(file, bytes);
    return surveyCsv(file, {
      delimiter,
      dataStart: header.length,
      maxRecordBytes: options.maxRecordBytes ?? MAX_RECORD_BYTES,
      readFrom: options.cuts ? (_file, start) => reusing(piecesOf(bytes.subarray(start), options.cuts!)) : undefined,
    });
  }

  it('a machine export (one line per record, LF, no quotes) is plain; the last line may lack its LF', async () => {
    expect(await survey('1,x\n2,y\n')).toEqual({ plain: true, records: 2, cells: { ascii: true, trimmed: true, onlySpace: true } });
    expect(await survey('1,x\n2,y')).toEqual({ plain: true, records: 2, cells: { ascii: true, trimmed: true, onlySpace: true } });
    expect(await survey('1,\n,\n')).toEqual({ plain: true, records: 2, cells: { ascii: true, trimmed: true, onlySpace: true } });
  });

  it('names why a file must be framed: quotes, CR, blank lines, bytes that are not UTF-8, a line too long', async () => {
    expect(await survey('1,"x"\n')).toEqual({ plain: false, reason: 'a quote is used' });
    expect(await survey('1,x\r\n2,y\r\n')).toEqual({ plain: false, reason: 'a line ends with CR' });
    expect(await survey('1,x\r2,y\r')).toEqual({ plain: false, reason: 'a line ends with CR' });
    expect(await survey('1,x\n\n2,y\n')).toEqual({ plain: false, reason: 'a line is blank' });
    expect(await survey('1,x\n \t \n2,y\n')).toEqual({ plain: false, reason: 'a line is blank' });
    expect(await survey(Buffer.from([0x31, 0x2c, 0xff, 0x0a]))).toEqual({ plain: false, reason: 'a line is not UTF-8' });
    expect(await survey(`1,${'x'.repeat(100)}\n`, { maxRecordBytes: 50 })).toEqual({ plain: false, reason: 'a line is longer than 50 bytes' });
    expect(await survey(`1,${'x'.repeat(100)}`, { maxRecordBytes: 50, cuts: [10, 20, 30] })).toEqual({ plain: false, reason: 'a line is longer than 50 bytes' });
  });

  it('claims a fact of the cells only when every cell holds it', async () => {
    expect((await survey('1,café\n')) as unknown).toMatchObject({ plain: true, cells: { ascii: false, trimmed: true, onlySpace: true } });
    for (const body of ['1, x\n', '1,x \n', ' 1,x\n', '1 ,x\n']) {
      expect(await survey(body), JSON.stringify(body)).toMatchObject({ plain: true, cells: { trimmed: false, onlySpace: true } });
    }
    for (const body of ['1,x\t\n', '1,a\tb\n', '1,a\vb\n', '1,a\fb\n']) {
      expect(await survey(body), JSON.stringify(body)).toMatchObject({ plain: true, cells: { trimmed: false, onlySpace: false } });
    }
    // Spaces inside a cell change nothing; a tab that delimits is not white space in a cell.
    expect(await survey('1,New York\n')).toMatchObject({ plain: true, cells: { trimmed: true, onlySpace: true } });
    expect(await survey('1\tx\n', { delimiter: '\t' })).toMatchObject({ plain: true, cells: { trimmed: true, onlySpace: true } });
  });

  it('property: wherever the stream cuts the bytes, the file is plain or not alike (and a plain file is surveyed the same); a plain file frames to one record per line, and its facts hold for every cell', async () => {
    let plain = 0;
    // Rarely a character that makes a file not plain, so that most files are plain.
    const character = fc.oneof({ arbitrary: fc.constantFrom('a', 'b', ' ', ',', 'é'), weight: 12 }, { arbitrary: fc.constantFrom('\t', '"', '\r', '\v'), weight: 1 });
    const cell = fc.array(character, { maxLength: 5 }).map((cs) => cs.join(''));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(cell, cell), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        fc.array(fc.nat({ max: 120 }), { maxLength: 12 }),
        async (rows, finalLineEnd, cuts) => {
          const body = rows.map(([x, y]) => `${x},${y}`).join('\n') + (finalLineEnd ? '\n' : '');
          const whole = await survey(body);
          const cut = await survey(body, { cuts });
          // Which reason is found first may depend on the cuts; whether the file is plain may not.
          expect(cut.plain).toBe(whole.plain);
          if (!whole.plain) return;
          plain++;
          expect(cut).toEqual(whole);

          const file = join(dir, `p${n++}.csv`);
          await writeFile(file, `a,b\n${body}`);
          const source = await openCsvSource(file, Buffer.byteLength(`a,b\n${body}`), { delimiter: ',', maxRecordBytes: MAX_RECORD_BYTES, chunkBytes: 1 << 16 });
          const framed = await readSource(source);
          // A record with another number of fields is refused by the engine's strict parser, and the
          // import then frames the file: the survey need not count fields.
          expect(framed.rejected.every((r) => r.reasons.every((reason) => reason.code === 'field-count-wrong'))).toBe(true);
          expect(framed.records.length + framed.rejected.length).toBe(whole.records);
          expect([...framed.records.map((r) => r.row), ...framed.rejected.map((r) => r.row)].sort((a, b) => a - b)).toEqual(
            Array.from({ length: whole.records }, (_, i) => i + 2),
          );
          expect(source.warnings).toEqual([]);
          const cells = framed.records.flatMap((r) => r.fields.map((f) => f ?? ''));
          if (whole.cells.ascii) expect(cells.every((c) => /^[\x00-\x7f]*$/.test(c))).toBe(true);
          if (whole.cells.trimmed) expect(cells.filter((c) => WHITE.test(c))).toEqual([]);
          if (whole.cells.onlySpace) expect(cells.filter((c) => /[\t\n\v\f\r]/.test(c))).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
    expect(plain).toBeGreaterThan(100);
  });
});
