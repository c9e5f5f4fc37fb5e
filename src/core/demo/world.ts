/**
 * The demo world: `generateWorld` builds the plan once, and each table streams as canonical CSV
 * chunks by re-simulating accounts in order (docs/demo-world.md).
 *
 * Invariants:
 * - Same (size, seed, start, months) → byte-identical chunks for every table, in any order of
 *   iteration, any number of times: a table's text depends only on the plan and per-account forks.
 * - Headers are exactly the canonical columns of `core/schema/tables.ts` in their declared order
 *   (input columns are left out, except `email` on touchpoints: it is how import stitches an
 *   anonymous visitor to a contact).
 * - Rows come in each table's storage order (`orderBy`): touchpoints by account, time, id.
 * - Ids are readable and stable: usr-001, acc-000123, con-0001234, cmp-0042, cnt-0007,
 *   tp-000000123, opp-000012. Numbers follow account order, then time within an account.
 * - Memory stays O(accounts + one account's rows + one chunk): a 20 M-row table is never held.
 */

import { RevlineError } from '../errors.js';
import {
  ACCOUNTS,
  CAMPAIGN_COSTS,
  CAMPAIGNS,
  CONTACTS,
  CONTENT,
  LIFECYCLE_EVENTS,
  OPPORTUNITIES,
  OPPORTUNITY_STAGE_HISTORY,
  TARGETS,
  TOUCHPOINTS,
  USERS,
  WORLD_TRUTH,
  type TableSpec,
} from '../schema/tables.js';
import {
  CHANNELS,
  CONTENT_TYPES,
  CREATORS,
  DEFAULT_LIFECYCLE_STAGES,
  DEFAULT_OPPORTUNITY_STAGES,
  FUNNEL_STAGES,
  TOUCH_TYPES,
  type Channel,
} from '../vocabulary.js';
import {
  CHANNEL_PROFILES,
  COUNTRIES,
  DEPARTMENTS,
  DISQUALIFY_REASONS,
  FIRST_NAMES,
  INDUSTRIES,
  JOB_LEVELS,
  LAST_NAMES,
  LOST_REASONS,
  PERSONAL_MAIL_DOMAINS,
  SITE,
  TECHNOLOGIES,
} from './catalog.js';
import { asciiBytes, CsvWriter, DEFAULT_CHUNK_BYTES, csvField, formatDay, formatId, formatMoney, TimestampFormatter } from './csv.js';
import { accountName, buildPlan, DAY, ICP_THRESHOLD, type DemoSize, type SizeParams, type WorldOptions, type WorldPlan } from './plan.js';
import {
  AccountSimulator,
  anonymousId,
  BASE_HAZARD,
  DEPTH_HAZARD,
  F_ANON,
  F_EMAIL,
  F_KNOWN,
  IN_MARKET_ACTIVITY,
  IN_MARKET_HAZARD,
  LC,
  OS,
  OUT_OF_MARKET_HAZARD,
  P_BAD_DATA,
  P_PERSONAL_MAIL,
  P_STUDENT,
  ROUTE,
  SITE_PAGES,
} from './simulate.js';

/** Tables of a demo world, in the order a full load runs them (parents first, ground truth last). */
export const DEMO_TABLES = [
  'users',
  'accounts',
  'contacts',
  'campaigns',
  'campaign_costs',
  'content',
  'touchpoints',
  'lifecycle_events',
  'opportunities',
  'opportunity_stage_history',
  'targets',
  'world_truth',
] as const;
export type DemoTable = (typeof DEMO_TABLES)[number];

export type DemoCounts = Readonly<Record<DemoTable, number>>;

const SPECS: Readonly<Record<DemoTable, TableSpec>> = {
  users: USERS,
  accounts: ACCOUNTS,
  contacts: CONTACTS,
  campaigns: CAMPAIGNS,
  campaign_costs: CAMPAIGN_COSTS,
  content: CONTENT,
  touchpoints: TOUCHPOINTS,
  lifecycle_events: LIFECYCLE_EVENTS,
  opportunities: OPPORTUNITIES,
  opportunity_stage_history: OPPORTUNITY_STAGE_HISTORY,
  targets: TARGETS,
  world_truth: WORLD_TRUTH,
};

