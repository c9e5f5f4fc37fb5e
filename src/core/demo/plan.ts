/**
 * The world plan: everything global and small, built once per world — size parameters, the revenue
 * team, campaigns and their calendar, the content library, and one compact row of typed arrays per
 * account (firmographics, owners, in-market periods, how many people it has).
 *
 * Invariants:
 * - The plan is a pure function of (size, seed, start, months). Each part draws from its own fork of
 *   the root stream, and each account from `fork('account').fork(index)`, so the plan of account i
 *   never depends on how many accounts or campaigns come before it.
 * - Per-table expansion (simulate.ts) reads the plan and never mutates it.
 * - Times are epoch seconds (UTC); days are epoch day numbers. The world spans [startSec, endSec).
 * - Plan memory is O(accounts) in typed arrays: about 100 bytes per account, 10 MB at size L.
 */

import { RevlineError } from '../errors.js';
import { CHANNELS } from '../vocabulary.js';
import {
  CHANNEL_PROFILES,
  COMPANY_SUFFIXES,
  CONTENT_KINDS,
  CONTENT_TITLE_PATTERNS,
  CONTENT_TOPICS,
  COUNTRIES,
  FIRST_NAMES,
  INDUSTRIES,
  LAST_NAMES,
  NAME_ENDS,
  NAME_STARTS,
  SITE,
  TECHNOLOGIES,
} from './catalog.js';
import { Random, weightTable, type WeightTable } from './random.js';

export type DemoSize = 'S' | 'M' | 'L';
export const DEMO_SIZES: readonly DemoSize[] = ['S', 'M', 'L'];

export interface SizeParams {
  readonly accounts: number;
  readonly salesReps: number;
  readonly salesManagers: number;
  readonly marketers: number;
  readonly revops: number;
  readonly partnerManagers: number;
  readonly contentItems: number;
  /** Campaigns per quarter are the S counts times this. */
  readonly campaignScale: number;
  /** Spend per campaign-day is the S spend times this (a bigger company buys more media). */
  readonly spendScale: number;
}

/** DESIGN.md, "Scale reference": accounts are exact; the rest follows from per-account behaviour. */
export const SIZE_PARAMS: Readonly<Record<DemoSize, SizeParams>> = {
  S: { accounts: 1_000, salesReps: 12, salesManagers: 2, marketers: 8, revops: 2, partnerManagers: 1, contentItems: 150, campaignScale: 1, spendScale: 1 },
  M: { accounts: 10_000, salesReps: 50, salesManagers: 6, marketers: 20, revops: 4, partnerManagers: 2, contentItems: 300, campaignScale: 2, spendScale: 5 },
  L: { accounts: 100_000, salesReps: 250, salesManagers: 25, marketers: 50, revops: 8, partnerManagers: 5, contentItems: 600, campaignScale: 4, spendScale: 25 },
};

export const DAY = 86_400;
const HOUR = 3_600;

/** Median known contacts per account of median size; tuned so the mean is ~10 (Scale reference). */
const CONTACTS_MEDIAN = 7.9;
/** Share of accounts (in software) that are competitors: their people are disqualified as such. */
const COMPETITOR_SHARE = 0.06;
/** ICP cut-off on the fit score. */
export const ICP_THRESHOLD = 0.62;

export interface DemoUser {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly team: 'marketing' | 'sales' | 'revops' | 'partner';
  readonly role: string;
  readonly managerIndex: number;
}

export interface DemoCampaign {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly channel: number;
  readonly type: string;
  readonly startDay: number;
  /** Inclusive. */
  readonly endDay: number;
  /** Planned spend per day before day-of-week and noise; 0 for unpaid campaigns. */
  readonly dailySpend: number;
  readonly budget: number | null;
  readonly ownerIndex: number;
  readonly landingUrl: string;
}

export interface DemoContent {
  readonly index: number;
  readonly id: string;
  readonly title: string;
  readonly type: string;
  readonly stage: 0 | 1 | 2;
  readonly url: string;
  readonly publishedSec: number;
}

