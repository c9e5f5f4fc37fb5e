/**
 * The shape of a CLI command: one module per command in commands/, registered in main.ts.
 */

import type { ParseArgsConfig } from 'node:util';
import type { Engine } from '../engine/engine.js';
import type { CliIo } from './io.js';
import type { OutputFormat } from './output.js';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  readonly io: CliIo;
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
  readonly format: OutputFormat;
  /** Opens the workspace's engine (from --engine, --db, env), applying migrations. */
  openEngine(): Promise<Engine>;
  /** Absolute path of a user-given path, relative to the working directory. */
  resolvePath(path: string): string;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: OptionSpecs;
  run(context: CommandContext): Promise<number>;
}

/** A string option's value, or undefined. */
export function stringOption(values: CommandContext['values'], name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}
