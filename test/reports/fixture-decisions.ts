/**
 * The shared fixture (test/reports/fixture.ts) with sales decisions, a late MQL and sales touches,
 * for the reports on MQL acceptance (acceptance, pairs). Dates are 2026.
 *
 * The MQLs (the clock's now is 2026-06-01 00:00 UTC; the default SLA is 48 hours):
 * - c1 (paid search, u1): MQL 01-10, sal 01-11 → accepted after 24 h (met); a meeting 01-09 comes
 *   before the MQL and does not count, a call 01-12 is its first sales touch, 48 h after.
 * - c2 (paid search, u2): MQL 01-20, disqualified 01-21 for no_budget → rejected after 24 h (met).
 * - c3 (webinar, u2): MQL 02-05, sql 02-10 → accepted (taken further) after 120 h (breached); an
 *   outbound_sales email open 02-06 12:00 is its first sales touch, 36 h after.
 * - c5 (email, u1): first MQL 2026-01-02, recycled 01-05 → recycled after 72 h (breached); its
 *   second MQL (02-01) and the sal after it do not make a second MQL.
 * - c6 (no source, no owner, no creator): MQL 03-02, disqualified 03-03 without a reason → rejected
 *   (unknown), 24 h (met).
 * - c7 (email, u1, new): MQL 05-31 12:00, accepted 06-01 06:00 — after now, so still open, and not
 *   yet due (due 06-02 12:00): pending. A call on 06-02 is after now too.
 * c4 never became MQL (sales made it SQL directly).
 */

import { WORLD } from './fixture.js';
import type { World } from './world.js';

export const ACCEPTANCE_WORLD: World = {
  ...WORLD,
  contacts: [...WORLD.contacts!, { contact_id: 'c7', account_id: 'A1', created_at: '2026-05-30', original_source: 'email', created_by: 'marketing', owner_id: 'u1' }],
  lifecycle_events: [
    ...WORLD.lifecycle_events!,
    { contact_id: 'c2', stage: 'disqualified', entered_at: '2026-01-21', reason: 'no_budget', actor_type: 'user', actor: 'u2' },
    { contact_id: 'c5', stage: 'recycled', entered_at: '2026-01-05', actor_type: 'user', actor: 'u1' },
    { contact_id: 'c5', stage: 'mql', entered_at: '2026-02-01', actor_type: 'rule' },
    { contact_id: 'c5', stage: 'sal', entered_at: '2026-02-02', actor_type: 'user', actor: 'u1' },
    { contact_id: 'c6', stage: 'mql', entered_at: '2026-03-02', actor_type: 'rule' },
    { contact_id: 'c6', stage: 'disqualified', entered_at: '2026-03-03', actor_type: 'import' },
    { contact_id: 'c7', stage: 'mql', entered_at: '2026-05-31T12:00:00Z', actor_type: 'rule' },
    { contact_id: 'c7', stage: 'sal', entered_at: '2026-06-01T06:00:00Z', actor_type: 'user', actor: 'u1' },
  ],
  touchpoints: [
    { touchpoint_id: 't1', contact_id: 'c1', account_id: 'A1', occurred_at: '2026-01-09', touch_type: 'meeting', channel: 'outbound_sales' },
    { touchpoint_id: 't2', contact_id: 'c1', account_id: 'A1', occurred_at: '2026-01-12', touch_type: 'call', channel: 'outbound_sales' },
    { touchpoint_id: 't3', contact_id: 'c2', account_id: 'A1', occurred_at: '2026-01-21', touch_type: 'page_view', channel: 'paid_search' },
    { touchpoint_id: 't4', contact_id: 'c3', account_id: 'A2', occurred_at: '2026-02-06T12:00:00Z', touch_type: 'email_open', channel: 'outbound_sales', campaign_id: 'w1' },
    { touchpoint_id: 't5', contact_id: 'c3', account_id: 'A2', occurred_at: '2026-02-20', touch_type: 'meeting', channel: 'webinar' },
    { touchpoint_id: 't6', contact_id: 'c7', account_id: 'A1', occurred_at: '2026-06-02', touch_type: 'call', channel: 'outbound_sales' },
  ],
};
