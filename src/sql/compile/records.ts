/**
 * Records: contacts, accounts and opportunities found by what people type (an email, a name, an
 * id, a company), one page at a time, and the rows a record's page and timeline are built from.
 *
 * Invariants:
 * - Search is a case-insensitive (ASCII, like the report filters) plain substring match: no
 *   pattern characters, so `%` and `_` in the text mean themselves. An exact id or email comes
 *   first, then the rest by id: pages are stable.
 * - A page and its total come from the same predicate ({@link RecordQuery}), so `total` counts
 *   exactly the rows paging walks through.
 * - Every value travels as a parameter; limits and offsets are integers checked here.
 */

import { internalError } from '../../core/errors.js';
import { asciiLower } from '../../core/normalize/text.js';
import type { Dialect } from '../dialect/dialect.js';
import { ident, joinSql, param, raw, sql, type SqlFragment } from '../fragment.js';

export interface Page {
  readonly limit: number;
  readonly offset: number;
}

/** One search over a kind of record: its page and its total. */
export interface RecordQuery {
  readonly page: SqlFragment;
  readonly total: SqlFragment;
}

export interface OpportunitySearch {
  readonly q?: string;
  /** Current stages (as stored, lower case); any of them. */
  readonly stages?: readonly string[];
  /** Owner user ids; any of them. */
  readonly owners?: readonly string[];
}

const where = (conditions: readonly SqlFragment[]) => (conditions.length ? sql`WHERE ${joinSql(conditions, ' AND ')}` : sql``);

/**
 * Whether any of the text expressions contains `q`, ASCII case-insensitively. Give columns as
 * `alias.column` ({@link col}): the dialect folds a column reference cheaply when it is ASCII.
 */
function matches(d: Dialect, texts: readonly string[], q: string): SqlFragment {
  const needle = param.string(asciiLower(q.trim()));
  return sql`(${joinSql(texts.map((t) => sql`coalesce(${d.contains(raw(d.asciiLower(t)), sql`${needle}`)}, false)`), ' OR ')})`;
}

/** `alias."column"`, a column reference as the dialect recognises one. */
const col = (d: Dialect, alias: string, column: string) => `${alias}.${d.quoteIdentifier(column)}`;

function paged(select: SqlFragment, order: SqlFragment, page: Page): SqlFragment {
  const int = (n: number, what: string) => {
    // Callers check what users give; a bad number here is a bug, never spliced into SQL.
    if (!Number.isSafeInteger(n) || n < 0) throw internalError(`A record page's ${what} must be a whole number ≥ 0, not ${n}.`);
    return raw(String(n));
  };
  return sql`${select} ORDER BY ${order} LIMIT ${int(page.limit, 'limit')} OFFSET ${int(page.offset, 'offset')}`;
}

/** An exact id or email first (0), then everything else (1). */
const exactFirst = (q: string | undefined, columns: readonly string[]) =>
  q === undefined || q.trim() === '' ? sql`` : sql`CASE WHEN ${joinSql(columns.map((c) => sql`${raw(c)} = ${param.string(q.trim())}`), ' OR ')} THEN 0 ELSE 1 END, `;

const CONTACT_COLUMNS = sql`c.contact_id AS contact_id, c.email AS email, c.first_name AS first_name, c.last_name AS last_name, c.title AS title,
  c.account_id AS account_id, a.name AS account_name, c.owner_id AS owner_id, c.original_source AS original_source, c.created_by AS created_by, c.created_at AS created_at`;

/**
 * Contacts whose id, email, first, last or full name, or account name contains `q` (all: no `q`).
 * Columns: `contact_id`, `email`, `first_name`, `last_name`, `title`, `account_id`, `account_name`,
 * `owner_id`, `original_source`, `created_by`, `created_at`.
 */