/** The columns a demo table's CSV carries, in order. */
export function demoColumns(table: DemoTable): readonly string[] {
  const spec = SPECS[table];
  if (!spec) throw new RevlineError('entity-unknown', `Unknown demo table "${String(table)}".`, { hint: `Known tables: ${DEMO_TABLES.join(', ')}.` });
  return spec.columns.filter((c) => !c.input || (table === 'touchpoints' && c.name === 'email')).map((c) => c.name);
}

export interface CsvOptions {
  /** Approximate bytes per chunk (the text is ASCII: bytes = characters). Default 2 MiB. */
  chunkBytes?: number;
  /** Start the first chunk with the header line. Default true. */
  header?: boolean;
}

export interface DemoWorld {
  readonly size: DemoSize;
  readonly seed: number;
  /** World start date, YYYY-MM-DD. */
  readonly start: string;
  readonly months: number;
  /** ISO-8601 bounds of the world: [startsAt, endsAt). */
  readonly startsAt: string;
  readonly endsAt: string;
  readonly params: SizeParams;
  readonly tables: readonly DemoTable[];
  /** Ground truth: each channel's multiplicative lift on the hazard of progressing to opportunity. */
  readonly channelEffects: Readonly<Record<Channel, number>>;
  columns(table: DemoTable): readonly string[];
  /** CSV text of one table in chunks that end at record boundaries; re-iterable, deterministic. */
  csv(table: DemoTable, options?: CsvOptions): Generator<string, void, undefined>;
  /** The same chunks as UTF-8 (here: ASCII) bytes, for sinks that take bytes (files, `Engine.appendCsv`). */
  csvBytes(table: DemoTable, options?: CsvOptions): Generator<Uint8Array, void, undefined>;
  /** Rows per table, by simulating without formatting; computed once, then cached. */
  counts(): DemoCounts;
}

/**
 * Builds a synthetic B2B world. Cheap: only the plan (users, campaigns, content, one compact row
 * per account) is built here; tables are simulated as they are read.
 *
 * @example
 * const world = generateWorld({ size: 'S', seed: 42 });
 * for (const chunk of world.csv('touchpoints')) sink.write(chunk);
 */
export function generateWorld(options: WorldOptions): DemoWorld {
  const plan = buildPlan(options);
  let summary: Summary | undefined;
  const summarize = (): Summary => (summary ??= buildSummary(plan));
  const channelEffects = Object.fromEntries(CHANNEL_PROFILES.map((p) => [p.channel, p.effect])) as Record<Channel, number>;
  const ts = new TimestampFormatter();
  // Chunks are views into one buffer per iteration: decoded or copied before the generator resumes.
  const views = (table: DemoTable, csvOptions: CsvOptions): Generator<Uint8Array, void, undefined> =>
    emit(plan, table, demoColumns(table), csvOptions, summarize);
  return {
    size: plan.size,
    seed: plan.seed,
    start: plan.start,
    months: plan.months,
    startsAt: ts.format(plan.startSec),
    endsAt: ts.format(plan.endSec),
    params: plan.params,
    tables: DEMO_TABLES,
    channelEffects,
    columns: demoColumns,
    *csvBytes(table, csvOptions = {}) {
      for (const view of views(table, csvOptions)) yield view.slice();
    },
    *csv(table, csvOptions = {}) {
      const decoder = new TextDecoder();
      for (const view of views(table, csvOptions)) yield decoder.decode(view);
    },
    counts: () => summarize().counts,
  };
}