export interface AccountPlan {
  readonly count: number;
  readonly industry: Uint8Array;
  readonly country: Uint8Array;
  readonly employees: Int32Array;
  readonly revenue: Float64Array;
  readonly fit: Float32Array;
  readonly icp: Uint8Array;
  readonly competitor: Uint8Array;
  readonly techMask: Int32Array;
  readonly nameCode: Int32Array;
  readonly salesOwner: Int16Array;
  readonly marketingOwner: Int16Array;
  readonly createdSec: Float64Array;
  /** Known people (contacts) of the account. */
  readonly contacts: Int32Array;
  /** People who visit but never identify themselves. */
  readonly visitors: Int32Array;
  /** Number of the account's first contact (contact ids are consecutive per account). */
  readonly contactOffset: Float64Array;
  /** In-market periods of account i: marketStart/marketEnd[marketIndex[i] .. marketIndex[i+1]). */
  readonly marketIndex: Int32Array;
  readonly marketStart: Float64Array;
  readonly marketEnd: Float64Array;
}

export interface WorldPlan {
  readonly size: DemoSize;
  readonly seed: number;
  readonly start: string;
  readonly months: number;
  readonly params: SizeParams;
  readonly startSec: number;
  readonly endSec: number;
  readonly startDay: number;
  /** Days in the world: day d is startDay + d, d in [0, days). */
  readonly days: number;
  readonly root: Random;
  readonly users: readonly DemoUser[];
  readonly salesReps: readonly number[];
  readonly marketers: readonly number[];
  readonly partnerManagers: readonly number[];
  readonly campaigns: readonly DemoCampaign[];
  /**
   * Campaigns running per (channel, world day), flattened for the hot path: the campaigns of
   * channel c on day d are activeList[activeIndex[c·days + d] .. activeIndex[c·days + d + 1]).
   */
  readonly activeIndex: Int32Array;
  readonly activeList: Int32Array;
  /** Per channel, dated campaigns (events, webinars) sorted by start day. */
  readonly datedCampaigns: readonly (readonly number[])[];
  readonly content: readonly DemoContent[];
  /** Per funnel stage (tofu, mofu, bofu): content indexes sorted by publication, and their times. */
  readonly contentByStage: readonly Int32Array[];
  readonly contentPublished: readonly Float64Array[];
  readonly accounts: AccountPlan;
  readonly totalContacts: number;
}

export interface WorldOptions {
  size: DemoSize;
  seed: number;
  /** World start date, YYYY-MM-DD (UTC midnight). Default 2024-01-01. */
  start?: string;
  /** Length of the world in months. Default 24. */
  months?: number;
}

function parseStart(start: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || Number.isNaN(Date.parse(`${start}T00:00:00Z`))) {
    throw new RevlineError('usage', `Demo world start "${start}" is not a date.`, { hint: 'Use YYYY-MM-DD, e.g. 2024-01-01.' });
  }
  return Date.parse(`${start}T00:00:00Z`) / 1000;
}

function addMonths(startSec: number, months: number): number {
  const d = new Date(startSec * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate()) / 1000;
}

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Account name parts from its code; codes are a permutation of [0, 104 000), so names are unique. */
export function accountName(code: number): { name: string; slug: string } {
  const starts = NAME_STARTS.length;
  const ends = NAME_ENDS.length;
  const s = code % starts;
  const e = Math.floor(code / starts) % ends;
  const x = Math.floor(code / (starts * ends));
  const core = `${NAME_STARTS[s]!}${NAME_ENDS[e]!}`;
  const suffix = COMPANY_SUFFIXES[x]!;
  return { name: `${core} ${suffix}`, slug: `${core.toLowerCase()}-${slugify(suffix)}` };
}

export const NAME_SPACE = NAME_STARTS.length * NAME_ENDS.length * COMPANY_SUFFIXES.length;

