/**
 * The data model as data: every table, its columns with logical types, its natural key and its
 * storage order. Engines turn this into DDL through their dialect; import turns it into validation.
 *
 * Invariants:
 * - A table's `key` columns are `required`: a row without its key cannot be upserted and is quarantined.
 * - `orderBy` starts with `account_id` then time wherever a table has them, so one buying journey is
 *   stored together (and, on a ClickHouse cluster, on one shard).
 * - `input` columns are read from import files to derive stored values (a channel from source and
 *   medium, an account from an email domain) and are not stored themselves.
 * - Timestamps are stored in UTC with microsecond precision; money as DECIMAL(18,2).
 */

import {
  CHANNELS,
  CONTENT_TYPES,
  CREATORS,
  FUNNEL_STAGES,
  IDENTITY_METHODS,
  LIFECYCLE_ACTORS,
  TARGET_METRICS,
  TEAMS,
  TOUCH_TYPES,
} from '../vocabulary.js';

export type LogicalType = 'string' | 'timestamp' | 'date' | 'decimal' | 'integer' | 'float' | 'boolean';

/**
 * How import turns raw text into the stored value. Each has a pure reference implementation in
 * `core/normalize` and an SQL form compiled per dialect.
 */
export type Normalizer =
  | 'id' // trimmed, empty → null
  | 'text' // trimmed, inner whitespace kept, empty → null
  | 'lower' // trimmed, lower-cased
  | 'email' // trimmed, lower-cased, validated
  | 'domain' // host name from a URL, a bare domain or an email; lower-cased, no `www.`
  | 'url' // trimmed
  | 'timestamp' // ISO 8601 with a zone → UTC; without a zone needs --timezone
  | 'date' // YYYY-MM-DD (or a timestamp, whose UTC date is taken)
  | 'decimal' // 1234.50, -12, $1,234.50; decimal commas and exponents refused
  | 'integer'
  | 'boolean' // true/false/yes/no/1/0/won/lost
  | 'enum' // lower-cased, spaces and dashes to underscores, must be one of `values`
  | 'channel'; // mapped from the channel vocabulary or from source/medium/UTM/lead source

export interface ColumnSpec {
  readonly name: string;
  readonly type: LogicalType;
  readonly normalize: Normalizer;
  readonly required?: boolean;
  /** `enum`: the allowed values. `channel`: extra values kept as they are (`all` for targets). */
  readonly values?: readonly string[];
  /** Read from import files only, to derive other columns; not stored. */
  readonly input?: boolean;
  readonly doc: string;
}

export type TableKind = 'entity' | 'system';

export interface TableSpec {
  readonly name: string;
  /** The name `revline import --as` takes (kebab-case). System tables have none. */
  readonly entity?: string;
  readonly kind: TableKind;
  readonly columns: readonly ColumnSpec[];
  readonly key: readonly string[];
  readonly orderBy: readonly string[];
  /** Rows are never updated or deleted (history). */
  readonly appendOnly?: boolean;
  readonly doc: string;
}

const id = (name: string, doc: string, required = false): ColumnSpec => ({ name, type: 'string', normalize: 'id', required, doc });
const text = (name: string, doc: string): ColumnSpec => ({ name, type: 'string', normalize: 'text', doc });
const ts = (name: string, doc: string, required = false): ColumnSpec => ({ name, type: 'timestamp', normalize: 'timestamp', required, doc });
const money = (name: string, doc: string): ColumnSpec => ({ name, type: 'decimal', normalize: 'decimal', doc });
const oneOf = (name: string, values: readonly string[], doc: string, required = false): ColumnSpec => ({
  name,
  type: 'string',
  normalize: 'enum',
  values,
  required,
  doc,
});
const input = (name: string, normalize: Normalizer, doc: string): ColumnSpec => ({ name, type: 'string', normalize, input: true, doc });

export const ACCOUNTS: TableSpec = {
  name: 'accounts',
  entity: 'accounts',
  kind: 'entity',
  key: ['account_id'],
  orderBy: ['account_id'],
  doc: 'A company.',
  columns: [
    id('account_id', 'Natural key of the company, as the CRM knows it.', true),
    text('name', 'Company name.'),
    { name: 'domain', type: 'string', normalize: 'domain', doc: 'Primary web domain; derived from `website` when absent.' },
    input('website', 'domain', 'Company website; its host gives `domain`.'),
    text('industry', 'Industry.'),
    { name: 'employees', type: 'integer', normalize: 'integer', doc: 'Number of employees.' },
    money('annual_revenue', 'Annual revenue.'),
    text('country', 'Country name or ISO code.'),
    { name: 'technologies', type: 'string', normalize: 'text', doc: 'Technologies in use, separated by `;`.' },
    id('sales_owner_id', 'User id of the owning sales rep.'),
    id('marketing_owner_id', 'User id of the owning marketer.'),
    { name: 'is_icp', type: 'boolean', normalize: 'boolean', doc: 'Whether the account fits the ideal customer profile.' },
    ts('created_at', 'When the account was created.'),
  ],
};

export const CONTACTS: TableSpec = {
  name: 'contacts',
  entity: 'contacts',
  kind: 'entity',
  key: ['contact_id'],
  orderBy: ['account_id', 'created_at', 'contact_id'],
  doc: 'A known person.',
  columns: [
    id('contact_id', 'Natural key of the person; when absent, derived from the email.', true),
    { name: 'email', type: 'string', normalize: 'email', doc: 'Email address, trimmed and lower-cased.' },
    text('first_name', 'First name.'),
    text('last_name', 'Last name.'),
    text('title', 'Job title.'),
    text('job_level', 'Seniority: c_level, vp, director, manager, individual_contributor, …'),
    text('department', 'Department.'),
    id('account_id', 'Account; when absent, matched from the email domain.'),
    { name: 'original_source', type: 'string', normalize: 'channel', doc: 'Channel that first brought the person.' },
    oneOf('created_by', CREATORS, 'Who created the contact.'),
    id('owner_id', 'User id of the owner.'),
    text('lead_status', 'Lead status as the CRM states it.'),
    ts('created_at', 'When the person became known.'),
    input('lead_source', 'text', 'CRM lead source, mapped to `original_source` when that is absent.'),
  ],
};