export function compileContactSearch(d: Dialect, q: string | undefined, page: Page): RecordQuery {
  const has = q !== undefined && q.trim() !== '';
  // A text without a space is in the full name exactly when it is in the first or the last name:
  // the full name (an expression, folded slowly) is searched only for text with a space.
  const names = [col(d, 'c', 'first_name'), col(d, 'c', 'last_name')];
  const full = has && /\s/.test(q.trim()) ? [d.joinNonNull(names, ' ')] : [];
  const filter = where(has ? [matches(d, [col(d, 'c', 'contact_id'), col(d, 'c', 'email'), ...names, ...full, col(d, 'a', 'name')], q)] : []);
  const from = sql`FROM ${ident('contacts')} c LEFT JOIN ${ident('accounts')} a ON a.account_id = c.account_id ${filter}`;
  return {
    page: paged(sql`SELECT ${CONTACT_COLUMNS} ${from}`, sql`${has ? exactFirst(q, ['c.contact_id', 'c.email']) : sql``}c.contact_id`, page),
    total: sql`SELECT count(*) AS total ${from}`,
  };
}

const ACCOUNT_COLUMNS = sql`a.account_id AS account_id, a.name AS name, a.domain AS domain, a.industry AS industry, a.employees AS employees, a.country AS country,
  a.is_icp AS is_icp, a.sales_owner_id AS sales_owner_id, a.marketing_owner_id AS marketing_owner_id, a.created_at AS created_at`;

/**
 * Accounts whose id, name or domain contains `q`, with how many contacts each has.
 * Columns: `account_id`, `name`, `domain`, `industry`, `employees`, `country`, `is_icp`,
 * `sales_owner_id`, `marketing_owner_id`, `created_at`, `contacts`.
 */
export function compileAccountSearch(d: Dialect, q: string | undefined, page: Page): RecordQuery {
  const has = q !== undefined && q.trim() !== '';
  const filter = where(has ? [matches(d, ['account_id', 'name', 'domain'].map((c) => col(d, 'a', c)), q)] : []);
  const contacts = sql`SELECT account_id, count(*) AS n FROM ${ident('contacts')} WHERE account_id IS NOT NULL GROUP BY account_id`;
  return {
    page: paged(
      sql`SELECT ${ACCOUNT_COLUMNS}, coalesce(n.n, 0) AS contacts FROM ${ident('accounts')} a LEFT JOIN (${contacts}) n ON n.account_id = a.account_id ${filter}`,
      sql`${has ? exactFirst(q, ['a.account_id', 'a.domain']) : sql``}a.account_id`,
      page,
    ),
    total: sql`SELECT count(*) AS total FROM ${ident('accounts')} a ${filter}`,
  };
}

const OPPORTUNITY_COLUMNS = sql`o.opportunity_id AS opportunity_id, o.name AS name, o.account_id AS account_id, a.name AS account_name, o.primary_contact_id AS primary_contact_id,
  o.owner_id AS owner_id, o.amount AS amount, o.currency AS currency, o.stage AS stage, o.is_won AS is_won, o.created_at AS created_at, o.closed_at AS closed_at`;

const OPPORTUNITIES_FROM = sql`FROM ${ident('opportunities')} o LEFT JOIN ${ident('accounts')} a ON a.account_id = o.account_id`;

/**
 * Opportunities whose id, name or account name contains `q`, at any of `stages`, of any of `owners`.
 * Columns: `opportunity_id`, `name`, `account_id`, `account_name`, `primary_contact_id`,
 * `owner_id`, `amount`, `currency`, `stage`, `is_won`, `created_at`, `closed_at`.
 */
export function compileOpportunitySearch(d: Dialect, search: OpportunitySearch, page: Page): RecordQuery {
  const q = search.q;
  const has = q !== undefined && q.trim() !== '';
  const filter = where([
    ...(has ? [matches(d, [col(d, 'o', 'opportunity_id'), col(d, 'o', 'name'), col(d, 'a', 'name')], q)] : []),
    ...(search.stages?.length ? [sql`o.stage IN (${joinSql(search.stages.map((s) => sql`${param.string(s)}`), ', ')})`] : []),
    ...(search.owners?.length ? [sql`o.owner_id IN (${joinSql(search.owners.map((s) => sql`${param.string(s)}`), ', ')})`] : []),
  ]);
  return {
    page: paged(sql`SELECT ${OPPORTUNITY_COLUMNS} ${OPPORTUNITIES_FROM} ${filter}`, sql`${has ? exactFirst(q, ['o.opportunity_id']) : sql``}o.created_at DESC, o.opportunity_id`, page),
    total: sql`SELECT count(*) AS total ${OPPORTUNITIES_FROM} ${filter}`,
  };
}

