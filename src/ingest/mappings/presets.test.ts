import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHANNELS, DEFAULT_LIFECYCLE_STAGES, DEFAULT_OPPORTUNITY_STAGES } from '../../core/vocabulary.js';
import { HUBSPOT_CONTACTS, HUBSPOT_DEALS, HUBSPOT_DEAL_STAGES, HUBSPOT_LIFECYCLE_DATES } from './hubspot.js';
import { checkMapping, evaluateExpr, evaluatePlan, planMapping, type FileRow, type Mapping, type ValueExpr } from './mapping.js';
import { detectPresetObject, PRESET_NAMES, presetFor, presetObjects } from './presets.js';
import { SALESFORCE_CONTACT, SALESFORCE_OPPORTUNITY, SALESFORCE_STAGES } from './salesforce.js';

/** RFC 4180 CSV (quoted fields, doubled quotes); enough for the example exports. */
function parseCsv(text: string): { header: string[]; rows: FileRow[] } {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') record.push(field), (field = '');
    else if (ch === '\n') record.push(field), records.push(record), (record = []), (field = '');
    else if (ch !== '\r') field += ch;
  }
  if (field !== '' || record.length > 0) record.push(field), records.push(record);
  const [header, ...body] = records;
  return { header: header!, rows: body.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? '']))) };
}

function example(path: string): { header: string[]; rows: FileRow[] } {
  return parseCsv(readFileSync(new URL(`../../../examples/${path}`, import.meta.url), 'utf8'));
}

const EXAMPLES: ReadonlyArray<{ preset: 'hubspot' | 'salesforce'; object: string; file: string; skipped: string[] }> = [
  { preset: 'hubspot', object: 'contacts', file: 'hubspot/contacts.csv', skipped: [] },
  { preset: 'hubspot', object: 'companies', file: 'hubspot/companies.csv', skipped: [] },
  { preset: 'hubspot', object: 'deals', file: 'hubspot/deals.csv', skipped: [] },
  { preset: 'salesforce', object: 'lead', file: 'salesforce/Lead.csv', skipped: [] },
  { preset: 'salesforce', object: 'contact', file: 'salesforce/Contact.csv', skipped: [] },
  { preset: 'salesforce', object: 'account', file: 'salesforce/Account.csv', skipped: [] },
  { preset: 'salesforce', object: 'opportunity', file: 'salesforce/Opportunity.csv', skipped: [] },
  { preset: 'salesforce', object: 'opportunity-history', file: 'salesforce/OpportunityHistory.csv', skipped: [] },
  { preset: 'salesforce', object: 'campaign', file: 'salesforce/Campaign.csv', skipped: [] },
  { preset: 'salesforce', object: 'campaign-member', file: 'salesforce/CampaignMember.csv', skipped: [] },
];

/** The expression of a canonical column in a preset's primary output. */
function exprOf(mapping: Mapping, column: string): ValueExpr {
  return mapping.outputs[0]!.columns[column]!;
}