export const IDENTITIES: TableSpec = {
  name: 'identities',
  kind: 'system',
  key: ['anonymous_id', 'contact_id'],
  orderBy: ['contact_id', 'anonymous_id'],
  doc: 'An anonymous visitor id stitched to a contact.',
  columns: [
    id('anonymous_id', 'Anonymous visitor id (cookie, device).', true),
    id('contact_id', 'The contact it belongs to.', true),
    oneOf('method', IDENTITY_METHODS, 'How the stitch was learned.', true),
    ts('identified_at', 'When it was learned.', true),
  ],
};

export const TOUCHPOINTS: TableSpec = {
  name: 'touchpoints',
  entity: 'touchpoints',
  kind: 'entity',
  key: ['touchpoint_id'],
  orderBy: ['account_id', 'occurred_at', 'touchpoint_id'],
  doc: 'One interaction of a person (known or anonymous) with the company.',
  columns: [
    id('touchpoint_id', 'Natural key of the interaction.', true),
    ts('occurred_at', 'When it happened.', true),
    oneOf('touch_type', TOUCH_TYPES, 'What kind of interaction.', true),
    { name: 'channel', type: 'string', normalize: 'channel', doc: 'Channel; mapped from source/medium/UTM when absent.' },
    { name: 'source', type: 'string', normalize: 'lower', doc: 'Source (utm_source).' },
    { name: 'medium', type: 'string', normalize: 'lower', doc: 'Medium (utm_medium).' },
    id('campaign_id', 'Campaign.'),
    id('content_id', 'Content asset.'),
    { name: 'url', type: 'string', normalize: 'url', doc: 'Page or link.' },
    id('contact_id', 'Known person; when absent, found by `email` or by a stitched `anonymous_id`.'),
    id('anonymous_id', 'Anonymous visitor id.'),
    id('account_id', 'Account; when absent, the contact’s account.'),
    { name: 'email', type: 'string', normalize: 'email', doc: 'Email given with the touch (a form fill): identifies the person and stitches the anonymous id.' },
  ],
};

export const CAMPAIGNS: TableSpec = {
  name: 'campaigns',
  entity: 'campaigns',
  kind: 'entity',
  key: ['campaign_id'],
  orderBy: ['campaign_id'],
  doc: 'A marketing campaign.',
  columns: [
    id('campaign_id', 'Natural key.', true),
    text('name', 'Campaign name.'),
    { name: 'channel', type: 'string', normalize: 'channel', doc: 'Channel.' },
    text('type', 'Campaign type (webinar, paid ads, email nurture, …).'),
    { name: 'start_date', type: 'date', normalize: 'date', doc: 'First day.' },
    { name: 'end_date', type: 'date', normalize: 'date', doc: 'Last day.' },
    money('budget', 'Planned budget.'),
    id('owner_id', 'User id of the owning marketer.'),
  ],
};

export const CAMPAIGN_COSTS: TableSpec = {
  name: 'campaign_costs',
  entity: 'campaign-costs',
  kind: 'entity',
  key: ['campaign_id', 'day'],
  orderBy: ['campaign_id', 'day'],
  doc: 'Spend of a campaign on one day.',
  columns: [
    id('campaign_id', 'Campaign.', true),
    { name: 'day', type: 'date', normalize: 'date', required: true, doc: 'Day of the spend.' },
    { name: 'cost', type: 'decimal', normalize: 'decimal', required: true, doc: 'Spend.' },
    { name: 'currency', type: 'string', normalize: 'lower', doc: 'ISO currency code.' },
  ],
};

export const CONTENT: TableSpec = {
  name: 'content',
  entity: 'content',
  kind: 'entity',
  key: ['content_id'],
  orderBy: ['content_id'],
  doc: 'A content asset.',
  columns: [
    id('content_id', 'Natural key.', true),
    text('title', 'Title.'),
    oneOf('content_type', CONTENT_TYPES, 'Type of asset.'),
    oneOf('funnel_stage', FUNNEL_STAGES, 'Funnel stage it serves.'),
    { name: 'url', type: 'string', normalize: 'url', doc: 'Where it lives.' },
    ts('published_at', 'When it was published.'),
  ],
};

/**
 * The stage log as schema version 1 created it (migration 1). Frozen, like {@link OPPORTUNITIES_V1};
 * the note came later and is last in {@link LIFECYCLE_EVENTS}.
 */
export const LIFECYCLE_EVENTS_V1: TableSpec = {
  name: 'lifecycle_events',
  entity: 'lifecycle-events',
  kind: 'entity',
  key: ['contact_id', 'stage', 'entered_at'],
  orderBy: ['contact_id', 'entered_at', 'stage'],
  appendOnly: true,
  doc: 'A contact entered a lifecycle stage.',
  columns: [
    id('contact_id', 'Contact.', true),
    { name: 'stage', type: 'string', normalize: 'lower', required: true, doc: 'Lifecycle stage entered.' },
    ts('entered_at', 'When.', true),
    text('reason', 'Reason code or text (required for disqualification).'),
    oneOf('actor_type', LIFECYCLE_ACTORS, 'What made the transition: a rule, a user or an import.'),
    id('actor', 'Rule name or user id.'),
    id('definition_version', 'Version of the definition that made it, when a rule did.'),
  ],
};

/** The note column, added by migration 7 (`add-lifecycle-event-note`): what a person added to a decision in words. */
export const LIFECYCLE_EVENT_NOTE: ColumnSpec = text('note', 'Free text a person added to a decision (a rejection’s details); the reason stays the code reports count.');

/** The stage log as the current schema stores it (added columns last, as for opportunities). */
export const LIFECYCLE_EVENTS: TableSpec = { ...LIFECYCLE_EVENTS_V1, columns: [...LIFECYCLE_EVENTS_V1.columns, LIFECYCLE_EVENT_NOTE] };

