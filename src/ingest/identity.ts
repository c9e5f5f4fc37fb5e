/**
 * Identity resolution: who is who, recorded so every decision can be explained and undone.
 *
 * Decisions (each one a row of `identity_merges`, kind in parentheses):
 * - (stitch) an anonymous id seen on a touch together with a known person — a form fill with an
 *   email, or an identify call carrying both ids — belongs to that person: an `identities` row, and
 *   every earlier anonymous touch of that id becomes the person's (and their account's).
 * - (dedupe) contacts sharing one normalised email are one person: the first created (then the
 *   smallest id) is canonical, the others point to it.
 * - (account_match) a contact without an account belongs to the account whose domain is the
 *   contact's email domain; free-mail domains never match; an explicit account id always wins.
 *
 * Invariants:
 * - Idempotent: resolving twice decides nothing new.
 * - A decision that was undone (`revline identity undo`) is never made again automatically.
 * - Rows are rewritten by key (delete + insert of the new version), the same way on every engine.
 */

import type { Clock } from '../core/clock.js';
import { RevlineError } from '../core/errors.js';
import { storedColumns, tableByName, type TableSpec } from '../core/schema/tables.js';
import type { Engine, Row } from '../engine/engine.js';
import type { Dialect } from '../sql/dialect/dialect.js';
import { inStrings, param, raw, sql } from '../sql/fragment.js';
import { countOf } from '../engine/values.js';
import { compileMarkJourneysStale } from '../sql/compile/journeys.js';
import { compileResolvedAccounts } from '../sql/compile/import.js';

export interface IdentityOptions {
  readonly importId?: string | undefined;
  readonly clock: Clock;
  readonly freeMailDomains: readonly string[];
  /**
   * What the import changed, so resolution looks only where a decision can be new: `touchpoints`
   * (with the stitches of this import's inserted and updated touches, prepared before they were
   * inserted: see {@link prepareStitches}) or `people` (contacts or accounts changed: every rule
   * runs). Default `people`.
   */
  readonly scope?: { readonly kind: 'people' } | { readonly kind: 'touchpoints'; readonly stitches: PreparedStitches } | undefined;
}

/**
 * New stitches (anonymous id → contact) shown by a set of touches, in a scratch table that the
 * caller drops ({@link dropStitches}): `anonymous_id`, `contact_id`, `identified_at`, `by_form`, and
 * `anonymous_touches`, how many of those touches of the id have no person.
 *
 * An import prepares them from its normalised touches *before* inserting them, and inserts the
 * file's own anonymous touches of a newly stitched id already resolved (the person, and the
 * person's account where the touch has none): the same rows identity's rewrite made afterwards,
 * without inserting half a million touches anonymous and rewriting them (sql/compile/import.ts
 * `compileApply`). `resolvedOnInsert` says how many touches that resolved, so `touchesResolved`
 * is counted as before.
 */
export interface PreparedStitches {
  /** The scratch table's quoted name. */
  readonly table: string;
  readonly name: string;
  readonly count: number;
  /** Touches of the prepared set without a person whose id is stitched: resolved on insert. */
  readonly resolvedOnInsert: number;
}

export async function prepareStitches(engine: Engine, touches: string): Promise<PreparedStitches> {
  const d = engine.dialect;
  const q = (n: string) => d.quoteIdentifier(n);
  const known = 't.contact_id IS NOT NULL';
  const stitchSource = `SELECT t.anonymous_id AS anonymous_id, min(t.contact_id) AS contact_id, min(CASE WHEN ${known} THEN t.occurred_at END) AS identified_at,
       max(CASE WHEN ${known} AND t.touch_type = 'form_fill' THEN 1 ELSE 0 END) AS by_form,
       sum(CASE WHEN ${known} THEN 0 ELSE 1 END) AS anonymous_touches
     FROM ${touches} t
     WHERE t.anonymous_id IS NOT NULL
     GROUP BY t.anonymous_id
     HAVING count(t.contact_id) > 0`;
  const newStitches = `SELECT s.anonymous_id AS anonymous_id, s.contact_id AS contact_id, s.identified_at AS identified_at, s.by_form AS by_form, s.anonymous_touches AS anonymous_touches FROM (${stitchSource}) s
     LEFT JOIN (SELECT anonymous_id, 1 AS seen FROM ${q('identities')} GROUP BY anonymous_id) i ON i.anonymous_id = s.anonymous_id
     LEFT JOIN (${undone(d, 'stitch')}) u ON u.from_id = s.anonymous_id AND u.to_id = s.contact_id
     WHERE i.seen IS NULL AND u.from_id IS NULL`;
  const name = scratchName('stitches');
  await engine.exec(d.createTableAs(name, newStitches));
  const [row] = await engine.query(`SELECT count(*) AS n, sum(anonymous_touches) AS a FROM ${d.scratchTable(name)}`);
  return { table: d.scratchTable(name), name, count: countOf(row?.['n']), resolvedOnInsert: countOf(row?.['a'] ?? 0) };
}

