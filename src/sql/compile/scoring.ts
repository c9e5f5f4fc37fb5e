/**
 * Predictive scoring in SQL: the snapshots (a subject at a moment t, with its label), and every
 * feature of core/scoring/features.ts computed as of t inside the engine.
 *
 * Invariants (test/engines/scoring-sql.case.test.ts checks them against a plain-JS count on
 * every engine):
 * - No look-ahead: every join to an event keeps `at_us <= t_us` (touches, contacts, stage
 *   entries, deals); only the label reads after t, and only within (t, t + horizon].
 * - Counts are never NULL: a subject without any event in a window counts 0; a time since
 *   something that never happened is NULL (missing), never 0.
 * - The feature columns come out in catalogue order, named as the catalogue names them, and the
 *   rows by moment then subject: the learners follow row order (sums in float, ties), so the same
 *   data trains the same model on every run and every engine.
 * - Times are epoch microseconds (`t_us`), so windows are integer arithmetic on every engine.
 * - Every numeric feature leaves the engine as a double: counts summed as 128-bit (DuckDB) or
 *   64-bit unsigned (ClickHouse) integers would cross to JS as big integers, one at a time, and
 *   reading the rows would cost more than computing them.
 */

import {
  ALL_TOUCH_WINDOWS,
  ACCOUNT_SUMMARY_FOR_CONTACT,
  CHANNEL_WINDOWS,
  DAY_US,
  HISTORY_DAYS,
  JOB_LEVELS_COUNTED,
  PEOPLE_WINDOWS,
  STAGE_WINDOWS,
  TREND_DAYS,
  TYPE_WINDOWS,
  technologyFeature,
  type ScoringLevel,
} from '../../core/scoring/features.js';
import { ACCOUNTS, CONTACTS, CONTENT, LIFECYCLE_EVENTS, OPPORTUNITIES, TOUCHPOINTS } from '../../core/schema/tables.js';
import { CHANNELS, FUNNEL_STAGES, TOUCH_TYPES } from '../../core/vocabulary.js';
import type { Dialect } from '../dialect/dialect.js';
import { ident, joinSql, param, raw, sql, type SqlFragment } from '../fragment.js';

export interface SnapshotPlan {
  readonly level: ScoringLevel;
  /** The moments t, epoch µs. */
  readonly times: readonly number[];
  readonly horizonDays: number;
  /** Deals closed after this are not yet known as won (the `won` label's cut-off), epoch µs. */
  readonly knownUntilUs: number;
  /** Keep only subjects whose account has no open deal at t (training and evaluation). */
  readonly withoutOpenDeal: boolean;
  /**
   * Keep each negative snapshot with this probability (a hash of subject and moment decides, the
   * same on every run of one engine); positives are all kept. 1 keeps everything.
   */
  readonly negativeRate: number;
}

const days = (n: number) => raw(String(n * DAY_US));
const us = (column: string) => (d: Dialect) => d.epochMicros(raw(column));
/** `epochMicros(column)` as text, for program-owned arithmetic. */
const usText = (d: Dialect, column: string) => d.printFragment(d.epochMicros(raw(column))).sql;

/** The moments as a relation `(t_us)`. */
function timesRelation(times: readonly number[]): SqlFragment {
  if (times.length === 0) throw new Error('a snapshot plan needs at least one moment');
  return joinSql(times.map((t) => sql`SELECT CAST(${param.integer(t)} AS BIGINT) AS t_us`), ' UNION ALL ');
}

/** Deals of an account as (account_id, created_us, closed_us, is_won). */
function deals(d: Dialect): SqlFragment {
  return sql`SELECT account_id, ${us('created_at')(d)} AS created_us, ${us('closed_at')(d)} AS closed_us, is_won FROM ${ident(OPPORTUNITIES.name)} WHERE account_id IS NOT NULL`;
}

/** A deal `o` was open at `s.t_us`: created by then and not closed by then. */
const OPEN_AT_T = raw('o.created_us <= s.t_us AND (o.closed_us IS NULL AND o.is_won IS NULL OR o.closed_us > s.t_us)');