export function buildPlan(options: WorldOptions): WorldPlan {
  const params = SIZE_PARAMS[options.size];
  if (!params) {
    throw new RevlineError('demo-size-unknown', `Unknown demo size "${String(options.size)}".`, { hint: 'Use S, M or L.' });
  }
  if (!Number.isFinite(options.seed)) {
    throw new RevlineError('usage', `Demo seed must be a number, got ${String(options.seed)}.`);
  }
  const start = options.start ?? '2024-01-01';
  const months = options.months ?? 24;
  if (!Number.isInteger(months) || months < 1 || months > 120) {
    throw new RevlineError('usage', `Demo world length must be 1 to 120 months, got ${months}.`);
  }
  if (params.accounts > NAME_SPACE) throw new RevlineError('internal', 'internal: more accounts than unique company names.');
  const startSec = parseStart(start);
  const endSec = addMonths(startSec, months);
  const startDay = startSec / DAY;
  const days = Math.round((endSec - startSec) / DAY);
  const root = Random.seeded(options.seed);

  const team = buildUsers(params, root.fork('users'));
  const campaigns = buildCampaigns(params, root.fork('campaigns'), startSec, endSec, startDay, days, team.marketers, team.users);
  const content = buildContent(params, root.fork('content'), startSec, endSec);
  const accounts = buildAccounts(params, root.fork('account'), startSec, endSec, team.salesReps, team.marketers);

  const activeCampaigns = CHANNELS.map(() => Array.from({ length: days }, () => [] as number[]));
  const datedCampaigns = CHANNELS.map(() => [] as number[]);
  for (const c of campaigns) {
    for (let d = c.startDay; d <= c.endDay; d++) activeCampaigns[c.channel]![d - startDay]!.push(c.index);
    if (CHANNEL_PROFILES[c.channel]!.dated) datedCampaigns[c.channel]!.push(c.index);
  }
  const activeIndex = new Int32Array(CHANNELS.length * days + 1);
  const flat: number[] = [];
  for (let c = 0; c < CHANNELS.length; c++) {
    for (let d = 0; d < days; d++) {
      activeIndex[c * days + d] = flat.length;
      flat.push(...activeCampaigns[c]![d]!);
    }
  }
  activeIndex[CHANNELS.length * days] = flat.length;
  const activeList = Int32Array.from(flat);
  for (const list of datedCampaigns) list.sort((a, b) => campaigns[a]!.startDay - campaigns[b]!.startDay || a - b);

  const contentByStage: Int32Array[] = [];
  const contentPublished: Float64Array[] = [];
  for (let stage = 0; stage < 3; stage++) {
    const items = content.filter((c) => c.stage === stage).sort((a, b) => a.publishedSec - b.publishedSec || a.index - b.index);
    contentByStage.push(Int32Array.from(items.map((c) => c.index)));
    contentPublished.push(Float64Array.from(items.map((c) => c.publishedSec)));
  }

  let totalContacts = 0;
  for (let i = 0; i < accounts.count; i++) totalContacts += accounts.contacts[i]!;

  return {
    size: options.size,
    seed: options.seed,
    start,
    months,
    params,
    startSec,
    endSec,
    startDay,
    days,
    root,
    users: team.users,
    salesReps: team.salesReps,
    marketers: team.marketers,
    partnerManagers: team.partnerManagers,
    campaigns,
    activeIndex,
    activeList,
    datedCampaigns,
    content,
    contentByStage,
    contentPublished,
    accounts,
    totalContacts,
  };
}

// ---- users ------------------------------------------------------------------------------------

