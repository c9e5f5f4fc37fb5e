import { describe, expect, test } from 'vitest';
import { converterFor, ResultReader } from './result.js';

describe('converterFor', () => {
  test.each([
    ['Int64', '42', 42],
    ['UInt64', '18446744073709551615', 18446744073709551615n],
    ['Nullable(Int64)', null, null],
    ['Decimal(18, 2)', 12.5, 12.5],
    ["DateTime64(6, 'UTC')", '2024-01-02 03:04:05.123456', '2024-01-02T03:04:05.123Z'],
    ["Nullable(DateTime64(6, 'UTC'))", null, null],
    ['DateTime', '2024-01-02 03:04:05', '2024-01-02T03:04:05.000Z'],
    ['Date32', '2024-01-02', '2024-01-02'],
    ['LowCardinality(String)', 'x', 'x'],
    ['Array(Int64)', ['1', '2'], [1, 2]],
    ['Bool', true, true],
    ['Float64', 0.5, 0.5],
  ])('converts a %s value %j by its declared type', (type, value, expected) => {
    expect(converterFor(type)(value)).toEqual(expected);
  });
});

describe('ResultReader', () => {
  const text = '["n","at"]\n["Int64","DateTime64(3, \'UTC\')"]\n["1","2024-01-02 03:04:05.678"]\n["2",null]\n';

  test('reads the names line, the types line, then rows', () => {
    const reader = new ResultReader();
    expect([...reader.push(text), ...reader.finish()]).toEqual([
      { n: 1, at: '2024-01-02T03:04:05.678Z' },
      { n: 2, at: null },
    ]);
  });

  test('gives the same rows whatever the pieces the text arrives in', () => {
    for (const size of [1, 3, 7, 50]) {
      const reader = new ResultReader();
      const rows = [];
      for (let i = 0; i < text.length; i += size) rows.push(...reader.push(text.slice(i, i + size)));
      rows.push(...reader.finish());
      expect(rows, `pieces of ${size}`).toEqual([
        { n: 1, at: '2024-01-02T03:04:05.678Z' },
        { n: 2, at: null },
      ]);
    }
  });

  test('an empty result (header only) has no rows', () => {
    const reader = new ResultReader();
    expect([...reader.push('["n"]\n["UInt8"]\n'), ...reader.finish()]).toEqual([]);
  });
});
