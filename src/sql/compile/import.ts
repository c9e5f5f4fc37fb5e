/**
 * The SQL of one import: from a staging table of raw text (`_row`, then the file's columns as
 * `c0…cN`) to normalised rows with their problems, duplicate detection, classification against the
 * target table (insert / update / unchanged) and the apply statements.
 *
 * Invariants:
 * - Every staged row lands in exactly one of: quarantined (a problem in any output, or a duplicate
 *   key superseded by a later row of the same file) or accepted; every accepted row of the primary
 *   output is exactly one of insert, update, unchanged. So `read = inserted + updated + unchanged +
 *   quarantined` holds by construction, and import.ts checks it anyway.
 * - Within one file the last row of a key wins (a later line is a later state of the record);
 *   earlier ones are quarantined as `key-duplicate`, naming the row that won.
 * - A row is compared with the stored row column by column, NULL-safe: re-importing the same file
 *   classifies every row as unchanged and writes nothing.
 */

import { RevlineError } from '../../core/errors.js';
import { storedColumns, type ColumnSpec, type TableSpec } from '../../core/schema/tables.js';
import type { Dialect } from '../dialect/dialect.js';
import { Lets, NO_PROBLEM, NormalizeCompiler, type ChannelInputsSql } from './normalize.js';

/** A mapping expression, compiled by mapping.ts into raw SQL text over staged columns. */
export interface OutputPlan {
  readonly table: TableSpec;
  /** Raw SQL (text) per canonical column that the file provides, stored or input. */
  readonly raw: ReadonlyMap<string, string>;
  /** Emit a row only when this raw SQL is non-empty (derived outputs). */
  readonly when?: string | undefined;
  /** The primary output: its rows are the file's rows. */
  readonly primary: boolean;
}


export interface AccountMatching {
  /** Domains that never identify an employer. */
  readonly freeMailDomains: readonly string[];
}

export interface ImportSqlNames {
  readonly stage: string;
  /** Normalised rows of output i. */
  normalized(i: number): string;
  /** Classified accepted rows of output i. */
  classified(i: number): string;
}

const q = (d: Dialect, name: string) => d.quoteIdentifier(name);

/** Channel inputs per table: a channel column may be derived from source/medium or a lead source. */
function channelInputs(table: TableSpec, column: ColumnSpec, raw: ReadonlyMap<string, string>): ChannelInputsSql {
  const inputs: { source?: string; medium?: string } = {};
  if (table.name === 'touchpoints' && column.name === 'channel') {
    const source = raw.get('source');
    const medium = raw.get('medium');
    if (source) inputs.source = source;
    if (medium) inputs.medium = medium;
  }
  if (table.name === 'contacts' && column.name === 'original_source') {
    const lead = raw.get('lead_source');
    if (lead) inputs.source = lead;
  }
  return inputs;
}

/**
 * Normalised rows of one output: `_row`, every stored column, `_problems` ('' when none: a `|`-joined
 * list of `column:code`).
 *
 * Derivations at import time:
 * - accounts: `domain` from `website` when absent;
 * - contacts: `contact_id` from the email when absent (their account is matched afterwards by
 *   identity.ts, which records each match so it can be explained and undone);
 * - touchpoints: `contact_id` from the email (the first-created contact with it) or from a stitched
 *   anonymous id when absent; `account_id` from the contact, else from the email's domain against
 *   account domains (free-mail domains excluded). An explicit value always wins.
 */
