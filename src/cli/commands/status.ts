import { ALL_TABLES, REFERENCES } from '../../core/schema/tables.js';
import type { Engine } from '../../engine/engine.js';
import type { Command } from '../command.js';
import { printDocument, printResult, renderTable } from '../output.js';
import { countOf } from '../../engine/values.js';

export interface WorkspaceStatus {
  engine: string;
  location: string;
  tables: { table: string; rows: number }[];
  quarantine: { entity: string; file: string; rows: number }[];
  unmatched: { table: string; column: string; parent: string; rows: number }[];
  lastImports: Record<string, unknown>[];
}

export async function workspaceStatus(engine: Engine): Promise<WorkspaceStatus> {
  const q = (n: string) => engine.dialect.quoteIdentifier(n);
  const tables = [];
  for (const t of ALL_TABLES) {
    const r = await engine.query(`SELECT count(*) AS n FROM ${q(t.name)}`);
    tables.push({ table: t.name, rows: countOf(r[0]?.['n']) });
  }
  const quarantine = (await engine.query(`SELECT entity, file, count(*) AS n FROM ${q('quarantine')} GROUP BY entity, file ORDER BY entity, file`)).map((r) => ({
    entity: String(r['entity']),
    file: String(r['file']),
    rows: countOf(r['n']),
  }));
  const unmatched = [];
  for (const ref of REFERENCES) {
    const r = await engine.query(
      `SELECT count(*) AS n FROM ${q(ref.table)} WHERE ${q(ref.column)} IS NOT NULL AND ${q(ref.column)} NOT IN (SELECT ${q(ref.parentColumn)} FROM ${q(ref.parent)} WHERE ${q(ref.parentColumn)} IS NOT NULL)`,
    );
    const n = countOf(r[0]?.['n']);
    if (n > 0) unmatched.push({ table: ref.table, column: ref.column, parent: ref.parent, rows: n });
  }
  const lastImports = await engine.query(
    `SELECT import_id, entity, file, rows_read, rows_inserted, rows_updated, rows_unchanged, rows_quarantined, finished_at FROM ${q('imports')} ORDER BY started_at DESC, import_id DESC LIMIT 10`,
  );
  return { engine: engine.name, location: engine.location, tables, quarantine, unmatched, lastImports };
}

export const statusCommand: Command = {
  name: 'status',
  summary: 'rows per table, quarantined rows per file, unmatched references, recent imports',
  usage: 'revline status [--format table|json]',
  options: {},
  async run(context) {
    const engine = await context.openEngine();
    const status = await workspaceStatus(engine);
    if (context.format === 'csv' || context.format === 'ndjson') {
      printResult(context.io.stdout, context.format, { columns: ['table', 'rows'], rows: status.tables.map((t) => [t.table, t.rows]) });
      return 0;
    }
    printDocument(context.io.stdout, context.format, status, () =>
      [
        `Workspace: ${status.engine} at ${status.location}\n`,
        renderTable({ title: 'Rows per table', columns: ['table', 'rows'], rows: status.tables.map((t) => [t.table, t.rows]) }),
        renderTable({ title: 'Quarantined rows', columns: ['entity', 'file', 'rows'], rows: status.quarantine.map((x) => [x.entity, x.file, x.rows]) }),
        status.unmatched.length
          ? renderTable({
              title: 'Rows whose parent is not imported yet (they join when it is)',
              columns: ['table', 'column', 'parent', 'rows'],
              rows: status.unmatched.map((u) => [u.table, u.column, u.parent, u.rows]),
            })
          : '',
        renderTable({
          title: 'Recent imports',
          columns: ['import', 'entity', 'file', 'read', 'inserted', 'updated', 'unchanged', 'quarantined'],
          rows: status.lastImports.map((r) => [r['import_id'], r['entity'], r['file'], r['rows_read'], r['rows_inserted'], r['rows_updated'], r['rows_unchanged'], r['rows_quarantined']]),
        }),
      ].join('\n'),
    );
    return 0;
  },
};