/**
 * The snapshots of a plan: `subject_id`, `account_id`, `t_us`, `open_deals`, `label_opportunity`,
 * `label_won`, `opportunity_at_us` (when the first labelled opportunity came), `weight` (1 / the rate a negative was kept with). An account is a subject from its
 * creation (or always, without a creation time); a contact likewise. An account's label: a deal
 * of the account created in (t, t + horizon] (won: and won, closed by `knownUntilUs`). A contact's:
 * it entered the lifecycle stage `opportunity` (won: `customer`) in (t, t + horizon].
 */
export function compileSnapshots(d: Dialect, plan: SnapshotPlan): SqlFragment {
  const horizon = days(plan.horizonDays);
  const base =
    plan.level === 'account'
      ? sql`SELECT a.account_id AS subject_id, a.account_id AS account_id, t.t_us AS t_us
          FROM ${ident(ACCOUNTS.name)} a CROSS JOIN (${timesRelation(plan.times)}) t
          WHERE a.created_at IS NULL OR ${d.epochMicros(raw('a.created_at'))} <= t.t_us`
      : sql`SELECT c.contact_id AS subject_id, c.account_id AS account_id, t.t_us AS t_us
          FROM ${ident(CONTACTS.name)} c CROSS JOIN (${timesRelation(plan.times)}) t
          WHERE c.created_at IS NULL OR ${d.epochMicros(raw('c.created_at'))} <= t.t_us`;
  const accountDeals = sql`SELECT s.subject_id AS subject_id, s.t_us AS t_us,
      sum(CASE WHEN ${OPEN_AT_T} THEN 1 ELSE 0 END) AS open_deals,
      max(CASE WHEN o.created_us > s.t_us AND o.created_us <= s.t_us + ${horizon} THEN 1 ELSE 0 END) AS label_opportunity,
      max(CASE WHEN o.created_us > s.t_us AND o.created_us <= s.t_us + ${horizon} AND o.is_won AND o.closed_us <= ${param.integer(plan.knownUntilUs)} THEN 1 ELSE 0 END) AS label_won,
      min(CASE WHEN o.created_us > s.t_us AND o.created_us <= s.t_us + ${horizon} THEN o.created_us END) AS opportunity_at_us
    FROM base s JOIN (${deals(d)}) o ON o.account_id = s.account_id
    GROUP BY s.subject_id, s.t_us`;
  const accountOpenDeals = sql`SELECT s.account_id AS account_id, s.t_us AS t_us, sum(CASE WHEN ${OPEN_AT_T} THEN 1 ELSE 0 END) AS open_deals
    FROM (SELECT DISTINCT account_id, t_us FROM base WHERE account_id IS NOT NULL) s JOIN (${deals(d)}) o ON o.account_id = s.account_id
    GROUP BY s.account_id, s.t_us`;
  const contactStages = sql`SELECT s.subject_id AS subject_id, s.t_us AS t_us,
      max(CASE WHEN e.stage = 'opportunity' THEN 1 ELSE 0 END) AS label_opportunity,
      max(CASE WHEN e.stage = 'customer' THEN 1 ELSE 0 END) AS label_won,
      min(CASE WHEN e.stage = 'opportunity' THEN e.at_us END) AS opportunity_at_us
    FROM base s JOIN (SELECT contact_id, stage, ${us('entered_at')(d)} AS at_us FROM ${ident(LIFECYCLE_EVENTS.name)} WHERE stage IN ('opportunity', 'customer')) e
      ON e.contact_id = s.subject_id
    WHERE e.at_us > s.t_us AND e.at_us <= s.t_us + ${horizon}
    GROUP BY s.subject_id, s.t_us`;
  const labelled =
    plan.level === 'account'
      ? sql`SELECT s.subject_id AS subject_id, s.account_id AS account_id, s.t_us AS t_us, coalesce(o.open_deals, 0) AS open_deals,
            coalesce(o.label_opportunity, 0) AS label_opportunity, coalesce(o.label_won, 0) AS label_won, o.opportunity_at_us AS opportunity_at_us
          FROM base s LEFT JOIN (${accountDeals}) o ON o.subject_id = s.subject_id AND o.t_us = s.t_us`
      : sql`SELECT s.subject_id AS subject_id, s.account_id AS account_id, s.t_us AS t_us, coalesce(o.open_deals, 0) AS open_deals,
            coalesce(l.label_opportunity, 0) AS label_opportunity, coalesce(l.label_won, 0) AS label_won, l.opportunity_at_us AS opportunity_at_us
          FROM base s
          LEFT JOIN (${accountOpenDeals}) o ON o.account_id = s.account_id AND o.t_us = s.t_us
          LEFT JOIN (${contactStages}) l ON l.subject_id = s.subject_id AND l.t_us = s.t_us`;
  const keep: SqlFragment[] = [];
  if (plan.withoutOpenDeal) keep.push(raw('open_deals = 0'));
  const rate = Math.min(1, Math.max(0, plan.negativeRate));
  if (rate < 1) {
    const threshold = Math.round(rate * 1_000_000);
    keep.push(sql`(label_opportunity = 1 OR label_won = 1 OR (${d.hash64([raw('subject_id'), raw('t_us')])} % 1000000) < ${param.integer(threshold)})`);
  }
  const weight = rate < 1 ? sql`CASE WHEN label_opportunity = 1 OR label_won = 1 THEN 1.0 ELSE ${raw(String(1 / rate))} END` : raw('1.0');
  return sql`WITH base AS (${base})
    SELECT subject_id, account_id, t_us, open_deals, label_opportunity, label_won, opportunity_at_us, ${weight} AS weight
    FROM (${labelled}) l${keep.length ? sql` WHERE ${joinSql(keep, ' AND ')}` : sql``}`;
}