export function compileNormalize(d: Dialect, plan: OutputPlan, stage: string, compiler: NormalizeCompiler, matching: AccountMatching): string {
  const { table, raw } = plan;
  const problems: string[] = [];
  const valueOf = new Map<string, string>();
  const lets = new Lets(d);
  for (const column of table.columns) {
    const derivedFrom = channelInputs(table, column, raw);
    // A channel column the file does not give is still derived from its inputs (source and medium, a lead source).
    const rawSql = raw.get(column.name) ?? (Object.keys(derivedFrom).length > 0 ? `CAST(NULL AS ${d.columnType('string', true)})` : undefined);
    if (rawSql === undefined) continue;
    const compiled = compiler.column(lets, column, rawSql, derivedFrom);
    valueOf.set(column.name, compiled.value);
    if (compiled.problem !== NO_PROBLEM) {
      problems.push(`CASE WHEN (${compiled.problem}) IS NOT NULL THEN concat('${column.name}:', ${compiled.problem}) END`);
    }
  }
  if (table.name === 'accounts' && valueOf.has('website')) {
    const website = valueOf.get('website')!;
    valueOf.set('domain', valueOf.has('domain') ? `coalesce(${valueOf.get('domain')}, ${website})` : website);
  }
  if (table.name === 'contacts' && valueOf.has('email')) {
    const email = valueOf.get('email')!;
    valueOf.set('contact_id', valueOf.has('contact_id') ? `coalesce(${valueOf.get('contact_id')}, ${email})` : email);
  }

  const identityAware = table.name === 'touchpoints';
  const inner: string[] = [q(d, '_row')];
  for (const column of table.columns) {
    if (column.input) continue;
    const v = valueOf.get(column.name);
    inner.push(`${v === undefined ? `CAST(NULL AS ${d.columnType(column.type, true)})` : d.castTo(v, column.type)} AS ${q(d, column.name)}`);
  }
  // A required column that is empty (not invalid: that has its own problem) is `required-missing`.
  for (const column of storedColumns(table)) {
    if (!column.required) continue;
    const v = valueOf.get(column.name);
    const own = problems.find((p) => p.includes(`'${column.name}:'`));
    const missing = v === undefined ? 'true' : `(${v}) IS NULL`;
    problems.push(`CASE WHEN ${missing}${own ? ` AND (${own}) IS NULL` : ''} THEN '${column.name}:required-missing' END`);
  }
  inner.push(`${d.joinNonNull(problems, '|')} AS ${q(d, '_problems')}`);
  const where = plan.when ? ` WHERE ${compiler.trim(plan.when)} IS NOT NULL` : '';
  // The staged row number is text; as a number it orders (and picks the last duplicate) correctly.
  let levels = `SELECT ${[`${d.castInteger(q(d, '_row'))} AS ${q(d, '_row')}`, ...lets.levels[0]!].join(', ')} FROM ${q(d, stage)}${where}`;
  for (let level = 1; level < lets.levels.length; level++) {
    if (lets.levels[level]!.length) levels = `SELECT *, ${lets.levels[level]!.join(', ')} FROM (${levels}) l${level}`;
  }
  const innerSql = `SELECT ${inner.join(', ')} FROM (${levels}) l`;

  const stored = storedColumns(table).map((c) => c.name);
  if (!identityAware) return innerSql;

  const free = matching.freeMailDomains.map((x) => d.quoteString(x)).join(', ');
  const emailDomain = d.regexpReplaceAll('n.email', '^.*@', '');
  // One account per domain (the smallest id when several share it), never a free-mail domain.
  const domains = `SELECT domain, min(account_id) AS account_id FROM ${q(d, 'accounts')} WHERE domain IS NOT NULL AND domain NOT IN (${free}) GROUP BY domain`;
  // One contact per email: the first created (then the smallest id), the dedupe rule of identity.ts.
  const byEmail = `SELECT email, contact_id FROM (SELECT email, contact_id, row_number() OVER (PARTITION BY email ORDER BY created_at ASC NULLS LAST, contact_id ASC) AS _n FROM ${q(d, 'contacts')} WHERE email IS NOT NULL) x WHERE _n = 1`;
  const stitched = `SELECT anonymous_id, min(contact_id) AS contact_id FROM ${q(d, 'identities')} GROUP BY anonymous_id`;
  const accountOf = `SELECT contact_id, min(account_id) AS account_id FROM ${q(d, 'contacts')} GROUP BY contact_id`;
  // Two levels, so every join compares plain columns (ClickHouse wants that): first the person,
  // then the account from the person or the email domain.
  // Every column is aliased: ClickHouse names an unaliased `n.x` "n.x", not "x".
  const person = stored.map((c) => (c === 'contact_id' ? `coalesce(n.contact_id, ce.contact_id, st.contact_id) AS ${q(d, c)}` : `n.${q(d, c)} AS ${q(d, c)}`));
  const personSql = `SELECT n.${q(d, '_row')} AS ${q(d, '_row')}, ${person.join(', ')}, ${emailDomain} AS _email_domain, n._problems AS ${q(d, '_problems')}
    FROM (${innerSql}) n LEFT JOIN (${byEmail}) ce ON ce.email = n.email LEFT JOIN (${stitched}) st ON st.anonymous_id = n.anonymous_id`;
  const out = stored.map((c) => (c === 'account_id' ? `coalesce(p.account_id, ca.account_id, dm.account_id) AS ${q(d, c)}` : `p.${q(d, c)} AS ${q(d, c)}`));
  return `SELECT p.${q(d, '_row')} AS ${q(d, '_row')}, ${out.join(', ')}, p._problems AS ${q(d, '_problems')}
    FROM (${personSql}) p LEFT JOIN (${accountOf}) ca ON ca.contact_id = p.contact_id LEFT JOIN (${domains}) dm ON dm.domain = p._email_domain`;
}