/** Whose opportunities: a contact's (as primary contact), an account's, or one by id. */
export type OpportunityOwner = { readonly contactId: string } | { readonly accountId: string } | { readonly opportunityId: string };

function opportunityPredicate(of: OpportunityOwner): SqlFragment {
  if ('contactId' in of) return sql`o.primary_contact_id = ${param.string(of.contactId)}`;
  if ('accountId' in of) return sql`o.account_id = ${param.string(of.accountId)}`;
  return sql`o.opportunity_id = ${param.string(of.opportunityId)}`;
}

/** The opportunities of a contact, an account or an id, oldest first; the columns of {@link compileOpportunitySearch} plus `lost_reason` and `product`. */
export function compileOpportunitiesOf(of: OpportunityOwner): SqlFragment {
  return sql`SELECT ${OPPORTUNITY_COLUMNS}, o.lost_reason AS lost_reason, o.product AS product ${OPPORTUNITIES_FROM} WHERE ${opportunityPredicate(of)} ORDER BY o.created_at, o.opportunity_id`;
}

/** The stage history of those opportunities: `opportunity_id`, `stage`, `entered_at`, `amount`, in time order. */
export function compileStageHistoryOf(of: OpportunityOwner): SqlFragment {
  return sql`SELECT h.opportunity_id AS opportunity_id, h.stage AS stage, h.entered_at AS entered_at, h.amount AS amount
    FROM ${ident('opportunity_stage_history')} h
    WHERE h.opportunity_id IN (SELECT o.opportunity_id FROM ${ident('opportunities')} o WHERE ${opportunityPredicate(of)})
    ORDER BY h.entered_at, h.opportunity_id, h.stage`;
}

/** One row of `table` by its key column, every stored column. */
export function compileRecord(table: string, keyColumn: string, id: string): SqlFragment {
  return sql`SELECT * FROM ${ident(table)} WHERE ${ident(keyColumn)} = ${param.string(id)}`;
}

/** The contacts of an account (the columns of {@link compileContactSearch}), oldest first. */
export function compileAccountContacts(accountId: string): SqlFragment {
  return sql`SELECT ${CONTACT_COLUMNS} FROM ${ident('contacts')} c LEFT JOIN ${ident('accounts')} a ON a.account_id = c.account_id
    WHERE c.account_id = ${param.string(accountId)} ORDER BY c.created_at, c.contact_id`;
}

const accountPeople = (accountId: string) => sql`SELECT contact_id FROM ${ident('contacts')} WHERE account_id = ${param.string(accountId)}`;

/**
 * The touches of an account: those it holds and those of its contacts. Columns: `touchpoint_id`,
 * `contact_id`, `occurred_at`, `touch_type`, `channel`, `campaign_id`, `content_id`, `url`.
 */
export function compileAccountTouches(accountId: string): SqlFragment {
  return sql`SELECT t.touchpoint_id AS touchpoint_id, t.contact_id AS contact_id, t.occurred_at AS occurred_at, t.touch_type AS touch_type, t.channel AS channel,
      t.campaign_id AS campaign_id, t.content_id AS content_id, t.url AS url
    FROM ${ident('touchpoints')} t
    WHERE t.account_id = ${param.string(accountId)} OR t.contact_id IN (${accountPeople(accountId)})
    ORDER BY t.occurred_at, t.touchpoint_id`;
}

/** The lifecycle events of an account's contacts: `contact_id`, `stage`, `entered_at`, `reason`, `actor_type`, `actor`, `definition_version`. */
export function compileAccountStageEvents(accountId: string): SqlFragment {
  return sql`SELECT contact_id, stage, entered_at, reason, actor_type, actor, definition_version FROM ${ident('lifecycle_events')}
    WHERE contact_id IN (${accountPeople(accountId)}) ORDER BY entered_at, contact_id, stage`;
}

/** The SLA breaches of an account's contacts: `contact_id`, `stage`, `entered_at`, `due_at`, `owner_id`. */
export function compileAccountBreaches(accountId: string): SqlFragment {
  return sql`SELECT contact_id, stage, entered_at, due_at, owner_id FROM ${ident('sla_breaches')}
    WHERE contact_id IN (${accountPeople(accountId)}) ORDER BY due_at, contact_id`;
}
