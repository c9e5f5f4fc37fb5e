/**
 * Presets for Salesforce exports that use API field names as headers (Data Loader, Data Export
 * Service, Workbench, SOQL exports): Lead, Contact, Account, Opportunity, OpportunityHistory,
 * Campaign, CampaignMember.
 *
 * Invariants:
 * - Headers are API names; matching is case-insensitive because Data Loader writes them upper-case
 *   (ID, FIRSTNAME) and other tools mixed case (Id, FirstName).
 * - One person keeps one id across objects: a converted Lead is imported under its
 *   ConvertedContactId, so the Contact export later updates the same contact instead of adding a
 *   second one; an unconverted Lead keeps its own Id, which CampaignMember.LeadId also names.
 * - Date-only fields (ConvertedDate, CloseDate, FirstRespondedDate) become noon UTC: that instant
 *   falls on the same calendar day in every time zone from UTC−12 to UTC+11, so day-level reports
 *   show the date Salesforce shows. Datetimes (CreatedDate, 2024-03-05T14:22:07.000Z) carry a zone.
 * - Picklist values not listed are kept (channels then become `other` and are counted; stages
 *   stay as exported); docs/presets.md lists every rule.
 */

import { col, concat, constant, mapValues, maybe, when, type Mapping, type ValueExpr } from './mapping.js';

/** Standard Lead/Contact/Opportunity LeadSource picklist values (and common custom ones) → channel. */
export const SALESFORCE_LEAD_SOURCE_CHANNELS: Readonly<Record<string, string>> = {
  // Why direct: "Web" (web-to-lead) says the form, not how the visitor came; like analytics tools,
  // an inbound visit with no known referrer counts as direct. Touchpoints with UTM refine it.
  Web: 'direct',
  'Phone Inquiry': 'direct',
  'Partner Referral': 'partner',
  Partner: 'partner',
  'Purchased List': 'outbound_sales',
  Other: 'other',
  Advertisement: 'display',
  'Employee Referral': 'referral',
  'External Referral': 'referral',
  'Word of mouth': 'referral',
  'Public Relations': 'other',
  'Seminar - Internal': 'events',
  'Seminar - Partner': 'events',
  'Trade Show': 'events',
  // Frequent custom values.
  Webinar: 'webinar',
  Email: 'email',
  'Cold Call': 'outbound_sales',
  Outbound: 'outbound_sales',
  'Paid Search': 'paid_search',
  'Google AdWords': 'paid_search',
  'Organic Search': 'organic_search',
  SEO: 'organic_search',
  'Social Media': 'organic_social',
  'Paid Social': 'paid_social',
  'Content Syndication': 'content_syndication',
};

/** LeadSource → who created the person (marketing, sales, partner, other). */
export const SALESFORCE_LEAD_SOURCE_CREATORS: Readonly<Record<string, string | null>> = {
  Web: 'marketing',
  'Phone Inquiry': 'marketing',
  Advertisement: 'marketing',
  'Seminar - Internal': 'marketing',
  'Trade Show': 'marketing',
  'Public Relations': 'marketing',
  Webinar: 'marketing',
  Email: 'marketing',
  'Paid Search': 'marketing',
  'Google AdWords': 'marketing',
  'Organic Search': 'marketing',
  SEO: 'marketing',
  'Social Media': 'marketing',
  'Paid Social': 'marketing',
  'Content Syndication': 'marketing',
  'Purchased List': 'sales',
  'Cold Call': 'sales',
  Outbound: 'sales',
  Partner: 'partner',
  'Partner Referral': 'partner',
  'Seminar - Partner': 'partner',
  'Employee Referral': 'other',
  'External Referral': 'other',
  'Word of mouth': 'other',
  Other: 'other',
};

/**
 * Standard StageName values → Revline stage. Discovery work before a proposal (needs analysis,
 * value proposition, identifying decision makers, perception analysis) is the meeting stage.
 */