/**
 * Opportunities as schema version 1 created them (migration 1). Frozen: a released migration never
 * changes. Columns added since are migrations of their own and come last in {@link OPPORTUNITIES}.
 */
export const OPPORTUNITIES_V1: TableSpec = {
  name: 'opportunities',
  entity: 'opportunities',
  kind: 'entity',
  key: ['opportunity_id'],
  orderBy: ['account_id', 'created_at', 'opportunity_id'],
  doc: 'A deal.',
  columns: [
    id('opportunity_id', 'Natural key.', true),
    text('name', 'Deal name.'),
    id('account_id', 'Account.'),
    id('primary_contact_id', 'Primary contact.'),
    id('owner_id', 'Owning sales rep.'),
    money('amount', 'Amount.'),
    { name: 'currency', type: 'string', normalize: 'lower', doc: 'ISO currency code.' },
    ts('created_at', 'When created (pipeline date).', true),
    ts('closed_at', 'When closed.'),
    { name: 'stage', type: 'string', normalize: 'lower', doc: 'Current sales stage as exported.' },
    { name: 'is_won', type: 'boolean', normalize: 'boolean', doc: 'Won (true), lost (false) or open (empty).' },
    text('lost_reason', 'Why it was lost.'),
    { name: 'source', type: 'string', normalize: 'channel', doc: 'Source channel.' },
    oneOf('created_by', CREATORS, 'Who created the deal.'),
  ],
};

/** The product column, added by migration 4 (`add-opportunity-product`). */
export const OPPORTUNITY_PRODUCT: ColumnSpec = text('product', 'Product (or product line) sold.');

/**
 * A deal, as the current schema stores it. Added columns go last: an `ALTER TABLE … ADD COLUMN`
 * appends, so a migrated database and a fresh one have the same column order.
 */
export const OPPORTUNITIES: TableSpec = { ...OPPORTUNITIES_V1, columns: [...OPPORTUNITIES_V1.columns, OPPORTUNITY_PRODUCT] };

export const OPPORTUNITY_STAGE_HISTORY: TableSpec = {
  name: 'opportunity_stage_history',
  entity: 'opportunity-stages',
  kind: 'entity',
  key: ['opportunity_id', 'stage', 'entered_at'],
  orderBy: ['opportunity_id', 'entered_at', 'stage'],
  appendOnly: true,
  doc: 'An opportunity entered a sales stage.',
  columns: [
    id('opportunity_id', 'Opportunity.', true),
    { name: 'stage', type: 'string', normalize: 'lower', required: true, doc: 'Sales stage entered.' },
    ts('entered_at', 'When.', true),
    money('amount', 'Amount at that time.'),
  ],
};

export const USERS: TableSpec = {
  name: 'users',
  entity: 'users',
  kind: 'entity',
  key: ['user_id'],
  orderBy: ['user_id'],
  doc: 'A member of the revenue team.',
  columns: [
    id('user_id', 'Natural key.', true),
    { name: 'email', type: 'string', normalize: 'email', doc: 'Email.' },
    text('name', 'Name.'),
    oneOf('team', TEAMS, 'Team.', true),
    text('role', 'Role (rep, manager, demand gen, …).'),
    id('manager_id', 'User id of the manager.'),
  ],
};

export const TARGETS: TableSpec = {
  name: 'targets',
  entity: 'targets',
  kind: 'entity',
  key: ['period', 'channel', 'metric'],
  orderBy: ['period', 'channel', 'metric'],
  doc: 'A target for a period (YYYY-MM, YYYY-Qn or YYYY) and channel (`all` for the total).',
  columns: [
    { name: 'period', type: 'string', normalize: 'id', required: true, doc: 'YYYY, YYYY-Qn or YYYY-MM.' },
    { name: 'channel', type: 'string', normalize: 'channel', values: ['all'], required: true, doc: 'Channel, or `all` for the total.' },
    oneOf('metric', TARGET_METRICS, 'What is targeted.', true),
    { name: 'value', type: 'decimal', normalize: 'decimal', required: true, doc: 'Target value.' },
  ],
};

/** Tables `revline import --as` can load, in the order a full load should run (parents first). */
export const ENTITY_TABLES: readonly TableSpec[] = [
  USERS,
  ACCOUNTS,
  CONTACTS,
  CAMPAIGNS,
  CAMPAIGN_COSTS,
  CONTENT,
  TOUCHPOINTS,
  LIFECYCLE_EVENTS,
  OPPORTUNITIES,
  OPPORTUNITY_STAGE_HISTORY,
  TARGETS,
];

// ---- system tables -------------------------------------------------------------------------

const sys = (name: string, type: LogicalType, doc: string, required = false): ColumnSpec => ({
  name,
  type,
  normalize: type === 'timestamp' ? 'timestamp' : type === 'integer' ? 'integer' : 'text',
  required,
  doc,
});

export const IMPORTS: TableSpec = {
  name: 'imports',
  kind: 'system',
  key: ['import_id'],
  orderBy: ['import_id'],
  doc: 'One run of `revline import` over one file.',
  columns: [
    sys('import_id', 'string', 'Id of the run.', true),
    sys('file', 'string', 'File as given.', true),
    sys('entity', 'string', 'Entity imported.', true),
    sys('started_at', 'timestamp', 'Start.', true),
    sys('finished_at', 'timestamp', 'End.'),
    sys('rows_read', 'integer', 'Rows read.'),
    sys('rows_inserted', 'integer', 'Rows inserted.'),
    sys('rows_updated', 'integer', 'Rows updated.'),
    sys('rows_unchanged', 'integer', 'Rows unchanged.'),
    sys('rows_quarantined', 'integer', 'Rows quarantined.'),
    sys('notes', 'string', 'JSON: counts of values mapped to `other`, stubs created, warnings.'),
  ],
};

