import { describe, expect, test } from 'vitest';
import { checkCsvDelimiter, findUnclosedQuote, lineOf } from './csv-chunk.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('findUnclosedQuote', () => {
  test.each([
    ['no quotes at all', 'a,b\nc,d\n'],
    ['quoted fields that close', '"a","b ""x"" c"\n"multi\nline",d\n'],
    ['an empty quoted field', '"",""\n'],
    ['a quote inside an unquoted field (a literal character)', 'a,5" screen\n'],
    ['an escaped quote right before the closing one', '"say ""hi"""\n'],
  ])('finds nothing in %s', (_name, text) => {
    expect(findUnclosedQuote(bytes(text), ',')).toBeUndefined();
  });

  test.each([
    ['a quote left open at the end', '1,"open\n4,5,6\n', 2],
    ['an open quote after closed ones', '"a",b\nc,"d\n', 8],
    ['an escaped quote that leaves the field open', '"a""\n', 0],
  ])('finds %s at the opening quote', (_name, text, offset) => {
    expect(findUnclosedQuote(bytes(text), ',')).toBe(offset);
  });

  test('knows field starts by the chunk delimiter, including multi-byte ones', () => {
    expect(findUnclosedQuote(bytes('a;"open\n'), ';')).toBe(2);
    expect(findUnclosedQuote(bytes('a,"x\n'), ';')).toBeUndefined();
    expect(findUnclosedQuote(bytes('a¦"open\n'), '¦')).toBe(3);
  });

  test('reports the line of the offset, for messages', () => {
    expect(lineOf(bytes('a\nb\n"c'), 4)).toBe(3);
  });
});

describe('checkCsvDelimiter', () => {
  test.each([',', ';', '\t', '|', '¦'])('accepts %j', (delimiter) => {
    expect(() => checkCsvDelimiter(delimiter)).not.toThrow();
  });

  test.each(['', ',,', '"', '\n', '\r'])('refuses %j, which cannot delimit fields unambiguously', (delimiter) => {
    expect(() => checkCsvDelimiter(delimiter)).toThrow(/delimiter/);
  });
});