export const SALESFORCE_STAGES: Readonly<Record<string, string>> = {
  Prospecting: 'qualification',
  Qualification: 'qualification',
  'Needs Analysis': 'meeting',
  'Value Proposition': 'meeting',
  'Id. Decision Makers': 'meeting',
  'Perception Analysis': 'meeting',
  'Proposal/Price Quote': 'proposal',
  'Negotiation/Review': 'negotiation',
  'Closed Won': 'closed_won',
  'Closed Lost': 'closed_lost',
};

/** Standard Campaign.Type values → channel. */
export const SALESFORCE_CAMPAIGN_TYPE_CHANNELS: Readonly<Record<string, string>> = {
  Conference: 'events',
  Webinar: 'webinar',
  'Trade Show': 'events',
  'Public Relations': 'other',
  Partners: 'partner',
  'Referral Program': 'referral',
  Advertisement: 'display',
  'Banner Ads': 'display',
  'Direct Mail': 'other',
  Email: 'email',
  Telemarketing: 'outbound_sales',
  Other: 'other',
};

/** Campaign.Type → touch type of a member's response, when the export carries the campaign type. */
export const SALESFORCE_CAMPAIGN_TYPE_TOUCHES: Readonly<Record<string, string>> = {
  Conference: 'event',
  Webinar: 'webinar',
  'Trade Show': 'event',
  'Public Relations': 'form_fill',
  Partners: 'form_fill',
  'Referral Program': 'form_fill',
  Advertisement: 'ad_click',
  'Banner Ads': 'ad_click',
  'Direct Mail': 'form_fill',
  Email: 'email_click',
  Telemarketing: 'call',
  Other: 'form_fill',
};

/** CampaignMember.Status (default and common custom statuses) → touch type. */
export const SALESFORCE_MEMBER_STATUS_TOUCHES: Readonly<Record<string, string>> = {
  Responded: 'form_fill',
  Attended: 'event',
  Registered: 'event',
  'Attended On-demand': 'webinar',
  Clicked: 'email_click',
  Opened: 'email_open',
  Downloaded: 'content_download',
  'Demo Requested': 'demo_request',
  'Trial Started': 'trial_signup',
  'Meeting Booked': 'meeting',
};

const TRUE_TOKENS = { true: 'true', '1': 'true' } as const;

/** A date-only field as noon UTC (see the invariants), null when empty. */
function dateAsNoonUtc(field: ValueExpr): ValueExpr {
  return concat([field, constant('T12:00:00Z')]);
}

const LEAD_SOURCE = maybe('LeadSource');
const leadSourceChannel = mapValues(LEAD_SOURCE, { ...SALESFORCE_LEAD_SOURCE_CHANNELS });
const leadSourceCreator = mapValues(LEAD_SOURCE, { ...SALESFORCE_LEAD_SOURCE_CREATORS }, 'null');

const LEAD_ID = col('ConvertedContactId', 'Id');

export const SALESFORCE_LEAD: Mapping = {
  name: 'salesforce lead',
  description:
    'Salesforce Lead export, as contacts (a converted lead under its ConvertedContactId), with a lead lifecycle event at CreatedDate and an sql event at ConvertedDate.',
  entity: 'contacts',
  outputs: [
    {
      entity: 'contacts',
      columns: {
        contact_id: LEAD_ID,
        email: maybe('Email'),
        first_name: maybe('FirstName'),
        last_name: maybe('LastName'),
        title: maybe('Title'),
        account_id: maybe('ConvertedAccountId'),
        original_source: leadSourceChannel,
        lead_source: LEAD_SOURCE,
        created_by: leadSourceCreator,
        owner_id: maybe('OwnerId'),
        lead_status: maybe('Status'),
        created_at: col('CreatedDate'),
      },
    },
    {
      entity: 'lifecycle-events',
      name: 'lifecycle: lead',
      when: { nonEmpty: col('CreatedDate') },
      columns: {
        contact_id: LEAD_ID,
        stage: constant('lead'),
        entered_at: col('CreatedDate'),
        actor_type: constant('import'),
        actor: constant('salesforce'),
      },
    },
    {
      // Why sql: converting a lead is sales accepting it as qualified and creating the contact.
      entity: 'lifecycle-events',
      name: 'lifecycle: sql (converted)',
      optional: true,
      when: { nonEmpty: when(mapValues(col('IsConverted'), TRUE_TOKENS, 'null'), col('ConvertedDate')) },
      columns: {
        contact_id: LEAD_ID,
        stage: constant('sql'),
        entered_at: dateAsNoonUtc(col('ConvertedDate')),
        reason: constant('converted'),
        actor_type: constant('import'),
        actor: constant('salesforce'),
      },
    },
  ],
};