export const QUARANTINE: TableSpec = {
  name: 'quarantine',
  kind: 'system',
  key: ['import_id', 'row_number'],
  orderBy: ['import_id', 'row_number'],
  appendOnly: true,
  doc: 'A row that could not be imported, with every reason.',
  columns: [
    sys('import_id', 'string', 'Import run.', true),
    sys('file', 'string', 'File.', true),
    sys('entity', 'string', 'Entity.', true),
    sys('row_number', 'integer', 'Line of the file where the row starts (header = 1).', true),
    sys('raw', 'string', 'The row as read (JSON object of header → value, or the raw text when it could not be split).', true),
    sys('reasons', 'string', 'Every reason, as a JSON array of {field, code, message}.', true),
    sys('quarantined_at', 'timestamp', 'When.', true),
  ],
};

export const IDENTITY_MERGES: TableSpec = {
  name: 'identity_merges',
  kind: 'system',
  key: ['merge_id'],
  orderBy: ['merge_id'],
  appendOnly: true,
  doc: 'A decision of identity resolution, kept so it can be explained and undone.',
  columns: [
    sys('merge_id', 'string', 'Id.', true),
    sys('kind', 'string', 'stitch (anonymous → contact), dedupe (contact → contact), account_match (contact → account), undo.', true),
    sys('from_id', 'string', 'What was merged.', true),
    sys('to_id', 'string', 'Into what.', true),
    sys('rule', 'string', 'Why: the rule and the evidence (email, domain, form fill).', true),
    sys('import_id', 'string', 'Import that caused it, if any.'),
    sys('decided_at', 'timestamp', 'When.', true),
    sys('undone_at', 'timestamp', 'When it was undone, if it was.'),
  ],
};

export const WORLD_TRUTH: TableSpec = {
  name: 'world_truth',
  // Loaded by `revline demo` through the import path; not offered to `revline import --as`.
  entity: 'world-truth',
  kind: 'system',
  key: ['kind', 'subject', 'starts_at'],
  orderBy: ['kind', 'subject', 'starts_at'],
  doc: 'Ground truth of a synthetic demo world: true channel effects and in-market periods.',
  columns: [
    sys('kind', 'string', 'channel_effect | in_market | world', true),
    sys('subject', 'string', 'Channel or account id.', true),
    sys('starts_at', 'timestamp', 'Start of a period (in_market) or the world’s start.', true),
    sys('ends_at', 'timestamp', 'End of a period.'),
    { name: 'value', type: 'float', normalize: 'text', doc: 'The effect (channel_effect).' },
    sys('details', 'string', 'JSON with everything else.'),
  ],
};

export const SYSTEM_TABLES: readonly TableSpec[] = [IDENTITIES, IMPORTS, QUARANTINE, IDENTITY_MERGES, WORLD_TRUTH];

/**
 * The tables of schema version 1 (the foundation), as they were then. A released migration never
 * changes, so this list does not either: a table that gained columns since appears in its v1 form.
 * It is written out rather than derived from {@link ENTITY_TABLES}, so that an entity table added
 * later cannot slip into migration 1.
 */
export const FOUNDATION_TABLES: readonly TableSpec[] = [
  USERS,
  ACCOUNTS,
  CONTACTS,
  CAMPAIGNS,
  CAMPAIGN_COSTS,
  CONTENT,
  TOUCHPOINTS,
  LIFECYCLE_EVENTS_V1,
  OPPORTUNITIES_V1,
  OPPORTUNITY_STAGE_HISTORY,
  TARGETS,
  ...SYSTEM_TABLES,
];

// ---- lifecycle (schema version 2) ----------------------------------------------------------

export const DEFINITIONS: TableSpec = {
  name: 'definitions',
  kind: 'system',
  key: ['name', 'version'],
  orderBy: ['name', 'version'],
  appendOnly: true,
  doc: 'One version of a shared definition (MQL, SQL, score model, lifecycle settings), as proposed. Never changed; its status comes from definition_events.',
  columns: [
    sys('name', 'string', 'Name of the definition.', true),
    sys('version', 'integer', 'Version, from 1.', true),
    sys('kind', 'string', 'mql | sql | score | lifecycle', true),
    sys('body', 'string', 'The checked definition as JSON (what the engine applies).', true),
    sys('source', 'string', 'The file as proposed (what people read).', true),
    sys('file', 'string', 'File it was proposed from.'),
    sys('proposed_by', 'string', 'User id of the proposer, if given.'),
    sys('proposed_at', 'timestamp', 'When.', true),
  ],
};

export const DEFINITION_EVENTS: TableSpec = {
  name: 'definition_events',
  kind: 'system',
  key: ['name', 'version', 'event', 'happened_at'],
  orderBy: ['name', 'version', 'happened_at'],
  appendOnly: true,
  doc: 'What happened to a definition version: proposed, approved (by whom, of which team), live, retired.',
  columns: [
    sys('name', 'string', 'Definition.', true),
    sys('version', 'integer', 'Version.', true),
    sys('event', 'string', 'proposed | approved | live | retired', true),
    sys('user_id', 'string', 'Who (approvals and proposals).'),
    sys('team', 'string', 'Their team at the time.'),
    sys('happened_at', 'timestamp', 'When.', true),
    sys('note', 'string', 'Why (for live and retired: which approvals or which successor).'),
  ],
};

export const LIFECYCLE_MARKS: TableSpec = {
  name: 'lifecycle_marks',
  kind: 'system',
  key: ['contact_id'],
  orderBy: ['contact_id'],
  doc: 'Fingerprint of what a contact looked like when live definitions last judged it; a contact whose fingerprint changed has new activity.',
  columns: [
    sys('contact_id', 'string', 'Contact.', true),
    sys('fingerprint', 'string', 'Hash of the contact, its account, its touches, its stage log and the live definitions.', true),
    sys('evaluated_at', 'timestamp', 'When.', true),
  ],
};