export async function dropStitches(engine: Engine, stitches: PreparedStitches): Promise<void> {
  await engine.exec(engine.dialect.dropScratchTable(stitches.name));
}

export interface IdentitySummary {
  /** New anonymous id → contact stitches. */
  readonly stitched: number;
  /** Touches that became a known person's (or an account's) by those stitches or matches. */
  readonly touchesResolved: number;
  /** New duplicate contacts pointed at their canonical contact. */
  readonly deduplicated: number;
  /** Contacts newly matched to an account by email domain. */
  readonly accountsMatched: number;
}

let scratchSequence = 0;
function scratchName(prefix: string): string {
  scratchSequence = (scratchSequence + 1) % 1_000_000;
  return `_${prefix}_${process.pid}_${scratchSequence}`;
}

/**
 * Replace rows of `table` by the rows `selectSql` yields (same stored columns, same keys): the
 * new version of each row. Returns how many rows were replaced.
 */
export async function replaceRows(engine: Engine, table: TableSpec, selectSql: string): Promise<number> {
  const d = engine.dialect;
  const scratch = scratchName('rewrite');
  const cols = storedColumns(table).map((c) => d.quoteIdentifier(c.name)).join(', ');
  const key = table.key.map((k) => d.quoteIdentifier(k));
  try {
    await engine.exec(d.createTableAs(scratch, selectSql));
    const n = countOf((await engine.query(`SELECT count(*) AS n FROM ${d.scratchTable(scratch)}`))[0]?.['n']);
    if (n === 0) return 0;
    await engine.transaction([
      d.deleteWhereKeyIn(table.name, table.key, `SELECT ${key.join(', ')} FROM ${d.scratchTable(scratch)}`),
      `INSERT INTO ${d.quoteIdentifier(table.name)} (${cols}) SELECT ${cols} FROM ${d.scratchTable(scratch)}`,
    ]);
    return n;
  } finally {
    await engine.exec(d.dropScratchTable(scratch));
  }
}

function merges(d: Dialect): string {
  return d.quoteIdentifier('identity_merges');
}

/** Insert merges from a SELECT of (kind, from_id, to_id, rule), skipping pairs decided before (active or undone). */
async function recordMerges(engine: Engine, select: string, options: IdentityOptions): Promise<number> {
  const d = engine.dialect;
  const scratch = scratchName('merges');
  try {
    await engine.exec(
      d.createTableAs(
        scratch,
        `SELECT s.kind AS kind, s.from_id AS from_id, s.to_id AS to_id, s.rule AS rule FROM (${select}) s
         LEFT JOIN (SELECT kind, from_id, to_id, 1 AS seen FROM ${merges(d)} GROUP BY kind, from_id, to_id) m
           ON m.kind = s.kind AND m.from_id = s.from_id AND m.to_id = s.to_id
         WHERE m.seen IS NULL`,
      ),
    );
    const n = countOf((await engine.query(`SELECT count(*) AS n FROM ${d.scratchTable(scratch)}`))[0]?.['n']);
    if (n === 0) return 0;
    // All in SQL: a large import can decide tens of thousands of stitches at once.
    const importId = options.importId === undefined ? `CAST(NULL AS ${d.columnType('string', true)})` : d.quoteString(options.importId);
    const decidedAt = d.epochMicrosToTimestamp(String(options.clock.now() * 1000));
    await engine.exec(
      `INSERT INTO ${merges(d)} (merge_id, kind, from_id, to_id, rule, import_id, decided_at)
       SELECT concat(kind, ':', from_id, '>', to_id), kind, from_id, to_id, rule, ${importId}, ${decidedAt} FROM ${d.scratchTable(scratch)}`,
    );
    return n;
  } finally {
    await engine.exec(d.dropScratchTable(scratch));
  }
}

