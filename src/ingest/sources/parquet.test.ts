import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { RevlineError } from '../../core/errors.js';
import { openSource } from './source.js';
import { accountedRows, readSource } from './testing.js';

const ROWS = 2500;

/** Parquet fixtures written by DuckDB (hyparquet-writer is not a dependency). */
const SELECT = `
  SELECT
    i AS id,
    'user' || i || '@x.com' AS email,
    i * 1.5 AS score,
    i % 2 = 0 AS active,
    DATE '2024-01-01' + i::INTEGER AS created_on,
    TIMESTAMP '2024-01-01 10:00:00' + INTERVAL (i) HOUR AS seen_at,
    CASE WHEN i % 3 = 0 THEN NULL ELSE 'note "' || i || '", ok' END AS note,
    [i, i + 1] AS tags,
    {'city': 'Berlin'} AS address,
    i::BIGINT * 10000000000 AS big
  FROM range(0, ${ROWS}) t(i)`;

describe('parquet source', () => {
  let dir = '';
  let snappy = '';
  let lz4 = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'revline-parquet-'));
    snappy = join(dir, 'contacts.parquet');
    lz4 = join(dir, 'contacts-lz4.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await connection.run(`COPY (${SELECT}) TO '${snappy}' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 1024)`);
      await connection.run(`COPY (${SELECT}) TO '${lz4}' (FORMAT parquet, COMPRESSION lz4)`);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes the header from the schema and has no _raw column, since the file is typed', async () => {
    const source = await openSource(snappy);
    expect(source.format).toBe('parquet');
    expect(source.header).toEqual(['id', 'email', 'score', 'active', 'created_on', 'seen_at', 'note', 'tags', 'address', 'big']);
    expect(source.hasRawColumn).toBe(false);
  });

  it('numbers row i of the file as row i + 1 across row groups, and accounts for every row', async () => {
    const result = await readSource(await openSource(snappy, { chunkBytes: 16 * 1024 }));
    expect(result.rejected).toEqual([]);
    expect(accountedRows(result)).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
    expect(result.batches.length).toBeGreaterThan(2);
    expect(result.batches.at(-1)?.bytesRead).toBe((await openSource(snappy)).totalBytes);
  });

  it('writes values as text the engine parses: ISO dates and UTC timestamps, JSON for nested values, NULL as empty', async () => {
    const result = await readSource(await openSource(snappy));
    expect(result.records[0]).toEqual({
      row: 1,
      fields: ['0', 'user0@x.com', '0', 'true', '2024-01-01', '2024-01-01T10:00:00.000Z', null, '[0,1]', '{"city":"Berlin"}', '0'],
    });
    expect(result.records[1001]).toEqual({
      row: 1002,
      fields: [
        '1001',
        'user1001@x.com',
        '1501.5',
        'false',
        '2026-09-28',
        '2024-02-12T03:00:00.000Z',
        'note "1001", ok',
        '[1001,1002]',
        '{"city":"Berlin"}',
        // Beyond 2^53: kept exact because INT64 arrives as bigint.
        '10010000000000',
      ],
    });
  });

  it('refuses a codec it cannot decompress when the file is opened, with the fix, not halfway through the import', async () => {
    const error = await openSource(lz4).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RevlineError);
    expect((error as RevlineError).code).toBe('file-unreadable');
    expect((error as RevlineError).message).toMatch(/is compressed with LZ4(_RAW)?, which Revline cannot read here .*: re-export the file with snappy compression\.$/);
  });

  it('says a file that is not Parquet is unreadable, rather than failing later', async () => {
    const fake = join(dir, 'fake.parquet');
    await writeFile(fake, 'id,email\n1,a@x.com\n');
    await expect(openSource(fake)).rejects.toMatchObject({ code: 'file-unreadable' });
  });
});