function buildUsers(params: SizeParams, rng: Random) {
  const users: DemoUser[] = [];
  const used = new Set<string>();
  const add = (team: DemoUser['team'], role: string, managerIndex: number): number => {
    let first = '';
    let last = '';
    let email = '';
    // Names repeat in a team of hundreds; the email stays unique with a number.
    for (let attempt = 0; ; attempt++) {
      first = rng.pick(FIRST_NAMES);
      last = rng.pick(LAST_NAMES);
      const local = `${slugify(first)}.${slugify(last)}`.replace(/-/g, '');
      email = attempt < 5 ? `${local}@example.com` : `${local}${attempt}@example.com`;
      if (!used.has(email)) break;
    }
    used.add(email);
    const index = users.length;
    users.push({ id: `usr-${String(index + 1).padStart(3, '0')}`, email, name: `${first} ${last}`, team, role, managerIndex });
    return index;
  };

  const cro = add('sales', 'VP of Sales', -1);
  const salesManagers: number[] = [];
  for (let i = 0; i < params.salesManagers; i++) salesManagers.push(add('sales', 'Sales Manager', cro));
  const salesReps: number[] = [];
  for (let i = 0; i < params.salesReps; i++) salesReps.push(add('sales', i % 4 === 3 ? 'Sales Development Rep' : 'Account Executive', salesManagers[i % salesManagers.length]!));
  const cmo = add('marketing', 'CMO', -1);
  const marketers: number[] = [];
  const marketingRoles = ['Demand Generation Manager', 'Content Marketer', 'Marketing Operations Manager', 'Field Marketing Manager', 'Growth Marketer'];
  for (let i = 0; i < params.marketers; i++) marketers.push(add('marketing', marketingRoles[i % marketingRoles.length]!, cmo));
  const headOfRevops = add('revops', 'Head of Revenue Operations', -1);
  for (let i = 1; i < params.revops; i++) add('revops', 'Revenue Operations Analyst', headOfRevops);
  const partnerManagers: number[] = [];
  for (let i = 0; i < params.partnerManagers; i++) partnerManagers.push(add('partner', 'Partner Manager', cro));
  return { users, salesReps, marketers, partnerManagers };
}

// ---- campaigns --------------------------------------------------------------------------------

const CITIES = ['New York', 'London', 'San Francisco', 'Berlin', 'Chicago', 'Toronto', 'Amsterdam', 'Austin', 'Sydney', 'Paris'];