/** Pairs (from, to) of a kind that were undone: never decided again automatically. */
function undone(d: Dialect, kind: string): string {
  return `SELECT from_id, to_id FROM ${merges(d)} WHERE kind = ${d.quoteString(kind)} AND undone_at IS NOT NULL`;
}

export async function resolveIdentities(engine: Engine, options: IdentityOptions): Promise<IdentitySummary> {
  const d = engine.dialect;
  const q = (n: string) => d.quoteIdentifier(n);
  const free = options.freeMailDomains.map((x) => d.quoteString(x)).join(', ');

  const scope = options.scope ?? { kind: 'people' };
  const people = scope.kind === 'people';
  let deduplicated = 0;
  let accountsMatched = 0;
  let stitched = 0;
  let touchesResolved = 0;
  if (people) {
  // 1. Dedupe: contacts sharing an email point at the first created.
  deduplicated = await recordMerges(
    engine,
    `SELECT 'dedupe' AS kind, c.contact_id AS from_id, k.contact_id AS to_id, concat('same email ', c.email) AS rule
     FROM ${q('contacts')} c
     JOIN (SELECT email, contact_id FROM (SELECT email, contact_id, row_number() OVER (PARTITION BY email ORDER BY created_at ASC NULLS LAST, contact_id ASC) AS _n FROM ${q('contacts')} WHERE email IS NOT NULL) x WHERE _n = 1) k
       ON k.email = c.email
     WHERE c.contact_id <> k.contact_id`,
    options,
  );

  // 2. Account match: contacts without an account, by email domain, unless undone before.
  const candidates = `SELECT c.contact_id AS contact_id, a.account_id AS account_id, a.domain AS domain
     FROM ${q('contacts')} c
     JOIN (SELECT domain, min(account_id) AS account_id FROM ${q('accounts')} WHERE domain IS NOT NULL AND domain NOT IN (${free}) GROUP BY domain) a
       ON a.domain = ${d.regexpReplaceAll('c.email', '^.*@', '')}
     LEFT JOIN (${undone(d, 'account_match')}) u ON u.from_id = c.contact_id AND u.to_id = a.account_id
     WHERE c.account_id IS NULL AND c.email IS NOT NULL AND u.from_id IS NULL`;
  accountsMatched = await recordMerges(
    engine,
    `SELECT 'account_match' AS kind, contact_id AS from_id, account_id AS to_id, concat('email domain ', domain, ' is the account domain') AS rule FROM (${candidates}) x`,
    options,
  );
  const contacts = tableByName('contacts')!;
  const contactCols = storedColumns(contacts).map((c) => (c.name === 'account_id' ? `m.account_id AS ${q('account_id')}` : `c.${q(c.name)} AS ${q(c.name)}`));
  await replaceRows(
    engine,
    contacts,
    `SELECT ${contactCols.join(', ')} FROM ${q('contacts')} c JOIN (${candidates}) m ON m.contact_id = c.contact_id`,
  );
  }

  // 3. Stitch: an anonymous id seen with a known person (after a touchpoints import, only this
  // import's new and changed touches can show a new pair; the import prepared them).
  const touchpoints = tableByName('touchpoints')!;
  const touchColumns = (contact: string, account: string) =>
    storedColumns(touchpoints)
      .map((c) => (c.name === 'contact_id' ? `${contact} AS ${q(c.name)}` : c.name === 'account_id' ? `${account} AS ${q(c.name)}` : `t.${q(c.name)} AS ${q(c.name)}`))
      .join(', ');
  const prepared = scope.kind === 'touchpoints' ? scope.stitches : await prepareStitches(engine, q('touchpoints'));
  try {
    stitched = prepared.count;
    if (stitched > 0) {
      await engine.exec(
        `INSERT INTO ${q('identities')} (anonymous_id, contact_id, method, identified_at)
         SELECT anonymous_id, contact_id, CASE WHEN by_form = 1 THEN 'form_fill' ELSE 'identify' END, identified_at FROM ${prepared.table}`,
      );
      await recordMerges(
        engine,
        `SELECT 'stitch' AS kind, anonymous_id AS from_id, contact_id AS to_id,
           CASE WHEN by_form = 1 THEN 'form fill by the contact' ELSE 'a touch carrying both ids' END AS rule
         FROM ${prepared.table}`,
        options,
      );
    }
    // 4. Earlier anonymous touches of a newly stitched id become the person's (and the account's);
    // an import's own touches were inserted resolved.
    if (stitched > 0) {
      if (scope.kind === 'touchpoints') touchesResolved += prepared.resolvedOnInsert;
      touchesResolved += await replaceRows(
        engine,
        touchpoints,
        `SELECT ${touchColumns('i.contact_id', 'coalesce(t.account_id, ca.account_id)')} FROM ${q('touchpoints')} t
         JOIN ${prepared.table} i ON i.anonymous_id = t.anonymous_id
         LEFT JOIN (${compileResolvedAccounts(d)}) ca ON ca.contact_id = i.contact_id
         WHERE t.contact_id IS NULL`,
      );
    }
  } finally {
    if (scope.kind !== 'touchpoints') await dropStitches(engine, prepared);
  }
  // 5. After contacts or accounts change, touches without an account take their person's.
  if (people) {
    touchesResolved += await replaceRows(
      engine,
      touchpoints,
      `SELECT ${touchColumns('t.contact_id', 'ca.account_id')} FROM ${q('touchpoints')} t
       JOIN (${compileResolvedAccounts(d)}) ca ON ca.contact_id = t.contact_id
       WHERE t.account_id IS NULL`,
    );
  }

  return { stitched, touchesResolved, deduplicated, accountsMatched };
}