/** Touches with what the features read: `at_us`, type, channel, content stage, person. */
/**
 * The moments a query's snapshots span (epoch µs). Touches outside (first − 365 days, last] can
 * concern none of them: the touch scan leaves them out before any join (a scoring run at the end of
 * two years of history reads one of them). The windows themselves are applied exactly after.
 */
export interface MomentSpan {
  readonly firstUs: number;
  readonly lastUs: number;
}

function touches(d: Dialect, key: 'account_id' | 'contact_id', span: MomentSpan): SqlFragment {
  // Whole milliseconds, widened outward: a superset of what the exact windows keep.
  const from = Math.floor((span.firstUs - HISTORY_DAYS * DAY_US) / 1000);
  const to = Math.ceil(span.lastUs / 1000);
  return sql`SELECT tp.${raw(key)} AS key_id, ${d.epochMicros(raw('tp.occurred_at'))} AS at_us, tp.touch_type, tp.channel, c.funnel_stage,
      coalesce(tp.contact_id, tp.anonymous_id) AS person
    FROM ${ident(TOUCHPOINTS.name)} tp LEFT JOIN ${ident(CONTENT.name)} c ON c.content_id = tp.content_id
    WHERE tp.${raw(key)} IS NOT NULL AND tp.occurred_at >= ${param.timestamp(from)} AND tp.occurred_at <= ${param.timestamp(to)}`;
}

/** One engagement column: its name, its aggregate over joined touches `x` of snapshot `s`, and whether NULL means 0. */
interface Aggregate {
  readonly name: string;
  readonly expr: SqlFragment;
  readonly counts: boolean;
}

const inWindow = (w: number) => sql`x.at_us > s.t_us - ${days(w)}`;
const countIf = (condition: SqlFragment) => sql`sum(CASE WHEN ${condition} THEN 1 ELSE 0 END)`;

