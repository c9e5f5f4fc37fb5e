/**
 * Presets for HubSpot CRM exports: contacts, companies, deals.
 *
 * Invariants:
 * - Every column is read by its export label first ("Original Source") and then by its internal
 *   property name (`hs_analytics_source`), because exports show labels while API-built files and
 *   some report exports use internal names. Matching is case-insensitive, so "Contact owner" and
 *   "Contact Owner" are the same column.
 * - Enumerated values are listed both as HubSpot's internal value (ORGANIC_SEARCH, closedwon) and
 *   as the label an export shows ("Organic Search", "Closed Won").
 * - Unknown channel values are kept, so the channel normalizer maps them to `other` and counts them;
 *   unknown deal stages (custom pipelines) are kept as exported.
 * - HubSpot exports timestamps in the portal's time zone without an offset, so importing these
 *   files needs --timezone.
 * - Rules are documented in docs/presets.md; change both together.
 */

import { col, concat, constant, mapValues, maybe, when, type EntityMapping, type Mapping, type ValueExpr } from './mapping.js';

/** Original Source (hs_analytics_source) → Revline channel. OFFLINE is refined by drill-down below. */
export const HUBSPOT_SOURCE_CHANNELS: Readonly<Record<string, string>> = {
  ORGANIC_SEARCH: 'organic_search',
  'Organic Search': 'organic_search',
  PAID_SEARCH: 'paid_search',
  'Paid Search': 'paid_search',
  EMAIL_MARKETING: 'email',
  'Email Marketing': 'email',
  SOCIAL_MEDIA: 'organic_social',
  'Organic Social': 'organic_social',
  'Social Media': 'organic_social',
  PAID_SOCIAL: 'paid_social',
  'Paid Social': 'paid_social',
  REFERRALS: 'referral', // also the label "Referrals": keys match case-insensitively
  AI_REFERRALS: 'referral',
  'AI Referrals': 'referral',
  OTHER_CAMPAIGNS: 'other',
  'Other Campaigns': 'other',
  DIRECT_TRAFFIC: 'direct',
  'Direct Traffic': 'direct',
  OFFLINE: 'other',
  'Offline Sources': 'other',
};

/**
 * Drill-down 1 values of an OFFLINE source that mean a sales rep created the record: in the CRM
 * (CRM_UI), from the sales extension or mobile app, or by a list import (IMPORT; in B2B teams a
 * rep's prospect list far more often than a marketing list — see docs/presets.md).
 */
export const HUBSPOT_SALES_DRILL_DOWNS = ['CRM_UI', 'IMPORT', 'EXTENSION', 'MOBILE_IOS', 'MOBILE_ANDROID'] as const;

const OFFLINE_LABELS = ['OFFLINE', 'Offline Sources'] as const;

const ORIGINAL_SOURCE = maybe('Original Source', 'hs_analytics_source');
const DRILL_DOWN_1 = maybe('Original Source Drill-Down 1', 'hs_analytics_source_data_1');

/** "OFFLINE|CRM_UI" style keys for every offline label × sales drill-down. */
function offlineSalesKeys(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of OFFLINE_LABELS) for (const d of HUBSPOT_SALES_DRILL_DOWNS) out[`${o}|${d}`] = value;
  return out;
}

/** Channel: offline records a rep created are outbound sales; everything else by Original Source. */
function sourceChannel(source: ValueExpr, drillDown: ValueExpr): ValueExpr {
  return {
    firstOf: [
      mapValues(concat([source, drillDown], '|'), offlineSalesKeys('outbound_sales'), 'null'),
      mapValues(source, { ...HUBSPOT_SOURCE_CHANNELS }),
    ],
  };
}

/**
 * created_by: sales when an offline record came from a rep (see HUBSPOT_SALES_DRILL_DOWNS), other
 * for any other offline record (API, integrations: unknown), marketing for every online source.
 */
const CREATED_BY: ValueExpr = {
  firstOf: [
    mapValues(concat([ORIGINAL_SOURCE, DRILL_DOWN_1], '|'), offlineSalesKeys('sales'), 'null'),
    mapValues(ORIGINAL_SOURCE, { OFFLINE: 'other', 'Offline Sources': 'other' }, { constant: 'marketing' }),
  ],
};

