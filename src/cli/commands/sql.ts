import { RevlineError } from '../../core/errors.js';
import type { Command } from '../command.js';
import { printResult } from '../output.js';

/** Statements a read-only query may start with. */
const READ_ONLY_START = /^\s*(select|with|from|values|describe|show|explain|summarize|table)\b/i;

/**
 * One statement, starting with a read-only keyword, with no `;` outside quotes before the end.
 * The engine is also asked to refuse writes where it can (see Engine implementations).
 */
export function checkReadOnly(query: string): string {
  const text = query.trim().replace(/;\s*$/, '');
  const withoutStrings = text.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"/g, "''");
  if (!READ_ONLY_START.test(text) || withoutStrings.includes(';') || /\b(insert|update|delete|drop|create|alter|attach|copy|install|load|pragma|set|truncate)\b/i.test(withoutStrings.replace(/^\s*\w+/, ''))) {
    throw new RevlineError('query-not-read-only', 'revline sql runs one read-only query (SELECT, WITH, DESCRIBE, SHOW, EXPLAIN, SUMMARIZE).', {
      hint: 'To change data, import files with `revline import`.',
    });
  }
  return text;
}

export const sqlCommand: Command = {
  name: 'sql',
  summary: 'run a read-only SQL query against the workspace (for power users)',
  usage: 'revline sql "<query>" [--format table|json|ndjson|csv]',
  options: {},
  async run(context) {
    const query = context.positionals.join(' ');
    if (!query.trim()) throw new RevlineError('usage', 'revline sql needs a query.', { hint: 'revline sql "SELECT channel, count(*) FROM touchpoints GROUP BY 1"' });
    const text = checkReadOnly(query);
    const engine = await context.openEngine();
    const rows = await engine.query(text);
    const columns = rows.length > 0 ? Object.keys(rows[0]!) : [];
    printResult(context.io.stdout, context.format, { columns, rows: rows.map((r) => columns.map((c) => r[c])) });
    return 0;
  },
};
