import { beforeAll, describe, expect, it } from 'vitest';
import { RevlineError } from '../errors.js';
import { ENTITY_TABLES, WORLD_TRUTH } from '../schema/tables.js';
import {
  CHANNELS,
  CONTENT_TYPES,
  CREATORS,
  DEFAULT_LIFECYCLE_STAGES,
  DEFAULT_OPPORTUNITY_STAGES,
  FUNNEL_STAGES,
  TARGET_METRICS,
  TEAMS,
  TOUCH_TYPES,
} from '../vocabulary.js';
import { CHANNEL_PROFILES, LOST_REASONS, NAME_ENDS, NAME_STARTS } from './catalog.js';
import { DEMO_TABLES, demoColumns, generateWorld, type DemoTable, type DemoWorld } from './world.js';

// ---- helpers ----------------------------------------------------------------------------------

/** A tiny RFC 4180 parser: strict about quotes, so a malformed field fails the test. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && field === '') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else field += text[i++];
      }
      if (i < text.length && text[i] !== ',' && text[i] !== '\n') throw new Error(`garbage after a quoted field at ${i}`);
    } else if (c === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else {
      if (c === '"' || c === '\r') throw new Error(`bare ${JSON.stringify(c)} in an unquoted field at ${i}`);
      field += c;
      i++;
    }
  }
  if (field !== '' || row.length > 0) throw new Error('last record does not end with a newline');
  return rows;
}

function fnv1a(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

function hashTable(world: DemoWorld, table: DemoTable): string {
  let h = 2166136261;
  let chunks = 0;
  for (const chunk of world.csv(table, { chunkBytes: 256 * 1024 })) {
    h = fnv1a(h, chunk);
    chunks++;
  }
  return `${h.toString(16)}/${chunks}`;
}

type Table = { header: string[]; rows: Record<string, string>[] };

function load(world: DemoWorld, table: DemoTable): Table {
  const [header, ...records] = parseCsv([...world.csv(table)].join(''));
  return {
    header: header!,
    rows: records.map((r) => {
      expect(r.length).toBe(header!.length);
      return Object.fromEntries(header!.map((h, k) => [h, r[k]!]));
    }),
  };
}

const TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MONEY = /^-?\d+\.\d{2}$/;
const ms = (ts: string): number => Date.parse(ts);

// ---- one world, parsed once -------------------------------------------------------------------

const world = generateWorld({ size: 'S', seed: 7 });
const data = {} as Record<DemoTable, Table>;

beforeAll(() => {
  for (const table of DEMO_TABLES) data[table] = load(world, table);
});

describe('generateWorld: determinism', () => {
  it('gives byte-identical chunks for the same seed, from a fresh world and in any table order', () => {
    const again = generateWorld({ size: 'S', seed: 7 });
    const order = [...DEMO_TABLES].reverse();
    const second = Object.fromEntries(order.map((t) => [t, hashTable(again, t)]));
    for (const table of DEMO_TABLES) expect(hashTable(world, table), table).toBe(second[table]);
  });

  it('gives a different world for a different seed', () => {
    const other = generateWorld({ size: 'S', seed: 8 });
    for (const table of ['accounts', 'contacts', 'touchpoints', 'opportunities'] as const) {
      expect(hashTable(other, table), table).not.toBe(hashTable(world, table));
    }
  });

  it('gives the same text whatever the chunk size, and every chunk ends at a record boundary', () => {
    const small = [...world.csv('lifecycle_events', { chunkBytes: 4096 })];
    expect(small.length).toBeGreaterThan(10);
    for (const chunk of small) expect(chunk.endsWith('\n')).toBe(true);
    expect(small.join('')).toBe([...world.csv('lifecycle_events')].join(''));
  });

  it('gives the same bytes through csvBytes as text through csv, and can leave the header out', () => {
    const decoder = new TextDecoder();
    const bytes = [...world.csvBytes('opportunities')].map((b) => decoder.decode(b)).join('');
    const text = [...world.csv('opportunities')].join('');
    expect(bytes).toBe(text);
    const body = [...world.csv('opportunities', { header: false })].join('');
    expect(`${demoColumns('opportunities').join(',')}\n${body}`).toBe(text);
  });
});

describe('generateWorld: shape and size', () => {
  it('writes exactly the canonical columns of each table (plus the email that stitches touchpoints)', () => {
    for (const spec of [...ENTITY_TABLES, WORLD_TRUTH]) {
      const expected = spec.columns.filter((c) => !c.input || (spec.name === 'touchpoints' && c.name === 'email')).map((c) => c.name);
      expect(data[spec.name as DemoTable].header, spec.name).toEqual(expected);
    }
  });

  it('lands within 10% of the S scale reference (1k accounts, 10k contacts, 200k touchpoints, 2k opportunities)', () => {
    expect(data.accounts.rows.length).toBe(1000);
    expect(data.contacts.rows.length / 10_000).toBeGreaterThan(0.9);
    expect(data.contacts.rows.length / 10_000).toBeLessThan(1.1);
    expect(data.touchpoints.rows.length / 200_000).toBeGreaterThan(0.9);
    expect(data.touchpoints.rows.length / 200_000).toBeLessThan(1.1);
    expect(data.opportunities.rows.length / 2_000).toBeGreaterThan(0.9);
    expect(data.opportunities.rows.length / 2_000).toBeLessThan(1.1);
  });

  it('counts rows without formatting them, exactly as the tables come out', () => {
    const counts = world.counts();
    for (const table of DEMO_TABLES) expect(counts[table], table).toBe(data[table].rows.length);
  });

  it('scales to M within 10% (counted by simulation, nothing materialised)', () => {
    const c = generateWorld({ size: 'M', seed: 3 }).counts();
    expect(c.accounts).toBe(10_000);
    for (const [table, target] of [['contacts', 100_000], ['touchpoints', 2_000_000], ['opportunities', 20_000]] as const) {
      expect(c[table] / target, table).toBeGreaterThan(0.9);
      expect(c[table] / target, table).toBeLessThan(1.1);
    }
  });

  it('rejects an unknown size with a code the CLI can map', () => {
    expect(() => generateWorld({ size: 'XL' as 'S', seed: 1 })).toThrow(RevlineError);
    try {
      generateWorld({ size: 'XL' as 'S', seed: 1 });
    } catch (error) {
      expect((error as RevlineError).code).toBe('demo-size-unknown');
    }
  });
});

describe('generateWorld: values', () => {
  it('formats timestamps, dates, money and booleans canonically', () => {
    for (const r of data.accounts.rows) {
      expect(r.created_at).toMatch(TS);
      expect(r.annual_revenue).toMatch(MONEY);
      expect(['true', 'false']).toContain(r.is_icp);
    }
    for (const r of data.campaign_costs.rows) {
      expect(r.day).toMatch(DATE);
      expect(r.cost).toMatch(MONEY);
      expect(r.currency).toBe('usd');
    }
    for (const r of data.opportunities.rows) {
      expect(r.amount).toMatch(MONEY);
      expect(r.created_at).toMatch(TS);
      expect(['true', 'false', '']).toContain(r.is_won);
    }
    for (const r of data.touchpoints.rows) expect(r.occurred_at).toMatch(TS);
  });

  it('uses only vocabulary values', () => {
    const inList = (values: readonly string[], list: readonly string[], what: string) => {
      const bad = values.filter((v) => !list.includes(v));
      expect(bad.slice(0, 5), what).toEqual([]);
    };
    inList(data.touchpoints.rows.map((r) => r.touch_type!), TOUCH_TYPES, 'touch_type');
    inList(data.touchpoints.rows.map((r) => r.channel!), CHANNELS, 'touch channel');
    inList(data.campaigns.rows.map((r) => r.channel!), CHANNELS, 'campaign channel');
    inList(data.content.rows.map((r) => r.content_type!), CONTENT_TYPES, 'content_type');
    inList(data.content.rows.map((r) => r.funnel_stage!), FUNNEL_STAGES, 'funnel_stage');
    inList(data.contacts.rows.map((r) => r.created_by!), CREATORS, 'contact created_by');
    inList(data.contacts.rows.map((r) => r.original_source!), CHANNELS, 'original_source');
    inList(data.users.rows.map((r) => r.team!), TEAMS, 'team');
    inList(data.lifecycle_events.rows.map((r) => r.stage!), DEFAULT_LIFECYCLE_STAGES, 'lifecycle stage');
    inList(data.lifecycle_events.rows.map((r) => r.actor_type!), ['import'], 'actor_type');
    inList(data.opportunities.rows.map((r) => r.stage!), DEFAULT_OPPORTUNITY_STAGES, 'opportunity stage');
    inList(data.opportunities.rows.map((r) => r.created_by!), CREATORS, 'opportunity created_by');
    inList(data.opportunities.rows.map((r) => r.source!), CHANNELS, 'opportunity source');
    inList(data.opportunities.rows.filter((r) => r.lost_reason).map((r) => r.lost_reason!), LOST_REASONS, 'lost_reason');
    inList(data.opportunity_stage_history.rows.map((r) => r.stage!), DEFAULT_OPPORTUNITY_STAGES, 'stage history');
    inList(data.targets.rows.map((r) => r.metric!), TARGET_METRICS, 'target metric');
    inList(data.targets.rows.map((r) => r.channel!), [...CHANNELS, 'all'], 'target channel');
  });

  it('exercises every touch type, every channel and all the ways a contact is created', () => {
    expect(new Set(data.touchpoints.rows.map((r) => r.touch_type))).toEqual(new Set(TOUCH_TYPES));
    expect(new Set(data.touchpoints.rows.map((r) => r.channel))).toEqual(new Set(CHANNELS));
    expect(new Set(data.contacts.rows.map((r) => r.created_by))).toEqual(new Set(['marketing', 'sales', 'partner', 'self', 'other']));
  });

  it('records only the stages a marketing tool and a CRM record themselves: MQL, SAL, SQL and rejections are the lifecycle engine’s', () => {
    expect(new Set(data.lifecycle_events.rows.map((r) => r.stage))).toEqual(new Set(['subscriber', 'lead', 'opportunity', 'customer', 'closed_lost', 'recycled']));
    expect(data.lifecycle_events.rows.filter((r) => r.reason)).toEqual([]);
  });

  it('keeps source and medium consistent with the channel', () => {
    const pairs = new Map(CHANNEL_PROFILES.map((p) => [p.channel as string, new Set(p.sources.map(([s, m]) => `${s}/${m}`))]));
    for (const r of data.touchpoints.rows) expect(pairs.get(r.channel!)!.has(`${r.source}/${r.medium}`), `${r.channel} ${r.source}/${r.medium}`).toBe(true);
    expect(data.touchpoints.rows.find((r) => r.channel === 'paid_search')).toMatchObject({ medium: 'cpc' });
  });

  it('gives every account a unique name and domain, and every contact a unique email', () => {
    expect(new Set(data.accounts.rows.map((r) => r.domain)).size).toBe(data.accounts.rows.length);
    expect(new Set(data.accounts.rows.map((r) => r.name)).size).toBe(data.accounts.rows.length);
    expect(new Set(data.contacts.rows.map((r) => r.email)).size).toBe(data.contacts.rows.length);
    const cores = new Set(NAME_STARTS.flatMap((s) => NAME_ENDS.map((e) => (s + e).toLowerCase())));
    expect(cores.size).toBe(NAME_STARTS.length * NAME_ENDS.length);
  });

  it('quotes free text that holds commas or quotes, and only that', () => {
    const text = [...world.csv('contacts')].join('');
    expect(text).toContain('"Director, Sales Development"');
    expect(data.contacts.rows.some((r) => r.title === 'Director, Sales Development')).toBe(true);
    expect(text).not.toMatch(/"[A-Za-z ]+"(,|\n)/); // nothing quoted without a reason
  });
});

describe('generateWorld: referential integrity and order', () => {
  it('points every touchpoint at an existing contact, account, campaign and content', () => {
    const contacts = new Map(data.contacts.rows.map((r) => [r.contact_id!, r]));
    const accounts = new Set(data.accounts.rows.map((r) => r.account_id));
    const campaigns = new Set(data.campaigns.rows.map((r) => r.campaign_id));
    const content = new Set(data.content.rows.map((r) => r.content_id));
    for (const r of data.touchpoints.rows) {
      expect(accounts.has(r.account_id)).toBe(true);
      if (r.contact_id) expect(contacts.get(r.contact_id)?.account_id).toBe(r.account_id);
      if (r.campaign_id) expect(campaigns.has(r.campaign_id)).toBe(true);
      if (r.content_id) expect(content.has(r.content_id)).toBe(true);
      expect(r.contact_id !== '' || r.anonymous_id !== '').toBe(true);
    }
  });

  it('points owners, contacts and opportunities at rows that exist', () => {
    const users = new Map(data.users.rows.map((r) => [r.user_id!, r]));
    const contacts = new Map(data.contacts.rows.map((r) => [r.contact_id!, r]));
    const accounts = new Map(data.accounts.rows.map((r) => [r.account_id!, r]));
    for (const r of data.users.rows) if (r.manager_id) expect(users.has(r.manager_id)).toBe(true);
    for (const r of data.accounts.rows) {
      expect(users.get(r.sales_owner_id!)?.team).toBe('sales');
      expect(users.get(r.marketing_owner_id!)?.team).toBe('marketing');
    }
    for (const r of data.contacts.rows) expect(accounts.has(r.account_id!)).toBe(true);
    for (const r of data.campaigns.rows) expect(users.get(r.owner_id!)?.team).toBe('marketing');
    const opps = new Set(data.opportunities.rows.map((r) => r.opportunity_id));
    for (const r of data.opportunities.rows) {
      const contact = contacts.get(r.primary_contact_id!);
      expect(contact?.account_id).toBe(r.account_id);
      expect(r.owner_id).toBe(accounts.get(r.account_id!)!.sales_owner_id);
      expect(r.source).toBe(contact!.original_source);
      expect(ms(r.created_at!)).toBeGreaterThanOrEqual(ms(contact!.created_at!));
    }
    for (const r of data.opportunity_stage_history.rows) expect(opps.has(r.opportunity_id)).toBe(true);
    for (const r of data.lifecycle_events.rows) expect(contacts.has(r.contact_id!)).toBe(true);
    const campaignIds = new Set(data.campaigns.rows.map((r) => r.campaign_id));
    for (const r of data.campaign_costs.rows) expect(campaignIds.has(r.campaign_id)).toBe(true);
  });

  it('emits touchpoints sorted by account, then time, then id (the storage order)', () => {
    const rows = data.touchpoints.rows;
    for (let k = 1; k < rows.length; k++) {
      const a = rows[k - 1]!;
      const b = rows[k]!;
      const ok = a.account_id! < b.account_id! || (a.account_id === b.account_id && (a.occurred_at! < b.occurred_at! || (a.occurred_at === b.occurred_at && a.touchpoint_id! < b.touchpoint_id!)));
      if (!ok) throw new Error(`touchpoints out of order at ${k}: ${a.touchpoint_id} ${a.occurred_at} / ${b.touchpoint_id} ${b.occurred_at}`);
    }
  });

  it('keeps every record inside the world, and nothing of a contact before its creation but anonymous touches', () => {
    const end = ms(world.endsAt);
    const created = new Map(data.contacts.rows.map((r) => [r.contact_id!, ms(r.created_at!)]));
    for (const r of data.touchpoints.rows) {
      expect(ms(r.occurred_at!)).toBeLessThan(end);
      if (r.contact_id) expect(ms(r.occurred_at!)).toBeGreaterThanOrEqual(created.get(r.contact_id)!);
    }
    for (const r of data.lifecycle_events.rows) {
      expect(ms(r.entered_at!)).toBeLessThan(end);
      expect(ms(r.entered_at!)).toBeGreaterThanOrEqual(created.get(r.contact_id!)!);
    }
  });

  it('stitches anonymous history: a form fill carries anonymous id, email and contact, and earlier touches of that id are anonymous', () => {
    const contacts = new Map(data.contacts.rows.map((r) => [r.contact_id!, r]));
    const fills = data.touchpoints.rows.filter((r) => r.email && r.anonymous_id && r.contact_id);
    expect(fills.length).toBeGreaterThan(2000);
    for (const f of fills) expect(f.email).toBe(contacts.get(f.contact_id!)!.email);
    const firstFill = new Map<string, string>();
    for (const f of fills) if (!firstFill.has(f.anonymous_id!) || f.occurred_at! < firstFill.get(f.anonymous_id!)!) firstFill.set(f.anonymous_id!, f.occurred_at!);
    let anonymousBefore = 0;
    for (const r of data.touchpoints.rows) {
      const at = firstFill.get(r.anonymous_id!);
      if (at !== undefined && r.occurred_at! < at) {
        expect(r.contact_id).toBe('');
        anonymousBefore++;
      }
    }
    expect(anonymousBefore).toBeGreaterThan(5000);
  });

  it('walks each opportunity forward in time and ends closed deals in closed_won or closed_lost', () => {
    const history = new Map<string, Record<string, string>[]>();
    for (const r of data.opportunity_stage_history.rows) {
      const list = history.get(r.opportunity_id!) ?? [];
      list.push(r);
      history.set(r.opportunity_id!, list);
    }
    const order = DEFAULT_OPPORTUNITY_STAGES as readonly string[];
    let won = 0;
    let lost = 0;
    for (const o of data.opportunities.rows) {
      const h = history.get(o.opportunity_id!)!;
      expect(h[0]!.stage).toBe('qualification');
      expect(h[0]!.entered_at).toBe(o.created_at);
      for (let k = 1; k < h.length; k++) {
        expect(ms(h[k]!.entered_at!)).toBeGreaterThan(ms(h[k - 1]!.entered_at!));
        if (!h[k]!.stage!.startsWith('closed')) expect(order.indexOf(h[k]!.stage!)).toBe(order.indexOf(h[k - 1]!.stage!) + 1);
      }
      const last = h[h.length - 1]!;
      expect(o.stage).toBe(last.stage);
      if (o.is_won === '') {
        expect(last.stage!.startsWith('closed')).toBe(false);
        expect(o.closed_at).toBe('');
      } else {
        expect(last.stage).toBe(o.is_won === 'true' ? 'closed_won' : 'closed_lost');
        expect(o.closed_at).toBe(last.entered_at);
        expect(o.amount).toBe(last.amount);
        if (o.is_won === 'true') won++;
        else {
          lost++;
          expect(o.lost_reason).not.toBe('');
        }
      }
    }
    expect(won).toBeGreaterThan(200);
    expect(lost).toBeGreaterThan(200);
  });

  it('orders each contact’s lifecycle in time along allowed transitions, with a reason on every disqualification', () => {
    const allowed: Record<string, readonly string[]> = {
      '': ['subscriber', 'lead'],
      subscriber: ['lead'],
      lead: ['mql', 'sal', 'opportunity'],
      mql: ['sal', 'disqualified', 'opportunity'],
      sal: ['sql', 'disqualified', 'recycled'],
      sql: ['opportunity'],
      opportunity: ['customer', 'closed_lost'],
      closed_lost: ['recycled'],
      disqualified: ['recycled'],
      recycled: ['mql', 'sal', 'opportunity'],
      customer: [],
    };
    let previous: Record<string, string> | undefined;
    const seen = new Set<string>();
    for (const r of data.lifecycle_events.rows) {
      const same = previous?.contact_id === r.contact_id;
      if (!same) {
        expect(seen.has(r.contact_id!), 'events of a contact are contiguous').toBe(false);
        seen.add(r.contact_id!);
      } else expect(ms(r.entered_at!)).toBeGreaterThan(ms(previous!.entered_at!));
      const from = same ? previous!.stage! : '';
      if (!allowed[from]!.includes(r.stage!)) throw new Error(`${r.contact_id}: ${from} → ${r.stage} is not an allowed transition`);
      expect(r.reason !== '').toBe(r.stage === 'disqualified');
      previous = r;
    }
    expect(seen.size).toBe(data.contacts.rows.length);
  });
});

describe('generateWorld: ground truth', () => {
  const inMarket = () => {
    const periods = new Map<string, [number, number][]>();
    for (const r of data.world_truth.rows.filter((x) => x.kind === 'in_market')) {
      const list = periods.get(r.subject!) ?? [];
      list.push([ms(r.starts_at!), ms(r.ends_at!)]);
      periods.set(r.subject!, list);
    }
    return periods;
  };

  it('writes one effect per channel, the in-market periods of accounts, and one world row with the counts', () => {
    const effects = data.world_truth.rows.filter((r) => r.kind === 'channel_effect');
    expect(effects.map((r) => r.subject).sort()).toEqual([...CHANNELS].sort());
    for (const r of effects) expect(Number(r.value)).toBe(world.channelEffects[r.subject as (typeof CHANNELS)[number]]);
    const worldRow = data.world_truth.rows.filter((r) => r.kind === 'world');
    expect(worldRow).toHaveLength(1);
    const details = JSON.parse(worldRow[0]!.details!);
    expect(details).toMatchObject({ size: 'S', seed: 7, start: '2024-01-01', months: 24 });
    expect(details.counts).toEqual(world.counts());
    const start = ms(world.startsAt);
    const end = ms(world.endsAt);
    for (const [, list] of inMarket()) {
      for (let k = 0; k < list.length; k++) {
        expect(list[k]![0]).toBeGreaterThanOrEqual(start);
        expect(list[k]![1]).toBeLessThanOrEqual(end);
        if (k > 0) expect(list[k]![0]).toBeGreaterThan(list[k - 1]![1]);
      }
    }
  });

  it('creates far more opportunities per account-day in market than out of market', () => {
    const periods = inMarket();
    const span = ms(world.endsAt) - ms(world.startsAt);
    let inDays = 0;
    for (const list of periods.values()) for (const [s, e] of list) inDays += e - s;
    const outDays = span * data.accounts.rows.length - inDays;
    let inOpps = 0;
    let outOpps = 0;
    for (const o of data.opportunities.rows) {
      const t = ms(o.created_at!);
      // A deal created within 30 days after a period ends still comes from that buying cycle.
      if ((periods.get(o.account_id!) ?? []).some(([s, e]) => t >= s && t < e + 30 * 86_400_000)) inOpps++;
      else outOpps++;
    }
    expect(inOpps / inDays).toBeGreaterThan((3 * outOpps) / outDays);
  });

  it('converts ICP accounts better than the rest', () => {
    const icp = new Set(data.accounts.rows.filter((r) => r.is_icp === 'true').map((r) => r.account_id));
    expect(icp.size).toBeGreaterThan(100);
    const icpOpps = data.opportunities.rows.filter((r) => icp.has(r.account_id)).length;
    const rest = data.opportunities.rows.length - icpOpps;
    expect(icpOpps / icp.size).toBeGreaterThan((1.5 * rest) / (data.accounts.rows.length - icp.size));
  });

  it('shows a higher opportunity rate among contacts touched by a channel with a higher true effect', () => {
    const primaries = new Set(data.opportunities.rows.map((r) => r.primary_contact_id));
    const touched = new Map<string, Set<string>>();
    const anonToContact = new Map<string, string>();
    for (const r of data.touchpoints.rows) if (r.anonymous_id && r.contact_id) anonToContact.set(r.anonymous_id, r.contact_id);
    for (const r of data.touchpoints.rows) {
      const contact = r.contact_id || anonToContact.get(r.anonymous_id!);
      if (!contact) continue;
      const set = touched.get(r.channel!) ?? new Set<string>();
      set.add(contact);
      touched.set(r.channel!, set);
    }
    const rate = (channel: string) => {
      const set = touched.get(channel)!;
      return [...set].filter((c) => primaries.has(c)).length / set.size;
    };
    expect(world.channelEffects.paid_search).toBeGreaterThan(world.channelEffects.display);
    expect(rate('paid_search')).toBeGreaterThan(rate('display'));
    expect(world.channelEffects.referral).toBeGreaterThan(world.channelEffects.organic_social);
    expect(rate('referral')).toBeGreaterThan(rate('organic_social'));
  });
});

describe('generateWorld: targets and costs', () => {
  it('plans pipeline and revenue per quarter and channel, with an `all` total, one quarter past the end', () => {
    const periods = new Set(data.targets.rows.map((r) => r.period));
    expect([...periods].sort()).toEqual(['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4', '2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1']);
    const keys = data.targets.rows.map((r) => `${r.period}|${r.channel}|${r.metric}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const metric of ['pipeline', 'revenue']) {
      const q = data.targets.rows.filter((r) => r.period === '2025-Q2' && r.metric === metric);
      const total = q.find((r) => r.channel === 'all')!;
      const sum = q.filter((r) => r.channel !== 'all').reduce((s, r) => s + Number(r.value), 0);
      expect(Number(total.value)).toBeCloseTo(sum, 2);
    }
  });

  it('spends on paid campaigns every day they run, in usd, and budgets near the spend', () => {
    const spend = new Map<string, number>();
    for (const r of data.campaign_costs.rows) spend.set(r.campaign_id!, (spend.get(r.campaign_id!) ?? 0) + Number(r.cost));
    const channels = new Set(data.campaigns.rows.filter((r) => spend.has(r.campaign_id!)).map((r) => r.channel));
    for (const c of ['paid_search', 'paid_social', 'display', 'events', 'webinar']) expect(channels.has(c)).toBe(true);
    for (const c of data.campaigns.rows) {
      if (!spend.has(c.campaign_id!)) continue;
      const ratio = spend.get(c.campaign_id!)! / Number(c.budget);
      // One-day events and webinars carry one day's noise; long campaigns average it out.
      expect(ratio).toBeGreaterThan(0.4);
      expect(ratio).toBeLessThan(1.8);
    }
  });
});