export const SLA_BREACHES: TableSpec = {
  name: 'sla_breaches',
  kind: 'system',
  key: ['contact_id', 'stage', 'entered_at'],
  orderBy: ['contact_id', 'entered_at'],
  appendOnly: true,
  doc: 'A contact stayed in a stage longer than its SLA allows: an event of its own.',
  columns: [
    sys('contact_id', 'string', 'Contact.', true),
    sys('stage', 'string', 'Stage whose SLA was breached.', true),
    sys('entered_at', 'timestamp', 'When the contact entered it.', true),
    sys('due_at', 'timestamp', 'When it had to leave it (the moment of the breach).', true),
    sys('owner_id', 'string', 'Owner of the contact at the time.'),
    sys('detected_at', 'timestamp', 'When the engine recorded the breach.', true),
  ],
};

export const LIFECYCLE_TABLES: readonly TableSpec[] = [DEFINITIONS, DEFINITION_EVENTS, LIFECYCLE_MARKS, SLA_BREACHES];

// ---- materialised journeys (attribution) -------------------------------------------------------

export const JOURNEY_CONVERSIONS: TableSpec = {
  name: 'journey_conversions',
  kind: 'system',
  key: ['conversion', 'scope', 'conversion_id'],
  orderBy: ['conversion', 'scope', 'at_us'],
  doc: 'Every conversion of a materialised journey set (also those without a touch in the window: touches = 0, unattributed).',
  columns: [
    sys('conversion', 'string', 'Conversion kind: opportunity, won or mql.', true),
    sys('scope', 'string', 'contact or account.', true),
    sys('conversion_id', 'string', 'Opportunity id (the contact id for mql).', true),
    sys('at_us', 'integer', 'When it converted (epoch microseconds).', true),
    sys('value', 'float', 'Its value (amount).', true),
    sys('touches', 'integer', 'Touches in its window.', true),
  ],
};

export const JOURNEY_TOUCHES: TableSpec = {
  name: 'journey_touches',
  kind: 'system',
  key: ['conversion', 'scope', 'conversion_id', 'touchpoint_id'],
  orderBy: ['conversion', 'scope', 'conversion_id', 'rn'],
  doc: 'One row per (conversion, touchpoint) of a materialised journey set, with the positions every rule-based model reads.',
  columns: [
    sys('conversion', 'string', 'Conversion kind: opportunity, won or mql.', true),
    sys('scope', 'string', 'contact or account.', true),
    sys('conversion_id', 'string', 'Opportunity id (the contact id for mql).', true),
    sys('touchpoint_id', 'string', 'Touchpoint.', true),
    sys('at_us', 'integer', 'When the touch happened (epoch microseconds).', true),
    sys('conv_us', 'integer', 'When the conversion happened (epoch microseconds).', true),
    sys('value', 'float', "The conversion's value.", true),
    sys('channel', 'string', 'Channel of the touch.'),
    sys('campaign_id', 'string', 'Campaign of the touch.'),
    sys('content_id', 'string', 'Content of the touch.'),
    sys('touch_type', 'string', 'Touch type.'),
    sys('rn', 'integer', 'Position in the journey (1 = first; by time, then touchpoint id).', true),
    sys('n', 'integer', 'Touches in the journey.', true),
    sys('lnd', 'integer', 'Position of the last touch that is not direct (NULL: none).'),
    sys('lead_i', 'integer', 'Position of the last touch at or before lead creation (NULL: none or unknown).'),
    sys('opp_i', 'integer', 'Position of the last touch at or before opportunity creation.'),
    sys('won_i', 'integer', 'Position of the last touch at or before closed won.'),
  ],
};

export const JOURNEY_SETS: TableSpec = {
  name: 'journey_sets',
  kind: 'system',
  key: ['conversion', 'scope'],
  orderBy: ['conversion', 'scope'],
  doc: 'The materialised journey sets that are fresh: a row is written when a set is rebuilt; every write to the data they come from removes all rows.',
  columns: [
    sys('conversion', 'string', 'Conversion kind.', true),
    sys('scope', 'string', 'contact or account.', true),
    sys('lookback_days', 'integer', 'Lookback window in days.', true),
    sys('refreshed_at', 'timestamp', 'When the set was rebuilt.', true),
  ],
};

export const JOURNEY_DAILY_CREDITS: TableSpec = {
  name: 'journey_daily_credits',
  kind: 'system',
  key: ['conversion', 'scope', 'model', 'day_us', 'key'],
  orderBy: ['conversion', 'scope', 'model', 'day_us'],
  doc: "Credit by channel per day of conversion of every named rule-based model (standard weights) over a materialised journey set: what reports and dashboards read.",
  columns: [
    sys('conversion', 'string', 'Conversion kind.', true),
    sys('scope', 'string', 'contact or account.', true),
    sys('model', 'string', 'Rule-based model (its standard weights; time decay with its default half-life).', true),
    sys('day_us', 'integer', 'UTC day of the conversions (epoch microseconds of its midnight).', true),
    sys('key', 'string', 'Channel.'),
    sys('credited_conversions', 'float', 'Conversions credited (fractional).', true),
    sys('credited_value', 'float', 'Value credited.', true),
  ],
};

export const ATTRIBUTION_TABLES: readonly TableSpec[] = [JOURNEY_CONVERSIONS, JOURNEY_TOUCHES, JOURNEY_DAILY_CREDITS, JOURNEY_SETS];

/**
 * The paths the data-driven models learn from (migration 10): every journey of a materialised set
 * keyed by channel, converting or not, as one row with its channel sequence — so Markov, Shapley
 * and their held-out scores read a row per journey instead of ordering every journey touch.
 */