describe('presets against their example exports', () => {
  it.each(EXAMPLES)('$preset $object validates cleanly against the header of $file', ({ preset, object, file, skipped }) => {
    const { header } = example(file);
    const check = checkMapping(presetFor(preset, object), header, { file });
    expect(check.problems).toEqual([]);
    expect(check.skipped.map((s) => s.output)).toEqual(skipped);
  });

  it.each(EXAMPLES)('$preset $object is detected from the header of $file', ({ preset, object, file }) => {
    expect(detectPresetObject(preset, example(file).header)).toBe(object);
  });

  it('validates every preset without a header, so their shapes and value maps are sound', () => {
    for (const preset of PRESET_NAMES) for (const { object } of presetObjects(preset)) expect(checkMapping(presetFor(preset, object), undefined).problems).toEqual([]);
  });

  it('reports the HubSpot contact columns the preset does not read as ignored', () => {
    const { header } = example('hubspot/contacts.csv');
    expect(planMapping(HUBSPOT_CONTACTS, header).ignoredColumns).toEqual([
      'Company Name',
      'Original Source Drill-Down 2',
      'Lifecycle Stage',
      'Became an Evangelist Date',
      'Became a Other Lifecycle Stage Date',
    ]);
  });

  it('skips HubSpot lifecycle outputs whose date columns the export left out', () => {
    const header = ['Record ID', 'Email', 'Create Date', 'Became a Lead Date'];
    const plan = planMapping(HUBSPOT_CONTACTS, header);
    expect(plan.outputs.map((o) => o.name)).toEqual(['outputs[0] (contacts)', 'lifecycle: lead']);
    expect(plan.skipped).toHaveLength(5);
  });

  it('turns a HubSpot contact into a contact plus one lifecycle event per Became-a date', () => {
    const { header, rows } = example('hubspot/contacts.csv');
    const plan = planMapping(HUBSPOT_CONTACTS, header);
    const emitted = evaluatePlan(plan, rows[0]!);
    expect(emitted[0]!.values).toMatchObject({ contact_id: '32051', account_id: '18460293814', original_source: 'organic_search', created_by: 'marketing' });
    expect(emitted.slice(1).map((r) => [r.values['stage'], r.values['entered_at'], r.values['actor']])).toEqual([
      ['lead', '2024-01-08 09:12', 'hubspot'],
      ['mql', '2024-01-19 16:40', 'hubspot'],
      ['sql', '2024-01-24 11:05', 'hubspot'],
      ['opportunity', '2024-02-02 10:30', 'hubspot'],
      ['customer', '2024-03-28 15:02', 'hubspot'],
    ]);
  });

  it('marks HubSpot offline records created by a rep as sales and outbound, and other offline ones as other', () => {
    const { header, rows } = example('hubspot/contacts.csv');
    const plan = planMapping(HUBSPOT_CONTACTS, header);
    const byId = new Map(rows.map((r) => [r['Record ID'], evaluatePlan(plan, r)[0]!.values]));
    expect(byId.get('32101')).toMatchObject({ created_by: 'sales', original_source: 'outbound_sales' });
    expect(byId.get('32501')).toMatchObject({ created_by: 'sales', original_source: 'outbound_sales' });
    expect(byId.get('32551')).toMatchObject({ created_by: 'other', original_source: 'other' });
    expect(byId.get('32451')).toMatchObject({ created_by: 'marketing', original_source: 'referral' });
  });

  it('sets a HubSpot deal closed_at only once the deal is closed, because Close Date of an open deal is a forecast', () => {
    const { header, rows } = example('hubspot/deals.csv');
    const plan = planMapping(HUBSPOT_DEALS, header);
    const values = rows.map((r) => evaluatePlan(plan, r)[0]!.values);
    expect(values.map((v) => [v['stage'], v['is_won'], v['closed_at']])).toEqual([
      ['closed_won', 'true', '2024-03-28 15:02'],
      ['negotiation', null, null],
      ['meeting', null, null],
      ['closed_lost', 'false', '2024-04-12 10:05'],
      ['qualification', null, null],
      ['qualification', null, null],
    ]);
  });

  it('imports a converted Salesforce lead under its contact id, with an sql event at noon UTC of the conversion date', () => {
    const { header, rows } = example('salesforce/Lead.csv');
    const emitted = evaluatePlan(planMapping(presetFor('salesforce', 'lead'), header), rows[0]!);
    expect(emitted.map((r) => [r.entity, r.values['contact_id'], r.values['stage'] ?? null, r.values['entered_at'] ?? null])).toEqual([
      ['contacts', '003Hs00000xQ7a1IAC', null, null],
      ['lifecycle-events', '003Hs00000xQ7a1IAC', 'lead', '2024-01-08T09:12:44.000Z'],
      ['lifecycle-events', '003Hs00000xQ7a1IAC', 'sql', '2024-01-24T12:00:00Z'],
    ]);
    const open = evaluatePlan(planMapping(presetFor('salesforce', 'lead'), header), rows[3]!);
    expect(open.map((r) => r.values['contact_id'])).toEqual(['00QHs00000mR2b4MAC', '00QHs00000mR2b4MAC']);
  });

  it('makes a touchpoint only of Salesforce campaign members who responded', () => {
    const { header, rows } = example('salesforce/CampaignMember.csv');
    const plan = planMapping(presetFor('salesforce', 'campaign-member'), header);
    const touches = rows.flatMap((r) => evaluatePlan(plan, r)).map((r) => [r.values['touchpoint_id'], r.values['touch_type'], r.values['occurred_at'], r.values['contact_id']]);
    expect(touches).toEqual([
      ['00vHs00000gB1c1IAC', 'form_fill', '2024-02-05T12:00:00Z', '003Hs00000xQ7a5IAC'],
      ['00vHs00000gB1c2IAC', 'event', '2024-02-21T12:00:00Z', '003Hs00000xQ7a3IAC'],
      ['00vHs00000gB1c4IAC', 'event', '2024-03-14T12:00:00Z', '003Hs00000xQ7a4IAC'],
      ['00vHs00000gB1c5IAC', 'webinar', '2024-03-19T12:00:00Z', '00QHs00000mR2b4MAC'],
      ['00vHs00000gB1c7IAC', 'email_click', '2024-03-05T12:00:00Z', '003Hs00000xQ7a6IAC'],
      ['00vHs00000gB1c8IAC', 'form_fill', '2024-01-08T12:00:00Z', '003Hs00000xQ7a1IAC'],
    ]);
  });

  it('books a Salesforce campaign ActualCost on its start date, and nothing when there is no cost', () => {
    const { header, rows } = example('salesforce/Campaign.csv');
    const plan = planMapping(presetFor('salesforce', 'campaign'), header);
    const costs = rows.flatMap((r) => evaluatePlan(plan, r)).filter((r) => r.entity === 'campaign-costs');
    expect(costs.map((c) => [c.values['campaign_id'], c.values['day'], c.values['cost']])).toEqual([
      ['701Hs00000fA1b1IAA', '2024-01-01', '13820.55'],
      ['701Hs00000fA1b2IAA', '2024-02-20', '42310'],
      ['701Hs00000fA1b3IAA', '2024-03-14', '1980'],
    ]);
  });
});

