/**
 * Opportunities as records: found by name, id or account, narrowed by current stage and owner;
 * one opportunity with its account, primary contact, owner and stage history.
 */

import type { Engine, Row } from '../engine/engine.js';
import { compileOpportunitiesOf, compileOpportunitySearch, compileRecord, compileStageHistoryOf, type OpportunitySearch, type Page } from '../sql/compile/records.js';
import { recordNotFound, runPage, type PageOf } from './page.js';

export const OPPORTUNITIES_SEARCHED_BY = 'name, id or account name';

export function searchOpportunities(engine: Engine, search: OpportunitySearch, page: Page): Promise<PageOf<Row>> {
  return runPage(engine, compileOpportunitySearch(engine.dialect, search, page), page);
}

export interface OpportunityRecord {
  /** The columns of an opportunity search row, plus `lost_reason` and `product`. */
  readonly opportunity: Row;
  readonly account: Row | null;
  readonly primaryContact: Row | null;
  readonly owner: Row | null;
  /** Every stage it entered, in time order: `stage`, `entered_at`, `amount`. */
  readonly stageHistory: readonly Row[];
}

export async function opportunityRecord(engine: Engine, id: string): Promise<OpportunityRecord> {
  const opportunity = (await engine.query(compileOpportunitiesOf({ opportunityId: id })))[0];
  if (!opportunity) throw recordNotFound('opportunity', id, OPPORTUNITIES_SEARCHED_BY);
  const one = async (table: string, key: string, value: unknown) => (value === null || value === undefined ? null : ((await engine.query(compileRecord(table, key, String(value))))[0] ?? null));
  const history = await engine.query(compileStageHistoryOf({ opportunityId: id }));
  return {
    opportunity,
    account: await one('accounts', 'account_id', opportunity['account_id']),
    primaryContact: await one('contacts', 'contact_id', opportunity['primary_contact_id']),
    owner: await one('users', 'user_id', opportunity['owner_id']),
    stageHistory: history.map(({ stage, entered_at, amount }) => ({ stage, entered_at, amount })),
  };
}
