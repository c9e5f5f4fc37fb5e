/**
 * The small world most report tests share, with the reasoning behind each hand-computed number
 * written where the rows are. Dates are 2026 unless written otherwise.
 *
 * Accounts: A1 software, 500 people, DE, "Salesforce; HubSpot", ICP; A2 retail, 50 people, US;
 * A3 nothing known.
 * Leads: c1, c2 (A1, paid search, marketing), c3 (A2, webinar, marketing), c4 (A2, outbound, sales),
 * c5 (A3, email, marketing, created 2025-12-20), c6 (no account, no source, no creator).
 * Deals: o1 c1 1000 won, o2 c1 500 lost, o3 c4 2000 open, o4 c5 300 won, o5 no contact (A2,
 * partner) 700 won, o6 unknown contact 'ghost' 100 lost (created 2025-11-01).
 */

import type { World } from './world.js';

export const WORLD: World = {
  users: [
    { user_id: 'u1', team: 'sales', name: 'Una', manager_id: 'm1' },
    { user_id: 'u2', team: 'sales', name: 'Ugo', manager_id: 'm1' },
    { user_id: 'k1', team: 'marketing', name: 'Kim' },
  ],
  accounts: [
    { account_id: 'A1', name: 'Acme', industry: 'Software', employees: 500, country: 'DE', technologies: 'Salesforce; HubSpot', is_icp: true, sales_owner_id: 'u1', marketing_owner_id: 'k1' },
    { account_id: 'A2', name: 'Bolt', industry: 'Retail', employees: 50, country: 'US', is_icp: false, sales_owner_id: 'u2' },
    { account_id: 'A3', name: 'Cray' },
  ],
  contacts: [
    { contact_id: 'c1', account_id: 'A1', created_at: '2026-01-05', original_source: 'paid_search', created_by: 'marketing', owner_id: 'u1' },
    { contact_id: 'c2', account_id: 'A1', created_at: '2026-01-10', original_source: 'paid_search', created_by: 'marketing', owner_id: 'u2' },
    { contact_id: 'c3', account_id: 'A2', created_at: '2026-02-01', original_source: 'webinar', created_by: 'marketing', owner_id: 'u2' },
    { contact_id: 'c4', account_id: 'A2', created_at: '2026-02-15', original_source: 'outbound_sales', created_by: 'sales', owner_id: 'u2' },
    { contact_id: 'c5', account_id: 'A3', created_at: '2025-12-20', original_source: 'email', created_by: 'marketing', owner_id: 'u1' },
    { contact_id: 'c6', created_at: '2026-03-01' },
  ],
  lifecycle_events: [
    { contact_id: 'c1', stage: 'mql', entered_at: '2026-01-10', actor_type: 'rule' },
    { contact_id: 'c1', stage: 'sal', entered_at: '2026-01-11', actor_type: 'user' },
    { contact_id: 'c1', stage: 'sql', entered_at: '2026-01-15', actor_type: 'user' },
    { contact_id: 'c2', stage: 'mql', entered_at: '2026-01-20', actor_type: 'rule' },
    { contact_id: 'c3', stage: 'mql', entered_at: '2026-02-05', actor_type: 'rule' },
    { contact_id: 'c3', stage: 'sql', entered_at: '2026-02-10', actor_type: 'user' },
    { contact_id: 'c4', stage: 'sql', entered_at: '2026-02-20', actor_type: 'user' },
    { contact_id: 'c5', stage: 'mql', entered_at: '2026-01-02', actor_type: 'rule' },
  ],
  opportunities: [
    { opportunity_id: 'o1', primary_contact_id: 'c1', account_id: 'A1', owner_id: 'u1', created_at: '2026-01-20', amount: 1000, is_won: true, closed_at: '2026-03-01' },
    { opportunity_id: 'o2', primary_contact_id: 'c1', account_id: 'A1', owner_id: 'u1', created_at: '2026-02-01', amount: 500, is_won: false, closed_at: '2026-02-15' },
    { opportunity_id: 'o3', primary_contact_id: 'c4', account_id: 'A2', owner_id: 'u2', created_at: '2026-03-01', amount: 2000 },
    { opportunity_id: 'o4', primary_contact_id: 'c5', account_id: 'A3', owner_id: 'u1', created_at: '2026-01-10', amount: 300, is_won: true, closed_at: '2026-01-30' },
    { opportunity_id: 'o5', account_id: 'A2', owner_id: 'u2', created_at: '2026-02-10', amount: 700, is_won: true, closed_at: '2026-04-01', source: 'partner' },
    { opportunity_id: 'o6', primary_contact_id: 'ghost', owner_id: 'u1', created_at: '2025-11-01', amount: 100, is_won: false, closed_at: '2025-12-01' },
  ],
};