export interface IdentityExplanation {
  readonly query: string;
  readonly contacts: readonly Row[];
  readonly canonicalContactId: string | null;
  readonly anonymousIds: readonly Row[];
  readonly merges: readonly Row[];
  readonly touches: { readonly known: number; readonly stitched: number };
}

/** Everything identity decided about a person given by email or contact id. */
export async function explainIdentity(engine: Engine, emailOrId: string): Promise<IdentityExplanation> {
  const d = engine.dialect;
  const q = (n: string) => d.quoteIdentifier(n);
  const needle = emailOrId.includes('@') ? emailOrId.trim().toLowerCase() : emailOrId.trim();
  const contacts = await engine.query(
    sql`SELECT contact_id, email, first_name, last_name, account_id, original_source, created_by, created_at FROM ${raw(q('contacts'))}
        WHERE contact_id = ${param.string(needle)} OR email = ${param.string(needle)}
           OR email IN (SELECT email FROM ${raw(q('contacts'))} WHERE contact_id = ${param.string(needle)})
        ORDER BY created_at, contact_id`,
  );
  if (contacts.length === 0) {
    throw new RevlineError('contact-not-found', `No contact has the id or email "${emailOrId}".`, {
      hint: 'Check the spelling, or run `revline status` to see whether contacts were imported.',
    });
  }
  const ids = contacts.map((c) => String(c['contact_id']));
  const canonical = String(contacts[0]!['contact_id']);
  const anonymousIds = await engine.query(
    sql`SELECT anonymous_id, contact_id, method, identified_at FROM ${raw(q('identities'))} WHERE contact_id IN ${inStrings(ids)} ORDER BY identified_at, anonymous_id`,
  );
  const anon = anonymousIds.map((a) => String(a['anonymous_id']));
  const mergeRows = await engine.query(
    sql`SELECT merge_id, kind, from_id, to_id, rule, import_id, decided_at, undone_at FROM ${raw(q('identity_merges'))}
        WHERE from_id IN ${inStrings(ids)} OR to_id IN ${inStrings(ids)} OR from_id IN ${inStrings(anon)}
        ORDER BY decided_at, merge_id`,
  );
  const touchCounts = await engine.query(
    sql`SELECT sum(CASE WHEN anonymous_id IN ${inStrings(anon)} THEN 1 ELSE 0 END) AS stitched, count(*) AS known
        FROM ${raw(q('touchpoints'))} WHERE contact_id IN ${inStrings(ids)}`,
  );
  return {
    query: emailOrId,
    contacts,
    canonicalContactId: canonical,
    anonymousIds,
    merges: mergeRows,
    touches: { known: countOf(touchCounts[0]?.['known']), stitched: countOf(touchCounts[0]?.['stitched']) },
  };
}

