/**
 * Pairs (core/reports/pairs.ts): the figures of each account — its accounts row, its MQLs with
 * their outcomes, its SQLs, its deals — summed per account first, then joined to the account's two
 * owners and summed per (marketer, rep).
 *
 * Invariants:
 * - Leads and deals are read through the base relations with every filter but `--owner`, which
 *   here keeps the pairs a user is in (the account's marketing or sales owner), so a pair's row is
 *   whole or absent, never cut down to one owner's leads.
 * - A lead or deal whose account is unknown (none, or not imported) lands in `no account`.
 */

import type { ReportFilters } from '../../../core/reports/filters.js';
import type { Dialect } from '../../dialect/dialect.js';
import { ident, joinSql, param, raw, sql, type SqlFragment } from '../../fragment.js';
import { compileMqlOutcomes, type AcceptanceRules } from './acceptance.js';
import { compileAccounts, compileDeals, compileLeads, withinRange } from './base.js';

const COUNTS = ['accounts', 'mqls', 'accepted', 'decided', 'sqls', 'opportunities', 'won', 'lost'] as const;
const MONEY = ['pipeline', 'revenue'] as const;

/**
 * Columns: `marketer`, `rep` (a user id, `none`, or `no account` for both), `accounts`, `mqls`,
 * `accepted`, `decided`, `sqls`, `opportunities`, `won`, `lost`, `pipeline`, `revenue`.
 */
export function compilePairs(d: Dialect, filters: ReportFilters, bounds: { fromUs?: number; toUs?: number }, nowUs: number, rules: AcceptanceRules): SqlFragment {
  const unowned: ReportFilters = { ...filters, owners: [] };
  const int = raw(d.columnType('integer', false));
  const float = raw(d.columnType('float', false));
  /** One branch of the facts: `values` by measure, every other measure 0, all typed alike. */
  const facts = (from: SqlFragment, values: Partial<Record<(typeof COUNTS)[number] | (typeof MONEY)[number], string>>) =>
    sql`SELECT account_id, ${joinSql(
      [...COUNTS.map((c) => sql`CAST(${raw(values[c] ?? '0')} AS ${int}) AS ${ident(c)}`), ...MONEY.map((c) => sql`CAST(${raw(values[c] ?? '0')} AS ${float}) AS ${ident(c)}`)],
      ', ',
    )} FROM ${from}`;
  const branches = [
    facts(sql`(${compileAccounts(d, unowned)}) a`, { accounts: '1' }),
    facts(sql`(${compileMqlOutcomes(d, raw('leads'), bounds, nowUs, rules, false)}) m`, {
      mqls: '1',
      accepted: `CASE WHEN outcome = 'accepted' THEN 1 ELSE 0 END`,
      decided: `CASE WHEN outcome <> 'open' THEN 1 ELSE 0 END`,
    }),
    facts(sql`leads WHERE sql_us IS NOT NULL AND ${withinRange(raw('sql_us'), bounds)}`, { sqls: '1' }),
    facts(sql`(${compileDeals(d, unowned)}) o WHERE ${withinRange(raw('created_us'), bounds)}`, {
      opportunities: '1',
      won: `CASE WHEN status = 'won' THEN 1 ELSE 0 END`,
      lost: `CASE WHEN status = 'lost' THEN 1 ELSE 0 END`,
      pipeline: 'amount',
      revenue: `CASE WHEN status = 'won' THEN amount ELSE 0 END`,
    }),
  ];
  const measures = [...COUNTS, ...MONEY];
  const summed = (from: string) => joinSql(measures.map((c) => sql`sum(${raw(`${from}.${d.quoteIdentifier(c)}`)}) AS ${ident(c)}`), ', ');
  const owners = filters.owners.map((o) => sql`${param.string(o)}`);
  const pairFilter = owners.length ? sql`WHERE marketer IN (${joinSql(owners, ', ')}) OR rep IN (${joinSql(owners, ', ')})` : sql``;
  // The leads are read twice (MQLs, SQLs): one CTE, which DuckDB computes once.
  return sql`WITH leads AS (${compileLeads(d, unowned)})
    SELECT marketer, rep, ${summed('p')} FROM (
      SELECT coalesce(o.marketer, 'no account') AS marketer, coalesce(o.rep, 'no account') AS rep, ${joinSql(measures.map((c) => sql`f.${ident(c)} AS ${ident(c)}`), ', ')}
      FROM (SELECT account_id, ${summed('x')} FROM (${joinSql(branches, ' UNION ALL ')}) x GROUP BY account_id) f
      LEFT JOIN (SELECT account_id, coalesce(marketing_owner_id, 'none') AS marketer, coalesce(sales_owner_id, 'none') AS rep FROM ${ident('accounts')}) o
        ON o.account_id = f.account_id
    ) p ${pairFilter}
    GROUP BY marketer, rep`;
}
