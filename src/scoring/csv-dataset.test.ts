import { describe, expect, it } from 'vitest';

import { RevlineError } from '../core/errors.js';
import { detectCsvDelimiter, parseCsvDataset, parseCsvRecords } from './csv-dataset.js';

const read = (text: string, options: Partial<Parameters<typeof parseCsvDataset>[1]> = {}) => parseCsvDataset(text, { file: 'leads.csv', target: 'converted', ...options });

function thrown(f: () => unknown): RevlineError {
  try {
    f();
  } catch (e) {
    if (e instanceof RevlineError) return e;
    throw e;
  }
  throw new Error('expected a RevlineError');
}

describe('CSV as a dataset', () => {
  it('reads UTF-8 with a BOM, CRLF line ends, quoted delimiters, doubled quotes and line breaks inside quotes', () => {
    const { records, lines } = parseCsvRecords('\uFEFFa,b\r\n"x, y","say ""hi"""\r\n"two\nlines",3\r\n', ',', 'f.csv');
    expect(records).toEqual([['a', 'b'], ['x, y', 'say "hi"'], ['two\nlines', '3']]);
    expect(lines).toEqual([1, 2, 3]);
  });

  it('detects the delimiter from the header line (outside quotes) and takes a given one as is', () => {
    expect(detectCsvDelimiter('"a;b",c,d\n1;2')).toBe(',');
    expect(detectCsvDelimiter('"age";"job";"y"\n')).toBe(';');
    expect(detectCsvDelimiter('a\tb\n')).toBe('\t');
    expect(read('converted;x\n1;2\n0;3\n').delimiter).toBe(';');
  });

  it('types columns: numeric when every non-missing cell is a finite number, else categorical; empty cells are missing', () => {
    const { dataset, columns } = read('converted,visits,source\n1,3,ads\n0,,seo\n1,2.5,\n0,1e2,ads\n');
    expect(columns).toEqual([
      { name: 'visits', kind: 'numeric', missing: 1 },
      { name: 'source', kind: 'categorical', missing: 1, categories: 2 },
    ]);
    const visits = dataset.features[0]!;
    const source = dataset.features[1]!;
    expect(visits.kind === 'numeric' && Array.from(visits.values)).toEqual([3, NaN, 2.5, 100]);
    expect(source.kind === 'categorical' && Array.from(source.codes)).toEqual([0, 1, -1, 0]);
    expect(Array.from(dataset.labels)).toEqual([1, 0, 1, 0]);
  });

  it('keeps placeholders such as Select as categories unless --missing lists them', () => {
    const text = 'converted,city,score\n1,Select,10\n0,Pune,Select\n1,Mumbai,12\n';
    const plain = read(text);
    expect(plain.columns.map((c) => c.kind)).toEqual(['categorical', 'categorical']);
    const cleaned = read(text, { missing: ['Select'] });
    expect(cleaned.columns).toEqual([
      { name: 'city', kind: 'categorical', missing: 1, categories: 2 },
      { name: 'score', kind: 'numeric', missing: 1 },
    ]);
  });

  it('skips constant columns and dropped ones, and says why', () => {
    const { skipped, columns } = read('id,converted,always,never,x\n1,1,No,,5\n2,0,No,,6\n', { drop: ['id'] });
    expect(skipped).toEqual([
      { column: 'id', reason: 'dropped (--drop)' },
      { column: 'always', reason: 'constant: every cell is "No"' },
      { column: 'never', reason: 'constant: every cell is missing' },
    ]);
    expect(columns.map((c) => c.name)).toEqual(['x']);
  });

  it('reads the target as 1/0, yes/no, true/false, or --positive against everything else', () => {
    expect(Array.from(read('converted,x\nYes,1\nno,2\nTRUE,3\n0,4\n').dataset.labels)).toEqual([1, 0, 1, 0]);
    expect(Array.from(read('y,x\nwon,1\nlost,2\nopen,3\n', { target: 'y', positive: 'won' }).dataset.labels)).toEqual([1, 0, 0]);
  });

  it('refuses a row with an empty or unrecognised target, naming file, line, column and fix, and counting the others', () => {
    const e = thrown(() => read('converted,x\n1,1\n,2\nmaybe,3\n'));
    expect(e.at).toEqual({ file: 'leads.csv', row: 3, field: 'converted' });
    expect(e.message).toBe('The target "converted" is empty on line 3 of leads.csv (and on 1 other rows).');
    const u = thrown(() => read('converted,x\n1,1\nmaybe,3\n'));
    expect(u.message).toContain('"maybe", which is not a recognised outcome');
    expect(u.hint).toContain('--positive');
  });

  it('names a missing target or dropped column with the columns there are, and a short row with its line', () => {
    expect(thrown(() => read('a,b\n1,2\n')).hint).toBe('Columns: a, b. Pass one of them to --target.');
    expect(thrown(() => read('converted,b\n1,2\n', { drop: ['c'] })).message).toBe('leads.csv has no column "c" to drop.');
    expect(thrown(() => read('converted,b\n1,2\n0\n')).at).toEqual({ file: 'leads.csv', row: 3 });
  });
});
