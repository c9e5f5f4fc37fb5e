/**
 * Per-account simulation: one account's people, their touches, their lifecycle, its opportunities.
 *
 * The model (docs/demo-world.md has the long form):
 * 1. People: the account's known contacts, each created by a route (marketing form fill, sales
 *    outbound, partner referral, self-serve trial, other), plus visitors who never identify.
 * 2. Touches: sessions arrive as a Poisson process per person, 3.5× faster while the account is in
 *    market, fading after a contact is created. A session picks a channel (the mix depends on
 *    known/anonymous and in/out of market), a depth (tofu/mofu/bofu; deeper in market), and
 *    expands into touches consistent with the channel (ad click → page views, email open → click).
 * 3. Intent: every touch adds hazard = base(touch type) × effect(channel) × depth × market × fit ×
 *    persona. When a contact's cumulative hazard passes its Exp(1) threshold, the contact raises a
 *    hand (demo request, or a meeting for sales- and partner-created contacts) and goes
 *    MQL → SAL → SQL → opportunity, unless the account already has an open deal (then the contact
 *    joins it). `effect(channel)` is the ground truth in `world_truth`.
 * 4. Engagement alone also makes MQLs (a points rule with decay); sales mostly rejects those, with
 *    reasons that follow the persona and the account (student, competitor, wrong persona, …).
 * 5. Opportunities walk qualification → meeting → proposal → negotiation → closed_won | closed_lost;
 *    a deal still moving at the world's end stays open.
 *
 * Invariants:
 * - `run(i)` is a pure function of (plan, i): all draws come from account i's own forks, so every
 *   table re-simulates the same account identically, in any order, any number of times.
 * - Nothing is recorded at or after the world's end; nothing of a contact precedes its creation
 *   except anonymous touches (the history a form fill stitches).
 * - After `run`, touches are sorted by (time, creation order), lifecycle events by
 *   (contact, time), opportunities by creation time; each contact's lifecycle times strictly rise.
 * - Only what a marketing tool and a CRM record on their own is written to lifecycle_events:
 *   subscriber, lead, opportunity, customer, closed_lost and the recycle after a lost deal. MQL, SAL,
 *   SQL and sales' rejections are the lifecycle engine's work (lifecycle/demo.ts); the simulator
 *   still walks them internally, because buying behaviour (touches, deals) follows them.
 * - Buffers are reused between runs: read results before the next `run`.
 */

import { CHANNEL_INDEX, CHANNEL_PROFILES, DEPARTMENTS, DISQUALIFY_REASONS, FIRST_NAMES, JOB_LEVEL_INTENT, JOB_LEVEL_WEIGHTS, LAST_NAMES, LOST_REASON_WEIGHTS } from './catalog.js';
import { DAY, inMarketAt, type WorldPlan } from './plan.js';
import { Random, weightTable, type WeightTable } from './random.js';
import { CHANNELS, TOUCH_TYPES, type Channel, type TouchType } from '../vocabulary.js';

// ---- indexes into the vocabularies -----------------------------------------------------------

const T = Object.fromEntries(TOUCH_TYPES.map((t, i) => [t, i])) as Record<TouchType, number>;
const C = CHANNEL_INDEX;

/** Lifecycle stages, in DEFAULT_LIFECYCLE_STAGES order. */
export const LC = { subscriber: 0, lead: 1, mql: 2, sal: 3, sql: 4, opportunity: 5, customer: 6, disqualified: 7, recycled: 8, closed_lost: 9 } as const;

/** Stages the simulated tools record themselves (1), by LC index; the rest is the engine's. */
const RECORDED = Uint8Array.from([1, 1, 0, 0, 0, 1, 1, 0, 0, 1]);
/** Opportunity stages, in DEFAULT_OPPORTUNITY_STAGES order. */
export const OS = { qualification: 0, meeting: 1, proposal: 2, negotiation: 3, closed_won: 4, closed_lost: 5 } as const;
/** Creation routes, in CREATORS order. */
export const ROUTE = { marketing: 0, sales: 1, partner: 2, self: 3, other: 4 } as const;

/** Touch flags. */
export const F_KNOWN = 1; // carries contact_id
export const F_ANON = 2; // carries anonymous_id
export const F_EMAIL = 4; // carries email (the identifying touch)

/** Person flags. */
export const P_STUDENT = 1;
export const P_COMPETITOR = 2;
export const P_BAD_DATA = 4;
export const P_PERSONAL_MAIL = 8;

const DQ = Object.fromEntries(DISQUALIFY_REASONS.map((r, i) => [r, i])) as Record<(typeof DISQUALIFY_REASONS)[number], number>;

// ---- model constants ---------------------------------------------------------------------------

/** Sessions per day of an average person out of market (tuned for ~20 touches per contact). */
const SESSION_RATE = 0.0213;
/** Session rate multiplier while the account is in market. */
export const IN_MARKET_ACTIVITY = 3.5;
/** Hazard multiplier of a touch while the account is in market, and out of it. */
export const IN_MARKET_HAZARD = 4;
export const OUT_OF_MARKET_HAZARD = 0.2;
/** Global hazard scale, tuned for ~2 opportunities per account over 24 months. */
const HAZARD_SCALE = 5;
/** Engagement rule: points half-life and the MQL threshold. */
const SCORE_HALF_LIFE = 21 * DAY;
const MQL_POINTS = 28;

/** Base hazard per touch type, in TOUCH_TYPES order (demo requests are the outcome, not a cause). */
export const BASE_HAZARD: readonly number[] = [0.006, 0.04, 0.035, 0.0015, 0.012, 0.008, 0.07, 0.06, 0.1, 0.02, 0, 0.08];
/** Engagement points per touch type, in TOUCH_TYPES order. */
const POINTS: readonly number[] = [1, 8, 8, 0.5, 3, 1.5, 10, 10, 10, 2, 30, 20];
/** Hazard multiplier by content depth: tofu, mofu, bofu. */
export const DEPTH_HAZARD: readonly number[] = [1, 1.6, 2.6];