const RECORD_ID = col('Record ID', 'hs_object_id', 'Contact ID');

/** Lifecycle stages HubSpot stamps a "Became a … Date" for, and the Revline stage each becomes. */
export const HUBSPOT_LIFECYCLE_DATES: ReadonlyArray<{ readonly stage: string; readonly label: string; readonly property: string }> = [
  { stage: 'subscriber', label: 'Became a Subscriber Date', property: 'hs_lifecyclestage_subscriber_date' },
  { stage: 'lead', label: 'Became a Lead Date', property: 'hs_lifecyclestage_lead_date' },
  { stage: 'mql', label: 'Became a Marketing Qualified Lead Date', property: 'hs_lifecyclestage_marketingqualifiedlead_date' },
  { stage: 'sql', label: 'Became a Sales Qualified Lead Date', property: 'hs_lifecyclestage_salesqualifiedlead_date' },
  { stage: 'opportunity', label: 'Became an Opportunity Date', property: 'hs_lifecyclestage_opportunity_date' },
  { stage: 'customer', label: 'Became a Customer Date', property: 'hs_lifecyclestage_customer_date' },
];

function lifecycleOutput(stage: string, label: string, property: string): EntityMapping {
  const date = maybe(label, property);
  return {
    entity: 'lifecycle-events',
    name: `lifecycle: ${stage}`,
    optional: true,
    when: { nonEmpty: date },
    columns: {
      contact_id: RECORD_ID,
      stage: constant(stage),
      entered_at: date,
      actor_type: constant('import'),
      actor: constant('hubspot'),
    },
  };
}

export const HUBSPOT_CONTACTS: Mapping = {
  name: 'hubspot contacts',
  description:
    'HubSpot contacts export (Contacts → Export). Yields contacts and one lifecycle event per "Became a … Date" column. Evangelist and Other dates have no Revline stage and are ignored.',
  entity: 'contacts',
  outputs: [
    {
      entity: 'contacts',
      columns: {
        contact_id: RECORD_ID,
        email: maybe('Email', 'email'),
        first_name: maybe('First Name', 'firstname'),
        last_name: maybe('Last Name', 'lastname'),
        title: maybe('Job Title', 'jobtitle'),
        // Limitation: "Associated Company IDs" may hold several ids separated by ";" — the single-valued columns win.
        account_id: maybe('Primary Associated Company ID', 'Associated Company ID', 'associatedcompanyid', 'Associated Company IDs'),
        original_source: sourceChannel(ORIGINAL_SOURCE, DRILL_DOWN_1),
        created_by: CREATED_BY,
        owner_id: maybe('Contact owner', 'hubspot_owner_id'),
        lead_status: maybe('Lead Status', 'hs_lead_status'),
        created_at: maybe('Create Date', 'createdate'),
      },
    },
    ...HUBSPOT_LIFECYCLE_DATES.map((d) => lifecycleOutput(d.stage, d.label, d.property)),
  ],
};

export const HUBSPOT_COMPANIES: Mapping = {
  name: 'hubspot companies',
  description: 'HubSpot companies export (Companies → Export), as accounts.',
  entity: 'accounts',
  outputs: [
    {
      entity: 'accounts',
      columns: {
        account_id: col('Record ID', 'hs_object_id', 'Company ID'),
        name: maybe('Company name', 'name'),
        domain: maybe('Company Domain Name', 'domain'),
        website: maybe('Website URL', 'website'),
        industry: maybe('Industry', 'industry'),
        employees: maybe('Number of Employees', 'numberofemployees'),
        annual_revenue: maybe('Annual Revenue', 'annualrevenue'),
        country: maybe('Country/Region', 'country'),
        sales_owner_id: maybe('Company owner', 'hubspot_owner_id'),
        created_at: maybe('Create Date', 'createdate'),
      },
    },
  ],
};

/**
 * Default sales pipeline stages (internal id and label) → Revline opportunity stage. The order is
 * kept monotone: an appointment is scheduled before the prospect is qualified, so both are
 * qualification; the presentation is the meeting; the decision maker buying in means a proposal.
 */
