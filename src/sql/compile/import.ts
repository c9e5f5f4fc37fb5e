/**
 * The SQL of one import, fused so that each row is written once before it reaches its table:
 *
 *   chunk of CSV ──(one statement per chunk: parse + normalise)──► normalised rows
 *   normalised rows ──► problems of every output (`bad`, small) and exceptions (small):
 *                       rows superseded by a later duplicate, rows whose key is already stored;
 *                       ids derived from stored rows for the rows that lack them (small)
 *   normalised rows − bad − unchanged − superseded ──(sorted)──► the target table
 *
 * The raw text of a row travels with it only when it has a problem (`_raw_cells`); a clean row
 * superseded by a later duplicate is read again from the file (import.ts), which is rare.
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
 * - Nothing here copies every row more than once: the exceptions hold only superseded rows and rows
 *   whose key is stored, and hold only their key (a first import's exceptions are empty).
 */

import { RevlineError, internalError } from '../../core/errors.js';
import { storedColumns, type ColumnSpec, type TableSpec } from '../../core/schema/tables.js';
import type { Dialect } from '../dialect/dialect.js';
import { Lets, NO_PROBLEM, NormalizeCompiler, type ChannelInputsSql } from './normalize.js';

/** A mapping expression, compiled by mapping.ts into raw SQL text over staged columns. */
export interface OutputPlan {
  readonly table: TableSpec;
  /** Raw SQL (text) per canonical column that the file provides, stored or input. */
  readonly raw: ReadonlyMap<string, string>;
  /**
   * Named intermediate values the raw SQL reads (ingest/mappings/sql.ts `MappingLets`), in levels
   * computed before normalisation's: level n reads staged columns and names of lower levels.
   */
  readonly rawLevels?: readonly (readonly string[])[] | undefined;
  /** Emit a row only when this raw SQL is non-empty (derived outputs). */
  readonly when?: string | undefined;
  /** The primary output: its rows are the file's rows. */
  readonly primary: boolean;
}