/**
 * Accepted rows of an output, classified against the target table: `_action` is insert, update or
 * unchanged; `_superseded_by` is set on duplicates of the primary output (then `_action` is NULL).
 */
export function compileClassify(d: Dialect, plan: OutputPlan, normalized: string, badRows: string): string {
  const { table } = plan;
  const key = table.key;
  const cols = storedColumns(table).map((c) => c.name);
  // A contact file without an account leaves a recorded (active) account match standing: the
  // match is the stored value's origin, so the row is unchanged, not an update to "no account".
  const matched = table.name === 'contacts';
  const value = (c: string) => (matched && c === 'account_id' ? `coalesce(n.${q(d, c)}, am.to_id)` : `n.${q(d, c)}`);
  const accountMatches = matched
    ? ` LEFT JOIN (SELECT from_id, min(to_id) AS to_id FROM ${q(d, 'identity_merges')} WHERE kind = 'account_match' AND undone_at IS NULL GROUP BY from_id) am ON am.from_id = n.${q(d, 'contact_id')}`
    : '';
  const good = `SELECT n.${q(d, '_row')} AS ${q(d, '_row')}, ${cols.map((c) => `${value(c)} AS ${q(d, c)}`).join(', ')} FROM ${q(d, normalized)} n${accountMatches} WHERE n.${q(d, '_row')} NOT IN (SELECT ${q(d, '_row')} FROM ${q(d, badRows)})`;
  // Keys seen more than once in the file, with the row that wins (the last): a hash aggregate,
  // usually empty, instead of a window sort over every row.
  const keys = key.map((k) => q(d, k)).join(', ');
  const duplicates = `SELECT ${keys}, max(${q(d, '_row')}) AS _winner FROM (${good}) g GROUP BY ${keys} HAVING count(*) > 1`;
  const on = (a: string, b: string) => key.map((k) => `${a}.${q(d, k)} = ${b}.${q(d, k)}`).join(' AND ');
  const superseded = `(w._winner IS NOT NULL AND r.${q(d, '_row')} <> w._winner)`;
  const same = cols.map((c) => `(r.${q(d, c)} = t.${q(d, c)} OR (r.${q(d, c)} IS NULL AND t.${q(d, c)} IS NULL))`).join(' AND ');
  return `SELECT r.${q(d, '_row')} AS ${q(d, '_row')}, ${cols.map((c) => `r.${q(d, c)} AS ${q(d, c)}`).join(', ')},
    CASE WHEN ${superseded} THEN NULL WHEN t.${q(d, key[0]!)} IS NULL THEN 'insert' WHEN ${same} THEN 'unchanged' ELSE 'update' END AS ${q(d, '_action')},
    CASE WHEN ${superseded} THEN w._winner END AS ${q(d, '_superseded_by')}
    FROM (${good}) r
    LEFT JOIN (${duplicates}) w ON ${on('r', 'w')}
    LEFT JOIN ${q(d, table.name)} t ON ${on('r', 't')}`;
}

/**
 * Statements that apply the classified rows: delete the updated keys, insert inserts and updates,
 * in the table's storage order (account, then time) where the engine does not sort by itself.
 */
export function compileApply(d: Dialect, table: TableSpec, classified: string): string[] {
  const cols = storedColumns(table).map((c) => q(d, c.name)).join(', ');
  const key = table.key.map((k) => q(d, k));
  return [
    d.deleteWhereKeyIn(table.name, table.key, `SELECT ${key.join(', ')} FROM ${q(d, classified)} WHERE ${q(d, '_action')} = 'update'`),
    `INSERT INTO ${q(d, table.name)} (${cols}) SELECT ${cols} FROM ${q(d, classified)} WHERE ${q(d, '_action')} IN ('insert', 'update')${
      d.sortsOnInsert ? '' : ` ORDER BY ${table.orderBy.map((c) => `${q(d, c)} NULLS LAST`).join(', ')}`
    }`,
  ];
}

export function checkPlan(plan: OutputPlan): void {
  for (const k of plan.table.key) {
    const derivable = (plan.table.name === 'contacts' && k === 'contact_id' && plan.raw.has('email'));
    if (!plan.raw.has(k) && !derivable) {
      throw new RevlineError('mapping-invalid', `The mapping gives no "${k}" for ${plan.table.name}, and it is part of the key.`, {
        hint: `Map a file column to ${k} (in the file header or with --mapping).`,
      });
    }
  }
}