function engagementAggregates(d: Dialect, people: boolean): Aggregate[] {
  const out: Aggregate[] = [];
  const counted = (name: string, expr: SqlFragment) => out.push({ name, expr, counts: true });
  for (const w of ALL_TOUCH_WINDOWS) counted(`touches_${w}d`, w >= HISTORY_DAYS ? raw('count(*)') : countIf(inWindow(w)));
  for (const type of TOUCH_TYPES) for (const w of TYPE_WINDOWS) counted(`${type}_${w}d`, countIf(sql`x.touch_type = ${raw(`'${type}'`)} AND ${inWindow(w)}`));
  for (const channel of CHANNELS) for (const w of CHANNEL_WINDOWS) counted(`channel_${channel}_${w}d`, countIf(sql`x.channel = ${raw(`'${channel}'`)} AND ${inWindow(w)}`));
  for (const stage of FUNNEL_STAGES) for (const w of STAGE_WINDOWS) counted(`${stage}_content_${w}d`, countIf(sql`x.funnel_stage = ${raw(`'${stage}'`)} AND ${inWindow(w)}`));
  if (people) for (const w of PEOPLE_WINDOWS) counted(`people_${w}d`, sql`count(DISTINCT CASE WHEN ${inWindow(w)} THEN x.person END)`);
  out.push({ name: 'days_since_last_touch', expr: sql`${raw(d.castTo('s.t_us - max(x.at_us)', 'float'))} / ${days(1)}`, counts: false });
  counted('touches_3w', countIf(inWindow(TREND_DAYS)));
  counted('touches_prior_3w', countIf(sql`x.at_us <= s.t_us - ${days(TREND_DAYS)} AND ${inWindow(2 * TREND_DAYS)}`));
  return out;
}

/**
 * Engagement of every snapshot of `subjects` (columns `subject_id`, `key_id`, `t_us`): touches
 * whose `key` (account or contact) is the subject's key, in (t − 365 days, t].
 */
function engagement(d: Dialect, subjects: SqlFragment, key: 'account_id' | 'contact_id', people: boolean, span: MomentSpan): { select: SqlFragment; columns: Aggregate[] } {
  const columns = engagementAggregates(d, people);
  const select = sql`SELECT s.subject_id AS subject_id, s.t_us AS t_us, ${joinSql(columns.map((c) => sql`${c.expr} AS ${raw(c.name)}`), ', ')}
    FROM (${subjects}) s JOIN (${touches(d, key, span)}) x ON x.key_id = s.key_id
    WHERE x.at_us <= s.t_us AND x.at_us > s.t_us - ${days(HISTORY_DAYS)}
    GROUP BY s.subject_id, s.t_us`;
  return { select, columns };
}

/** The outer columns of an engagement join `e`: counts default to 0, the trend from the two 3-week counts. */
function engagementColumns(d: Dialect, alias: string, columns: readonly Aggregate[], prefix = '', only?: readonly string[]): SqlFragment[] {
  const wanted = (name: string) => !only || only.includes(name);
  const out: SqlFragment[] = [];
  for (const c of columns) {
    if (!wanted(c.name)) continue;
    out.push(c.counts ? raw(`${d.castTo(`coalesce(${alias}.${c.name}, 0)`, 'float')} AS ${prefix}${c.name}`) : raw(`${alias}.${c.name} AS ${prefix}${c.name}`));
  }
  if (wanted('trend_3w')) out.push(raw(`${d.castTo(`coalesce(${alias}.touches_3w, 0) + 1`, 'float')} / ${d.castTo(`coalesce(${alias}.touches_prior_3w, 0) + 1`, 'float')} AS ${prefix}trend_3w`));
  return out;
}

/** `';' || technologies normalised || ';'`, so a technology is a `;name;` substring. */
function technologyList(d: Dialect, column: string): string {
  return `concat(';', ${d.regexpReplaceAll(`lower(coalesce(${column}, ''))`, '\\s*;\\s*', ';')}, ';')`;
}

/**
 * The account features of every `(account_id, t_us)` of `keys` (a relation), in catalogue order,
 * with `subject_id` (the account) and `t_us` first.
 */
