/**
 * The relations every report reads, with the report filters applied once here: leads (one row per
 * contact, with the first time it reached each stage), deals (one row per opportunity, with its
 * channel and creator), touches and accounts. Reports aggregate these; none re-derives a channel,
 * a stage date or a filter, so the same number in two reports is the same number.
 *
 * Invariants:
 * - A lead's channel is its contact's `original_source`; a deal's is its own `source`, else its
 *   primary contact's original source (as `revline summary` and the `opportunity_origins` view);
 *   `unknown` when neither is known, so rows by channel add up to the total.
 * - A deal's account is its own, else its primary contact's.
 * - A lead reached `opportunity` when it is the primary contact of an opportunity (its first one's
 *   creation), else at its first `opportunity` stage event; `won` when one of those opportunities
 *   was won (the first close). `mql`, `sal`, `sql`, `disqualified`, `recycled`: its first event of
 *   that stage.
 * - Segment, channel, campaign, owner and created-by filters are applied here (what each means per
 *   relation is stated at each); the date range is the report's (see `withinRange`), because each
 *   report dates its subject differently.
 * - Money is a float of the stored DECIMAL; a missing amount counts 0.
 */

import { asciiLower } from '../../../core/normalize/text.js';
import { SEGMENT_FIELDS, type ReportFilters, type SegmentCondition } from '../../../core/reports/filters.js';
import type { Dialect } from '../../dialect/dialect.js';
import { inStrings, ident, joinSql, param, raw, sql, type SqlFragment } from '../../fragment.js';

const TRUE = sql`1 = 1`;

function all(conditions: readonly SqlFragment[]): SqlFragment {
  return conditions.length === 0 ? TRUE : joinSql(conditions.map((c) => sql`(${c})`), ' AND ');
}


/** `column` between the report's days (both included); true when the range is open. */
export function withinRange(column: SqlFragment, bounds: { fromUs?: number; toUs?: number }): SqlFragment {
  return all([
    ...(bounds.fromUs !== undefined ? [sql`${column} >= ${param.integer(bounds.fromUs)}`] : []),
    ...(bounds.toUs !== undefined ? [sql`${column} <= ${param.integer(bounds.toUs)}`] : []),
  ]);
}

/** One segment condition over an accounts row aliased `a` (reference: core/reports/filters.ts). */
function segmentCondition(d: Dialect, c: SegmentCondition): SqlFragment {
  const spec = SEGMENT_FIELDS[c.field]!;
  const column = raw(`a.${d.quoteIdentifier(spec.column)}`);
  const present = sql`${column} IS NOT NULL`;
  let holds: SqlFragment;
  if (spec.kind === 'number') {
    const value = sql`CAST(${column} AS ${raw(d.columnType('float', true))})`;
    holds =
      c.op === '=' || c.op === '!='
        ? sql`${value} IN (${joinSql(c.values.map((v) => sql`${param.float(Number(v))}`), ', ')})`
        : sql`${value} ${raw(c.op)} ${param.float(Number(c.values[0]))}`;
  } else if (spec.kind === 'boolean') {
    holds = sql`${column} IN (${joinSql(c.values.map((v) => sql`${param.boolean(Boolean(v))}`), ', ')})`;
  } else if (spec.kind === 'list') {
    // ';a;b;' against ';x;' — items trimmed and lower-cased on both sides.
    const items = sql`concat(';', ${raw(d.regexpReplaceAll(d.trimAscii(d.asciiLower(`a.${d.quoteIdentifier(spec.column)}`)), '[ \\t]*;[ \\t]*', ';'))}, ';')`;
    holds = joinSql(c.values.map((v) => d.contains(items, sql`${param.string(`;${asciiLower(String(v)).trim()};`)}`)), ' OR ');
  } else {
    holds = sql`${raw(d.trimAscii(d.asciiLower(`a.${d.quoteIdentifier(spec.column)}`)))} IN ${inStrings(c.values.map((v) => asciiLower(String(v)).trim()))}`;
  }
  // A missing field fails the condition, for = and != alike.
  return c.op === '!=' ? sql`${present} AND NOT (${holds})` : sql`${present} AND (${holds})`;
}