export const HUBSPOT_DEAL_STAGES: Readonly<Record<string, string>> = {
  appointmentscheduled: 'qualification',
  'Appointment Scheduled': 'qualification',
  qualifiedtobuy: 'qualification',
  'Qualified To Buy': 'qualification',
  presentationscheduled: 'meeting',
  'Presentation Scheduled': 'meeting',
  decisionmakerboughtin: 'proposal',
  'Decision Maker Bought-In': 'proposal',
  contractsent: 'negotiation',
  'Contract Sent': 'negotiation',
  closedwon: 'closed_won',
  'Closed Won': 'closed_won',
  closedlost: 'closed_lost',
  'Closed Lost': 'closed_lost',
};

/** Some exports suffix the stage with its pipeline, e.g. "Closed Won (Sales Pipeline)". */
const DEAL_STAGES_WITH_PIPELINE: Record<string, string> = Object.fromEntries(
  Object.entries(HUBSPOT_DEAL_STAGES)
    .filter(([k]) => /[A-Z ]/.test(k))
    .map(([k, v]) => [`${k} (Sales Pipeline)`, v]),
);

const DEAL_STAGE = maybe('Deal Stage', 'dealstage');
const STAGE_KEYS = { ...HUBSPOT_DEAL_STAGES, ...DEAL_STAGES_WITH_PIPELINE };
const stageTo = (won: string | null, lost: string | null) =>
  Object.fromEntries(Object.entries(STAGE_KEYS).flatMap(([k, v]) => (v === 'closed_won' ? [[k, won]] : v === 'closed_lost' ? [[k, lost]] : [])));

const IS_CLOSED = maybe('Is Deal Closed?', 'hs_is_closed');
const IS_CLOSED_WON = maybe('Is Closed Won', 'hs_is_closed_won');

/** Won from the stage when it is a default one; else from the Is Deal Closed? / Is Closed Won flags. */
const IS_WON: ValueExpr = {
  firstOf: [
    mapValues(DEAL_STAGE, stageTo('true', 'false'), 'null'),
    mapValues(concat([IS_CLOSED, IS_CLOSED_WON], '|'), { 'true|true': 'true', 'true|false': 'false' }, 'null'),
  ],
};

/** Non-empty only for closed deals: HubSpot's Close Date of an open deal is the expected date. */
const IS_CLOSED_FLAG: ValueExpr = {
  firstOf: [mapValues(DEAL_STAGE, stageTo('closed', 'closed'), 'null'), mapValues(IS_CLOSED, { true: 'closed' }, 'null')],
};

export const HUBSPOT_DEALS: Mapping = {
  name: 'hubspot deals',
  description: 'HubSpot deals export (Deals → Export), as opportunities. Stages of the default sales pipeline map to Revline stages; custom stages are kept as exported.',
  entity: 'opportunities',
  outputs: [
    {
      entity: 'opportunities',
      columns: {
        opportunity_id: col('Record ID', 'hs_object_id', 'Deal ID'),
        name: maybe('Deal Name', 'dealname'),
        account_id: maybe('Associated Company IDs', 'Associated Company ID'),
        owner_id: maybe('Deal owner', 'hubspot_owner_id'),
        amount: maybe('Amount', 'amount'),
        currency: maybe('Currency', 'deal_currency_code'),
        created_at: col('Create Date', 'createdate'),
        closed_at: when(IS_CLOSED_FLAG, col('Close Date', 'closedate')),
        stage: mapValues(DEAL_STAGE, STAGE_KEYS),
        is_won: IS_WON,
        lost_reason: maybe('Closed Lost Reason', 'closed_lost_reason'),
        source: sourceChannel(maybe('Original Source Type', 'hs_analytics_source'), maybe('Original Source Drill-Down 1', 'hs_analytics_source_data_1')),
      },
    },
  ],
};

export const HUBSPOT_PRESETS: Readonly<Record<string, Mapping>> = {
  contacts: HUBSPOT_CONTACTS,
  companies: HUBSPOT_COMPANIES,
  deals: HUBSPOT_DEALS,
};