function* emit(
  plan: WorldPlan,
  table: DemoTable,
  columns: readonly string[],
  options: CsvOptions,
  summarize: () => Summary,
): Generator<Uint8Array, void, undefined> {
  const w = new CsvWriter(options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  if (options.header ?? true) {
    w.ascii(columns.join(','));
    w.end();
  }
  // A row source writes records and yields whenever the chunk is full.
  for (const _ of ROWS[table](plan, w, summarize)) yield w.take();
  if (w.size > 0) yield w.take();
}

type RowSource = (plan: WorldPlan, w: CsvWriter, summarize: () => Summary) => Generator<void, void, undefined>;

/** Adapts a source of ready-made records (small tables, where clarity beats speed). */
function records(source: (plan: WorldPlan, summarize: () => Summary) => Iterable<string>): RowSource {
  return function* (plan, w, summarize) {
    for (const record of source(plan, summarize)) {
      w.ascii(record);
      w.end();
      if (w.full) yield;
    }
  };
}

const ROWS: Readonly<Record<DemoTable, RowSource>> = {
  users: records(userRows),
  accounts: records(accountRows),
  contacts: contactRows,
  campaigns: records(campaignRows),
  campaign_costs: records(campaignCostRows),
  content: records(contentRows),
  touchpoints: touchpointRows,
  lifecycle_events: lifecycleRows,
  opportunities: opportunityRows,
  opportunity_stage_history: stageHistoryRows,
  targets: records((plan, summarize) => targetRows(plan, summarize())),
  world_truth: records((plan, summarize) => worldTruthRows(plan, summarize())),
};

// ---- ids --------------------------------------------------------------------------------------

const accountId = (i: number): string => formatId('acc', i + 1, 6);
const contactId = (n: number): string => formatId('con', n, 7);
const opportunityId = (n: number): string => formatId('opp', n, 6);
const touchpointId = (n: number): string => formatId('tp', n, 9);

function domainOf(plan: WorldPlan, i: number): string {
  return `${accountName(plan.accounts.nameCode[i]!).slug}.${COUNTRIES[plan.accounts.country[i]!]!.tld}`;
}

// ---- small tables -----------------------------------------------------------------------------

function* userRows(plan: WorldPlan): Generator<string> {
  for (const u of plan.users) {
    const manager = u.managerIndex >= 0 ? plan.users[u.managerIndex]!.id : '';
    yield `${u.id},${u.email},${csvField(u.name)},${u.team},${csvField(u.role)},${manager}`;
  }
}

function* accountRows(plan: WorldPlan): Generator<string> {
  const a = plan.accounts;
  const ts = new TimestampFormatter();
  const users = plan.users;
  for (let i = 0; i < a.count; i++) {
    const techs: string[] = [];
    for (let t = 0; t < TECHNOLOGIES.length; t++) if (a.techMask[i]! & (1 << t)) techs.push(TECHNOLOGIES[t]!.name);
    yield [
      accountId(i),
      csvField(accountName(a.nameCode[i]!).name),
      domainOf(plan, i),
      csvField(INDUSTRIES[a.industry[i]!]!.name),
      String(a.employees[i]),
      formatMoney(a.revenue[i]!),
      COUNTRIES[a.country[i]!]!.code,
      csvField(techs.join(';')),
      users[a.salesOwner[i]!]!.id,
      users[a.marketingOwner[i]!]!.id,
      a.icp[i] ? 'true' : 'false',
      ts.format(a.createdSec[i]!),
    ].join(',');
  }
}

function* campaignRows(plan: WorldPlan): Generator<string> {
  for (const c of plan.campaigns) {
    yield [
      c.id,
      csvField(c.name),
      CHANNELS[c.channel]!,
      csvField(c.type),
      formatDay(c.startDay),
      formatDay(c.endDay),
      c.budget === null ? '' : formatMoney(c.budget),
      plan.users[c.ownerIndex]!.id,
    ].join(',');
  }
}

function* campaignCostRows(plan: WorldPlan): Generator<string> {
  const root = plan.root.fork('campaign-costs');
  for (const c of plan.campaigns) {
    if (c.dailySpend <= 0) continue;
    const rng = root.fork(c.index);
    const dated = CHANNEL_PROFILES[c.channel]!.dated;
    for (let day = c.startDay; day <= c.endDay; day++) {
      // Digital spend dips at weekends (1970-01-01 was a Thursday: day % 7 of 2 and 3 are Sat, Sun).
      const weekend = ((day % 7) + 7) % 7 === 2 || ((day % 7) + 7) % 7 === 3;
      const factor = dated ? 1 : weekend ? 0.55 : 1.12;
      const cost = c.dailySpend * factor * rng.lognormal(0, 0.18);
      yield `${c.id},${formatDay(day)},${formatMoney(cost)},usd`;
    }
  }
}

function* contentRows(plan: WorldPlan): Generator<string> {
  const ts = new TimestampFormatter();
  for (const c of plan.content) {
    yield `${c.id},${csvField(c.title)},${c.type},${FUNNEL_STAGES[c.stage]!},${c.url},${ts.format(c.publishedSec)}`;
  }
}

// ---- per-account tables -----------------------------------------------------------------------

/** Per-account strings a table needs more than once per account. */
class AccountStrings {
  private account = -1;
  private emails: string[] = [];
  private anon: string[] = [];
  private ids: string[] = [];

  constructor(private readonly plan: WorldPlan, private readonly sim: AccountSimulator) {}

  reset(): void {
    this.account = this.sim.account;
    this.emails.length = 0;
    this.anon.length = 0;
    this.ids.length = 0;
  }

  contactId(p: number): string {
    return (this.ids[p] ??= contactId(this.plan.accounts.contactOffset[this.account]! + this.sim.pRank[p]!));
  }

  anonymousId(p: number): string {
    return (this.anon[p] ??= anonymousId(this.sim.pAnonA[p]!, this.sim.pAnonB[p]!));
  }

  /** Work email at the account's domain; personal mail carries the contact number to stay unique. */
  email(p: number): string {
    const cached = this.emails[p];
    if (cached !== undefined) return cached;
    const sim = this.sim;
    const flags = sim.pFlags[p]!;
    const number = this.plan.accounts.contactOffset[this.account]! + sim.pRank[p]!;
    const first = emailPart(FIRST_NAMES[sim.pFirst[p]!]!);
    const last = emailPart(LAST_NAMES[sim.pLast[p]!]!);
    let email: string;
    if (flags & P_BAD_DATA) email = `test${number}@${flags & P_PERSONAL_MAIL ? 'mailinator.com' : domainOf(this.plan, this.account)}`;
    else if (flags & P_PERSONAL_MAIL) email = `${first}.${last}.${number}@${PERSONAL_MAIL_DOMAINS[number % PERSONAL_MAIL_DOMAINS.length]!}`;
    // The rank keeps two people of the same name in one company apart.
    else email = `${first}.${last}${sim.pRank[p]! > 0 && this.sameNameBefore(p) ? sim.pRank[p]! : ''}@${domainOf(this.plan, this.account)}`;
    this.emails[p] = email;
    return email;
  }

  private sameNameBefore(p: number): boolean {
    const sim = this.sim;
    for (let q = 0; q < sim.contacts; q++) {
      if (q !== p && sim.pRank[q]! < sim.pRank[p]! && sim.pFirst[q] === sim.pFirst[p] && sim.pLast[q] === sim.pLast[p]) return true;
    }
    return false;
  }
}

function emailPart(name: string): string {
  return name.toLowerCase().replace(/[^a-z]/g, '');
}

const LEAD_STATUS: readonly string[] = ['new', 'open', 'open', 'in_progress', 'qualified', 'qualified', 'customer', 'unqualified', 'nurture', 'nurture'];

function* contactRows(plan: WorldPlan, w: CsvWriter): Generator<void, void, undefined> {
  const sim = new AccountSimulator(plan);
  const strings = new AccountStrings(plan, sim);
  const a = plan.accounts;
  let lastStage = new Int32Array(512);
  for (let i = 0; i < a.count; i++) {
    sim.run(i);
    strings.reset();
    const owner = plan.users[a.salesOwner[i]!]!.id;
    if (lastStage.length < sim.contacts) lastStage = new Int32Array(sim.contacts * 2);
    lastStage.fill(-1, 0, sim.contacts);
    // Lead status is the CRM's view at the world's end: the last recorded lifecycle stage.
    for (let k = 0; k < sim.lcCount; k++) {
      const e = sim.lcOrder[k]!;
      lastStage[sim.lcPerson[e]!] = sim.lcStage[e]!;
    }
    for (let r = 0; r < sim.contacts; r++) {
      const p = sim.contactOrder[r]!;
      const flags = sim.pFlags[p]!;
      const student = (flags & P_STUDENT) !== 0;
      const bad = (flags & P_BAD_DATA) !== 0;
      const level = sim.pLevel[p]!;
      const dept = DEPARTMENTS[sim.pDept[p]!]!;
      const stage = lastStage[p]!;
      w.ascii(strings.contactId(p)).sep().ascii(strings.email(p)).sep();
      w.text(bad ? 'Test' : FIRST_NAMES[sim.pFirst[p]!]!).sep().text(bad ? 'Test' : LAST_NAMES[sim.pLast[p]!]!).sep();
      w.text(student ? 'Student' : bad ? '' : dept.titles[level]!).sep().ascii(JOB_LEVELS[level]!).sep();
      w.text(student ? 'Education' : dept.name).sep().id('acc', i + 1, 6).sep();
      w.ascii(CHANNELS[sim.pOriginal[p]!]!).sep().ascii(CREATORS[sim.pRoute[p]!]!).sep().ascii(owner).sep();
      w.ascii(stage >= 0 ? LEAD_STATUS[stage]! : 'new').sep().timestamp(sim.pCreated[p]!).end();
      if (w.full) yield;
    }
  }
}

function* touchpointRows(plan: WorldPlan, w: CsvWriter): Generator<void, void, undefined> {
  const sim = new AccountSimulator(plan);
  const strings = new AccountStrings(plan, sim);
  const a = plan.accounts;
  // Every repeated string is encoded once: 20 M rows make per-row encoding the main cost.
  const campaignIds = plan.campaigns.map((c) => asciiBytes(c.id));
  const landing = plan.campaigns.map((c) => asciiBytes(c.landingUrl));
  const contentIds = plan.content.map((c) => asciiBytes(c.id));
  const contentUrls = plan.content.map((c) => asciiBytes(c.url));
  const channelSource = CHANNEL_PROFILES.map((p) => p.sources.map(([source, medium]) => asciiBytes(`${p.channel},${source},${medium}`)));
  const utm = CHANNEL_PROFILES.map((p) => p.sources.map(([source, medium]) => asciiBytes(`?utm_source=${encodeURIComponent(source)}&utm_medium=${medium}`)));
  const touchTypes = TOUCH_TYPES.map(asciiBytes);
  const pages = SITE_PAGES.map((page) => asciiBytes(`${SITE}${page}`));
  const contactForm = asciiBytes(`${SITE}/contact`);
  const home = asciiBytes(`${SITE}/`);
  const demo = asciiBytes(`${SITE}/demo`);
  const trial = asciiBytes(`${SITE}/trial`);
  const utmCampaign = asciiBytes('&utm_campaign=');
  const anonPrefix = asciiBytes('anon-');
  let id = 0;
  for (let i = 0; i < a.count; i++) {
    sim.run(i);
    strings.reset();
    const n = sim.touchCount;
    const offset = a.contactOffset[i]!;
    for (let k = 0; k < n; k++) {
      const x = sim.touchOrder[k]!;
      const type = sim.tType[x]!;
      const channel = sim.tChannel[x]!;
      const source = sim.tSource[x]!;
      const cmp = sim.tCampaign[x]!;
      const cnt = sim.tContent[x]!;
      const p = sim.tPerson[x]!;
      const flags = sim.tFlags[x]!;
      id++;
      w.id('tp', id, 9).sep().timestamp(sim.tTime[x]!).sep().bytes(touchTypes[type]!).sep().bytes(channelSource[channel]![source]!).sep();
      if (cmp >= 0) w.bytes(campaignIds[cmp]!);
      w.sep();
      if (cnt >= 0) w.bytes(contentIds[cnt]!);
      w.sep();
      if (type === 1 /* form_fill */) w.bytes(cmp >= 0 ? landing[cmp]! : cnt >= 0 ? contentUrls[cnt]! : contactForm);
      else if (type === 5 /* ad_click */) {
        w.bytes(cmp >= 0 ? landing[cmp]! : home).bytes(utm[channel]![source]!);
        if (cmp >= 0) w.bytes(utmCampaign).bytes(campaignIds[cmp]!);
      } else if (cnt >= 0) w.bytes(contentUrls[cnt]!);
      else if (type === 10 /* demo_request */) w.bytes(demo);
      else if (type === 11 /* trial_signup */) w.bytes(trial);
      else if (sim.tPage[x]! > 0) w.bytes(pages[sim.tPage[x]!]!);
      else if (type === 0 /* page_view */) w.bytes(home);
      w.sep();
      if (flags & F_KNOWN) w.id('con', offset + sim.pRank[p]!, 7);
      w.sep();
      if (flags & F_ANON) w.bytes(anonPrefix).hex8(sim.pAnonA[p]!).hex8(sim.pAnonB[p]!);
      w.sep().id('acc', i + 1, 6).sep();
      if (flags & F_EMAIL) w.ascii(strings.email(p));
      w.end();
      if (w.full) yield;
    }
  }
}

function* lifecycleRows(plan: WorldPlan, w: CsvWriter): Generator<void, void, undefined> {
  const sim = new AccountSimulator(plan);
  const strings = new AccountStrings(plan, sim);
  const users = plan.users;
  for (let i = 0; i < plan.accounts.count; i++) {
    sim.run(i);
    strings.reset();
    for (let k = 0; k < sim.lcCount; k++) {
      const e = sim.lcOrder[k]!;
      const reason = sim.lcReason[e]!;
      const actor = sim.lcActor[e]!;
      w.ascii(strings.contactId(sim.lcPerson[e]!)).sep().ascii(DEFAULT_LIFECYCLE_STAGES[sim.lcStage[e]!]!).sep().timestamp(sim.lcTime[e]!).sep();
      if (reason >= 0) w.ascii(DISQUALIFY_REASONS[reason]!);
      w.sep().ascii('import').sep();
      if (actor >= 0) w.ascii(users[actor]!.id);
      // definition_version and note stay empty: a CRM export records neither.
      w.sep().sep().end();
      if (w.full) yield;
    }
  }
}

function dealName(plan: WorldPlan, i: number, amount: number, expansion: boolean): string {
  const tier = amount < 15_000 ? 'Starter' : amount < 60_000 ? 'Growth' : 'Enterprise';
  return csvField(`${accountName(plan.accounts.nameCode[i]!).name} - ${tier}${expansion ? ' expansion' : ''}`);
}

function* opportunityRows(plan: WorldPlan, w: CsvWriter): Generator<void, void, undefined> {
  const sim = new AccountSimulator(plan);
  const strings = new AccountStrings(plan, sim);
  const a = plan.accounts;
  let id = 0;
  for (let i = 0; i < a.count; i++) {
    sim.run(i);
    if (sim.oppCount === 0) continue;
    strings.reset();
    const owner = plan.users[a.salesOwner[i]!]!.id;
    for (let o = 0; o < sim.oppCount; o++) {
      id++;
      const p = sim.oPerson[o]!;
      const closed = sim.oClosed[o]!;
      const open = Number.isNaN(closed);
      const won = sim.oWon[o] === 1;
      w.id('opp', id, 6).sep().ascii(dealName(plan, i, sim.oAmount[o]!, sim.oExpansion[o] === 1)).sep().id('acc', i + 1, 6).sep();
      w.ascii(strings.contactId(p)).sep().ascii(owner).sep().money(sim.oAmount[o]!).sep().ascii('usd').sep().timestamp(sim.oCreated[o]!).sep();
      if (!open) w.timestamp(closed);
      w.sep().ascii(DEFAULT_OPPORTUNITY_STAGES[sim.oStage[o]!]!).sep();
      if (!open) w.ascii(won ? 'true' : 'false');
      w.sep();
      if (!open && !won && sim.oLostReason[o]! >= 0) w.ascii(LOST_REASONS[sim.oLostReason[o]!]!);
      // product stays empty: the simulated company sells one offering (tiers follow the amount).
      w.sep().ascii(CHANNELS[sim.pOriginal[p]!]!).sep().ascii(sim.oRoute[o] === ROUTE.partner ? 'partner' : 'sales').sep().end();
      if (w.full) yield;
    }
  }
}

function* stageHistoryRows(plan: WorldPlan, w: CsvWriter): Generator<void, void, undefined> {
  const sim = new AccountSimulator(plan);
  let id = 0;
  for (let i = 0; i < plan.accounts.count; i++) {
    sim.run(i);
    for (let o = 0; o < sim.oppCount; o++) {
      id++;
      for (let h = sim.oHistoryStart[o]!; h < sim.oHistoryStart[o + 1]!; h++) {
        w.id('opp', id, 6).sep().ascii(DEFAULT_OPPORTUNITY_STAGES[sim.shStage[h]!]!).sep().timestamp(sim.shTime[h]!).sep().money(sim.shAmount[h]!).end();
        if (w.full) yield;
      }
    }
  }
}

// ---- summary: counts and actuals for targets --------------------------------------------------

interface Summary {
  readonly counts: DemoCounts;
  /** Quarter label → channel index → pipeline created (usd). */
  readonly pipeline: Map<string, Float64Array>;
  /** Quarter label → channel index → revenue won (usd). */
  readonly revenue: Map<string, Float64Array>;
  readonly quarters: readonly string[];
}

function quarterOf(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

function worldQuarters(plan: WorldPlan): string[] {
  const quarters: string[] = [];
  for (let t = plan.startSec; t < plan.endSec; t += 27 * DAY) {
    const q = quarterOf(t);
    if (quarters[quarters.length - 1] !== q) quarters.push(q);
  }
  return quarters;
}

/** The quarter after `q` (YYYY-Qn). */
function nextQuarter(q: string): string {
  const year = Number(q.slice(0, 4));
  const n = Number(q.slice(6));
  return n === 4 ? `${year + 1}-Q1` : `${year}-Q${n + 1}`;
}

function buildSummary(plan: WorldPlan): Summary {
  const sim = new AccountSimulator(plan);
  const a = plan.accounts;
  let touchpoints = 0;
  let lifecycle = 0;
  let opportunities = 0;
  let stages = 0;
  const pipeline = new Map<string, Float64Array>();
  const revenue = new Map<string, Float64Array>();
  const quarters = worldQuarters(plan);
  for (const q of quarters) {
    pipeline.set(q, new Float64Array(CHANNELS.length));
    revenue.set(q, new Float64Array(CHANNELS.length));
  }
  for (let i = 0; i < a.count; i++) {
    sim.run(i);
    touchpoints += sim.touchCount;
    lifecycle += sim.lcCount;
    opportunities += sim.oppCount;
    stages += sim.shCount;
    for (let o = 0; o < sim.oppCount; o++) {
      const source = sim.pOriginal[sim.oPerson[o]!]!;
      // Pipeline is the amount at creation (the qualification stage), revenue the amount won.
      const created = pipeline.get(quarterOf(sim.oCreated[o]!))!;
      created[source] = created[source]! + sim.shAmount[sim.oHistoryStart[o]!]!;
      if (sim.oWon[o]) {
        const won = revenue.get(quarterOf(sim.oClosed[o]!))!;
        won[source] = won[source]! + sim.oAmount[o]!;
      }
    }
  }
  let campaignCosts = 0;
  for (const c of plan.campaigns) if (c.dailySpend > 0) campaignCosts += c.endDay - c.startDay + 1;
  const inMarket = a.marketIndex[a.count]!;
  const partial = { counts: {} as DemoCounts, pipeline, revenue, quarters };
  const targets = [...targetRows(plan, partial)].length;
  const counts: DemoCounts = {
    users: plan.users.length,
    accounts: a.count,
    contacts: plan.totalContacts,
    campaigns: plan.campaigns.length,
    campaign_costs: campaignCosts,
    content: plan.content.length,
    touchpoints,
    lifecycle_events: lifecycle,
    opportunities,
    opportunity_stage_history: stages,
    targets,
    world_truth: CHANNELS.length + inMarket + 1,
  };
  return { counts, pipeline, revenue, quarters };
}

// ---- targets ----------------------------------------------------------------------------------

/**
 * Quarterly pipeline and revenue targets per source channel, plus `all`. A plan is what the team
 * expected: actuals blurred by ±20%, and one quarter past the world's end for forecasts to aim at.
 */
function* targetRows(plan: WorldPlan, summary: Pick<Summary, 'pipeline' | 'revenue' | 'quarters'>): Generator<string> {
  const rng = plan.root.fork('targets');
  const quarters = [...summary.quarters];
  const last = quarters[quarters.length - 1]!;
  const future = nextQuarter(last);
  for (const metric of ['pipeline', 'revenue'] as const) {
    const actuals = metric === 'pipeline' ? summary.pipeline : summary.revenue;
    // The future quarter's plan: the last year's average per quarter, grown by 15%.
    const recent = quarters.slice(-4);
    const ahead = new Float64Array(CHANNELS.length);
    for (const q of recent) {
      const v = actuals.get(q)!;
      for (let c = 0; c < CHANNELS.length; c++) ahead[c] = ahead[c]! + (v[c]! * 1.15) / recent.length;
    }
    for (const q of [...quarters, future]) {
      const values = q === future ? ahead : actuals.get(q)!;
      let total = 0;
      const rows: string[] = [];
      for (let c = 0; c < CHANNELS.length; c++) {
        const actual = values[c]!;
        if (actual <= 0) continue;
        const target = Math.max(1000, Math.round((actual * rng.uniform(0.8, 1.25)) / 1000) * 1000);
        total += target;
        rows.push(`${q},${CHANNELS[c]!},${metric},${formatMoney(target)}`);
      }
      if (total > 0) rows.push(`${q},all,${metric},${formatMoney(total)}`);
      // Storage order is (period, channel, metric): sort channels by name within the period.
      rows.sort();
      yield* rows;
    }
  }
}

// ---- ground truth -----------------------------------------------------------------------------

function* worldTruthRows(plan: WorldPlan, summary: Summary): Generator<string> {
  const ts = new TimestampFormatter();
  const starts = ts.format(plan.startSec);
  const ends = ts.format(plan.endSec);
  const effects = CHANNEL_PROFILES.map((p) => [p.channel, p.effect] as const).sort((x, y) => (x[0] < y[0] ? -1 : 1));
  for (const [channel, effect] of effects) {
    const details = JSON.stringify({
      meaning: 'multiplier on the per-touch hazard of a contact progressing to an opportunity',
      baseline: 1,
    });
    yield `channel_effect,${channel},${starts},${ends},${effect},${csvField(details)}`;
  }
  const a = plan.accounts;
  for (let i = 0; i < a.count; i++) {
    const k0 = a.marketIndex[i]!;
    const k1 = a.marketIndex[i + 1]!;
    if (k0 === k1) continue;
    const details = csvField(JSON.stringify({ fit: Math.round(a.fit[i]! * 1000) / 1000, is_icp: a.icp[i] === 1 }));
    const acc = accountId(i);
    for (let k = k0; k < k1; k++) yield `in_market,${acc},${ts.format(a.marketStart[k]!)},${ts.format(a.marketEnd[k]!)},,${details}`;
  }
  const world = {
    size: plan.size,
    seed: plan.seed,
    start: plan.start,
    months: plan.months,
    ends_at: ends,
    counts: summary.counts,
    model: {
      hazard: 'base(touch_type) x effect(channel) x depth(funnel_stage) x market x fit(account) x persona(contact)',
      base_hazard: Object.fromEntries(TOUCH_TYPES.map((t, k) => [t, BASE_HAZARD[k]])),
      depth_hazard: Object.fromEntries(FUNNEL_STAGES.map((s, k) => [s, DEPTH_HAZARD[k]])),
      in_market_hazard: IN_MARKET_HAZARD,
      out_of_market_hazard: OUT_OF_MARKET_HAZARD,
      in_market_activity: IN_MARKET_ACTIVITY,
      fit_hazard: '0.2 + 1.8 * fit^2',
      icp_threshold: ICP_THRESHOLD,
      lifecycle_stages: DEFAULT_LIFECYCLE_STAGES,
      opportunity_stages: DEFAULT_OPPORTUNITY_STAGES,
      content_types: CONTENT_TYPES.length,
    },
  };
  yield `world,world,${starts},${ends},,${csvField(JSON.stringify(world))}`;
}

export { LC, OS };