/** The ICP part of the hazard: a poor fit rarely buys. */
export function fitHazard(fit: number): number {
  return 0.2 + 1.8 * fit * fit;
}

function mix(weights: Partial<Record<Channel, number>>): WeightTable {
  return weightTable(CHANNELS.map((c) => weights[c] ?? 0));
}

const ANON_OUT = mix({ organic_search: 30, direct: 18, paid_search: 10, paid_social: 10, display: 12, referral: 7, organic_social: 9, other: 3 });
const ANON_IN = mix({ organic_search: 28, direct: 18, paid_search: 20, paid_social: 9, display: 8, referral: 12, organic_social: 4, other: 1 });
const KNOWN_OUT = mix({
  email: 40, organic_search: 12, direct: 12, paid_search: 4, paid_social: 6, organic_social: 5, display: 6, referral: 3,
  webinar: 4, events: 1.5, content_syndication: 3, outbound_sales: 3, partner: 0.5, other: 1,
});
const KNOWN_IN = mix({
  email: 22, organic_search: 12, direct: 14, paid_search: 10, paid_social: 5, organic_social: 2, display: 3, referral: 8,
  webinar: 9, events: 5, content_syndication: 2, outbound_sales: 6, partner: 2, other: 0.5,
});
const SALES_OUT = mix({ email: 25, organic_search: 6, direct: 10, paid_social: 4, display: 4, referral: 2, webinar: 3, events: 2, outbound_sales: 30, other: 1 });
const SALES_IN = mix({ email: 15, organic_search: 8, direct: 12, paid_search: 5, paid_social: 3, referral: 5, webinar: 5, events: 4, outbound_sales: 35, partner: 1 });
const DEPTH_OUT = weightTable([0.7, 0.25, 0.05]);
const DEPTH_IN = weightTable([0.35, 0.4, 0.25]);

const ROUTE_TABLE = weightTable([0.56, 0.22, 0.07, 0.1, 0.05]);
const ROUTE_TABLE_ICP = weightTable([0.5, 0.3, 0.08, 0.08, 0.04]);
const MARKETING_CREATION = mix({
  organic_search: 20, paid_search: 16, paid_social: 12, referral: 5, direct: 5, display: 2, organic_social: 4, webinar: 14,
  content_syndication: 12, events: 10,
});
const SELF_CREATION = mix({ direct: 40, organic_search: 35, paid_search: 25 });
const LEVEL_TABLE = weightTable([...JOB_LEVEL_WEIGHTS]);
const DEPT_TABLE = weightTable(DEPARTMENTS.map((d) => d.weight));
const LOST_TABLE = weightTable([...LOST_REASON_WEIGHTS]);
const SOURCE_TABLES: readonly WeightTable[] = CHANNEL_PROFILES.map((p) => weightTable(p.sources.map((s) => s[2])));

/** Pages without a content asset, for page views that land on the site itself. */
export const SITE_PAGES = ['/', '/product', '/customers', '/about', '/integrations', '/security', '/careers'] as const;

// ---- growable buffers --------------------------------------------------------------------------