function accountFeatures(d: Dialect, keys: SqlFragment, technologies: readonly string[], span: MomentSpan, head: SqlFragment = raw('k.account_id AS subject_id, k.t_us AS t_us')): SqlFragment {
  const subjects = sql`SELECT account_id AS subject_id, account_id AS key_id, t_us FROM (${keys}) k`;
  const { select: engaged, columns } = engagement(d, subjects, 'account_id', true, span);
  const techs = technologyList(d, 'a.technologies');
  const contacts = sql`SELECT k.account_id AS account_id, k.t_us AS t_us, count(*) AS contacts_known,
      ${joinSql(JOB_LEVELS_COUNTED.map((level) => sql`${countIf(raw(`c.job_level = '${level}'`))} AS ${raw(`${level}_contacts`)}`), ', ')},
      ${countIf(sql`c.created_us > k.t_us - ${days(90)}`)} AS new_contacts_90d,
      ${d.argMin(raw('c.original_source'), [raw('coalesce(c.created_us, 0)'), raw('c.contact_id')])} AS first_source
    FROM (${keys}) k JOIN (SELECT account_id, contact_id, job_level, original_source, ${us('created_at')(d)} AS created_us FROM ${ident(CONTACTS.name)} WHERE account_id IS NOT NULL) c
      ON c.account_id = k.account_id
    WHERE c.created_us IS NULL OR c.created_us <= k.t_us
    GROUP BY k.account_id, k.t_us`;
  const mqls = sql`SELECT k.account_id AS account_id, k.t_us AS t_us, count(DISTINCT e.contact_id) AS mql_contacts_90d
    FROM (${keys}) k JOIN (SELECT c.account_id AS account_id, e.contact_id AS contact_id, ${us('e.entered_at')(d)} AS at_us FROM ${ident(LIFECYCLE_EVENTS.name)} e
      JOIN ${ident(CONTACTS.name)} c ON c.contact_id = e.contact_id WHERE e.stage = 'mql' AND c.account_id IS NOT NULL) e ON e.account_id = k.account_id
    WHERE e.at_us <= k.t_us AND e.at_us > k.t_us - ${days(90)}
    GROUP BY k.account_id, k.t_us`;
  const history = sql`SELECT s.account_id AS account_id, s.t_us AS t_us, ${countIf(raw('o.created_us <= s.t_us'))} AS opportunities_before,
      ${countIf(raw('o.is_won AND o.closed_us <= s.t_us'))} AS won_before,
      ${countIf(raw('NOT o.is_won AND o.closed_us <= s.t_us'))} AS lost_before,
      ${raw(d.castTo('s.t_us - max(CASE WHEN o.created_us <= s.t_us THEN o.created_us END)', 'float'))} / ${days(1)} AS days_since_last_opportunity
    FROM (${keys}) s JOIN (${deals(d)}) o ON o.account_id = s.account_id
    GROUP BY s.account_id, s.t_us`;
  const fit: SqlFragment[] = [
    raw('a.industry AS industry'),
    raw('a.country AS country'),
    raw(`${d.castTo('a.employees', 'float')} AS employees`),
    raw(`${d.castTo('a.annual_revenue', 'float')} AS annual_revenue`),
    raw('CASE WHEN a.is_icp IS NULL THEN NULL WHEN a.is_icp THEN 1.0 ELSE 0.0 END AS is_icp'),
    raw(`CASE WHEN a.technologies IS NULL OR a.technologies = '' THEN 0.0 ELSE ${d.castTo(`length(${techs}) - length(replace(${techs}, ';', '')) - 1`, 'float')} END AS technology_count`),
    ...technologies.map((t) => sql`CASE WHEN ${d.contains(raw(techs), sql`${param.string(`;${t.toLowerCase()};`)}`)} THEN 1.0 ELSE 0.0 END AS ${raw(technologyFeature(t))}`),
    raw(`CASE WHEN a.created_at IS NULL THEN NULL ELSE ${d.castTo(`k.t_us - ${usText(d, 'a.created_at')}`, 'float')} / ${DAY_US} END AS account_age_days`),
    raw(`${d.castTo('coalesce(p.contacts_known, 0)', 'float')} AS contacts_known`),
    ...JOB_LEVELS_COUNTED.map((level) => raw(`${d.castTo(`coalesce(p.${level}_contacts, 0)`, 'float')} AS ${level}_contacts`)),
    raw(`${d.castTo('coalesce(p.new_contacts_90d, 0)', 'float')} AS new_contacts_90d`),
    raw(`${d.castTo('coalesce(m.mql_contacts_90d, 0)', 'float')} AS mql_contacts_90d`),
    raw(`${d.castTo('coalesce(h.opportunities_before, 0)', 'float')} AS opportunities_before`),
    raw(`${d.castTo('coalesce(h.won_before, 0)', 'float')} AS won_before`),
    raw(`${d.castTo('coalesce(h.lost_before, 0)', 'float')} AS lost_before`),
    raw('h.days_since_last_opportunity AS days_since_last_opportunity'),
    raw('p.first_source AS first_source'),
  ];
  return sql`SELECT ${head}, ${joinSql([...fit, ...engagementColumns(d, 'e', columns)], ', ')}
    FROM (${keys}) k
    LEFT JOIN ${ident(ACCOUNTS.name)} a ON a.account_id = k.account_id
    LEFT JOIN (${contacts}) p ON p.account_id = k.account_id AND p.t_us = k.t_us
    LEFT JOIN (${mqls}) m ON m.account_id = k.account_id AND m.t_us = k.t_us
    LEFT JOIN (${history}) h ON h.account_id = k.account_id AND h.t_us = k.t_us
    LEFT JOIN (${engaged}) e ON e.subject_id = k.account_id AND e.t_us = k.t_us`;
}

