import { workspaceStatus } from '../../ingest/status.js';
import type { Command } from '../command.js';
import { printDocument, printResult, renderTable } from '../output.js';

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
          rows: status.lastImports.map((r) => [r.importId, r.entity, r.file, r.read, r.inserted, r.updated, r.unchanged, r.quarantined]),
        }),
      ].join('\n'),
    );
    return 0;
  },
};