/** `accountId` belongs to an account in the segment; true when there is no segment. */
export function segmentPredicate(d: Dialect, filters: ReportFilters, accountId: SqlFragment): SqlFragment {
  if (filters.segment.length === 0) return TRUE;
  return sql`${accountId} IN (SELECT a.account_id FROM ${ident('accounts')} a WHERE ${all(filters.segment.map((c) => segmentCondition(d, c)))})`;
}

/** Contacts that touched one of the campaigns. */
function campaignContacts(filters: ReportFilters): SqlFragment {
  return sql`SELECT contact_id FROM ${ident('touchpoints')} WHERE contact_id IS NOT NULL AND campaign_id IN ${inStrings(filters.campaigns)}`;
}
function campaignAccounts(filters: ReportFilters): SqlFragment {
  return sql`SELECT account_id FROM ${ident('touchpoints')} WHERE account_id IS NOT NULL AND campaign_id IN ${inStrings(filters.campaigns)}`;
}

const us = (d: Dialect, column: string) => d.epochMicros(raw(column));

/** Stage events of the funnel a lead's first entry is taken of. */
export const LEAD_STAGES = ['mql', 'sal', 'sql', 'disqualified', 'recycled'] as const;

/**
 * Leads: one row per contact — `contact_id`, `account_id`, `owner_id`, `created_by`, `channel`,
 * `lead_us` (contact created; NULL when unknown), `mql_us`, `sal_us`, `sql_us`, `disqualified_us`,
 * `recycled_us`, `opportunity_us`, `won_us` (first time reached; NULL: never), `opportunities`,
 * `won`, `lost`, `pipeline`, `revenue` (of the deals it is primary contact of).
 * Filters: segment (its account), channel (its original source), campaign (it touched one), owner
 * (the contact's owner), created-by (the contact's creator).
 */
export function compileLeads(d: Dialect, filters: ReportFilters): SqlFragment {
  const stageFirsts = LEAD_STAGES.map((s) => sql`${d.minIf(us(d, 'entered_at'), sql`stage = ${param.string(s)}`)} AS ${ident(`${s}_us`)}`);
  const float = raw(d.columnType('float', false));
  return sql`SELECT c.contact_id AS contact_id, c.account_id AS account_id, c.owner_id AS owner_id, coalesce(c.created_by, 'other') AS created_by,
      coalesce(c.original_source, 'unknown') AS channel, ${us(d, 'c.created_at')} AS lead_us,
      ${joinSql(LEAD_STAGES.map((s) => raw(`e.${s}_us AS ${s}_us`)), ', ')},
      coalesce(o.opportunity_us, e.opportunity_event_us) AS opportunity_us, coalesce(o.won_us, e.customer_event_us) AS won_us,
      coalesce(o.opportunities, 0) AS opportunities, coalesce(o.won, 0) AS won, coalesce(o.lost, 0) AS lost,
      CAST(coalesce(o.pipeline, 0) AS ${float}) AS pipeline, CAST(coalesce(o.revenue, 0) AS ${float}) AS revenue
    FROM ${ident('contacts')} c
    LEFT JOIN (SELECT contact_id, ${joinSql(stageFirsts, ', ')},
        ${d.minIf(us(d, 'entered_at'), sql`stage = 'opportunity'`)} AS opportunity_event_us,
        ${d.minIf(us(d, 'entered_at'), sql`stage = 'customer'`)} AS customer_event_us
      FROM ${ident('lifecycle_events')} GROUP BY contact_id) e ON e.contact_id = c.contact_id
    LEFT JOIN (SELECT primary_contact_id, min(${us(d, 'created_at')}) AS opportunity_us,
        ${d.minIf(us(d, 'closed_at'), sql`is_won`)} AS won_us,
        count(*) AS opportunities, sum(CASE WHEN is_won THEN 1 ELSE 0 END) AS won, sum(CASE WHEN NOT is_won THEN 1 ELSE 0 END) AS lost,
        sum(coalesce(amount, 0)) AS pipeline, sum(CASE WHEN is_won THEN coalesce(amount, 0) ELSE 0 END) AS revenue
      FROM ${ident('opportunities')} WHERE primary_contact_id IS NOT NULL GROUP BY primary_contact_id) o ON o.primary_contact_id = c.contact_id
    WHERE ${leadsKept(d, filters)}`;
}