describe('value maps cover every documented value', () => {
  const lower = (values: readonly string[]) => values.map((v) => v.toLowerCase());

  const HUBSPOT_SOURCES: ReadonlyArray<[string, string]> = [
    ['ORGANIC_SEARCH', 'organic_search'],
    ['Organic Search', 'organic_search'],
    ['PAID_SEARCH', 'paid_search'],
    ['Paid search', 'paid_search'],
    ['EMAIL_MARKETING', 'email'],
    ['Email marketing', 'email'],
    ['SOCIAL_MEDIA', 'organic_social'],
    ['Organic social', 'organic_social'],
    ['PAID_SOCIAL', 'paid_social'],
    ['Paid social', 'paid_social'],
    ['REFERRALS', 'referral'],
    ['Referrals', 'referral'],
    ['AI_REFERRALS', 'referral'],
    ['OTHER_CAMPAIGNS', 'other'],
    ['Other campaigns', 'other'],
    ['DIRECT_TRAFFIC', 'direct'],
    ['Direct traffic', 'direct'],
    ['OFFLINE', 'other'],
    ['Offline sources', 'other'],
  ];

  it.each(HUBSPOT_SOURCES)('maps HubSpot Original Source %s to the %s channel', (value, channel) => {
    expect(evaluateExpr(exprOf(HUBSPOT_CONTACTS, 'original_source'), { 'Original Source': value })).toBe(channel);
  });

  it('maps every HubSpot default deal stage, by internal id and by label, to a Revline stage', () => {
    const stages = ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent', 'closedwon', 'closedlost'];
    const labels = ['Appointment Scheduled', 'Qualified To Buy', 'Presentation Scheduled', 'Decision Maker Bought-In', 'Contract Sent', 'Closed Won', 'Closed Lost'];
    for (const v of [...stages, ...labels, ...labels.map((l) => `${l} (Sales Pipeline)`)]) {
      expect(DEFAULT_OPPORTUNITY_STAGES).toContain(evaluateExpr(exprOf(HUBSPOT_DEALS, 'stage'), { 'Deal Stage': v }));
    }
    expect(Object.keys(HUBSPOT_DEAL_STAGES)).toHaveLength(14);
  });

  it('maps every HubSpot Became-a date to a default lifecycle stage', () => {
    for (const d of HUBSPOT_LIFECYCLE_DATES) expect(DEFAULT_LIFECYCLE_STAGES).toContain(d.stage);
  });

  const LEAD_SOURCES = [
    'Web',
    'Phone Inquiry',
    'Partner Referral',
    'Purchased List',
    'Other',
    'Advertisement',
    'Employee Referral',
    'External Referral',
    'Partner',
    'Public Relations',
    'Seminar - Internal',
    'Seminar - Partner',
    'Trade Show',
    'Word of mouth',
  ];

  it.each(LEAD_SOURCES)('maps Salesforce LeadSource "%s" to a channel and a creator', (value) => {
    expect(CHANNELS).toContain(evaluateExpr(exprOf(SALESFORCE_CONTACT, 'original_source'), { LeadSource: value }));
    expect(['marketing', 'sales', 'partner', 'other']).toContain(evaluateExpr(exprOf(SALESFORCE_CONTACT, 'created_by'), { LeadSource: value }));
  });

  it('keeps an unknown LeadSource so the channel normalizer counts it as other instead of dropping it', () => {
    expect(evaluateExpr(exprOf(SALESFORCE_CONTACT, 'original_source'), { LeadSource: 'Podcast' })).toBe('Podcast');
  });

  it('maps every standard Salesforce StageName to a Revline stage', () => {
    const names = ['Prospecting', 'Qualification', 'Needs Analysis', 'Value Proposition', 'Id. Decision Makers', 'Perception Analysis', 'Proposal/Price Quote', 'Negotiation/Review', 'Closed Won', 'Closed Lost'];
    expect(lower(Object.keys(SALESFORCE_STAGES)).sort()).toEqual(lower(names).sort());
    for (const n of names) expect(DEFAULT_OPPORTUNITY_STAGES).toContain(evaluateExpr(exprOf(SALESFORCE_OPPORTUNITY, 'stage'), { StageName: n.toUpperCase() }));
  });

  it('maps every standard Campaign Type to a channel', () => {
    const campaign = presetFor('salesforce', 'campaign');
    for (const t of ['Conference', 'Webinar', 'Trade Show', 'Public Relations', 'Partners', 'Referral Program', 'Advertisement', 'Banner Ads', 'Direct Mail', 'Email', 'Telemarketing', 'Other']) {
      expect(CHANNELS).toContain(evaluateExpr(exprOf(campaign, 'channel'), { Type: t }));
    }
  });
});

