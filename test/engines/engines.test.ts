import { describe, expect, test } from 'vitest';
import { parseEngineList } from './engines.js';

describe('REVLINE_ENGINES', () => {
  test('defaults to duckdb alone when unset or blank, for a quick local run', () => {
    expect(parseEngineList(undefined)).toEqual(['duckdb']);
    expect(parseEngineList(' ')).toEqual(['duckdb']);
  });

  test('reads a comma list in order, ignoring spaces and repeats', () => {
    expect(parseEngineList('duckdb, clickhouse,duckdb')).toEqual(['duckdb', 'clickhouse']);
  });

  test('fails loudly on an unknown name, so a typo never quietly tests less', () => {
    expect(() => parseEngineList('duckdb,clikhouse')).toThrow(
      'Unknown engine "clikhouse" in REVLINE_ENGINES="duckdb,clikhouse". Known engines: duckdb, clickhouse.',
    );
    expect(() => parseEngineList('duckdb,')).toThrow(/Unknown engine ""/);
  });
});
