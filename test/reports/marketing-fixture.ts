/**
 * The shared report world (fixture.ts) with what the marketing reports read: content assets,
 * campaigns and their spend, touches (known and anonymous, one anonymous id stitched to c1) and the
 * identities. Dates are 2026 unless written otherwise; every touch is at midnight UTC.
 *
 * Content: k1 blog (tofu), k2 whitepaper (mofu), k3 case study (bofu, never touched), k4 blog (tofu).
 * Campaigns: cm1 email (starts 01-05), cm2 webinar (starts 02-01), cm3 paid search (starts 01-01),
 * cm4 events (no start date, no touches, spend only). Spend: cm1 100 on 01-05 and 50 on 01-20; cm2
 * 400 on 02-01; cm3 300 on 01-01 and 200 on 02-15; cm4 80 on 2025-12-31.
 *
 * Touches (id: person, account, day, channel, campaign, content, type):
 *   t1  c1 (anonymous v1, stitched to c1)  A1  01-03  paid_search     cm3  k1  page_view
 *   t2  c1                                 A1  01-08  email           cm1  k2  email_click
 *   t10 c1                                 A1  01-09  email           —    k4  page_view
 *   t3  c1                                 A1  01-15  paid_search     cm3  —   ad_click
 *   t4  c1                                 A1  02-20  direct          —    k1  page_view
 *   t5  c2                                 A1  01-12  webinar         —    k2  webinar
 *   t6  c3                                 A2  02-01  webinar         cm2  k2  webinar
 *   t7  c5                                 A3  2025-12-15 email       —    k1  email_open
 *   t8  anonymous v9                       —   01-05  organic_search  —    k1  page_view
 *   t9  anonymous v9                       —   01-06  organic_search  —    k1  page_view
 *   t11–t14  anonymous v2, v3, v4, v5      —   01-04  paid_search     cm3  —   ad_click
 * c4 and c6 never touched anything. Stages and deals: fixture.ts (c1 MQL 01-10 with o1 1000 won
 * 03-01 and o2 500 lost; c2 MQL 01-20; c3 MQL 02-05; c5 MQL 01-02 with o4 300 won 01-30; o3 2000
 * open of c4; o5 700 won without a contact; o6 100 lost of an unknown contact).
 */

import { WORLD } from './fixture.js';
import type { World, WorldRow } from './world.js';

const touch = (id: string, day: string, channel: string, fields: WorldRow): WorldRow => ({ touchpoint_id: id, occurred_at: day, channel, touch_type: 'page_view', ...fields });

export const MARKETING_WORLD: World = {
  ...WORLD,
  content: [
    { content_id: 'k1', title: 'Blog one', content_type: 'blog', funnel_stage: 'tofu' },
    { content_id: 'k2', title: 'Whitepaper', content_type: 'whitepaper', funnel_stage: 'mofu' },
    { content_id: 'k3', title: 'Case study', content_type: 'case_study', funnel_stage: 'bofu' },
    { content_id: 'k4', title: 'Blog two', content_type: 'blog', funnel_stage: 'tofu' },
  ],
  campaigns: [
    { campaign_id: 'cm1', name: 'Nurture', channel: 'email', type: 'email nurture', start_date: '2026-01-05', end_date: '2026-02-28', owner_id: 'k1' },
    { campaign_id: 'cm2', name: 'Webinar', channel: 'webinar', type: 'webinar', start_date: '2026-02-01', owner_id: 'k1' },
    { campaign_id: 'cm3', name: 'Search', channel: 'paid_search', type: 'brand search', start_date: '2026-01-01', owner_id: 'u1' },
    { campaign_id: 'cm4', name: 'Booth', channel: 'events', type: 'trade show' },
  ],
  campaign_costs: [
    { campaign_id: 'cm1', day: '2026-01-05', cost: 100 },
    { campaign_id: 'cm1', day: '2026-01-20', cost: 50 },
    { campaign_id: 'cm2', day: '2026-02-01', cost: 400 },
    { campaign_id: 'cm3', day: '2026-01-01', cost: 300 },
    { campaign_id: 'cm3', day: '2026-02-15', cost: 200 },
    { campaign_id: 'cm4', day: '2025-12-31', cost: 80 },
  ],
  identities: [{ anonymous_id: 'v1', contact_id: 'c1', method: 'form_fill', identified_at: '2026-01-05' }],
  touchpoints: [
    touch('t1', '2026-01-03', 'paid_search', { contact_id: 'c1', anonymous_id: 'v1', account_id: 'A1', campaign_id: 'cm3', content_id: 'k1' }),
    touch('t2', '2026-01-08', 'email', { contact_id: 'c1', account_id: 'A1', campaign_id: 'cm1', content_id: 'k2', touch_type: 'email_click' }),
    touch('t10', '2026-01-09', 'email', { contact_id: 'c1', account_id: 'A1', content_id: 'k4' }),
    touch('t3', '2026-01-15', 'paid_search', { contact_id: 'c1', account_id: 'A1', campaign_id: 'cm3', touch_type: 'ad_click' }),
    touch('t4', '2026-02-20', 'direct', { contact_id: 'c1', account_id: 'A1', content_id: 'k1' }),
    touch('t5', '2026-01-12', 'webinar', { contact_id: 'c2', account_id: 'A1', content_id: 'k2', touch_type: 'webinar' }),
    touch('t6', '2026-02-01', 'webinar', { contact_id: 'c3', account_id: 'A2', campaign_id: 'cm2', content_id: 'k2', touch_type: 'webinar' }),
    touch('t7', '2025-12-15', 'email', { contact_id: 'c5', account_id: 'A3', content_id: 'k1', touch_type: 'email_open' }),
    touch('t8', '2026-01-05', 'organic_search', { anonymous_id: 'v9', content_id: 'k1' }),
    touch('t9', '2026-01-06', 'organic_search', { anonymous_id: 'v9', content_id: 'k1' }),
    ...['v2', 'v3', 'v4', 'v5'].map((v, i) => touch(`t${11 + i}`, '2026-01-04', 'paid_search', { anonymous_id: v, campaign_id: 'cm3', touch_type: 'ad_click' })),
  ],
};