export const JOURNEY_PATHS: TableSpec = {
  name: 'journey_paths',
  kind: 'system',
  key: ['conversion', 'scope', 'converted', 'journey_id'],
  orderBy: ['conversion', 'scope', 'start_us'],
  doc: "Every journey of a materialised set by channel, converting or not, with its channel sequence: the input of the data-driven models.",
  columns: [
    sys('conversion', 'string', 'Conversion kind of the set.', true),
    sys('scope', 'string', 'contact or account.', true),
    sys('journey_id', 'string', 'The conversion (converting journeys), else the account or contact whose touches in the window before the last touch did not convert.', true),
    sys('converted', 'integer', '1: a conversion of the set; 0: a journey that did not convert.', true),
    sys('start_us', 'integer', "The journey's first touch (epoch microseconds).", true),
    sys('value', 'float', "The conversion's value (0 when it did not convert).", true),
    sys('path', 'string', "The journey's channels in order (by time, then touchpoint id; '(none)' for a touch without one), joined by the unit separator U+001F.", true),
  ],
};

/**
 * What the data-driven models learned from a set's paths (migration 10), as the live path computes
 * it for a request by channel without a date range: Markov of order 1 and Shapley (weights and
 * credit by channel) and their held-out scores — so the dashboard's comparison reads them.
 */
export const JOURNEY_MODELS: TableSpec = {
  name: 'journey_models',
  kind: 'system',
  key: ['conversion', 'scope', 'model'],
  orderBy: ['conversion', 'scope', 'model'],
  doc: 'What the data-driven models learned from each materialised set\'s paths: Markov of order 1 and Shapley (weights, credit by channel), and their held-out scores, as JSON.',
  columns: [
    sys('conversion', 'string', 'Conversion kind of the set.', true),
    sys('scope', 'string', 'contact or account.', true),
    sys('model', 'string', 'markov (order 1), shapley, or holdout (the held-out scores of both).', true),
    sys('document', 'string', 'What was learned, as JSON (src/attribution/learned.ts).', true),
  ],
};

export const JOURNEY_PATH_TABLES: readonly TableSpec[] = [JOURNEY_PATHS, JOURNEY_MODELS];

// ---- touch reach: each touch's previous touch of the same asset and person, asset and account ---
// What the content report counts people and accounts per asset from (sql/compile/touch-reach.ts):
// within a date range, a pair is reached once, by its touch whose previous touch of the pair lies
// before the range — a count, where distinct pairs needed a hash of every pair.

/** The touch reach as schema version 6 created it (migration 6). Frozen, like {@link OPPORTUNITIES_V1}. */
export const TOUCH_REACH_V6: TableSpec = {
  name: 'touch_reach',
  kind: 'system',
  key: ['touchpoint_id'],
  orderBy: ['account_id', 'at_us'],
  doc: "Every touchpoint with the time of the previous touch (by time, then touchpoint id) of the same person, the same account, and of each with the same asset; rebuilt with the materialised journeys.",
  columns: [
    sys('touchpoint_id', 'string', 'Touchpoint.', true),
    sys('content_id', 'string', 'Content of the touch (NULL: none; the touches without content are one group of their own).'),
    sys('contact_id', 'string', 'Contact of the touch.'),
    sys('anonymous_id', 'string', 'Anonymous id of the touch.'),
    sys('account_id', 'string', 'Account of the touch.'),
    sys('at_us', 'integer', 'When the touch happened (epoch microseconds).', true),
    sys('prev_asset_person_us', 'integer', 'Previous touch of the same content by the same person (its contact, else its anonymous id); NULL: none, or no person.'),
    sys('prev_asset_account_us', 'integer', 'Previous touch of the same content by the same account; NULL: none, or no account.'),
    sys('prev_person_us', 'integer', 'Previous touch of the same person, of any content; NULL: none, or no person.'),
    sys('prev_account_us', 'integer', 'Previous touch of the same account, of any content; NULL: none, or no account.'),
    sys('asset_person_moved', 'integer', "1 when the touch's account (NULL included) differs from that of the previous touch of the same content by the same person.", true),
    sys('person_moved', 'integer', "1 when the touch's account (NULL included) differs from that of the same person's previous touch.", true),
  ],
};

/**
 * Whether a touch has a person and an account, as integers: the content report's first-touch counts
 * read them instead of testing three text columns for NULL (which reads them whole). Added by
 * migration 9; NULL in rows built before it, which the migration leaves stale.
 */
export const TOUCH_REACH_FLAGS: readonly ColumnSpec[] = [
  sys('has_person', 'integer', '1 when the touch has a contact or an anonymous id, else 0.'),
  sys('has_account', 'integer', '1 when the touch has an account, else 0.'),
];

export const TOUCH_REACH: TableSpec = { ...TOUCH_REACH_V6, columns: [...TOUCH_REACH_V6.columns, ...TOUCH_REACH_FLAGS] };

export const TOUCH_REACH_STATE: TableSpec = {
  name: 'touch_reach_state',
  kind: 'system',
  key: ['refreshed_at'],
  orderBy: ['refreshed_at'],
  doc: 'One row when touch_reach is fresh (written after it is rebuilt whole; every write to the touchpoints removes it), with what a segment filter may rely on.',
  columns: [
    sys('refreshed_at', 'timestamp', 'When touch_reach was rebuilt.', true),
    sys('asset_person_one_account', 'integer', "1 when every (content, person) pair's touches carry one account (NULL included).", true),
    sys('person_one_account', 'integer', "1 when every person's touches carry one account (NULL included).", true),
  ],
};

export const TOUCH_REACH_TABLES: readonly TableSpec[] = [TOUCH_REACH, TOUCH_REACH_STATE];
/** What migration 6 creates (frozen). */
export const TOUCH_REACH_TABLES_V6: readonly TableSpec[] = [TOUCH_REACH_V6, TOUCH_REACH_STATE];

// ---- campaign reach and workspace counts: per-import figures rebuilt with the journeys --------
// Like the touch reach: every writer of the data they come from empties their state first, and a
// refresh writes it again only after they are rebuilt whole (sql/compile/campaign-reach.ts,
// sql/compile/reference-counts.ts). Reports and the status read them only when fresh.