describe('detectPresetObject', () => {
  it('picks Lead or Contact for --as contacts from the header', () => {
    expect(detectPresetObject('salesforce', example('salesforce/Lead.csv').header, 'contacts')).toBe('lead');
    expect(detectPresetObject('salesforce', example('salesforce/Contact.csv').header, 'contacts')).toBe('contact');
  });

  it('matches Data Loader upper-case headers case-insensitively', () => {
    const header = example('salesforce/Opportunity.csv').header.map((h) => h.toUpperCase());
    expect(detectPresetObject('salesforce', header)).toBe('opportunity');
  });

  it('selects companies for --preset hubspot --as accounts without needing the header', () => {
    expect(detectPresetObject('hubspot', [], 'accounts')).toBe('companies');
  });

  it('explains that lifecycle events come with the contacts export', () => {
    expect(() => detectPresetObject('hubspot', [], 'lifecycle-events')).toThrowError(expect.objectContaining({ code: 'preset-unknown', hint: expect.stringContaining('--as contacts') }));
  });

  it('refuses a header that looks like no export of the preset, listing what it expected', () => {
    expect(() => detectPresetObject('hubspot', ['foo', 'bar'])).toThrowError(/does not look like any hubspot export/);
  });

  it('throws preset-unknown listing the known presets and objects', () => {
    expect(() => presetFor('pipedrive', 'deals')).toThrowError(/Known presets: hubspot, salesforce/);
    expect(() => presetFor('hubspot', 'tickets')).toThrowError(/companies \(--as accounts\)/);
  });
});