function buildCampaigns(
  params: SizeParams,
  rng: Random,
  startSec: number,
  endSec: number,
  startDay: number,
  days: number,
  marketers: readonly number[],
  users: readonly DemoUser[],
): DemoCampaign[] {
  const campaigns: DemoCampaign[] = [];
  const lastDay = startDay + days - 1;
  // Quarters by calendar: a campaign plan follows the company's quarters.
  for (let qStart = startSec; qStart < endSec; ) {
    const d = new Date(qStart * 1000);
    const qEnd = Math.min(endSec, Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 3, 1) / 1000);
    const quarter = `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
    const qStartDay = qStart / DAY;
    const qDays = (qEnd - qStart) / DAY;
    for (let ch = 0; ch < CHANNEL_PROFILES.length; ch++) {
      const profile = CHANNEL_PROFILES[ch]!;
      const n = Math.round(profile.campaignsPerQuarter * params.campaignScale);
      for (let k = 0; k < n; k++) {
        const type = profile.campaignTypes[k % profile.campaignTypes.length]!;
        const length = rng.int(profile.campaignDays[0], profile.campaignDays[1]);
        const from = profile.dated ? qStartDay + rng.int(0, Math.max(0, qDays - length)) : qStartDay + rng.int(0, Math.min(10, Math.max(0, qDays - 1)));
        const first = Math.min(from, lastDay);
        const last = Math.min(first + length - 1, lastDay);
        const topic = rng.pick(CONTENT_TOPICS);
        const where = profile.channel === 'events' ? `, ${rng.pick(CITIES)}` : '';
        const name = `${quarter} ${capitalise(type)} - ${topic}${where}`;
        const [lo, hi] = profile.dailySpend;
        const dailySpend = hi > 0 ? (rng.uniform(lo, hi) * params.spendScale) / params.campaignScale : 0;
        const planned = dailySpend * (last - first + 1);
        const budget = hi > 0 ? Math.round((planned * rng.uniform(0.95, 1.15)) / 100) * 100 : null;
        const index = campaigns.length;
        const id = `cmp-${String(index + 1).padStart(4, '0')}`;
        const owner = marketers.length > 0 ? marketers[rng.int(0, marketers.length - 1)]! : 0;
        campaigns.push({
          index,
          id,
          name,
          channel: ch,
          type,
          startDay: first,
          endDay: last,
          dailySpend,
          budget,
          ownerIndex: users[owner] ? owner : 0,
          landingUrl: `${SITE}/lp/${slugify(`${type} ${topic}`)}-${index + 1}`,
        });
      }
    }
    qStart = qEnd;
  }
  return campaigns;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// ---- content ----------------------------------------------------------------------------------

const CONTENT_KIND_TABLE: WeightTable = weightTable(CONTENT_KINDS.map((k) => k.weight));
const STAGE_INDEX = { tofu: 0, mofu: 1, bofu: 2 } as const;

function buildContent(params: SizeParams, rng: Random, startSec: number, endSec: number): DemoContent[] {
  const content: DemoContent[] = [];
  const year0 = new Date(startSec * 1000).getUTCFullYear();
  for (let i = 0; i < params.contentItems; i++) {
    // The first few assets are the evergreen pages every site has, published before the world starts.
    const kind = i < 3 ? CONTENT_KINDS.find((k) => k.type === (['pricing_page', 'product_page', 'documentation'] as const)[i])! : CONTENT_KINDS[rng.weighted(CONTENT_KIND_TABLE)]!;
    const publishedSec = i < 3 ? startSec - 400 * DAY : Math.floor(rng.uniform(startSec - 365 * DAY, endSec - 14 * DAY));
    const topic = rng.pick(CONTENT_TOPICS);
    const year = new Date(publishedSec * 1000).getUTCFullYear();
    let title: string;
    switch (kind.type) {
      case 'pricing_page':
        title = 'Pricing';
        break;
      case 'product_page':
        title = `Product: ${topic}`;
        break;
      case 'documentation':
        title = `Docs: ${topic}`;
        break;
      case 'case_study':
        title = `How ${accountName(rng.int(0, NAME_SPACE - 1)).name} Improved ${topic}`;
        break;
      case 'webinar':
        title = `Webinar: ${topic} Live`;
        break;
      default:
        title = rng.pick(CONTENT_TITLE_PATTERNS).replace('{t}', topic).replace('{y}', String(Math.max(year, year0)));
    }
    const id = `cnt-${String(i + 1).padStart(4, '0')}`;
    const url = kind.type === 'pricing_page' ? `${SITE}/pricing` : `${SITE}/${kind.path}/${slugify(title)}-${i + 1}`;
    content.push({ index: i, id, title, type: kind.type, stage: STAGE_INDEX[kind.stage], url, publishedSec });
  }
  return content;
}

// ---- accounts ---------------------------------------------------------------------------------

const INDUSTRY_TABLE = weightTable(INDUSTRIES.map((x) => x.weight));
const COUNTRY_TABLE = weightTable(COUNTRIES.map((x) => x.weight));
const SOFTWARE = INDUSTRIES.findIndex((x) => x.name === 'Software');

/**
 * The ICP: a buyer-industry, mid-market-to-enterprise company in a core market with a modern
 * go-to-market stack. Returns 0..1.
 */
export function fitScore(industry: number, country: number, employees: number, techMask: number): number {
  const size = employees < 20 ? 0.05 : employees < 100 ? 0.45 : employees <= 5000 ? 1 : employees <= 20000 ? 0.7 : 0.45;
  let signals = 0;
  for (let t = 0; t < TECHNOLOGIES.length; t++) if (TECHNOLOGIES[t]!.fitSignal && techMask & (1 << t)) signals++;
  const stack = Math.min(1, signals / 2);
  return 0.35 * INDUSTRIES[industry]!.fit + 0.3 * size + 0.2 * COUNTRIES[country]!.fit + 0.15 * stack;
}

function buildAccounts(
  params: SizeParams,
  rng: Random,
  startSec: number,
  endSec: number,
  salesReps: readonly number[],
  marketers: readonly number[],
): AccountPlan {
  const n = params.accounts;
  const plan = {
    count: n,
    industry: new Uint8Array(n),
    country: new Uint8Array(n),
    employees: new Int32Array(n),
    revenue: new Float64Array(n),
    fit: new Float32Array(n),
    icp: new Uint8Array(n),
    competitor: new Uint8Array(n),
    techMask: new Int32Array(n),
    nameCode: new Int32Array(n),
    salesOwner: new Int16Array(n),
    marketingOwner: new Int16Array(n),
    createdSec: new Float64Array(n),
    contacts: new Int32Array(n),
    visitors: new Int32Array(n),
    contactOffset: new Float64Array(n),
  };
  const marketStarts: number[] = [];
  const marketEnds: number[] = [];
  const marketIndex = new Int32Array(n + 1);
  const span = endSec - startSec;
  // A multiplier coprime with NAME_SPACE (2^6 · 5^3 · 13) makes i → code a permutation.
  const nameOffset = rng.fork('names').int(0, NAME_SPACE - 1);
  let offset = 1;
  for (let i = 0; i < n; i++) {
    const a = rng.fork(i);
    const industry = a.weighted(INDUSTRY_TABLE);
    const country = a.weighted(COUNTRY_TABLE);
    const employees = Math.max(2, Math.min(250_000, Math.round(a.lognormal(Math.log(180), 1.5))));
    const revenue = Math.round((employees * INDUSTRIES[industry]!.revenuePerEmployee * a.lognormal(0, 0.35)) / 1000) * 1000;
    let techMask = 0;
    for (let t = 0; t < TECHNOLOGIES.length; t++) {
      // Bigger companies run more tools.
      const p = Math.min(0.95, TECHNOLOGIES[t]!.adoption * (0.6 + 0.25 * Math.log10(employees)));
      if (a.chance(p)) techMask |= 1 << t;
    }
    const fit = fitScore(industry, country, employees, techMask);
    plan.industry[i] = industry;
    plan.country[i] = country;
    plan.employees[i] = employees;
    plan.revenue[i] = revenue;
    plan.fit[i] = fit;
    plan.icp[i] = fit >= ICP_THRESHOLD ? 1 : 0;
    plan.competitor[i] = industry === SOFTWARE && a.chance(COMPETITOR_SHARE) ? 1 : 0;
    plan.techMask[i] = techMask;
    plan.nameCode[i] = (i * 7919 + nameOffset) % NAME_SPACE;
    plan.salesOwner[i] = salesReps[a.int(0, salesReps.length - 1)]!;
    plan.marketingOwner[i] = marketers[a.int(0, marketers.length - 1)]!;
    // 45% of accounts were already in the CRM before the world starts; the rest arrive during it.
    plan.createdSec[i] = a.chance(0.45)
      ? Math.floor(startSec - a.uniform(0, 730) * DAY)
      : Math.floor(startSec + a.uniform(0, Math.max(DAY, span - 60 * DAY)));
    // Bigger companies have more people who engage.
    const median = CONTACTS_MEDIAN * Math.pow(employees / 180, 0.18);
    const contacts = Math.max(1, Math.min(400, Math.round(a.lognormal(Math.log(median), 0.6))));
    plan.contacts[i] = contacts;
    plan.visitors[i] = a.poisson(0.6 * contacts);
    plan.contactOffset[i] = offset;
    offset += contacts;

    // In-market periods: a buying cycle every year or two for a good fit, rarely for a poor one.
    const m = a.fork('market');
    const periods = m.poisson((span / (730 * DAY)) * (0.45 + 2.4 * fit * fit));
    const cands: [number, number][] = [];
    for (let k = 0; k < periods; k++) {
      const s = m.uniform(startSec - 60 * DAY, endSec - 7 * DAY);
      const length = Math.min(240, Math.max(21, m.lognormal(Math.log(85), 0.45))) * DAY;
      cands.push([Math.max(startSec, Math.floor(s)), Math.min(endSec, Math.floor(s + length))]);
    }
    cands.sort((x, y) => x[0] - y[0]);
    marketIndex[i] = marketStarts.length;
    let lastEnd = -Infinity;
    for (const [s, e] of cands) {
      // Periods never overlap: a second one must start after a pause of at least 30 days.
      if (s < lastEnd + 30 * DAY || e - s < 7 * DAY) continue;
      marketStarts.push(s);
      marketEnds.push(e);
      lastEnd = e;
    }
  }
  marketIndex[n] = marketStarts.length;
  return { ...plan, marketIndex, marketStart: Float64Array.from(marketStarts), marketEnd: Float64Array.from(marketEnds) };
}

/** Whether account i is in market at time t (binary-free: accounts have 0–3 periods). */
export function inMarketAt(plan: AccountPlan, i: number, t: number): boolean {
  for (let k = plan.marketIndex[i]!; k < plan.marketIndex[i + 1]!; k++) {
    if (t >= plan.marketStart[k]! && t < plan.marketEnd[k]!) return true;
  }
  return false;
}

export { HOUR };