export const ACCOUNT_SESSIONS: TableSpec = {
  name: 'account_sessions',
  kind: 'system',
  key: ['account_id', 'day'],
  orderBy: ['account_id', 'day'],
  doc: "Each account's engagement sessions as marks: days of touches without a campaign merged when at most 30 days apart; a row where a session starts or ends (or both); rebuilt with the materialised journeys.",
  columns: [
    sys('account_id', 'string', 'Account of the touches.', true),
    sys('day', 'integer', 'UTC day number (days since 1970-01-01, floored).', true),
    sys('starts', 'integer', '1 when a session starts on the day.', true),
    sys('ends', 'integer', 'How many sessions end on the day (0 or 1).', true),
  ],
};

export const CAMPAIGN_REACH: TableSpec = {
  name: 'campaign_reach',
  kind: 'system',
  key: ['campaign_id', 'account_id'],
  orderBy: ['campaign_id', 'account_id'],
  doc: 'Each account a campaign with a start date reached in its first 30 days, with whether the account engaged (a touch without a campaign) in the 30 days before the start and in the 30 days from it; rebuilt with the materialised journeys.',
  columns: [
    sys('campaign_id', 'string', 'Campaign.', true),
    sys('account_id', 'string', 'Account it reached.', true),
    sys('engaged_before', 'integer', '1 when the account engaged in the 30 days before the start.', true),
    sys('engaged_after', 'integer', '1 when the account engaged in the 30 days from the start.', true),
  ],
};

export const LEAD_SOURCES: TableSpec = {
  name: 'lead_sources',
  kind: 'system',
  key: ['contact_id'],
  orderBy: ['contact_id'],
  doc: "Each contact's source campaign: the campaign of its first touch with a campaign at or before its creation (time, then touchpoint id); contacts without one have no row. Rebuilt with the materialised journeys.",
  columns: [sys('contact_id', 'string', 'Contact.', true), sys('campaign_id', 'string', 'Its source campaign.', true)],
};

export const CAMPAIGN_REACH_STATE: TableSpec = {
  name: 'campaign_reach_state',
  kind: 'system',
  key: ['refreshed_at'],
  orderBy: ['refreshed_at'],
  doc: 'One row when account_sessions, campaign_reach and lead_sources are fresh (written after they are rebuilt whole; every write to the data they come from removes it).',
  columns: [sys('refreshed_at', 'timestamp', 'When they were rebuilt.', true)],
};

export const REFERENCE_COUNTS: TableSpec = {
  name: 'reference_counts',
  kind: 'system',
  key: ['table_name', 'column_name'],
  orderBy: ['table_name', 'column_name'],
  doc: 'Rows whose parent is not imported yet, per reference between tables that only import and identity write; one row per such reference (0 included) when fresh, none when stale. Rebuilt with the materialised journeys.',
  columns: [
    sys('table_name', 'string', 'The table holding the reference.', true),
    sys('column_name', 'string', 'The referencing column.', true),
    sys('unmatched_rows', 'integer', 'Rows with a value in the column that no row of the parent has.', true),
  ],
};

export const CAMPAIGN_REACH_TABLES: readonly TableSpec[] = [ACCOUNT_SESSIONS, CAMPAIGN_REACH, LEAD_SOURCES, CAMPAIGN_REACH_STATE, REFERENCE_COUNTS];

// ---- access: who signs in, their sessions, API keys, one-time sign-in links -------------------
// Append-only like the definitions: a change is a new row and the latest row of a key is its
// state, so ClickHouse (no cheap updates) and DuckDB keep the same history of who could do what.
// Secrets are never stored: passwords as argon2id hashes, tokens and keys as SHA-256 of 256 random bits.

export const ACCESS_ACCOUNTS: TableSpec = {
  name: 'access_accounts',
  kind: 'system',
  key: ['login', 'changed_at'],
  orderBy: ['login', 'changed_at'],
  appendOnly: true,
  doc: 'Versions of a sign-in account: the latest row of a login is its role, password hash and state.',
  columns: [
    sys('login', 'string', 'Sign-in name (an email or a short name), lower case.', true),
    sys('user_id', 'string', 'The member of the revenue team (users) this person is: their team approves definitions.'),
    sys('role', 'string', 'admin | revops | marketing | sales | viewer', true),
    sys('password_hash', 'string', 'argon2id hash (PHC string); empty until a password is set.'),
    sys('disabled', 'integer', '1 when the account may no longer sign in.', true),
    sys('changed_at', 'timestamp', 'When this version was written.', true),
    sys('changed_by', 'string', 'Login of the admin who wrote it (the first admin: setup).'),
  ],
};

export const ACCESS_SESSIONS: TableSpec = {
  name: 'access_sessions',
  kind: 'system',
  key: ['session_hash', 'happened_at'],
  orderBy: ['session_hash', 'happened_at'],
  appendOnly: true,
  doc: 'Browser sessions: a row when one starts and a row when it is signed out; a session lives until it expires or ends.',
  columns: [
    sys('session_hash', 'string', 'SHA-256 of the session token (the token lives only in the http-only cookie).', true),
    sys('login', 'string', 'Who.', true),
    sys('event', 'string', 'started | ended', true),
    sys('happened_at', 'timestamp', 'When.', true),
    sys('expires_at', 'timestamp', 'When a started session stops being accepted.'),
  ],
};

export const ACCESS_KEYS: TableSpec = {
  name: 'access_keys',
  kind: 'system',
  key: ['key_id', 'happened_at'],
  orderBy: ['key_id', 'happened_at'],
  appendOnly: true,
  doc: 'API keys for programs: a row when one is created and a row when it is revoked.',
  columns: [
    sys('key_id', 'string', 'Public id (the part of the key before its secret).', true),
    sys('key_hash', 'string', 'SHA-256 of the whole key.'),
    sys('name', 'string', 'What the key is for.'),
    sys('scopes', 'string', 'Comma-separated: read, import, collect.'),
    sys('event', 'string', 'created | revoked', true),
    sys('happened_at', 'timestamp', 'When.', true),
    sys('done_by', 'string', 'Login of the admin who did it.', true),
  ],
};

