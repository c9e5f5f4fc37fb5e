/**
 * The CLI: `main(argv, io)` parses, runs one command and returns the exit code — 0 ok, 1 error,
 * 2 usage. It is the only place that turns errors into exit codes and the only caller of
 * `process.exit` is bin.ts.
 */

import path from 'node:path';
import { parseArgs } from 'node:util';
import { RevlineError, exitCodeFor } from '../core/errors.js';
import type { Engine } from '../engine/engine.js';
import type { Command, CommandContext, OptionSpecs } from './command.js';
import { accessCommand } from './commands/access.js';
import { attributionCommand } from './commands/attribution.js';
import { contactCommand } from './commands/contact.js';
import { definitionsCommand } from './commands/definitions.js';
import { demoCommand } from './commands/demo.js';
import { leadCommand, leadsCommand } from './commands/lead.js';
import { qualifyCommand } from './commands/qualify.js';
import { reportCommand } from './commands/report.js';
import { serveCommand } from './commands/serve.js';
import { scoreCommand } from './commands/score.js';
import { modelCommand } from './commands/model.js';
import { identityCommand } from './commands/identity.js';
import { importCommand } from './commands/import.js';
import { initCommand } from './commands/init.js';
import { sqlCommand } from './commands/sql.js';
import { statusCommand } from './commands/status.js';
import { summaryCommand } from './commands/summary.js';
import type { CliIo } from './io.js';
import { parseOutputFormat } from './output.js';
import { chooseWorkspace, openWorkspace } from './workspace.js';

export const COMMANDS: readonly Command[] = [
  initCommand,
  demoCommand,
  importCommand,
  statusCommand,
  summaryCommand,
  identityCommand,
  definitionsCommand,
  qualifyCommand,
  contactCommand,
  scoreCommand,
  modelCommand,
  leadCommand,
  leadsCommand,
  attributionCommand,
  reportCommand,
  serveCommand,
  accessCommand,
  sqlCommand,
];

export const GLOBAL_OPTIONS: OptionSpecs = {
  engine: { type: 'string' },
  db: { type: 'string' },
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'revline — one funnel from first touch to closed revenue',
    '',
    'Usage: revline <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    '  --engine duckdb|clickhouse|chdb   engine (default duckdb; env REVLINE_ENGINE)',
    '  --db <path|url>                   database file, or ClickHouse URL (default ./revline.duckdb; env REVLINE_DB)',
    '  --format table|json|ndjson|csv    output format (default table)',
    '  -h, --help                        help for a command',
    '',
  ].join('\n');
}

function reportError(io: CliIo, error: unknown, json: boolean): number {
  const e =
    error instanceof RevlineError
      ? error
      : new RevlineError('internal', `Internal error (a bug in Revline, please report it): ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
  if (json) {
    io.stderr.write(JSON.stringify({ error: { code: e.code, message: e.message, hint: e.hint ?? null, at: e.at ?? null } }) + '\n');
  } else {
    io.stderr.write(`error [${e.code}]: ${e.describe()}\n`);
    if (e.code === 'internal' && error instanceof Error && error.stack) io.stderr.write(error.stack + '\n');
  }
  return exitCodeFor(e.code);
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  let jsonErrors = argv.includes('--format=json') || argv.join(' ').includes('--format json');
  if (!command) {
    return reportError(io, new RevlineError('usage', `Unknown command "${name}".`, { hint: `Known commands: ${COMMANDS.map((c) => c.name).join(', ')}. Run revline --help.` }), jsonErrors);
  }
  let engine: Engine | undefined;
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: [...rest], options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
    } catch (e) {
      throw new RevlineError('usage', `${(e as Error).message.replace(/\. To specify.*$/s, '')}.`, { hint: `Usage: ${command.usage}` });
    }
    const values = parsed.values as CommandContext['values'];
    if (values['help']) {
      io.stdout.write(`Usage: ${command.usage}\n\n${command.summary}\n`);
      return 0;
    }
    const format = parseOutputFormat(typeof values['format'] === 'string' ? values['format'] : undefined);
    jsonErrors = format === 'json' || format === 'ndjson';
    const workspace = chooseWorkspace(
      { engine: typeof values['engine'] === 'string' ? values['engine'] : undefined, db: typeof values['db'] === 'string' ? values['db'] : undefined },
      io,
    );
    const context: CommandContext = {
      io,
      values,
      positionals: parsed.positionals,
      format,
      openEngine: async () => {
        engine ??= await openWorkspace(workspace);
        return engine;
      },
      resolvePath: (p) => path.resolve(io.cwd, p),
    };
    return await command.run(context);
  } catch (error) {
    return reportError(io, error, jsonErrors);
  } finally {
    if (engine) await engine.close();
  }
}
