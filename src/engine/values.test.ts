import { describe, expect, test } from 'vitest';
import { engineTimestampTextToIso, exactInteger, formatMicrosAsIso, formatMicrosAsUtcText, parseTimestampMicros } from './values.js';

describe('parseTimestampMicros', () => {
  test.each([
    ['2024-01-02T03:04:05Z', 1704164645000000n],
    ['2024-01-02T03:04:05.123456Z', 1704164645123456n],
    ['2024-01-02 03:04:05.123456', 1704164645123456n],
    ['2024-01-02T05:04:05.5+02:00', 1704164645500000n],
    ['2024-01-01T22:04:05-0500', 1704164645000000n],
    ['2024-01-02', 1704153600000000n],
    ['1969-12-31T23:59:59.999999Z', -1n],
  ])('reads %s as UTC microseconds (a zone is applied, no zone means UTC)', (text, micros) => {
    expect(parseTimestampMicros(text)).toBe(micros);
  });

  test.each(['', 'yesterday', '2024-13-01', '2024-01-02T25:00:00Z', '2024-01-02T03:04:05 Europe/Paris'])(
    'refuses %j rather than guessing',
    (text) => {
      expect(parseTimestampMicros(text)).toBeUndefined();
    },
  );
});

describe('timestamp formatting', () => {
  test('UTC text keeps microseconds (what both engines parse exactly)', () => {
    expect(formatMicrosAsUtcText(1704164645123456n)).toBe('2024-01-02 03:04:05.123456');
    expect(formatMicrosAsUtcText(-1n)).toBe('1969-12-31 23:59:59.999999');
  });

  test('the result shape truncates to milliseconds, also before 1970', () => {
    expect(formatMicrosAsIso(1704164645123999n)).toBe('2024-01-02T03:04:05.123Z');
    expect(formatMicrosAsIso(-1n)).toBe('1969-12-31T23:59:59.999Z');
  });

  test('engine timestamp text becomes the result shape, with or without a fraction', () => {
    expect(engineTimestampTextToIso('2024-01-02 03:04:05.123456')).toBe('2024-01-02T03:04:05.123Z');
    expect(engineTimestampTextToIso('2024-01-02 03:04:05')).toBe('2024-01-02T03:04:05.000Z');
    expect(engineTimestampTextToIso('2024-01-02 03:04:05.1')).toBe('2024-01-02T03:04:05.100Z');
  });
});

describe('exactInteger', () => {
  test('is a number while exact and a bigint past 2^53, so no id or count is rounded', () => {
    expect(exactInteger('9007199254740991')).toBe(9007199254740991);
    expect(exactInteger('9007199254740993')).toBe(9007199254740993n);
    expect(exactInteger(-5n)).toBe(-5);
    expect(exactInteger('-9007199254740993')).toBe(-9007199254740993n);
  });
});