export const ACCESS_LINKS: TableSpec = {
  name: 'access_links',
  kind: 'system',
  key: ['link_hash', 'happened_at'],
  orderBy: ['link_hash', 'happened_at'],
  appendOnly: true,
  doc: 'One-time sign-in links (the first admin, a reset): a row when issued and a row when used.',
  columns: [
    sys('link_hash', 'string', 'SHA-256 of the link token.', true),
    sys('login', 'string', 'Who it signs in.', true),
    sys('event', 'string', 'issued | used', true),
    sys('happened_at', 'timestamp', 'When.', true),
    sys('expires_at', 'timestamp', 'When an issued link stops working.'),
  ],
};

export const ACCESS_TABLES: readonly TableSpec[] = [ACCESS_ACCOUNTS, ACCESS_SESSIONS, ACCESS_KEYS, ACCESS_LINKS];

// ---- predictive scoring: trained models and the scores they gave --------------------------------
// Append-only: a training writes a new model version, a scoring run new score rows, so a score can
// always be traced to the model (and its features) that gave it.

export const SCORING_MODELS: TableSpec = {
  name: 'scoring_models',
  kind: 'system',
  key: ['level', 'version'],
  orderBy: ['level', 'version'],
  appendOnly: true,
  doc: 'A trained predictive model: what it predicts, the features and technologies it reads, the learners as JSON, its validation.',
  columns: [
    sys('level', 'string', 'account | contact', true),
    sys('version', 'integer', 'Model version, 1, 2, … per level.', true),
    sys('label', 'string', 'opportunity | won: what the probability is of, within the horizon.', true),
    sys('horizon_days', 'integer', 'Days after the moment the label looks.', true),
    sys('trained_at', 'timestamp', 'When it was trained.', true),
    sys('trained_until', 'timestamp', 'The last moment whose history it learned from.', true),
    sys('model', 'string', 'The learners, calibration, feature list, vocabularies and band thresholds as JSON.', true),
    sys('validation', 'string', 'Metrics on its time-ordered validation split, as JSON.', true),
  ],
};

export const SCORES: TableSpec = {
  name: 'scores',
  kind: 'system',
  key: ['level', 'subject_id', 'version', 'scored_at'],
  orderBy: ['level', 'subject_id', 'scored_at'],
  appendOnly: true,
  doc: 'A predictive score of an account or contact as of a moment, with the model version that gave it.',
  columns: [
    sys('level', 'string', 'account | contact', true),
    sys('subject_id', 'string', 'The account or contact.', true),
    sys('version', 'integer', 'The model version.', true),
    sys('scored_at', 'timestamp', 'The moment the features were taken at.', true),
    { name: 'probability', type: 'float', normalize: 'text', required: true, doc: 'Calibrated probability of the label within the horizon.' },
    { name: 'fit', type: 'float', normalize: 'text', required: true, doc: 'Probability from the fit features alone.' },
    sys('fit_band', 'string', 'strong | moderate | weak', true),
    sys('in_market_band', 'string', 'high | medium | low', true),
    sys('buying_stage', 'string', 'target | awareness | consideration | decision | purchase', true),
    sys('qualified', 'integer', '1 when fit and in-market are both at or above the qualifying bands.', true),
    sys('reasons', 'string', 'The top reasons in words, as a JSON list of {feature, words, contribution}.', true),
  ],
};

export const SCORING_TABLES: readonly TableSpec[] = [SCORING_MODELS, SCORES];

/** Every table as the current schema has it (after every migration). */
export const ALL_TABLES: readonly TableSpec[] = [...ENTITY_TABLES, ...SYSTEM_TABLES, ...LIFECYCLE_TABLES, ...ATTRIBUTION_TABLES, ...ACCESS_TABLES, ...TOUCH_REACH_TABLES, ...SCORING_TABLES, ...CAMPAIGN_REACH_TABLES, ...JOURNEY_PATH_TABLES];

/** Columns that are stored (not `input`). */
export function storedColumns(table: TableSpec): readonly ColumnSpec[] {
  return table.columns.filter((c) => !c.input);
}

/** The table an entity name loads: every table `revline import --as` offers, and the demo's world truth. */
export function tableByEntity(entity: string): TableSpec | undefined {
  return ALL_TABLES.find((t) => t.entity === entity);
}

export function tableByName(name: string): TableSpec | undefined {
  return ALL_TABLES.find((t) => t.name === name);
}

/**
 * References between tables. Import keeps a row whose parent is not imported yet (a touchpoint of
 * an unknown contact) as it is and counts it as unmatched: it joins as soon as the parent arrives,
 * so the order in which files are imported does not matter. See docs/import.md.
 */
export interface Reference {
  readonly table: string;
  readonly column: string;
  readonly parent: string;
  readonly parentColumn: string;
}

export const REFERENCES: readonly Reference[] = [
  { table: 'contacts', column: 'account_id', parent: 'accounts', parentColumn: 'account_id' },
  { table: 'touchpoints', column: 'contact_id', parent: 'contacts', parentColumn: 'contact_id' },
  { table: 'touchpoints', column: 'account_id', parent: 'accounts', parentColumn: 'account_id' },
  { table: 'touchpoints', column: 'campaign_id', parent: 'campaigns', parentColumn: 'campaign_id' },
  { table: 'touchpoints', column: 'content_id', parent: 'content', parentColumn: 'content_id' },
  { table: 'campaign_costs', column: 'campaign_id', parent: 'campaigns', parentColumn: 'campaign_id' },
  { table: 'lifecycle_events', column: 'contact_id', parent: 'contacts', parentColumn: 'contact_id' },
  { table: 'opportunities', column: 'account_id', parent: 'accounts', parentColumn: 'account_id' },
  { table: 'opportunities', column: 'primary_contact_id', parent: 'contacts', parentColumn: 'contact_id' },
  { table: 'opportunity_stage_history', column: 'opportunity_id', parent: 'opportunities', parentColumn: 'opportunity_id' },
];
