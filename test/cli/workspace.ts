/**
 * A CLI workspace for one engine under test: a temporary folder holding `files`, and `run(...argv)`
 * calling `main` there against the engine's workspace (DuckDB with a database file; ClickHouse
 * in-process through `--engine chdb` with a data folder). Registers its own beforeAll/afterAll.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import type { EngineUnderTest } from '../engines/engines.js';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export function cliWorkspace(engine: EngineUnderTest, files: Readonly<Record<string, string>>): { run: (...argv: string[]) => Promise<CliRun>; dir: () => string } {
  let dir: string | undefined;
  const where = engine === 'duckdb' ? ['--db', 'work.duckdb'] : ['--engine', 'chdb', '--db', 'chdb-data'];
  const folder = () => {
    if (!dir) throw new Error('the CLI workspace is not set up (beforeAll failed?)');
    return dir;
  };
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'revline-cli-'));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  });
  afterAll(() => fs.rmSync(folder(), { recursive: true, force: true }));
  return {
    dir: folder,
    run: async (...argv) => {
      const io = memoryIo({}, folder());
      const code = await main([...argv, ...where], io);
      return { code, out: io.out(), err: io.err() };
    },
  };
}