/** Whether the contacts row aliased `c` is a lead the filters keep (see {@link compileLeads}). */
export function leadsKept(d: Dialect, filters: ReportFilters): SqlFragment {
  return all([
    segmentPredicate(d, filters, raw('c.account_id')),
    ...(filters.channels.length ? [sql`coalesce(c.original_source, 'unknown') IN ${inStrings(filters.channels)}`] : []),
    ...(filters.campaigns.length ? [sql`c.contact_id IN (${campaignContacts(filters)})`] : []),
    ...(filters.owners.length ? [sql`c.owner_id IN ${inStrings(filters.owners)}`] : []),
    ...(filters.createdBy.length ? [sql`coalesce(c.created_by, 'other') IN ${inStrings(filters.createdBy)}`] : []),
  ]);
}

/**
 * The leads (with the filters) whose first MQL is in the range: `contact_id`, `mql_us` — the
 * {@link compileLeads} rows with `mql_us` in the range, without the other stages and the deals
 * that relation derives for every contact.
 */
export function compileMqlLeads(d: Dialect, filters: ReportFilters, bounds: { fromUs?: number; toUs?: number }): SqlFragment {
  return sql`SELECT c.contact_id AS contact_id, e.mql_us AS mql_us
    FROM ${ident('contacts')} c
    JOIN (SELECT contact_id, min(${us(d, 'entered_at')}) AS mql_us FROM ${ident('lifecycle_events')} WHERE stage = 'mql' GROUP BY contact_id) e ON e.contact_id = c.contact_id
    WHERE e.mql_us IS NOT NULL AND ${withinRange(raw('e.mql_us'), bounds)} AND ${leadsKept(d, filters)}`;
}

/**
 * Deals: one row per opportunity — `opportunity_id`, `account_id`, `primary_contact_id`,
 * `owner_id`, `stage`, `channel`, `created_by`, `product`, `amount`, `created_us`, `closed_us`,
 * `status` (`won`, `lost`, `open`), `lead_us` (its primary contact's creation).
 * Filters: segment (its account), channel (its channel), campaign (its account or primary contact
 * touched one), owner (the deal's owner), created-by (the deal's creator, else its contact's).
 */
export function compileDeals(d: Dialect, filters: ReportFilters): SqlFragment {
  const account = sql`coalesce(o.account_id, c.account_id)`;
  const channel = sql`coalesce(o.source, c.original_source, 'unknown')`;
  const createdBy = sql`coalesce(o.created_by, c.created_by, 'other')`;
  const where = [
    segmentPredicate(d, filters, account),
    ...(filters.channels.length ? [sql`${channel} IN ${inStrings(filters.channels)}`] : []),
    ...(filters.campaigns.length ? [sql`(${account} IN (${campaignAccounts(filters)}) OR o.primary_contact_id IN (${campaignContacts(filters)}))`] : []),
    ...(filters.owners.length ? [sql`o.owner_id IN ${inStrings(filters.owners)}`] : []),
    ...(filters.createdBy.length ? [sql`${createdBy} IN ${inStrings(filters.createdBy)}`] : []),
  ];
  return sql`SELECT o.opportunity_id AS opportunity_id, ${account} AS account_id, o.primary_contact_id AS primary_contact_id, o.owner_id AS owner_id,
      o.stage AS stage, ${channel} AS channel, ${createdBy} AS created_by, o.product AS product,
      CAST(coalesce(o.amount, 0) AS ${raw(d.columnType('float', false))}) AS amount,
      ${us(d, 'o.created_at')} AS created_us, ${us(d, 'o.closed_at')} AS closed_us,
      CASE WHEN o.is_won THEN 'won' WHEN NOT o.is_won THEN 'lost' ELSE 'open' END AS status,
      ${us(d, 'c.created_at')} AS lead_us
    FROM ${ident('opportunities')} o LEFT JOIN ${ident('contacts')} c ON c.contact_id = o.primary_contact_id
    WHERE ${all(where)}`;
}

/**
 * What the report filters keep of a touches table aliased `t` (with `touchpoint_id`, `contact_id`,
 * `account_id`, and `channel` and `campaign_id` when those filters are set): `join` brings the
 * touch's contact as `c` when a filter needs it; `where` holds the conditions. Filters: segment
 * (its account), channel (its channel), campaign (its campaign), owner (its contact's owner),
 * created-by (its contact's creator).
 */