export interface UndoResult {
  readonly merge: Row;
  /** Rows whose stored value the undo reverted. */
  readonly reverted: number;
}

/**
 * Undo one decision. It stays recorded (with `undone_at`), and resolution never makes it again:
 * - account_match: the contact loses that account (if it still has it), and so do the contact's
 *   touches at that account (a touch does not record where its account came from, so all are);
 * - stitch: the anonymous id is no longer the contact's; its touches that carry no email of their
 *   own go back to anonymous;
 * - dedupe: the two contacts are two people again (nothing stored depended on it).
 */
export async function undoMerge(engine: Engine, mergeId: string, clock: Clock): Promise<UndoResult> {
  const d = engine.dialect;
  const q = (n: string) => d.quoteIdentifier(n);
  const found = await engine.query(sql`SELECT merge_id, kind, from_id, to_id, rule, import_id, decided_at, undone_at FROM ${raw(q('identity_merges'))} WHERE merge_id = ${param.string(mergeId)}`);
  const merge = found[0];
  if (!merge) {
    throw new RevlineError('usage', `No identity decision has the id "${mergeId}".`, { hint: 'See the ids with revline identity explain <email|contact-id>.' });
  }
  if (merge['undone_at'] !== null) {
    throw new RevlineError('usage', `The identity decision "${mergeId}" was already undone at ${String(merge['undone_at'])}.`);
  }
  const from = String(merge['from_id']);
  const to = String(merge['to_id']);
  // Undoing moves touches between people and accounts: materialised journeys are stale from here.
  await engine.exec(compileMarkJourneysStale());
  let reverted = 0;
  const merges = tableByName('identity_merges')!;
  const at = new Date(clock.now()).toISOString();
  const mergeCols = storedColumns(merges).map((c) => (c.name === 'undone_at' ? `CAST(${d.quoteString(at)} AS ${d.columnType('timestamp', true)}) AS ${q('undone_at')}` : `${q(c.name)}`));
  await replaceRows(engine, merges, `SELECT ${mergeCols.join(', ')} FROM ${q('identity_merges')} WHERE merge_id = ${d.quoteString(mergeId)}`);
  const lit = (v: string) => d.quoteString(v);
  if (merge['kind'] === 'account_match') {
    const contacts = tableByName('contacts')!;
    reverted += await replaceRows(
      engine,
      contacts,
      `SELECT ${storedColumns(contacts).map((c) => (c.name === 'account_id' ? `CAST(NULL AS ${d.columnType('string', true)}) AS ${q('account_id')}` : q(c.name))).join(', ')}
       FROM ${q('contacts')} WHERE contact_id = ${lit(from)} AND account_id = ${lit(to)}`,
    );
    const touchpoints = tableByName('touchpoints')!;
    reverted += await replaceRows(
      engine,
      touchpoints,
      `SELECT ${storedColumns(touchpoints).map((c) => (c.name === 'account_id' ? `CAST(NULL AS ${d.columnType('string', true)}) AS ${q('account_id')}` : q(c.name))).join(', ')}
       FROM ${q('touchpoints')} WHERE contact_id = ${lit(from)} AND account_id = ${lit(to)}`,
    );
  } else if (merge['kind'] === 'stitch') {
    await engine.exec(d.deleteWhereKeyIn('identities', ['anonymous_id', 'contact_id'], `SELECT ${lit(from)} AS anonymous_id, ${lit(to)} AS contact_id`));
    const touchpoints = tableByName('touchpoints')!;
    reverted += await replaceRows(
      engine,
      touchpoints,
      `SELECT ${storedColumns(touchpoints)
        .map((c) => (c.name === 'contact_id' || c.name === 'account_id' ? `CAST(NULL AS ${d.columnType('string', true)}) AS ${q(c.name)}` : q(c.name)))
        .join(', ')}
       FROM ${q('touchpoints')} WHERE anonymous_id = ${lit(from)} AND contact_id = ${lit(to)} AND email IS NULL`,
    );
  }
  return { merge: { ...merge, undone_at: at }, reverted };
}
