import { describe, expect, it } from 'vitest';

import { describePathProblem, parsePathRows, pathTotals, splitPath } from './paths.js';

const HEADER = ['path', 'total_conversions', 'total_conversion_value', 'total_null'];
const rows = (...records: string[][]) => records.map((fields, i) => ({ row: i + 2, fields }));

describe('parsePathRows', () => {
  it('reads the ChannelAttribution layout, with or without spaces around ">"', () => {
    const { paths, problems } = parsePathRows(HEADER, rows(['eta > iota>alpha >eta', '1', '0.244', '3'], ['paid search', '0', '0', '2']));
    expect(problems).toEqual([]);
    expect(paths).toEqual([
      { channels: ['eta', 'iota', 'alpha', 'eta'], conversions: 1, value: 0.244, nulls: 3 },
      { channels: ['paid search'], conversions: 0, value: 0, nulls: 2 },
    ]);
  });

  it('makes the value and null columns optional, as ChannelAttribution does', () => {
    const { paths, problems } = parsePathRows(['path', 'total_conversions'], rows(['a > b', '2']));
    expect(problems).toEqual([]);
    expect(paths).toEqual([{ channels: ['a', 'b'], conversions: 2, value: 0, nulls: 0 }]);
  });

  it('takes other column names and another separator', () => {
    const { paths } = parsePathRows(['journey', 'conv', 'rev', 'lost'], rows(['a|b', '1', '5', '0']), {
      columns: { path: 'journey', conversions: 'conv', value: 'rev', nulls: 'lost' },
      separator: '|',
    });
    expect(paths).toEqual([{ channels: ['a', 'b'], conversions: 1, value: 5, nulls: 0 }]);
  });

  it('names a missing column and suggests the close one', () => {
    const { problems } = parsePathRows(['path', 'total_conversion', 'total_null'], rows(['a', '1', '0']));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ row: 1, field: 'header' });
    expect(problems[0]!.message).toMatch(/no column "total_conversions".*did you mean "total_conversion"/);
  });

  it('reports every problem of every row, naming row, field and fix', () => {
    const { paths, problems } = parsePathRows(
      HEADER,
      rows(
        ['a > > b', '1', '2', '0'],
        ['a', '-1', '0', '2'],
        ['a', '1', '2,5', '0'],
        ['', '1', '0', '0'],
        ['a', '0', '3', '1'],
        ['a', '0', '0', '0'],
        ['a', '', 'x', '1'],
      ),
    );
    expect(paths).toEqual([]);
    const described = problems.map(describePathProblem);
    expect(described).toEqual([
      expect.stringMatching(/^row 2, field "path": .*empty channel at position 2: remove the doubled/),
      expect.stringMatching(/^row 3, field "total_conversions": .*"-1" is not a number ≥ 0: it cannot be negative/),
      expect.stringMatching(/^row 4, field "total_conversion_value": .*write the decimal with a point \("2.5"\)/),
      expect.stringMatching(/^row 5, field "path": The path is empty/),
      expect.stringMatching(/^row 6, field "total_conversion_value": .*value of 3 but no conversion/),
      expect.stringMatching(/^row 7, field "total_null": .*stands for no journey/),
      expect.stringMatching(/^row 8, field "total_conversions": The number of conversions is empty/),
      expect.stringMatching(/^row 8, field "total_conversion_value": .*"x" is not a number/),
    ]);
  });
});

describe('splitPath and pathTotals', () => {
  it('keeps an empty channel so the caller can say where it is', () => {
    expect(splitPath('a >> b')).toEqual(['a', '', 'b']);
  });
  it('sums journeys and lists channels sorted', () => {
    expect(
      pathTotals([
        { channels: ['b', 'a'], conversions: 1, value: 2, nulls: 3 },
        { channels: ['c'], conversions: 0, value: 0, nulls: 1 },
      ]),
    ).toEqual({ journeys: 5, conversions: 1, value: 2, nulls: 4, channels: ['a', 'b', 'c'] });
  });
});
