import type { Command } from '../command.js';
import { printDocument } from '../output.js';

export const initCommand: Command = {
  name: 'init',
  summary: 'create (or upgrade) the workspace database and show where it is',
  usage: 'revline init [--engine duckdb|clickhouse|chdb] [--db path|url]',
  options: {},
  async run(context) {
    const engine = await context.openEngine();
    const versions = await engine.query('SELECT max(version) AS version, count(*) AS migrations FROM schema_migrations');
    const doc = { engine: engine.name, location: engine.location, schemaVersion: versions[0]?.['version'] ?? null };
    printDocument(context.io.stdout, context.format, doc, () => `Workspace ready: ${engine.name} at ${engine.location} (schema version ${doc.schemaVersion}).\nNext: revline import <file> --as <entity>, or revline demo.\n`);
    return 0;
  },
};