/** Feature rows by moment, then subject (outside the joins, where ClickHouse finds `t_us` ambiguous). */
function inRowOrder(select: SqlFragment): SqlFragment {
  return sql`SELECT * FROM (${select}) f ORDER BY t_us, subject_id`;
}

/** The columns of a feature row before the features. */
export const FEATURE_ROW_HEAD = ['subject_id', 't_us', 'open_deals', 'label_opportunity', 'label_won', 'opportunity_at_us', 'weight'] as const;
const HEAD = FEATURE_ROW_HEAD.map((c) => `s.${c} AS ${c}`).join(', ');

/**
 * The features of every snapshot in `snapshots` (a scratch table from {@link compileSnapshots}),
 * in catalogue order after {@link FEATURE_ROW_HEAD}. A contact's row carries its own features and
 * its `account_id`; its account's features (`account_…` in the catalogue) are the rows of
 * {@link compileAccountFeatureTable} for its account and moment, joined by the reader: a contact of
 * an account with ten contacts would otherwise carry the same fifty columns ten times out of the
 * engine.
 */
export function compileFeatures(d: Dialect, level: ScoringLevel, snapshots: string, technologies: readonly string[], span: MomentSpan): SqlFragment {
  const snap = raw(d.scratchTable(snapshots));
  const head = raw(HEAD);
  if (level === 'account') {
    return inRowOrder(accountFeatures(d, sql`SELECT * FROM ${snap}`, technologies, span, raw(HEAD.replaceAll('s.', 'k.'))));
  }
  const { select: engaged, columns } = engagement(d, sql`SELECT subject_id, subject_id AS key_id, t_us FROM ${snap}`, 'contact_id', false, span);
  const stage = sql`SELECT s.subject_id AS subject_id, s.t_us AS t_us, ${d.argMin(raw('e.stage'), [raw('-e.at_us'), raw('e.stage')])} AS stage
    FROM ${snap} s JOIN (SELECT contact_id, stage, ${us('entered_at')(d)} AS at_us FROM ${ident(LIFECYCLE_EVENTS.name)}) e ON e.contact_id = s.subject_id
    WHERE e.at_us <= s.t_us
    GROUP BY s.subject_id, s.t_us`;
  const own: SqlFragment[] = [
    raw('c.job_level AS job_level'),
    raw('c.department AS department'),
    raw('c.original_source AS original_source'),
    raw('c.created_by AS created_by'),
    raw('g.stage AS stage'),
    raw(`CASE WHEN c.created_at IS NULL THEN NULL ELSE ${d.castTo(`s.t_us - ${usText(d, 'c.created_at')}`, 'float')} / ${DAY_US} END AS contact_age_days`),
  ];
  return inRowOrder(sql`SELECT ${head}, s.account_id AS account_id, ${joinSql([...own, ...engagementColumns(d, 'e', columns)], ', ')}
    FROM ${snap} s
    LEFT JOIN ${ident(CONTACTS.name)} c ON c.contact_id = s.subject_id
    LEFT JOIN (${stage}) g ON g.subject_id = s.subject_id AND g.t_us = s.t_us
    LEFT JOIN (${engaged}) e ON e.subject_id = s.subject_id AND e.t_us = s.t_us`);
}