export function touchesKept(d: Dialect, filters: ReportFilters): { readonly join: SqlFragment; readonly where: SqlFragment } {
  const byContact = filters.owners.length > 0 || filters.createdBy.length > 0;
  const where = [
    segmentPredicate(d, filters, raw('t.account_id')),
    ...(filters.channels.length ? [sql`coalesce(t.channel, 'unknown') IN ${inStrings(filters.channels)}`] : []),
    ...(filters.campaigns.length ? [sql`t.campaign_id IN ${inStrings(filters.campaigns)}`] : []),
    ...(filters.owners.length ? [sql`c.owner_id IN ${inStrings(filters.owners)}`] : []),
    ...(filters.createdBy.length ? [sql`coalesce(c.created_by, 'other') IN ${inStrings(filters.createdBy)}`] : []),
  ];
  return { join: byContact ? sql` LEFT JOIN ${ident('contacts')} c ON c.contact_id = t.contact_id` : sql``, where: all(where) };
}

/**
 * Touches: one row per touchpoint — `touchpoint_id`, `contact_id`, `anonymous_id`, `account_id`,
 * `at_us`, `channel`, `campaign_id`, `content_id`, `touch_type` — that the filters keep ({@link touchesKept}).
 */
export function compileTouches(d: Dialect, filters: ReportFilters): SqlFragment {
  const kept = touchesKept(d, filters);
  return sql`SELECT t.touchpoint_id AS touchpoint_id, t.contact_id AS contact_id, t.anonymous_id AS anonymous_id, t.account_id AS account_id,
      ${us(d, 't.occurred_at')} AS at_us, coalesce(t.channel, 'unknown') AS channel, t.campaign_id AS campaign_id, t.content_id AS content_id, t.touch_type AS touch_type
    FROM ${ident('touchpoints')} t${kept.join}
    WHERE ${kept.where}`;
}

/**
 * Who made a touch of a touches relation aliased `alias`, as two columns: its contact, else (second
 * column) its anonymous id. Identity resolution gives every touch of a stitched anonymous id its
 * contact (ingest/identity.ts), so a contact and the anonymous ids stitched to it are one person.
 * Two columns rather than one text: grouping by them needs no string built per touch. Touches
 * without either id have no person ({@link hasPerson}).
 */
export function personOf(alias: string): readonly [SqlFragment, SqlFragment] {
  return [raw(`${alias}.contact_id`), raw(`CASE WHEN ${alias}.contact_id IS NULL THEN ${alias}.anonymous_id END`)];
}

export function hasPerson(alias: string): SqlFragment {
  return raw(`(${alias}.contact_id IS NOT NULL OR ${alias}.anonymous_id IS NOT NULL)`);
}

/**
 * Accounts: one row per account with its fields (`account_id`, `name`, `domain`, `industry`,
 * `employees`, `annual_revenue`, `country`, `technologies`, `is_icp`, `sales_owner_id`,
 * `marketing_owner_id`).
 * Filters: segment, campaign (someone of it touched one), owner (its sales or marketing owner).
 */
export function compileAccounts(d: Dialect, filters: ReportFilters): SqlFragment {
  const where = [
    segmentPredicate(d, filters, raw('a.account_id')),
    ...(filters.campaigns.length ? [sql`a.account_id IN (${campaignAccounts(filters)})`] : []),
    ...(filters.owners.length ? [sql`(a.sales_owner_id IN ${inStrings(filters.owners)} OR a.marketing_owner_id IN ${inStrings(filters.owners)})`] : []),
  ];
  return sql`SELECT a.account_id AS account_id, a.name AS name, a.domain AS domain, a.industry AS industry, a.employees AS employees,
      CAST(a.annual_revenue AS ${raw(d.columnType('float', true))}) AS annual_revenue, a.country AS country, a.technologies AS technologies, a.is_icp AS is_icp,
      a.sales_owner_id AS sales_owner_id, a.marketing_owner_id AS marketing_owner_id
    FROM ${ident('accounts')} a WHERE ${all(where)}`;
}