export interface AccountMatching {
  /** Domains that never identify an employer. */
  readonly freeMailDomains: readonly string[];
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

/** Whether an output derives ids after normalising (touchpoints without a person or account). */
export function derivesIds(plan: OutputPlan): boolean {
  return plan.table.name === 'touchpoints';
}

/**
 * The ids of touchpoints that lack them, derived from what is stored: `contact_id` from the email
 * (the first-created contact with it: the dedupe rule of identity.ts) or from a stitched anonymous
 * id; `account_id` from the contact, else from the email's domain against account domains (the
 * smallest account id when several share one; free-mail domains never). An explicit value always
 * wins. Only rows that lack a value are joined, and only rows that gained one are kept: `_row`,
 * `contact_id`, `account_id` — usually few, so the normalised rows are never rewritten.
 */
export function compileDerivedIds(d: Dialect, normalized: string, matching: AccountMatching): string {
  const free = matching.freeMailDomains.map((x) => d.quoteString(x)).join(', ');
  const byEmail = `SELECT email, contact_id FROM (SELECT email, contact_id, row_number() OVER (PARTITION BY email ORDER BY created_at ASC NULLS LAST, contact_id ASC) AS _n FROM ${q(d, 'contacts')} WHERE email IS NOT NULL) x WHERE _n = 1`;
  const stitched = `SELECT anonymous_id, min(contact_id) AS contact_id FROM ${q(d, 'identities')} GROUP BY anonymous_id`;
  const accountOf = `SELECT contact_id, min(account_id) AS account_id FROM ${q(d, 'contacts')} GROUP BY contact_id`;
  const domains = `SELECT domain, min(account_id) AS account_id FROM ${q(d, 'accounts')} WHERE domain IS NOT NULL AND domain NOT IN (${free}) GROUP BY domain`;
  // Two levels, so every join compares plain columns (ClickHouse wants that): first the person,
  // then the account from the person or the email domain. Every column is aliased: ClickHouse
  // names an unaliased `n.x` "n.x", not "x".
  const lacking = `SELECT _row, contact_id, account_id, email, anonymous_id FROM ${normalized} WHERE contact_id IS NULL OR account_id IS NULL`;
  const person = `SELECT n._row AS _row, n.contact_id AS _given_contact, n.account_id AS _given_account, coalesce(n.contact_id, ce.contact_id, st.contact_id) AS contact_id,
      ${d.regexpReplaceAll('n.email', '^.*@', '')} AS _email_domain
    FROM (${lacking}) n LEFT JOIN (${byEmail}) ce ON ce.email = n.email LEFT JOIN (${stitched}) st ON st.anonymous_id = n.anonymous_id`;
  const derived = `SELECT p._row AS _row, p._given_contact AS _given_contact, p._given_account AS _given_account, p.contact_id AS contact_id,
      coalesce(p._given_account, ca.account_id, dm.account_id) AS account_id
    FROM (${person}) p LEFT JOIN (${accountOf}) ca ON ca.contact_id = p.contact_id LEFT JOIN (${domains}) dm ON dm.domain = p._email_domain`;
  return `SELECT _row, contact_id, account_id FROM (${derived}) x
    WHERE (_given_contact IS NULL AND contact_id IS NOT NULL) OR (_given_account IS NULL AND account_id IS NOT NULL)`;
}

/** A channel column whose value was `other`, with the raw inputs it was mapped from (for the summary). */
export interface OtherChannelLabel {
  readonly column: string;
  /** Name of the normalised rows' column holding the inputs, joined by ' / ', where the value is `other`. */
  readonly labelColumn: string;
  readonly inputs: readonly string[];
}

export function otherChannelLabels(plan: OutputPlan): OtherChannelLabel[] {
  const labels: OtherChannelLabel[] = [];
  for (const column of plan.table.columns.filter((c) => c.normalize === 'channel' && !c.input)) {
    const derivedFrom = channelInputs(plan.table, column, plan.raw);
    const inputs = [plan.raw.get(column.name), derivedFrom.source, derivedFrom.medium].filter((x): x is string => x !== undefined);
    if (inputs.length > 0) labels.push({ column: column.name, labelColumn: `_other_${column.name}`, inputs });
  }
  return labels;
}

/** The packed raw cells of a normalised row with a problem (see {@link compileNormalize}). */
export const RAW_CELLS = '_raw_cells';

/**
 * Normalised rows of one output, read from `source` (a relation of staged text columns: `_row`,
 * then `stagedColumns`). Columns: `_row`, every stored column, `_problems` ('' when none: a
 * `|`-joined list of `column:code`), `_raw_cells` (the staged cells as `Dialect.packTexts`, only
 * when there is a problem: quarantine needs the row as it was) and, per channel column, the raw
 * inputs of a value mapped to `other` (see {@link otherChannelLabels}).
 *
 * Derivations from the row itself:
 * - accounts: `domain` from `website` when absent;
 * - contacts: `contact_id` from the email when absent (their account is matched afterwards by
 *   identity.ts, which records each match so it can be explained and undone).
 * Touchpoints derive ids from stored rows afterwards ({@link compileDerivedIds}): a join per chunk
 * let DuckDB build its hash table on the chunk (every row, every column) instead of the lookup.
 */
export function compileNormalize(
  d: Dialect,
  plan: OutputPlan,
  source: string,
  stagedColumns: readonly string[],
  compiler: NormalizeCompiler,
): string {
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

  const staged = stagedColumns.map((c) => q(d, c));
  const stored = storedColumns(table).map((c) => c.name);
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
  // The staged cells ride along to the last level, which keeps them only for rows with a problem.
  inner.push(...staged);
  // So do the inputs of channel labels, as they are (they may read named mapping values): joined
  // only for the rows whose channel is `other`.
  const labelled = otherChannelLabels(plan);
  const labelInputs = labelled.map((l, i) => l.inputs.map((input, j) => {
    const name = `_label_input_${i}_${j}`;
    inner.push(`${input} AS ${q(d, name)}`);
    return q(d, name);
  }));
  const where = plan.when ? ` WHERE ${compiler.trim(plan.when)} IS NOT NULL` : '';
  // Mapping levels first, then normalisation's; each level selects from the one below it.
  const stacked = [...(plan.rawLevels ?? []), ...lets.levels].filter((l) => l.length > 0);
  // The staged row number is text; as a number it orders (and picks the last duplicate) correctly.
  let levels = `SELECT ${[`${d.castInteger(q(d, '_row'))} AS ${q(d, '_row')}`, ...staged, ...(stacked[0] ?? [])].join(', ')} FROM ${source}${where}`;
  for (let level = 1; level < stacked.length; level++) levels = `SELECT *, ${stacked[level]!.join(', ')} FROM (${levels}) l${level}`;
  const normalized = `SELECT ${inner.join(', ')} FROM (${levels}) l`;

  const labels = labelled.map((l, i) => `CASE WHEN ${q(d, l.column)} = 'other' THEN ${d.joinNonNull(labelInputs[i]!, ' / ')} END AS ${q(d, l.labelColumn)}`);
  return `SELECT ${[q(d, '_row'), ...stored.map((c) => q(d, c)), q(d, '_problems'), `CASE WHEN _problems <> '' THEN ${d.packTexts(staged)} END AS ${q(d, RAW_CELLS)}`, ...labels].join(', ')}
    FROM (${normalized}) f`;
}

/** Names of one output's scratch tables. */
export interface OutputTables {
  /** Normalised rows (compileNormalize). */
  readonly normalized: string;
  /** Rows with a problem in any output: `_row`, `_output`, `_problems`, `_raw_cells`. */
  readonly bad: string;
  /** This output's exceptions (compileExceptions). */
  readonly exceptions: string;
  /** Ids derived for rows that lack them (compileDerivedIds), when the output derives ids. */
  readonly derived?: string | undefined;
}

/**
 * The accepted rows of an output: normalised, without a problem in any output, as they would be
 * stored: with their derived ids, and a contact without an account keeps its recorded account
 * match (see below).
 */
function compileAccepted(d: Dialect, table: TableSpec, tables: OutputTables): string {
  const cols = storedColumns(table).map((c) => c.name);
  // A contact file without an account leaves a recorded (active) account match standing: the
  // match is the stored value's origin, so the row is unchanged, not an update to "no account".
  const matched = table.name === 'contacts';
  const derived = tables.derived !== undefined;
  const value = (c: string) =>
    matched && c === 'account_id'
      ? `coalesce(n.${q(d, c)}, am.to_id)`
      : derived && (c === 'contact_id' || c === 'account_id')
        ? `coalesce(n.${q(d, c)}, dv.${q(d, c)})`
        : `n.${q(d, c)}`;
  const accountMatches = matched
    ? ` LEFT JOIN (SELECT from_id, min(to_id) AS to_id FROM ${q(d, 'identity_merges')} WHERE kind = 'account_match' AND undone_at IS NULL GROUP BY from_id) am ON am.from_id = n.${q(d, 'contact_id')}`
    : '';
  const derivedIds = derived ? ` LEFT JOIN ${tables.derived} dv ON dv.${q(d, '_row')} = n.${q(d, '_row')}` : '';
  return `SELECT n.${q(d, '_row')} AS ${q(d, '_row')}, ${cols.map((c) => `${value(c)} AS ${q(d, c)}`).join(', ')} FROM ${tables.normalized} n${accountMatches}${derivedIds} WHERE n.${q(d, '_row')} NOT IN (SELECT ${q(d, '_row')} FROM ${tables.bad})`;
}

/**
 * The exceptions of an output: accepted rows that are not plain inserts, by `_row` and key.
 * `_action` is 'update' or 'unchanged' for a key already stored; NULL, with `_superseded_by` set,
 * for a duplicate superseded by a later row of the file. Every other accepted row is an insert, so
 * a first import (nothing stored, no duplicates) has no exceptions at all.
 */
export function compileExceptions(d: Dialect, table: TableSpec, tables: OutputTables): string {
  const key = table.key;
  const cols = storedColumns(table).map((c) => c.name);
  const accepted = compileAccepted(d, table, tables);
  // Keys seen more than once in the file, with the row that wins (the last): a hash aggregate,
  // usually empty, instead of a window sort over every row.
  const keys = key.map((k) => q(d, k)).join(', ');
  const duplicates = `SELECT ${keys}, max(${q(d, '_row')}) AS _winner FROM (${accepted}) g GROUP BY ${keys} HAVING count(*) > 1`;
  const on = (a: string, b: string) => key.map((k) => `${a}.${q(d, k)} = ${b}.${q(d, k)}`).join(' AND ');
  const superseded = `(w._winner IS NOT NULL AND r.${q(d, '_row')} <> w._winner)`;
  const same = cols.map((c) => `(r.${q(d, c)} = t.${q(d, c)} OR (r.${q(d, c)} IS NULL AND t.${q(d, c)} IS NULL))`).join(' AND ');
  return `SELECT r.${q(d, '_row')} AS ${q(d, '_row')}, ${key.map((k) => `r.${q(d, k)} AS ${q(d, k)}`).join(', ')},
    CASE WHEN ${superseded} THEN NULL WHEN ${same} THEN 'unchanged' ELSE 'update' END AS ${q(d, '_action')},
    CASE WHEN ${superseded} THEN w._winner END AS ${q(d, '_superseded_by')}
    FROM (${accepted}) r
    LEFT JOIN (${duplicates}) w ON ${on('r', 'w')}
    LEFT JOIN ${q(d, table.name)} t ON ${on('r', 't')}
    WHERE ${superseded} OR t.${q(d, key[0]!)} IS NOT NULL`;
}

/**
 * The rows an output writes (inserts and updates): accepted rows that are not unchanged and not
 * superseded. `_row` and every stored column. Identity resolution reads the new touches from here.
 */
export function compileWritten(d: Dialect, table: TableSpec, tables: OutputTables): string {
  return `SELECT * FROM (${compileAccepted(d, table, tables)}) r WHERE r.${q(d, '_row')} NOT IN (SELECT ${q(d, '_row')} FROM ${tables.exceptions} WHERE ${q(d, '_action')} IS NULL OR ${q(d, '_action')} = 'unchanged')`;
}

/** The accepted rows that are not superseded: every row counted as inserted, updated or unchanged. */
export function compileCounted(d: Dialect, table: TableSpec, tables: OutputTables): string {
  return `SELECT * FROM (${compileAccepted(d, table, tables)}) r WHERE r.${q(d, '_row')} NOT IN (SELECT ${q(d, '_row')} FROM ${tables.exceptions} WHERE ${q(d, '_action')} IS NULL)`;
}

/** A contact's account, for touches resolved to the contact: the smallest of its accounts. */
export function compileResolvedAccounts(d: Dialect): string {
  return `SELECT contact_id, min(account_id) AS account_id FROM ${q(d, 'contacts')} WHERE account_id IS NOT NULL GROUP BY contact_id`;
}

/**
 * Statements that apply an output: delete the updated keys, insert inserts and updates, in the
 * table's storage order (account, then time) where the engine does not sort by itself.
 *
 * `stitches` (touchpoints only): new stitches prepared from these very rows (ingest/identity.ts
 * `prepareStitches`: `anonymous_id` → `contact_id`). A row without a person whose anonymous id is
 * among them is inserted as the person's, with the person's account when it has none — exactly
 * the rewrite identity resolution made after inserting it anonymous.
 */
export function compileApply(d: Dialect, table: TableSpec, tables: OutputTables, stitches?: string): string[] {
  const cols = storedColumns(table).map((c) => q(d, c.name)).join(', ');
  const key = table.key.map((k) => q(d, k));
  let rows = compileWritten(d, table, tables);
  if (stitches !== undefined) {
    const value = (c: string) =>
      c === 'contact_id'
        ? 'CASE WHEN t.contact_id IS NULL THEN st.contact_id ELSE t.contact_id END'
        : c === 'account_id'
          ? 'CASE WHEN t.contact_id IS NULL AND st.contact_id IS NOT NULL THEN coalesce(t.account_id, sa.account_id) ELSE t.account_id END'
          : `t.${q(d, c)}`;
    rows = `SELECT ${storedColumns(table).map((c) => `${value(c.name)} AS ${q(d, c.name)}`).join(', ')} FROM (${rows}) t
      LEFT JOIN ${stitches} st ON st.anonymous_id = t.anonymous_id
      LEFT JOIN (${compileResolvedAccounts(d)}) sa ON sa.contact_id = st.contact_id`;
  }
  return [
    d.deleteWhereKeyIn(table.name, table.key, `SELECT ${key.join(', ')} FROM ${tables.exceptions} WHERE ${q(d, '_action')} = 'update'`),
    `INSERT INTO ${q(d, table.name)} (${cols}) SELECT ${cols} FROM (${rows}) w${
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