function grow<A extends Float64Array | Int32Array | Uint8Array | Float32Array>(a: A, n: number): A {
  if (n <= a.length) return a;
  const b = new (a.constructor as new (n: number) => A)(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

/**
 * Simulates one account at a time into reusable buffers.
 *
 * @example
 * const sim = new AccountSimulator(buildPlan({ size: 'S', seed: 1 }));
 * sim.run(0);
 * sim.touchCount; // touches of account 0, sorted by time through sim.touchOrder
 */
export class AccountSimulator {
  readonly plan: WorldPlan;
  account = -1;

  // touches (unsorted storage; touchOrder gives the sorted order)
  touchCount = 0;
  tTime = new Float64Array(1024);
  tType = new Uint8Array(1024);
  tChannel = new Uint8Array(1024);
  tSource = new Uint8Array(1024);
  tCampaign = new Int32Array(1024);
  tContent = new Int32Array(1024);
  tPage = new Uint8Array(1024);
  tPerson = new Int32Array(1024);
  tFlags = new Uint8Array(1024);
  tHazard = new Float32Array(1024);
  touchOrder = new Int32Array(1024);
  private sortKeys = new Float64Array(1024);

  // people of the account: contacts first (person < contacts), then visitors
  personCount = 0;
  contacts = 0;
  pRoute = new Uint8Array(64);
  pCreated = new Float64Array(64);
  pLevel = new Uint8Array(64);
  pDept = new Uint8Array(64);
  pFirst = new Uint8Array(64);
  pLast = new Uint8Array(64);
  pFlags = new Uint8Array(64);
  pOriginal = new Uint8Array(64);
  pAnonA = new Int32Array(64);
  pAnonB = new Int32Array(64);
  /** Contact number within the account, by creation order (0-based), for person < contacts. */
  pRank = new Int32Array(64);
  /** Persons of the account's contacts in creation order. */
  contactOrder = new Int32Array(64);
  pStage = new Int32Array(64);
  private pLastEvent = new Float64Array(64);
  private pHazard = new Float64Array(64);
  private pThreshold = new Float64Array(64);
  private pBusy = new Float64Array(64);
  private pScore = new Float64Array(64);
  private pScoreAt = new Float64Array(64);
  private pPermanent = new Uint8Array(64);

  // lifecycle events (sorted by contact rank, then time, through lcOrder)
  lcCount = 0;
  lcPerson = new Int32Array(256);
  lcStage = new Uint8Array(256);
  lcTime = new Float64Array(256);
  lcReason = new Int32Array(256); // index into DISQUALIFY_REASONS, or -1
  lcActor = new Int32Array(256); // user index, or -1
  lcOrder = new Int32Array(256);

  // opportunities (in creation order, which is time order)
  oppCount = 0;
  oCreated = new Float64Array(16);
  oClosed = new Float64Array(16); // NaN while open at the world's end
  oWon = new Uint8Array(16);
  oAmount = new Float64Array(16);
  oPerson = new Int32Array(16);
  oStage = new Uint8Array(16);
  oLostReason = new Int32Array(16);
  oRoute = new Uint8Array(16);
  oExpansion = new Uint8Array(16);
  oHistoryStart = new Int32Array(17);
  // stage history of all opportunities, contiguous per opportunity in time order
  shCount = 0;
  shStage = new Uint8Array(64);
  shTime = new Float64Array(64);
  shAmount = new Float64Array(64);

  private rng: Random = Random.seeded(0);
  private deco: Random = Random.seeded(0);
  private openUntil = -Infinity;
  private openOpp = -1;
  private won = false;

  constructor(plan: WorldPlan) {
    this.plan = plan;
  }

  /** Simulates account `i` (0-based) into the buffers. */
  run(i: number): void {
    const plan = this.plan;
    const a = plan.accounts;
    const base = plan.root.fork('simulate').fork(i);
    this.rng = base.fork('behaviour');
    this.deco = base.fork('decoration');
    this.account = i;
    this.touchCount = 0;
    this.lcCount = 0;
    this.oppCount = 0;
    this.shCount = 0;
    this.openUntil = -Infinity;
    this.openOpp = -1;
    this.won = false;

    const contacts = a.contacts[i]!;
    const people = contacts + a.visitors[i]!;
    this.contacts = contacts;
    this.personCount = people;
    this.ensurePeople(people);

    const accountCreated = a.createdSec[i]!;
    const activeFrom = Math.max(plan.startSec, accountCreated - 60 * DAY);
    const knownFrom = Math.max(plan.startSec, accountCreated);
    for (let p = 0; p < people; p++) this.simulatePerson(p, p < contacts, activeFrom, knownFrom);

    this.sortTouches();
    this.runFunnel();
    // Funnel touches (demo requests, deal meetings) were appended: sort once more for storage order.
    this.sortTouches();
    this.rankContacts();
    this.sortLifecycle();
  }

  // ---- people and touches ------------------------------------------------------------------

  private simulatePerson(p: number, known: boolean, activeFrom: number, knownFrom: number): void {
    const plan = this.plan;
    const a = plan.accounts;
    const i = this.account;
    const rng = this.rng;
    const end = plan.endSec;
    const icp = a.icp[i] === 1;

    let flags = 0;
    let level = rng.weighted(LEVEL_TABLE);
    let dept = rng.weighted(DEPT_TABLE);
    const industry = a.industry[i]!;
    if (a.competitor[i]) flags |= P_COMPETITOR;
    // Universities and personal sign-ups bring students who download ebooks.
    if (rng.chance(industry === 8 ? 0.2 : 0.015)) {
      flags |= P_STUDENT | P_PERSONAL_MAIL;
      level = 4;
    } else if (rng.chance(0.07)) flags |= P_PERSONAL_MAIL;
    if (rng.chance(0.03)) flags |= P_BAD_DATA;
    this.pLevel[p] = level;
    this.pDept[p] = dept;
    this.pFirst[p] = rng.int(0, FIRST_NAMES.length - 1);
    this.pLast[p] = rng.int(0, LAST_NAMES.length - 1);
    this.pFlags[p] = flags;
    this.pAnonA[p] = rng.nextUint32() | 0;
    this.pAnonB[p] = rng.nextUint32() | 0;
    this.pStage[p] = -1;
    this.pLastEvent[p] = -Infinity;
    this.pHazard[p] = 0;
    this.pThreshold[p] = rng.exponential(1);
    this.pBusy[p] = -Infinity;
    this.pScore[p] = 0;
    this.pScoreAt[p] = 0;
    this.pPermanent[p] = 0;
    this.pRank[p] = -1;
    const rate = SESSION_RATE * rng.lognormal(0, 0.7);
    const personaHazard =
      flags & (P_STUDENT | P_COMPETITOR | P_BAD_DATA) ? 0 : JOB_LEVEL_INTENT[level]! * (DEPARTMENTS[dept]!.buyer ? 1.2 : 0.35);
    const personHazard = HAZARD_SCALE * fitHazard(a.fit[i]!) * personaHazard;

    if (!known) {
      // A visitor: one burst of anonymous visits, never identified.
      const from = rng.uniform(activeFrom, end);
      const until = Math.min(end, from + rng.lognormal(Math.log(20), 1) * DAY);
      this.pRoute[p] = ROUTE.other;
      this.pCreated[p] = Number.NaN;
      this.sessions(p, from, until, rate * 1.5, false, 0, personHazard, Number.NaN);
      return;
    }

    const route = rng.weighted(icp ? ROUTE_TABLE_ICP : ROUTE_TABLE);
    this.pRoute[p] = route;
    // People tend to become known while their company is in market.
    const created = this.creationTime(knownFrom);
    this.pCreated[p] = created;

    let creationChannel: number;
    let creationType: number;
    let history = false;
    switch (route) {
      case ROUTE.marketing:
        creationChannel = rng.weighted(MARKETING_CREATION);
        creationType =
          creationChannel === C.content_syndication ? T.content_download : creationChannel === C.events ? T.event : T.form_fill;
        history = CHANNEL_PROFILES[creationChannel]!.web || creationChannel === C.webinar;
        break;
      case ROUTE.self:
        creationChannel = rng.weighted(SELF_CREATION);
        creationType = T.trial_signup;
        history = true;
        break;
      case ROUTE.sales:
        creationChannel = C.outbound_sales;
        creationType = T.call;
        break;
      case ROUTE.partner:
        creationChannel = C.partner;
        creationType = T.form_fill;
        break;
      default:
        creationChannel = C.other;
        creationType = T.form_fill;
        history = true;
    }

    // Anonymous research before the form fill: these touches are stitched to the contact on import.
    const historyStart = this.touchCount;
    if (history) {
      const from = Math.max(activeFrom, created - rng.lognormal(Math.log(25), 0.9) * DAY);
      this.sessions(p, from, created - 60, rate * 2.5, false, 0, personHazard, Number.NaN);
    }
    this.pOriginal[p] = this.touchCount > historyStart ? this.tChannel[historyStart]! : creationChannel;

    // The identifying touch.
    const webForm = history && (CHANNEL_PROFILES[creationChannel]!.web || creationChannel === C.webinar);
    const flagsAt = F_KNOWN | (creationType === T.call ? 0 : F_EMAIL) | (webForm ? F_ANON : 0);
    const depth = creationType === T.trial_signup ? 2 : creationType === T.call ? 0 : 1;
    const inMarket = inMarketAt(a, i, created);
    const campaign = this.campaignAt(creationChannel, created);
    const content = creationType === T.form_fill || creationType === T.content_download ? this.contentAt(1, created) : -1;
    this.addTouch(created, creationType, creationChannel, campaign, content, 0, p, flagsAt, personHazard * this.hazardOf(creationType, creationChannel, depth, inMarket));
    if (creationChannel === C.webinar && rng.chance(0.6)) {
      // Registered for a webinar: attends on its date when one is scheduled soon.
      const w = this.nextDated(C.webinar, created);
      if (w >= 0) {
        const at = this.datedTime(w, created);
        if (at < end) {
          this.addTouch(at, T.webinar, C.webinar, w, this.contentAt(1, at), 0, p, F_KNOWN, personHazard * this.hazardOf(T.webinar, C.webinar, 1, inMarketAt(a, i, at)));
        }
      }
    }

    // Known engagement after creation; it fades (half the rate after about four months).
    this.sessions(p, created + 600, end, rate, true, route, personHazard, created);
  }

  /** Creation time of a contact: 60% inside an in-market period when the account has one. */
  private creationTime(knownFrom: number): number {
    const plan = this.plan;
    const a = plan.accounts;
    const i = this.account;
    const rng = this.rng;
    const k0 = a.marketIndex[i]!;
    const k1 = a.marketIndex[i + 1]!;
    if (k1 > k0 && rng.chance(0.6)) {
      const k = rng.int(k0, k1 - 1);
      const s = Math.max(a.marketStart[k]!, knownFrom);
      const e = a.marketEnd[k]!;
      if (e > s + DAY) return Math.floor(rng.uniform(s, e - 3600));
    }
    return Math.floor(rng.uniform(knownFrom, Math.max(knownFrom + DAY, plan.endSec - 3600)));
  }

  /**
   * Sessions of one person over [from, until): a Poisson process thinned to the rate at each
   * moment (in market: faster; known: fading since creation).
   */
  private sessions(p: number, from: number, until: number, rate: number, known: boolean, route: number, personHazard: number, created: number): void {
    if (!(until > from)) return;
    const rng = this.rng;
    const a = this.plan.accounts;
    const i = this.account;
    const maxRate = rate * IN_MARKET_ACTIVITY;
    let t = from;
    for (;;) {
      t += rng.exponential(maxRate) * DAY;
      if (t >= until) return;
      const inMarket = inMarketAt(a, i, t);
      let accept = inMarket ? 1 : 1 / IN_MARKET_ACTIVITY;
      if (known) accept *= 0.3 + 0.7 * Math.exp(-(t - created) / (180 * DAY));
      if (rng.float() >= accept) continue;
      const table = known ? (route === ROUTE.sales ? (inMarket ? SALES_IN : SALES_OUT) : inMarket ? KNOWN_IN : KNOWN_OUT) : inMarket ? ANON_IN : ANON_OUT;
      this.session(p, Math.floor(t), until, known, inMarket, table, personHazard);
    }
  }

  /** One session: a lead touch from the channel, then page views when it lands on the site. */
  private session(p: number, t: number, until: number, known: boolean, inMarket: boolean, table: WeightTable, personHazard: number): void {
    const rng = this.rng;
    let channel = rng.weighted(table);
    let profile = CHANNEL_PROFILES[channel]!;
    let campaign = -1;
    if (profile.dated) {
      // Events and webinars happen on their dates: the touch moves to the next one.
      const c = this.nextDated(channel, t);
      const at = c >= 0 ? this.datedTime(c, t) : Infinity;
      if (at >= until || at - t > 60 * DAY) {
        channel = C.email;
        profile = CHANNEL_PROFILES[channel]!;
      } else {
        campaign = c;
        t = at;
      }
    }
    if (campaign < 0) campaign = this.campaignAt(channel, t);
    const depth = rng.weighted(inMarket ? DEPTH_IN : DEPTH_OUT);
    const flags = known ? F_KNOWN | (profile.web ? F_ANON : 0) : F_ANON;
    let type: number = T[profile.lead];
    if (channel === C.outbound_sales) type = inMarket && rng.chance(0.25) ? T.meeting : rng.chance(0.6) ? T.call : T.email_open;
    else if (channel === C.partner) type = rng.chance(0.4) ? T.meeting : T.page_view;
    const leadContent = type === T.webinar || type === T.content_download || type === T.email_open ? this.contentAt(Math.max(1, depth), t) : profile.web ? this.contentAt(depth, t) : -1;
    this.addTouch(t, type, channel, campaign, leadContent, 0, p, flags, personHazard * this.hazardOf(type, channel, depth, inMarket));

    let web = profile.web || (channel === C.partner && type === T.page_view);
    let at = t;
    if (type === T.email_open && rng.chance(inMarket ? 0.35 : 0.2)) {
      at += rng.int(10, 600);
      this.addTouch(at, T.email_click, channel, campaign, leadContent, 0, p, flags, personHazard * this.hazardOf(T.email_click, channel, depth, inMarket));
      web = true;
    }
    if (!web) return;
    const webFlags = known ? F_KNOWN | F_ANON : F_ANON;
    const views = rng.geometric(inMarket ? 0.4 : 0.55);
    for (let v = 0; v < views; v++) {
      at += rng.int(20, 400);
      if (at >= until) return;
      const d = v > 0 && rng.chance(0.3) ? Math.min(2, depth + 1) : depth;
      const content = rng.chance(0.75) ? this.contentAt(d, at) : -1;
      // Known visitors download gated mofu/bofu assets; for an unknown one that would be a form fill.
      const download = known && d > 0 && content >= 0 && rng.chance(0.12);
      const vt = download ? T.content_download : T.page_view;
      this.addTouch(at, vt, channel, campaign, content, content >= 0 ? 0 : 1 + rng.int(0, SITE_PAGES.length - 2), p, webFlags, personHazard * this.hazardOf(vt, channel, d, inMarket));
    }
  }

  private hazardOf(type: number, channel: number, depth: number, inMarket: boolean): number {
    return BASE_HAZARD[type]! * CHANNEL_PROFILES[channel]!.effect * DEPTH_HAZARD[depth]! * (inMarket ? IN_MARKET_HAZARD : OUT_OF_MARKET_HAZARD);
  }

  /** A running campaign of the channel on the day of t, or -1 (organic channels have none). */
  private campaignAt(channel: number, t: number): number {
    const plan = this.plan;
    const day = Math.floor(t / DAY) - plan.startDay;
    if (day < 0 || day >= plan.days) return -1;
    const slot = channel * plan.days + day;
    const from = plan.activeIndex[slot]!;
    const count = plan.activeIndex[slot + 1]! - from;
    if (count === 0) return -1;
    // Some paid traffic is not tagged: realistic gaps for attribution to cope with.
    if (this.deco.chance(0.08)) return -1;
    return plan.activeList[count === 1 ? from : from + this.deco.int(0, count - 1)]!;
  }

  /** The next dated campaign (event, webinar) of the channel starting at or after t's day, or -1. */
  private nextDated(channel: number, t: number): number {
    const list = this.plan.datedCampaigns[channel]!;
    const day = Math.floor(t / DAY);
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.plan.campaigns[list[mid]!]!.startDay < day + 1) lo = mid + 1;
      else hi = mid;
    }
    return lo < list.length ? list[lo]! : -1;
  }

  /** A time during the campaign's first day, in working hours. */
  private datedTime(campaign: number, after: number): number {
    const c = this.plan.campaigns[campaign]!;
    return Math.max(after + 60, c.startDay * DAY + this.rng.int(9 * 3600, 17 * 3600));
  }

  /** A content asset of the stage published before t, recent ones more likely; -1 when none. */
  private contentAt(stage: number, t: number): number {
    const published = this.plan.contentPublished[stage]!;
    let lo = 0;
    let hi = published.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (published[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return -1;
    const u = this.deco.float();
    return this.plan.contentByStage[stage]![lo - 1 - Math.floor(lo * u * u)]!;
  }

  private addTouch(t: number, type: number, channel: number, campaign: number, content: number, page: number, p: number, flags: number, hazard: number): void {
    if (t >= this.plan.endSec) return;
    const n = this.touchCount;
    if (n >= this.tTime.length) this.growTouches(n + 1);
    this.tTime[n] = t;
    this.tType[n] = type;
    this.tChannel[n] = channel;
    this.tSource[n] = this.deco.weighted(SOURCE_TABLES[channel]!);
    this.tCampaign[n] = campaign;
    this.tContent[n] = content;
    this.tPage[n] = page;
    this.tPerson[n] = p;
    this.tFlags[n] = flags;
    this.tHazard[n] = hazard;
    this.touchCount = n + 1;
  }

  private growTouches(n: number): void {
    this.tTime = grow(this.tTime, n);
    this.tType = grow(this.tType, n);
    this.tChannel = grow(this.tChannel, n);
    this.tSource = grow(this.tSource, n);
    this.tCampaign = grow(this.tCampaign, n);
    this.tContent = grow(this.tContent, n);
    this.tPage = grow(this.tPage, n);
    this.tPerson = grow(this.tPerson, n);
    this.tFlags = grow(this.tFlags, n);
    this.tHazard = grow(this.tHazard, n);
  }

  private ensurePeople(n: number): void {
    if (n <= this.pRoute.length) return;
    this.pRoute = grow(this.pRoute, n);
    this.pCreated = grow(this.pCreated, n);
    this.pLevel = grow(this.pLevel, n);
    this.pDept = grow(this.pDept, n);
    this.pFirst = grow(this.pFirst, n);
    this.pLast = grow(this.pLast, n);
    this.pFlags = grow(this.pFlags, n);
    this.pOriginal = grow(this.pOriginal, n);
    this.pAnonA = grow(this.pAnonA, n);
    this.pAnonB = grow(this.pAnonB, n);
    this.pRank = grow(this.pRank, n);
    this.contactOrder = grow(this.contactOrder, n);
    this.pStage = grow(this.pStage, n);
    this.pLastEvent = grow(this.pLastEvent, n);
    this.pHazard = grow(this.pHazard, n);
    this.pThreshold = grow(this.pThreshold, n);
    this.pBusy = grow(this.pBusy, n);
    this.pScore = grow(this.pScore, n);
    this.pScoreAt = grow(this.pScoreAt, n);
    this.pPermanent = grow(this.pPermanent, n);
  }

  /** Sorts touches by time; ties keep creation order (the key packs time and index). */
  private sortTouches(): void {
    const n = this.touchCount;
    if (this.sortKeys.length < n) this.sortKeys = new Float64Array(Math.max(n, this.sortKeys.length * 2));
    if (this.touchOrder.length < n) this.touchOrder = new Int32Array(Math.max(n, this.touchOrder.length * 2));
    // Seconds since the world start (< 2^29 for 10 years) times 2^22 stays below 2^53.
    const keys = this.sortKeys.subarray(0, n);
    const origin = this.plan.startSec - 400 * DAY;
    for (let k = 0; k < n; k++) keys[k] = (this.tTime[k]! - origin) * 4194304 + k;
    keys.sort();
    for (let k = 0; k < n; k++) this.touchOrder[k] = keys[k]! % 4194304;
  }

  // ---- the funnel -----------------------------------------------------------------------------

  private runFunnel(): void {
    const n = this.touchCount;
    const order = this.touchOrder.slice(0, n);
    for (let k = 0; k < n; k++) {
      const x = order[k]!;
      const p = this.tPerson[x]!;
      if (p >= this.contacts) continue;
      this.pHazard[p] = this.pHazard[p]! + this.tHazard[x]!;
      const t = this.tTime[x]!;
      const created = this.pCreated[p]!;
      if (t < created) continue;
      const type = this.tType[x]!;
      if (this.pStage[p] === -1) this.onCreated(p, x, t);
      else if (this.pStage[p] === LC.subscriber && (type === T.form_fill || type === T.content_download || type === T.webinar || type === T.event)) {
        this.lifecycle(p, LC.lead, t, -1, -1);
      }
      const decay = Math.pow(0.5, (t - this.pScoreAt[p]!) / SCORE_HALF_LIFE);
      this.pScore[p] = this.pScore[p]! * decay + POINTS[type]!;
      this.pScoreAt[p] = t;
      if (t < this.pBusy[p]! || this.pPermanent[p] || this.pStage[p] === LC.customer) continue;
      if (this.pHazard[p]! >= this.pThreshold[p]!) this.onIntent(p, x, t);
      else if (this.pScore[p]! >= MQL_POINTS && this.pStage[p] !== LC.subscriber) this.onEngaged(p, t);
    }
  }

  private onCreated(p: number, x: number, t: number): void {
    const type = this.tType[x]!;
    const channel = this.tChannel[x]!;
    // Newsletter-style sign-ups (a tofu asset on an organic channel) start as subscribers.
    const subscriber =
      this.pRoute[p] === ROUTE.marketing && type === T.form_fill && (channel === C.organic_search || channel === C.organic_social || channel === C.direct) && this.rng.chance(0.3);
    this.lifecycle(p, subscriber ? LC.subscriber : LC.lead, t, -1, -1);
  }

  /** Buying intent: a hand-raise, then the sales process (or joining the account's open deal). */
  private onIntent(p: number, x: number, t: number): void {
    const rng = this.rng;
    const a = this.plan.accounts;
    const i = this.account;
    const route = this.pRoute[p]!;
    const owner = a.salesOwner[i]!;
    this.pHazard[p] = 0;
    this.pThreshold[p] = rng.exponential(1);

    let raised: number;
    if (route === ROUTE.sales || route === ROUTE.partner) {
      raised = Math.floor(t + rng.uniform(1, 5) * DAY);
      const channel = route === ROUTE.sales ? C.outbound_sales : C.partner;
      this.addTouch(raised, T.meeting, channel, this.campaignAt(channel, raised), -1, 0, p, F_KNOWN, 0);
    } else {
      raised = t + rng.int(60, 1200);
      const channel = this.tChannel[x]!;
      const web = CHANNEL_PROFILES[channel]!.web;
      this.addTouch(raised, T.demo_request, channel, this.tCampaign[x]!, -1, 0, p, F_KNOWN | (web ? F_ANON : 0), 0);
    }
    if (raised >= this.plan.endSec) {
      this.pBusy[p] = Infinity;
      return;
    }
    if (this.pStage[p] === LC.subscriber) this.lifecycle(p, LC.lead, raised, -1, -1);

    if (this.openUntil > raised) {
      // The account is already buying: the contact joins the open deal's buying group.
      const at = Math.max(raised + rng.uniform(0.5, 3) * DAY, this.oCreated[this.openOpp]!);
      this.lifecycle(p, LC.opportunity, at, -1, owner);
      this.closeWithDeal(p, this.openOpp, at);
      return;
    }

    let at = raised;
    const inMarket = inMarketAt(a, i, t);
    if (this.pStage[p] === LC.sql) {
      // Qualified earlier while another deal was open: the deal can start now.
      this.createDeal(p, at, inMarket, owner);
      return;
    }
    if (route !== ROUTE.sales) {
      if (this.pStage[p] !== LC.mql) this.lifecycle(p, LC.mql, at, -1, -1);
      at += rng.uniform(0.05, 2) * DAY;
      if (!rng.chance(0.9)) {
        const reason = this.rejectReason(p, true);
        this.lifecycle(p, LC.disqualified, at, reason, owner);
        this.recycleLater(p, at, reason);
        return;
      }
    }
    this.lifecycle(p, LC.sal, at, -1, owner);
    at += rng.uniform(2, 12) * DAY;
    if (!rng.chance(0.55 + 0.3 * a.fit[i]! + (inMarket ? 0.1 : -0.1))) {
      const reason = inMarket ? (a.employees[i]! < 50 ? DQ.no_budget : DQ.no_authority) : DQ.not_in_market;
      this.lifecycle(p, LC.disqualified, at, reason, owner);
      this.recycleLater(p, at, reason);
      return;
    }
    this.lifecycle(p, LC.sql, at, -1, owner);
    this.createDeal(p, at + rng.uniform(0, 3) * DAY, inMarket, owner);
  }

  /** An SQL becomes an opportunity, unless the world ends first or another deal opened meanwhile. */
  private createDeal(p: number, at: number, inMarket: boolean, owner: number): void {
    if (at >= this.plan.endSec || this.openUntil > at) {
      this.pBusy[p] = at;
      return;
    }
    this.lifecycle(p, LC.opportunity, at, -1, owner);
    const opp = this.openOpportunity(p, Math.floor(this.pLastEvent[p]!), inMarket);
    this.closeWithDeal(p, opp, at);
  }

  /** Engagement alone crossed the MQL rule: sales reviews the lead; most lack intent. */
  private onEngaged(p: number, t: number): void {
    const rng = this.rng;
    const a = this.plan.accounts;
    const i = this.account;
    const owner = a.salesOwner[i]!;
    this.pScore[p] = 0;
    if (this.pStage[p] === LC.mql || this.pStage[p] === LC.sal || this.pStage[p] === LC.sql || this.pStage[p] === LC.opportunity) return;
    this.lifecycle(p, LC.mql, t, -1, -1);
    const at = t + rng.uniform(0.2, 5) * DAY;
    const reason = this.rejectReason(p, false);
    if (reason >= 0) {
      this.lifecycle(p, LC.disqualified, at, reason, owner);
      this.recycleLater(p, at, reason);
      return;
    }
    this.lifecycle(p, LC.sal, at, -1, owner);
    // Accepted but no buying intent: worked for a few weeks, then back to nurture.
    const back = at + rng.uniform(20, 60) * DAY;
    this.lifecycle(p, LC.recycled, back, -1, owner);
    this.pBusy[p] = back;
  }

  /**
   * Why sales rejects this lead, or -1 to accept. Persona and account decide: the reasons a
   * sales team writes in a CRM.
   */
  private rejectReason(p: number, intent: boolean): number {
    const rng = this.rng;
    const a = this.plan.accounts;
    const i = this.account;
    const flags = this.pFlags[p]!;
    if (flags & P_BAD_DATA) return DQ.bad_data;
    if (flags & P_STUDENT) return DQ.student;
    if (flags & P_COMPETITOR) return DQ.competitor;
    if (!DEPARTMENTS[this.pDept[p]!]!.buyer && rng.chance(0.75)) return DQ.wrong_persona;
    if (this.pLevel[p] === 4 && rng.chance(0.45)) return DQ.no_authority;
    if (a.employees[i]! < 50 && rng.chance(0.5)) return DQ.no_budget;
    if (intent) return rng.chance(0.5) ? DQ.no_budget : DQ.no_authority;
    const inMarket = inMarketAt(a, i, this.pScoreAt[p]!);
    if (!inMarket && rng.chance(0.65)) return DQ.not_in_market;
    return rng.chance(0.3 + 0.5 * a.fit[i]!) ? -1 : DQ.not_in_market;
  }

  /** Disqualified for a reason that can change (budget, timing, authority): back to nurture later. */
  private recycleLater(p: number, at: number, reason: number): void {
    if (reason === DQ.not_in_market || reason === DQ.no_budget || reason === DQ.no_authority) {
      const back = at + this.rng.uniform(60, 150) * DAY;
      this.lifecycle(p, LC.recycled, back, -1, -1);
      this.pBusy[p] = back;
    } else {
      this.pPermanent[p] = 1;
      this.pBusy[p] = Infinity;
    }
  }

  /** The contact's fate follows the deal: customer when won; closed lost, then recycled, when lost. */
  private closeWithDeal(p: number, opp: number, from: number): void {
    const closed = this.oClosed[opp]!;
    if (Number.isNaN(closed)) {
      this.pBusy[p] = Infinity;
      return;
    }
    const at = Math.max(closed, from + 60);
    if (this.oWon[opp]) {
      this.lifecycle(p, LC.customer, at, -1, -1);
      this.pBusy[p] = Infinity;
    } else {
      this.lifecycle(p, LC.closed_lost, at, -1, -1);
      const back = at + this.rng.uniform(30, 90) * DAY;
      this.lifecycle(p, LC.recycled, back, -1, -1);
      this.pBusy[p] = back;
    }
  }

  private lifecycle(p: number, stage: number, t: number, reason: number, actor: number): void {
    // Strictly rising per contact, so (contact, stage, entered_at) is a key and the order is total.
    const at = Math.floor(Math.max(t, this.pLastEvent[p]! + 60));
    const recorded = RECORDED[stage] === 1 || (stage === LC.recycled && this.pStage[p] === LC.closed_lost);
    this.pStage[p] = stage;
    this.pLastEvent[p] = at;
    if (at >= this.plan.endSec || !recorded) return;
    const n = this.lcCount;
    if (n >= this.lcTime.length) {
      this.lcPerson = grow(this.lcPerson, n + 1);
      this.lcStage = grow(this.lcStage, n + 1);
      this.lcTime = grow(this.lcTime, n + 1);
      this.lcReason = grow(this.lcReason, n + 1);
      this.lcActor = grow(this.lcActor, n + 1);
    }
    this.lcPerson[n] = p;
    this.lcStage[n] = stage;
    this.lcTime[n] = at;
    this.lcReason[n] = reason;
    this.lcActor[n] = actor;
    this.lcCount = n + 1;
  }

  // ---- opportunities --------------------------------------------------------------------------

  private openOpportunity(p: number, created: number, inMarket: boolean): number {
    const rng = this.rng;
    const a = this.plan.accounts;
    const i = this.account;
    const end = this.plan.endSec;
    const o = this.oppCount;
    if (o + 1 >= this.oCreated.length) {
      this.oCreated = grow(this.oCreated, o + 2);
      this.oClosed = grow(this.oClosed, o + 2);
      this.oWon = grow(this.oWon, o + 2);
      this.oAmount = grow(this.oAmount, o + 2);
      this.oPerson = grow(this.oPerson, o + 2);
      this.oStage = grow(this.oStage, o + 2);
      this.oLostReason = grow(this.oLostReason, o + 2);
      this.oRoute = grow(this.oRoute, o + 2);
      this.oExpansion = grow(this.oExpansion, o + 2);
      this.oHistoryStart = grow(this.oHistoryStart, o + 3);
    }
    const employees = a.employees[i]!;
    const fit = a.fit[i]!;
    // Deal size follows company size (sub-linearly) with a log-normal spread.
    let amount = Math.max(2_000, Math.round(rng.lognormal(Math.log(11_000 * Math.pow(employees / 180, 0.42)), 0.5) / 100) * 100);
    if (this.won) amount = Math.max(2_000, Math.round((amount * 0.4) / 100) * 100);
    const route = this.pRoute[p]!;
    const win = Math.min(0.8, Math.max(0.08, 0.2 + 0.35 * fit + (inMarket ? 0.1 : -0.1) + (route === ROUTE.partner ? 0.05 : 0)));
    // Four hurdles (qualification, meeting, proposal, negotiation) whose product is the win rate.
    const pass = Math.pow(win, 1 / 4);
    const pace = Math.pow(Math.max(10, employees) / 200, 0.15);
    const dwell = [8, 14, 16, 12];

    this.oCreated[o] = created;
    this.oPerson[o] = p;
    this.oRoute[o] = route;
    this.oExpansion[o] = this.won ? 1 : 0;
    this.oLostReason[o] = -1;
    this.oHistoryStart[o] = this.shCount;
    this.oppCount = o + 1;

    let t = created;
    let stage: number = OS.qualification;
    let closed = Number.NaN;
    let wonDeal = false;
    this.stage(OS.qualification, t, amount);
    let lastRecorded: number = OS.qualification;
    for (;;) {
      const next = t + Math.max(0.5, rng.lognormal(Math.log(dwell[stage]! * pace), 0.5)) * DAY;
      const passed = rng.chance(pass);
      if (!passed) {
        if (next < end) {
          this.stage(OS.closed_lost, next, amount);
          lastRecorded = OS.closed_lost;
          closed = Math.floor(next);
          this.oLostReason[o] = rng.weighted(LOST_TABLE);
        }
        break;
      }
      if (next >= end) break;
      t = next;
      if (stage === OS.negotiation) {
        this.stage(OS.closed_won, t, amount);
        lastRecorded = OS.closed_won;
        closed = Math.floor(t);
        wonDeal = true;
        break;
      }
      stage++;
      if (stage === OS.proposal) amount = Math.max(1_000, Math.round((amount * rng.lognormal(0, 0.15)) / 100) * 100);
      if (stage === OS.negotiation) amount = Math.max(1_000, Math.round((amount * (1 - rng.uniform(0, 0.15))) / 100) * 100);
      this.stage(stage, t, amount);
      lastRecorded = stage;
      // Sales meets the buyer at each step: touches after pipeline creation, for revenue attribution.
      const touch = stage === OS.meeting ? T.meeting : T.call;
      this.addTouch(Math.floor(t + rng.uniform(0.1, 2) * DAY), touch, C.outbound_sales, -1, -1, 0, p, F_KNOWN, 0);
    }
    this.oHistoryStart[o + 1] = this.shCount;
    this.oStage[o] = lastRecorded;
    this.oAmount[o] = amount;
    this.oClosed[o] = closed;
    this.oWon[o] = wonDeal ? 1 : 0;
    if (wonDeal) this.won = true;
    this.openUntil = Number.isNaN(closed) ? Infinity : closed;
    this.openOpp = o;
    return o;
  }

  private stage(stage: number, t: number, amount: number): void {
    const n = this.shCount;
    if (n >= this.shTime.length) {
      this.shStage = grow(this.shStage, n + 1);
      this.shTime = grow(this.shTime, n + 1);
      this.shAmount = grow(this.shAmount, n + 1);
    }
    this.shStage[n] = stage;
    this.shTime[n] = Math.floor(t);
    this.shAmount[n] = amount;
    this.shCount = n + 1;
  }

  // ---- ordering -------------------------------------------------------------------------------

  /** Contacts are numbered by creation time within the account (the contacts table's order). */
  private rankContacts(): void {
    const n = this.contacts;
    for (let p = 0; p < n; p++) this.contactOrder[p] = p;
    const order = this.contactOrder.subarray(0, n);
    const created = this.pCreated;
    order.sort((x, y) => created[x]! - created[y]! || x - y);
    for (let r = 0; r < n; r++) this.pRank[order[r]!] = r;
  }

  private sortLifecycle(): void {
    const n = this.lcCount;
    if (this.lcOrder.length < n) this.lcOrder = new Int32Array(Math.max(n, this.lcOrder.length * 2));
    const order = this.lcOrder.subarray(0, n);
    for (let k = 0; k < n; k++) order[k] = k;
    const rank = this.pRank;
    const person = this.lcPerson;
    const time = this.lcTime;
    order.sort((x, y) => rank[person[x]!]! - rank[person[y]!]! || time[x]! - time[y]!);
  }
}

/** Anonymous visitor id of a person: stable, opaque, 16 hex digits. */
export function anonymousId(a: number, b: number): string {
  return `anon-${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}`;
}