/** The account features (every one, unprefixed) of the accounts of a contact snapshot table at their moments, for {@link compileFeatures}. */
export function compileAccountFeatureTable(d: Dialect, snapshots: string, technologies: readonly string[], span: MomentSpan): SqlFragment {
  return accountFeatures(d, sql`SELECT DISTINCT account_id, t_us FROM ${raw(d.scratchTable(snapshots))} WHERE account_id IS NOT NULL`, technologies, span);
}

/** The workspace's technologies column, to find the most common ones in JS. */
export function compileTechnologies(): SqlFragment {
  return sql`SELECT technologies FROM ${ident(ACCOUNTS.name)} WHERE technologies IS NOT NULL AND technologies <> ''`;
}

/** The span of recorded activity: first and last touch, epoch µs. */
export function compileActivitySpan(d: Dialect): SqlFragment {
  return sql`SELECT min(${d.epochMicros(raw('occurred_at'))}) AS first_us, max(${d.epochMicros(raw('occurred_at'))}) AS last_us FROM ${ident(TOUCHPOINTS.name)}`;
}


/**
 * The rule-based signals of every snapshot in `snapshots`, beside which a model is evaluated:
 * `rule_score`, a contact's score at its latest judged moment at or before t (`judged` from
 * compileJudgement, column `scoreColumn`), and `mql`, whether the MQL definition (`mqlColumn`)
 * held at that moment; for an account, the greatest over its contacts. A subject without a judged
 * moment by t has neither (NULL).
 */
export function compileRuleSignals(d: Dialect, level: ScoringLevel, snapshots: string, judged: string, scoreColumn: string | undefined, mqlColumn: string | undefined): SqlFragment {
  const latest = (column: string | undefined) => (column === undefined ? raw('NULL') : d.argMin(raw(`j.${column}`), [raw('-j.at_us')]));
  const snap = raw(d.scratchTable(snapshots));
  const people =
    level === 'contact'
      ? sql`SELECT subject_id, subject_id AS contact_id, t_us FROM ${snap}`
      : sql`SELECT s.subject_id AS subject_id, c.contact_id AS contact_id, s.t_us AS t_us FROM ${snap} s JOIN ${ident(CONTACTS.name)} c ON c.account_id = s.subject_id`;
  const perContact = sql`SELECT p.subject_id AS subject_id, p.contact_id AS contact_id, p.t_us AS t_us,
      ${latest(scoreColumn)} AS rule_score, ${latest(mqlColumn)} AS mql
    FROM (${people}) p JOIN ${raw(d.scratchTable(judged))} j ON j.contact_id = p.contact_id
    WHERE j.at_us <= p.t_us
    GROUP BY p.subject_id, p.contact_id, p.t_us`;
  return sql`SELECT subject_id, t_us, max(rule_score) AS rule_score, max(${raw(d.castTo('mql', 'integer'))}) AS mql FROM (${perContact}) x GROUP BY subject_id, t_us`;
}

/** Whether each snapshot's account was truly in market at t (the demo world's truth): `subject_id`, `t_us`, `in_market`. */
export function compileTrueInMarket(d: Dialect, snapshots: string): SqlFragment {
  const snap = raw(d.scratchTable(snapshots));
  const periods = sql`SELECT subject, ${us('starts_at')(d)} AS from_us, ${us('ends_at')(d)} AS to_us FROM ${ident('world_truth')} WHERE kind = 'in_market'`;
  const inside = sql`SELECT s.subject_id AS subject_id, s.t_us AS t_us, count(*) AS periods
    FROM ${snap} s JOIN (${periods}) w ON w.subject = s.account_id
    WHERE w.from_us <= s.t_us AND w.to_us > s.t_us
    GROUP BY s.subject_id, s.t_us`;
  return sql`SELECT s.subject_id AS subject_id, s.t_us AS t_us, CASE WHEN m.periods IS NULL THEN 0 ELSE 1 END AS in_market
    FROM ${snap} s LEFT JOIN (${inside}) m ON m.subject_id = s.subject_id AND m.t_us = s.t_us`;
}
