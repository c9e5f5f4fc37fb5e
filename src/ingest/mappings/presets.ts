/**
 * The preset registry: `revline import --preset hubspot|salesforce --as <entity>` picks a preset
 * object (a mapping) by the entity and, where one entity has several objects (Salesforce Lead and
 * Contact both load contacts), by the file's header.
 *
 * Invariants:
 * - Unknown presets, objects and entities are errors (`preset-unknown`) that list the known ones;
 *   there is no default object.
 * - `--as` names the primary entity of an object (tables.ts `entity`); derived outputs (lifecycle
 *   events of HubSpot contacts) come along with it, never on their own.
 * - Detection scores each candidate by how many of its signature columns the header has
 *   (case-insensitive) and needs a unique best with at least two hits: a near tie is reported, not
 *   guessed.
 */

import { RevlineError } from '../../core/errors.js';
import { HUBSPOT_PRESETS } from './hubspot.js';
import type { Mapping } from './mapping.js';
import { SALESFORCE_PRESETS } from './salesforce.js';

export const PRESET_NAMES = ['hubspot', 'salesforce'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const REGISTRY: Readonly<Record<PresetName, Readonly<Record<string, Mapping>>>> = {
  hubspot: HUBSPOT_PRESETS,
  salesforce: SALESFORCE_PRESETS,
};

/** Columns that tell one export from another (export label and internal name where they differ). */
const SIGNATURES: Readonly<Record<PresetName, Readonly<Record<string, readonly string[]>>>> = {
  hubspot: {
    contacts: ['First Name', 'Last Name', 'Email', 'Job Title', 'Lifecycle Stage', 'Contact owner', 'Lead Status', 'Became a Lead Date', 'firstname', 'lastname', 'lifecyclestage'],
    companies: ['Company Domain Name', 'Website URL', 'Number of Employees', 'Company owner', 'Industry', 'domain', 'numberofemployees'],
    deals: ['Deal Name', 'Deal Stage', 'Pipeline', 'Deal owner', 'Close Date', 'Amount', 'dealname', 'dealstage'],
  },
  salesforce: {
    lead: ['IsConverted', 'ConvertedContactId', 'ConvertedAccountId', 'ConvertedDate', 'Company', 'Status', 'LeadSource', 'FirstName', 'LastName'],
    contact: ['AccountId', 'FirstName', 'LastName', 'Email', 'Department', 'ReportsToId', 'MailingCountry'],
    account: ['Name', 'Website', 'Industry', 'NumberOfEmployees', 'AnnualRevenue', 'BillingCountry', 'Type'],
    opportunity: ['StageName', 'CloseDate', 'IsClosed', 'IsWon', 'AccountId', 'Amount', 'ForecastCategoryName'],
    'opportunity-history': ['OpportunityId', 'StageName', 'Amount', 'CloseDate', 'Probability', 'ForecastCategory'],
    campaign: ['BudgetedCost', 'ActualCost', 'StartDate', 'EndDate', 'Type', 'IsActive', 'ExpectedRevenue'],
    'campaign-member': ['CampaignId', 'LeadId', 'ContactId', 'HasResponded', 'FirstRespondedDate', 'Status'],
  },
};

function knownPresets(): string {
  return PRESET_NAMES.join(', ');
}

function checkPreset(preset: string): PresetName {
  if ((PRESET_NAMES as readonly string[]).includes(preset)) return preset as PresetName;
  throw new RevlineError('preset-unknown', `Unknown preset "${preset}". Known presets: ${knownPresets()}.`, {
    hint: 'Use --preset hubspot or --preset salesforce, or --mapping <file> for another tool.',
  });
}

/** Objects of a preset with the entity each loads, e.g. `companies (--as accounts)`. */
export function presetObjects(preset: PresetName): ReadonlyArray<{ readonly object: string; readonly entity: string }> {
  return Object.entries(REGISTRY[preset]).map(([object, m]) => ({ object, entity: m.entity }));
}

function describeObjects(preset: PresetName): string {
  return presetObjects(preset)
    .map((o) => `${o.object} (--as ${o.entity})`)
    .join(', ');
}

/**
 * The mapping of one preset object.
 *
 * @example
 * presetFor('hubspot', 'companies').entity; // 'accounts'
 */
export function presetFor(preset: string, object: string): Mapping {
  const name = checkPreset(preset);
  const mapping = REGISTRY[name][object.toLowerCase()];
  if (!mapping) {
    throw new RevlineError('preset-unknown', `The ${name} preset has no object "${object}". Known objects: ${describeObjects(name)}.`);
  }
  return mapping;
}

/** How well a header matches an object's signature: the number of signature columns present. */
function score(preset: PresetName, object: string, header: readonly string[]): number {
  const have = new Set(header.map((h) => h.trim().toLowerCase()));
  return (SIGNATURES[preset][object] ?? []).filter((c) => have.has(c.toLowerCase())).length;
}

/**
 * Chooses the preset object for a file: among the objects whose primary entity is `as` (all of
 * them when `as` is undefined), the one whose signature columns the header matches best.
 *
 * @example
 * detectPresetObject('salesforce', ['Id', 'FirstName', 'LastName', 'Company', 'IsConverted'], 'contacts'); // 'lead'
 * detectPresetObject('hubspot', header, 'accounts'); // 'companies'
 */
export function detectPresetObject(preset: string, header: readonly string[], as?: string): string {
  const name = checkPreset(preset);
  const all = presetObjects(name);
  const candidates = as === undefined ? all : all.filter((o) => o.entity === as);
  if (candidates.length === 0) {
    const derived = Object.entries(REGISTRY[name]).find(([, m]) => m.outputs.some((o) => o.entity === as));
    throw new RevlineError('preset-unknown', `The ${name} preset has no object for --as ${as}. Known: ${describeObjects(name)}.`, {
      ...(derived ? { hint: `${as} come with ${derived[0]}: import that file with --as ${derived[1].entity}.` } : {}),
    });
  }
  if (candidates.length === 1 && as !== undefined) return candidates[0]!.object;
  const scored = candidates.map((c) => ({ object: c.object, score: score(name, c.object, header) })).sort((a, b) => b.score - a.score);
  const best = scored[0]!;
  const second = scored[1];
  if (best.score >= 2 && (second === undefined || best.score > second.score)) return best.object;
  const expected = candidates.map((c) => `${c.object}: ${(SIGNATURES[name][c.object] ?? []).slice(0, 5).join(', ')}`).join('; ');
  throw new RevlineError(
    'preset-unknown',
    second && best.score >= 2
      ? `The header fits both ${name} ${best.object} and ${second.object} equally; cannot tell which export this is.`
      : `The header does not look like any ${name} export${as ? ` for --as ${as}` : ''}. Expected columns like — ${expected}.`,
    { hint: `Check the file, or pass --as with one of: ${describeObjects(name)}.` },
  );
}