export const SALESFORCE_CONTACT: Mapping = {
  name: 'salesforce contact',
  description: 'Salesforce Contact export, as contacts.',
  entity: 'contacts',
  outputs: [
    {
      entity: 'contacts',
      columns: {
        contact_id: col('Id'),
        email: maybe('Email'),
        first_name: maybe('FirstName'),
        last_name: maybe('LastName'),
        title: maybe('Title'),
        department: maybe('Department'),
        account_id: maybe('AccountId'),
        original_source: leadSourceChannel,
        lead_source: LEAD_SOURCE,
        created_by: leadSourceCreator,
        owner_id: maybe('OwnerId'),
        created_at: maybe('CreatedDate'),
      },
    },
  ],
};

export const SALESFORCE_ACCOUNT: Mapping = {
  name: 'salesforce account',
  description: 'Salesforce Account export, as accounts.',
  entity: 'accounts',
  outputs: [
    {
      entity: 'accounts',
      columns: {
        account_id: col('Id'),
        name: maybe('Name'),
        website: maybe('Website'),
        industry: maybe('Industry'),
        employees: maybe('NumberOfEmployees'),
        annual_revenue: maybe('AnnualRevenue'),
        country: maybe('BillingCountry', 'BillingCountryCode'),
        sales_owner_id: maybe('OwnerId'),
        created_at: maybe('CreatedDate'),
      },
    },
  ],
};

const STAGE_NAME = maybe('StageName');
const closedFromStage = (won: string, lost: string) => mapValues(STAGE_NAME, { 'Closed Won': won, 'Closed Lost': lost }, 'null');

export const SALESFORCE_OPPORTUNITY: Mapping = {
  name: 'salesforce opportunity',
  description: 'Salesforce Opportunity export, as opportunities.',
  entity: 'opportunities',
  outputs: [
    {
      entity: 'opportunities',
      columns: {
        opportunity_id: col('Id'),
        name: maybe('Name'),
        account_id: maybe('AccountId'),
        primary_contact_id: maybe('ContactId'),
        owner_id: maybe('OwnerId'),
        amount: maybe('Amount'),
        currency: maybe('CurrencyIsoCode'),
        created_at: col('CreatedDate'),
        // CloseDate of an open opportunity is the expected date, so it is closed_at only once closed.
        closed_at: when(
          { firstOf: [mapValues(maybe('IsClosed'), TRUE_TOKENS, 'null'), closedFromStage('true', 'true')] },
          dateAsNoonUtc(maybe('CloseDate')),
        ),
        stage: mapValues(STAGE_NAME, { ...SALESFORCE_STAGES }),
        is_won: {
          firstOf: [
            mapValues(concat([maybe('IsClosed'), maybe('IsWon')], '|'), { 'true|true': 'true', 'true|false': 'false', '1|1': 'true', '1|0': 'false' }, 'null'),
            closedFromStage('true', 'false'),
          ],
        },
        source: leadSourceChannel,
      },
    },
  ],
};

export const SALESFORCE_OPPORTUNITY_HISTORY: Mapping = {
  name: 'salesforce opportunity-history',
  description:
    'Salesforce OpportunityHistory export, as opportunity stage history. Salesforce also writes a row when only the amount, probability or close date changes; those rows repeat the stage with a later time.',
  entity: 'opportunity-stages',
  outputs: [
    {
      entity: 'opportunity-stages',
      columns: {
        opportunity_id: col('OpportunityId'),
        stage: mapValues(col('StageName'), { ...SALESFORCE_STAGES }),
        entered_at: col('CreatedDate'),
        amount: maybe('Amount'),
      },
    },
  ],
};

export const SALESFORCE_CAMPAIGN: Mapping = {
  name: 'salesforce campaign',
  description: 'Salesforce Campaign export, as campaigns; ActualCost becomes one campaign cost on StartDate.',
  entity: 'campaigns',
  outputs: [
    {
      entity: 'campaigns',
      columns: {
        campaign_id: col('Id'),
        name: maybe('Name'),
        channel: mapValues(maybe('Type'), { ...SALESFORCE_CAMPAIGN_TYPE_CHANNELS }),
        type: maybe('Type'),
        start_date: maybe('StartDate'),
        end_date: maybe('EndDate'),
        budget: maybe('BudgetedCost'),
        owner_id: maybe('OwnerId'),
      },
    },
    {
      // Limitation: Salesforce keeps one total, not spend per day; it is booked on the start date.
      entity: 'campaign-costs',
      name: 'campaign cost (ActualCost on StartDate)',
      optional: true,
      when: { nonEmpty: when(col('StartDate'), col('ActualCost')) },
      columns: {
        campaign_id: col('Id'),
        day: col('StartDate'),
        cost: col('ActualCost'),
        currency: maybe('CurrencyIsoCode'),
      },
    },
  ],
};

export const SALESFORCE_CAMPAIGN_MEMBER: Mapping = {
  name: 'salesforce campaign-member',
  description:
    'Salesforce CampaignMember export: each member who responded (HasResponded) becomes a touchpoint at FirstRespondedDate (else CreatedDate). Members who did not respond were only targeted and are not touches.',
  entity: 'touchpoints',
  outputs: [
    {
      entity: 'touchpoints',
      when: { nonEmpty: mapValues(col('HasResponded'), TRUE_TOKENS, 'null') },
      columns: {
        touchpoint_id: col('Id'),
        occurred_at: { firstOf: [dateAsNoonUtc(maybe('FirstRespondedDate')), col('CreatedDate')] },
        // Campaign type (when the export joins it as Campaign.Type) says more than the status.
        touch_type: {
          firstOf: [
            mapValues(maybe('Campaign.Type', 'CampaignType'), { ...SALESFORCE_CAMPAIGN_TYPE_TOUCHES }, 'null'),
            mapValues(maybe('Status'), { ...SALESFORCE_MEMBER_STATUS_TOUCHES }, 'null'),
            constant('form_fill'),
          ],
        },
        channel: mapValues(maybe('Campaign.Type', 'CampaignType'), { ...SALESFORCE_CAMPAIGN_TYPE_CHANNELS }),
        campaign_id: col('CampaignId'),
        contact_id: maybe('ContactId', 'LeadId'),
        email: maybe('Email'),
      },
    },
  ],
};

export const SALESFORCE_PRESETS: Readonly<Record<string, Mapping>> = {
  lead: SALESFORCE_LEAD,
  contact: SALESFORCE_CONTACT,
  account: SALESFORCE_ACCOUNT,
  opportunity: SALESFORCE_OPPORTUNITY,
  'opportunity-history': SALESFORCE_OPPORTUNITY_HISTORY,
  campaign: SALESFORCE_CAMPAIGN,
  'campaign-member': SALESFORCE_CAMPAIGN_MEMBER,
};
