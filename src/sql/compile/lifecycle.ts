/**
 * Definitions and score models compiled to SQL: every contact judged at every one of its moments,
 * inside the engine, so a pass over millions of touches scales with the engine.
 *
 * The result of {@link compileJudgement} is a scratch table with one row per (contact, moment):
 * `contact_id`, `at_us` (epoch µs), `q<i>` (definition i holds) and `s<j>` (score model j's score).
 * Live qualification, the backtest and score reports read that table.
 *
 * Invariants (test/engines/lifecycle-sql.case.test.ts checks them against core/lifecycle/reference.ts
 * on every engine):
 * - Same moments as the reference: each touch of the contact, and its creation.
 * - No look-ahead: every running sum ends at the moment judged (`RANGE … CURRENT ROW`, which
 *   includes touches at the very same instant, as the reference does).
 * - Decayed sums are exact to floating-point rounding for any history length (see the scores
 *   section below: anchored running sums, eras of 256 half-lives when history is longer).
 * - Leaves are never NULL (a comparison with a missing value is false), so `NOT` means "not true".
 */

import type { Condition, FieldCondition, QualificationDefinition, Scalar, ScoreModel, TouchFilter } from '../../core/lifecycle/language.js';
import { fieldSpec, scoreModelsOf } from '../../core/lifecycle/language.js';
import { DAY_MICROS } from '../../core/lifecycle/reference.js';
import type { Dialect } from '../dialect/dialect.js';
import { ident, inStrings, joinSql, param, raw, sql, type SqlFragment } from '../fragment.js';

/** Length of one era of a decaying score, in half-lives. */
const ERA_HALF_LIVES = 256;

export interface JudgementInput {
  readonly definitions: readonly QualificationDefinition[];
  /** Every model a definition names, and any whose score should be in the result. */
  readonly models: readonly ScoreModel[];
  /** A SELECT of `contact_id`s to judge; absent: every contact. */
  readonly scope?: SqlFragment;
  readonly freeMailDomains: readonly string[];
  /** Names of the scratch tables (they are dropped and recreated). */
  readonly prefix: string;
  /**
   * Bounds of every moment judged (epoch µs), when known: decayed scores then anchor at `fromUs`
   * and, when all moments lie within 256 half-lives of it, need no eras. Must include every moment.
   */
  readonly span?: { readonly fromUs: number; readonly toUs: number };
  /** Keep only moments at which some definition holds (all that qualification and backtests read). */
  readonly onlyQualifying?: boolean;
}

export interface Judgement {
  /** Statements to run in order; the last creates {@link Judgement.table}. */
  readonly statements: readonly SqlFragment[];
  readonly table: string;
  /** Every scratch table, for dropping afterwards. */
  readonly scratch: readonly string[];
  /** Column of definition i: `q${i}`; of model j: `s${j}`. */
  readonly definitionColumns: readonly string[];
  readonly scoreColumns: ReadonlyMap<string, string>;
}

/** A scratch table's name as the dialect keeps scratch tables (DuckDB: an in-memory catalog). */
const scratchRef = (d: Dialect, name: string) => raw(d.scratchTable(name));

const lowerAscii = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** Column of the facts table holding a field. */
const fieldColumn = (field: string) => `f_${field.replace('.', '_')}`;

function fieldExpression(d: Dialect, field: string, freeMail: readonly string[]): SqlFragment {
  const [table, column] = field.split('.') as [string, string];
  if (field === 'contact.email_domain') return raw(`nullif(${d.regexpExtract(`c.${d.quoteIdentifier('email')}`, '@([^@]*)$', 1)}, '')`);
  if (field === 'contact.free_mail') {
    const domain = d.regexpExtract(`c.${d.quoteIdentifier('email')}`, '@([^@]*)$', 1);
    return raw(`CASE WHEN c.${d.quoteIdentifier('email')} IS NULL THEN NULL ELSE ${domain} IN (${freeMail.map((m) => d.quoteString(m)).join(', ') || 'NULL'}) END`);
  }
  const spec = fieldSpec(field)!;
  const ref = `${table === 'contact' ? 'c' : 'a'}.${d.quoteIdentifier(column)}`;
  return raw(spec.type === 'number' ? d.castTo(ref, 'float') : ref);
}

function scalarParam(value: Scalar, type: 'text' | 'number' | 'boolean'): SqlFragment {
  if (type === 'number') return sql`${param.float(Number(value))}`;
  if (type === 'boolean') return sql`${param.boolean(value === true)}`;
  return sql`${param.string(lowerAscii(String(value)))}`;
}

/** A field leaf over the facts table's column; never NULL. */
function fieldLeaf(d: Dialect, c: FieldCondition): SqlFragment {
  const spec = fieldSpec(c.field)!;
  const column = fieldColumn(c.field);
  const value = spec.type === 'text' ? raw(d.asciiLower(d.quoteIdentifier(column))) : ident(column);
  if (c.op === 'present') {
    const present = spec.type === 'text' ? sql`(${ident(column)} IS NOT NULL AND ${ident(column)} <> '')` : sql`(${ident(column)} IS NOT NULL)`;
    return c.value === true ? present : sql`(NOT ${present})`;
  }
  const one = (v: Scalar) => scalarParam(v, spec.type);
  const list = () => joinSql((c.value as Scalar[]).map(one), ', ');
  let test: SqlFragment;
  switch (c.op) {
    case 'eq':
      test = sql`${value} = ${one(c.value as Scalar)}`;
      break;
    case 'ne':
      test = sql`${value} <> ${one(c.value as Scalar)}`;
      break;
    case 'in':
      test = sql`${value} IN (${list()})`;
      break;
    case 'not_in':
      test = sql`${value} NOT IN (${list()})`;
      break;
    case 'gt':
      test = sql`${value} > ${one(c.value as Scalar)}`;
      break;
    case 'gte':
      test = sql`${value} >= ${one(c.value as Scalar)}`;
      break;
    case 'lt':
      test = sql`${value} < ${one(c.value as Scalar)}`;
      break;
    case 'lte':
      test = sql`${value} <= ${one(c.value as Scalar)}`;
      break;
    case 'contains':
      test = d.contains(value, sql`${param.string(lowerAscii(String(c.value)))}`);
      break;
  }
  return sql`coalesce(${test}, false)`;
}

/**
 * Whether a row of the moments table (columns touch_type, channel, funnel_stage, campaign_id) is a
 * touch of `kind` (1: the touch itself; 2: its exit from a window) that matches; never NULL.
 */
function touchFilterSql(filter: TouchFilter, kind: 1 | 2 = 1): SqlFragment {
  const parts: SqlFragment[] = [sql`is_touch = ${raw(String(kind))}`];
  const add = (column: string, values: readonly string[] | undefined) => {
    if (values !== undefined) parts.push(sql`coalesce(${ident(column)} IN ${inStrings(values)}, false)`);
  };
  add('touch_type', filter.types);
  add('channel', filter.channels);
  add('funnel_stage', filter.contentStages);
  add('campaign_id', filter.campaigns);
  return joinSql(parts, ' AND ');
}

/** The filters of the touches conditions with a window, by window length (µs). */
function windowedFilters(condition: Condition, into: Map<number, TouchFilter[]>): void {
  if (condition.kind === 'touches' && condition.withinDays !== undefined) {
    const w = windowMicros(condition.withinDays);
    into.set(w, [...(into.get(w) ?? []), condition.filter]);
  } else if (condition.kind === 'all' || condition.kind === 'any') condition.of.forEach((c) => windowedFilters(c, into));
  else if (condition.kind === 'not') windowedFilters(condition.of, into);
}

/** The same touch filter over the touchpoints and content tables (aliases t, ct) instead of the moments table. */
function sourceFilterSql(filter: TouchFilter): SqlFragment {
  const parts: SqlFragment[] = [sql`true`];
  const add = (column: string, values: readonly string[] | undefined) => {
    if (values !== undefined) parts.push(sql`coalesce(${raw(column)} IN ${inStrings(values)}, false)`);
  };
  add('t.touch_type', filter.types);
  add('t.channel', filter.channels);
  add('ct.funnel_stage', filter.contentStages);
  add('t.campaign_id', filter.campaigns);
  return joinSql(parts, ' AND ');
}

const windowMicros = (days: number) => Math.round(days * DAY_MICROS);

function collectFields(condition: Condition, into: Set<string>): void {
  if (condition.kind === 'field') into.add(condition.field);
  else if (condition.kind === 'all' || condition.kind === 'any') condition.of.forEach((c) => collectFields(c, into));
  else if (condition.kind === 'not') collectFields(condition.of, into);
}

/**
 * Compiles the judgement of `input.definitions` and `input.models` over every moment of the
 * contacts in scope.
 */
export function compileJudgement(d: Dialect, input: JudgementInput): Judgement {
  const facts = `${input.prefix}_facts`;
  const moments = `${input.prefix}_moments`;
  const judged = `${input.prefix}_judged`;
  const scratch = [facts, moments, judged];
  const statements: SqlFragment[] = [];
  const modelIndex = new Map(input.models.map((m, j) => [m.name, j]));
  for (const def of input.definitions) {
    for (const name of scoreModelsOf(def.when)) if (!modelIndex.has(name)) throw new Error(`internal: score model ${name} not given to compileJudgement`);
  }
  const inScope = (column: string) => (input.scope ? sql` WHERE ${raw(column)} IN (${input.scope})` : sql``);

  // ---- facts: one row per contact, the fields every condition reads, and the fit leaves
  const fields = new Set<string>();
  input.definitions.forEach((def) => collectFields(def.when, fields));
  input.models.forEach((m) => m.fit.forEach((r) => collectFields(r.when, fields)));
  const fieldColumns = [...fields].sort().map((f) => sql`${fieldExpression(d, f, input.freeMailDomains)} AS ${ident(fieldColumn(f))}`);
  statements.push(
    ...d.createScratchTable(
      facts,
      sql`SELECT c.contact_id AS contact_id${fieldColumns.length ? sql`, ${joinSql(fieldColumns, ', ')}` : sql``}
        FROM ${ident('contacts')} c LEFT JOIN ${ident('accounts')} a ON a.account_id = c.account_id${inScope('c.contact_id')}`,
    ),
  );

  // ---- moments: each touch of a contact in scope (is_touch 1), its creation (0), and for each
  // window length W a touch's exit from windows of that length (2) at its time + W + 1 µs: a running
  // sum of +1 at the touch and −1 at its exit counts the touches within W (closed) of each moment.
  // (ClickHouse takes only 32-bit RANGE offsets, too short for days in microseconds.)
  // Exit rows only for touches some condition with that window counts: most touches are counted by none.
  const windowed = new Map<number, TouchFilter[]>();
  input.definitions.forEach((def) => windowedFilters(def.when, windowed));
  const text = raw(d.columnType('string', true));
  const nullText = sql`CAST(NULL AS ${text})`;
  const touchRows = (kind: 1 | 2, window: number | null, only?: readonly TouchFilter[]) =>
    sql`SELECT t.contact_id AS contact_id, ${d.epochMicros(raw('t.occurred_at'))}${raw(window === null ? '' : ` + ${window + 1}`)} AS at_us, ${raw(String(kind))} AS is_touch,
          ${window === null ? sql`CAST(NULL AS ${raw(d.columnType('integer', true))})` : sql`CAST(${raw(String(window))} AS ${raw(d.columnType('integer', true))})`} AS window_us,
          t.touch_type AS touch_type, t.channel AS channel, t.campaign_id AS campaign_id, ct.funnel_stage AS funnel_stage
        FROM ${ident('touchpoints')} t LEFT JOIN ${ident('content')} ct ON ct.content_id = t.content_id
        WHERE t.contact_id IS NOT NULL${input.scope ? sql` AND t.contact_id IN (${input.scope})` : sql``}${
          only ? sql` AND (${joinSql(only.map(sourceFilterSql), ' OR ')})` : sql``
        }`;
  statements.push(
    ...d.createScratchTable(
      moments,
      joinSql(
        [
          touchRows(1, null),
          sql`SELECT c.contact_id AS contact_id, ${d.epochMicros(raw('c.created_at'))} AS at_us, 0 AS is_touch, CAST(NULL AS ${raw(d.columnType('integer', true))}) AS window_us,
          ${nullText} AS touch_type, ${nullText} AS channel, ${nullText} AS campaign_id, ${nullText} AS funnel_stage
        FROM ${ident('contacts')} c WHERE c.created_at IS NOT NULL${input.scope ? sql` AND c.contact_id IN (${input.scope})` : sql``}`,
          ...[...windowed].sort(([a], [b]) => a - b).map(([w, filters]) => touchRows(2, w, filters)),
        ],
        '\n        UNION ALL\n        ',
      ),
    ),
  );

  // ---- leaves: each touches condition a window count; each score a column
  const windows: SqlFragment[] = [];
  const leafOf = new Map<Condition, SqlFragment>();
  const visit = (c: Condition) => {
    if (c.kind === 'all' || c.kind === 'any') c.of.forEach(visit);
    else if (c.kind === 'not') visit(c.of);
    else if (c.kind === 'field') leafOf.set(c, fieldLeaf(d, c));
    else if (c.kind === 'touches') {
      const name = `w${windows.length}`;
      const exit = c.withinDays === undefined ? sql`` : sql` WHEN ${touchFilterSql(c.filter, 2)} AND window_us = ${raw(String(windowMicros(c.withinDays)))} THEN -1`;
      windows.push(
        sql`sum(CASE WHEN ${touchFilterSql(c.filter)} THEN 1${exit} ELSE 0 END) OVER (PARTITION BY m.contact_id ORDER BY m.at_us RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS ${ident(name)}`,
      );
      leafOf.set(c, sql`(${ident(name)} >= ${raw(String(c.atLeast))})`);
    } else leafOf.set(c, sql`(round(${ident(`s${modelIndex.get(c.model)}`)}, 9) >= ${param.float(c.atLeast)})`);
  };
  input.definitions.forEach((def) => visit(def.when));
  const tree = (c: Condition): SqlFragment => {
    switch (c.kind) {
      case 'all':
        return sql`(${joinSql(c.of.map(tree), ' AND ')})`;
      case 'any':
        return sql`(${joinSql(c.of.map(tree), ' OR ')})`;
      case 'not':
        return sql`(NOT ${tree(c.of)})`;
      default:
        return leafOf.get(c)!;
    }
  };

  // ---- scores: per model and group, fit points (per contact) plus decayed behaviour points
  const scoreColumns: SqlFragment[] = [];
  const eraJoins: SqlFragment[] = [];
  // A decayed sum Σ p·2^((s−t)/h) = 2^((a−t)/h) · Σ p·2^((s−a)/h) for an anchor a at or before every
  // s: each row's weight 2^((s−a)/h) is computed once (column dw<j> of level 0), groups sum
  // weighted points, and one division by the moment's own weight decays them to t. Anchors start an
  // era every 256 half-lives (from `span.fromUs`), so no weight overflows; when every moment lies in
  // one era (the usual case: 256 × 30 days is 21 years) there is one anchor and the sums share the
  // count windows' PARTITION BY contact, else each era has its own running sum plus the previous
  // era's total scaled by 2^-256 (anything older weighs less than 2^-256 of a point).
  const origin = input.span?.fromUs ?? 0;
  const weights: SqlFragment[] = [];
  input.models.forEach((model, j) => {
    const groups = [...new Set([...model.fit.map((r) => r.group), ...model.behaviour.map((r) => r.group)])];
    const halfLifeUs = model.halfLifeDays === undefined ? undefined : model.halfLifeDays * DAY_MICROS;
    const eraUs = halfLifeUs === undefined ? undefined : halfLifeUs * ERA_HALF_LIVES;
    const oneEra = eraUs !== undefined && input.span !== undefined && input.span.toUs - origin < eraUs;
    const era = eraUs === undefined || oneEra ? undefined : raw(`floor((m.at_us - ${origin}) / ${eraUs})`);
    const anchor = eraUs === undefined ? undefined : oneEra ? raw(String(origin)) : raw(`(${origin} + floor((m.at_us - ${origin}) / ${eraUs}) * ${eraUs})`);
    const weight = ident(`dw${j}`);
    // Exit rows (is_touch 2) lie past the span and weigh nothing: NULL, never an overflowing power.
    if (anchor !== undefined) weights.push(sql`CASE WHEN m.is_touch < 2 THEN pow(2, (m.at_us - ${anchor}) / ${raw(String(halfLifeUs))}) END AS ${weight}`);
    const eraTable = `${input.prefix}_era${j}`;
    const behaviourOf = (group: string) => {
      const rules = model.behaviour.filter((r) => r.group === group);
      if (rules.length === 0) return undefined;
      const points = joinSql(
        rules.map((r) => sql`CASE WHEN ${touchFilterSql(r.touch)} THEN ${param.float(r.points)} ELSE 0 END`),
        ' + ',
      );
      return anchor === undefined ? sql`(${points})` : sql`(${points}) * m.${weight}`;
    };
    if (era !== undefined && model.behaviour.length > 0) {
      scratch.push(eraTable);
      const totals = groups.flatMap((g) => {
        const b = behaviourOf(g);
        return b ? [sql`sum(${b}) AS ${ident(`g_${groups.indexOf(g)}`)}`] : [];
      });
      statements.push(
        ...d.createScratchTable(
          eraTable,
          sql`SELECT m.contact_id AS contact_id, ${era} AS era, ${joinSql(totals, ', ')} FROM (SELECT *, ${weights[weights.length - 1]!} FROM ${scratchRef(d, moments)} m) m GROUP BY m.contact_id, ${era}`,
        ),
      );
      eraJoins.push(sql` LEFT JOIN ${scratchRef(d, eraTable)} e${raw(String(j))} ON e${raw(String(j))}.contact_id = m.contact_id AND e${raw(String(j))}.era = ${era} - 1`);
    }
    const groupSums = groups.map((g, gi) => {
      const fit = model.fit.filter((r) => r.group === g).map((r) => sql`CASE WHEN ${fitTree(d, r.when)} THEN ${param.float(r.points)} ELSE 0 END`);
      const fitSum = fit.length ? sql`(${joinSql(fit, ' + ')})` : sql`0`;
      let behaviour: SqlFragment = sql`0`;
      const b = behaviourOf(g);
      if (b) {
        const partition = era === undefined ? sql`m.contact_id` : sql`m.contact_id, ${era}`;
        const running = sql`sum(${b}) OVER (PARTITION BY ${partition} ORDER BY m.at_us RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
        if (anchor === undefined) behaviour = running;
        else if (era === undefined) behaviour = sql`(${running} / m.${weight})`;
        else behaviour = sql`((${running} + coalesce(e${raw(String(j))}.${ident(`g_${gi}`)}, 0) * pow(2, -${raw(String(ERA_HALF_LIVES))})) / m.${weight})`;
      }
      const sum = sql`(${fitSum} + ${behaviour})`;
      const cap = model.caps[g];
      return cap === undefined ? sum : sql`greatest(-${param.float(cap)}, least(${param.float(cap)}, ${sum}))`;
    });
    const total = groupSums.length ? joinSql(groupSums, ' + ') : sql`0`;
    scoreColumns.push(sql`${model.maxTotal === undefined ? sql`(${total})` : sql`least(${param.float(model.maxTotal)}, ${total})`} AS ${ident(`s${j}`)}`);
  });

  // ---- level 1: windows and scores per moment; level 2: the definitions over them
  const fitLeafColumns = [...leafOf.entries()].filter(([c]) => c.kind === 'field');
  const level1 = sql`SELECT m.contact_id AS contact_id, m.at_us AS at_us, m.is_touch AS is_touch${windows.length ? sql`, ${joinSql(windows, ', ')}` : sql``}${
    scoreColumns.length ? sql`, ${joinSql(scoreColumns, ', ')}` : sql``
  }${fitLeafColumns.length ? sql`, ${joinSql(fitLeafColumns.map(([, leaf], i) => sql`${leaf} AS ${ident(`l${i}`)}`), ', ')}` : sql``}
    FROM ${weights.length ? sql`(SELECT *, ${joinSql(weights, ', ')} FROM ${scratchRef(d, moments)} m)` : scratchRef(d, moments)} m LEFT JOIN ${scratchRef(d, facts)} f ON f.contact_id = m.contact_id${joinSql(eraJoins, '')}`;
  fitLeafColumns.forEach(([c], i) => leafOf.set(c, ident(`l${i}`)));
  const definitionColumns = input.definitions.map((_, i) => `q${i}`);
  const level2 = sql`SELECT contact_id, at_us, ${joinSql(
    [...input.definitions.map((def, i) => sql`CAST(${tree(def.when)} AS ${raw(d.columnType('boolean', false))}) AS ${ident(`q${i}`)}`), ...input.models.map((_, j) => ident(`s${j}`))],
    ', ',
  )}
    FROM (${level1}) x WHERE is_touch < 2${
      input.onlyQualifying && input.definitions.length > 0 ? sql` AND (${joinSql(input.definitions.map((def) => tree(def.when)), ' OR ')})` : sql``
    }`;
  statements.push(...d.createScratchTable(judged, level2));
  return {
    statements,
    table: judged,
    scratch,
    definitionColumns,
    scoreColumns: new Map(input.models.map((m, j) => [m.name, `s${j}`])),
  };
}

/** A fit condition (fields only); its leaves read the facts columns, unique in every join here. */
function fitTree(d: Dialect, c: Condition): SqlFragment {
  switch (c.kind) {
    case 'all':
      return sql`(${joinSql(c.of.map((x) => fitTree(d, x)), ' AND ')})`;
    case 'any':
      return sql`(${joinSql(c.of.map((x) => fitTree(d, x)), ' OR ')})`;
    case 'not':
      return sql`(NOT ${fitTree(d, c.of)})`;
    case 'field':
      return fieldLeaf(d, c);
    default:
      throw new Error(`internal: a fit rule holds a ${c.kind} condition`);
  }
}

// ---- the stage log ------------------------------------------------------------------------------

/** `CASE stage WHEN … THEN rank …`: the order of events of one contact at the same instant. */
function stageRankSql(d: Dialect, stages: readonly string[], column: string): SqlFragment {
  return raw(`CASE ${column} ${stages.map((s, i) => `WHEN ${d.quoteString(s)} THEN ${i}`).join(' ')} ELSE ${stages.length} END`);
}

/**
 * Each contact's current stage (`contact_id`, `stage`, `entered_us`): its latest event by time,
 * then by stage rank (settings.ts, `currentStage`, is the reference). Contacts without events have no row.
 */
export function compileCurrentStages(d: Dialect, stages: readonly string[], scope?: SqlFragment): SqlFragment {
  return sql`SELECT contact_id, stage, entered_us FROM (
      SELECT contact_id, stage, ${d.epochMicros(raw('entered_at'))} AS entered_us,
        row_number() OVER (PARTITION BY contact_id ORDER BY entered_at DESC, ${stageRankSql(d, stages, 'stage')} DESC) AS rn
      FROM ${ident('lifecycle_events')}${scope ? sql` WHERE contact_id IN (${scope})` : sql``}
    ) ranked WHERE rn = 1`;
}

export interface RuleTransition {
  /** Index of the definition's column in the judged table. */
  readonly column: string;
  readonly stage: string;
  /** Stages it moves contacts from; null: no stage yet. */
  readonly from: readonly (string | null)[];
  readonly actor: string;
  readonly version: number;
}

/**
 * The transitions live definitions make: for each contact, the first judged moment at which one of
 * them holds while the contact's stage as of that moment (its latest event at or before it, ties by
 * stage rank) is one it may move the contact from, and the contact did not enter that stage at that
 * very instant; the earliest over all definitions wins (ties: the first listed). Judging as of each
 * moment, not by today's stage, puts history imported late at its true place.
 * Columns: contact_id, stage, at_us, actor, version.
 */
export function compileRuleTransitions(d: Dialect, stages: readonly string[], judged: string, rules: readonly RuleTransition[]): SqlFragment {
  const rank = stageRankSql(d, stages, 'e.stage');
  const moments = rules.map(
    (r, i) => sql`SELECT j.contact_id AS contact_id, j.at_us AS at_us, 1 AS kind, CAST(NULL AS ${raw(d.columnType('string', true))}) AS stage, 0 AS r, ${raw(String(i))} AS rule
      FROM ${scratchRef(d, judged)} j WHERE j.${ident(r.column)}`,
  );
  const window = (value: SqlFragment) => d.lastNonNull(value, { partitionBy: [raw('contact_id')], orderBy: [raw('at_us'), raw('kind'), raw('r')] });
  const eligible = joinSql(
    rules.map((r, i) => {
      const named = r.from.filter((s): s is string => s !== null);
      const tests = [...(named.length ? [sql`asof_stage IN ${inStrings(named)}`] : []), ...(r.from.includes(null) ? [sql`asof_stage IS NULL`] : [])];
      return sql`WHEN ${raw(String(i))} THEN ${tests.length ? joinSql(tests, ' OR ') : sql`false`}`;
    }),
    ' ',
  );
  const pick = (field: (r: RuleTransition) => string | number) =>
    raw(`CASE rule ${rules.map((r, i) => `WHEN ${i} THEN ${typeof field(r) === 'number' ? field(r) : d.quoteString(String(field(r)))}`).join(' ')} END`);
  return sql`SELECT contact_id, ${pick((r) => r.stage)} AS stage, at_us, ${pick((r) => r.actor)} AS actor, ${pick((r) => r.version)} AS version FROM (
      SELECT contact_id, at_us, rule, row_number() OVER (PARTITION BY contact_id ORDER BY at_us, rule) AS rn FROM (
        SELECT contact_id, at_us, kind, rule, ${window(raw('stage'))} AS asof_stage, ${window(raw('CASE WHEN kind = 0 THEN at_us END'))} AS asof_us
        FROM (
          SELECT e.contact_id AS contact_id, ${d.epochMicros(raw('e.entered_at'))} AS at_us, 0 AS kind, e.stage AS stage, ${rank} AS r, -1 AS rule
          FROM ${ident('lifecycle_events')} e WHERE e.contact_id IN (SELECT contact_id FROM ${scratchRef(d, judged)})
          UNION ALL ${joinSql(moments, ' UNION ALL ')}
        ) log_and_moments
      ) staged
      WHERE kind = 1 AND (asof_us IS NULL OR at_us > asof_us) AND (CASE rule ${eligible} END)
    ) firsts WHERE rn = 1`;
}

/**
 * SLA breaches not yet recorded: stage entries of `stage` that the contact did not leave (its next
 * stage event) within `withinHours`, judged at `nowUs`. Columns as in `sla_breaches`.
 */
export function compileSlaBreaches(d: Dialect, stages: readonly string[], sla: { stage: string; withinHours: number }, nowUs: number): SqlFragment {
  const dueUs = sql`(entered_us + ${raw(String(Math.round(sla.withinHours * 3_600_000_000)))})`;
  const next = d.leadOr(raw('entered_us'), 1, raw('NULL'), {
    partitionBy: [raw('contact_id')],
    orderBy: [raw('entered_us'), stageRankSql(d, stages, 'stage')],
  });
  return sql`SELECT x.contact_id AS contact_id, x.stage AS stage, x.entered_at AS entered_at, ${raw(d.epochMicrosToTimestamp('x.due_us'))} AS due_at, c.owner_id AS owner_id
    FROM (
      SELECT contact_id, stage, entered_at, entered_us, next_us, ${dueUs} AS due_us FROM (
        SELECT contact_id, stage, entered_at, ${d.epochMicros(raw('entered_at'))} AS entered_us, ${next} AS next_us FROM (
          SELECT contact_id, stage, entered_at, ${d.epochMicros(raw('entered_at'))} AS entered_us FROM ${ident('lifecycle_events')}
        ) e
      ) n WHERE stage = ${param.string(sla.stage)}
    ) x
    LEFT JOIN ${ident('contacts')} c ON c.contact_id = x.contact_id
    LEFT JOIN ${ident('sla_breaches')} b ON b.contact_id = x.contact_id AND b.stage = x.stage AND b.entered_at = x.entered_at
    WHERE b.contact_id IS NULL AND ((x.next_us IS NULL AND x.due_us < ${param.integer(nowUs)}) OR x.next_us > x.due_us)`;
}

/**
 * A fingerprint per contact of everything a judgement reads: the contact, its account, its touches,
 * its stage log, and `signature` (the live definitions). Columns: contact_id, fingerprint.
 */
export function compileFingerprints(d: Dialect, signature: string, scope?: SqlFragment): SqlFragment {
  const contactColumns = ['email', 'title', 'job_level', 'department', 'account_id', 'original_source', 'created_by', 'owner_id', 'lead_status', 'created_at'];
  const accountColumns = ['domain', 'name', 'industry', 'employees', 'annual_revenue', 'country', 'technologies', 'is_icp'];
  const touchColumns = ['touchpoint_id', 'occurred_at', 'touch_type', 'channel', 'campaign_id', 'content_id'].map((c) => raw(`t.${d.quoteIdentifier(c)}`));
  const where = (column: string) => (scope ? sql` WHERE ${raw(column)} IN (${scope})` : sql``);
  return sql`SELECT c.contact_id AS contact_id, ${d.fingerprint([
    sql`${param.string(signature)}`,
    ...contactColumns.map((col) => raw(`c.${d.quoteIdentifier(col)}`)),
    ...accountColumns.map((col) => raw(`a.${d.quoteIdentifier(col)}`)),
    raw('tp.n'),
    raw('tp.x'),
    raw('le.n'),
    raw('le.last_us'),
  ])} AS fingerprint
    FROM ${ident('contacts')} c
    LEFT JOIN ${ident('accounts')} a ON a.account_id = c.account_id
    LEFT JOIN (SELECT t.contact_id AS contact_id, count(*) AS n, ${d.xorAggregate(d.hash64(touchColumns))} AS x FROM ${ident('touchpoints')} t${
      scope ? sql` WHERE t.contact_id IN (${scope})` : sql` WHERE t.contact_id IS NOT NULL`
    } GROUP BY t.contact_id) tp ON tp.contact_id = c.contact_id
    LEFT JOIN (SELECT contact_id, count(*) AS n, max(${d.epochMicros(raw('entered_at'))}) AS last_us FROM ${ident('lifecycle_events')}${where('contact_id')} GROUP BY contact_id) le ON le.contact_id = c.contact_id${where('c.contact_id')}`;
}

// ---- backtest ---------------------------------------------------------------------------------

export interface BacktestWindow {
  readonly fromUs: number;
  readonly toUs: number;
  readonly horizonUs: number;
}

/**
 * The qualifications a definition would have made: one row per contact — `contact_id`, `m_us`, the
 * first moment in the window at which the definition held, before the contact reached any of
 * `beyond` in the actual log.
 */
export function compileBacktestQualifications(d: Dialect, judged: string, column: string, beyond: readonly string[], w: BacktestWindow): SqlFragment {
  return sql`SELECT j.contact_id AS contact_id, min(j.at_us) AS m_us
    FROM ${scratchRef(d, judged)} j
    LEFT JOIN (SELECT e.contact_id AS contact_id, min(${d.epochMicros(raw('e.entered_at'))}) AS beyond_us FROM ${ident('lifecycle_events')} e WHERE e.stage IN ${inStrings(beyond)} GROUP BY e.contact_id) b
      ON b.contact_id = j.contact_id
    WHERE j.${ident(column)} AND j.at_us >= ${param.integer(w.fromUs)} AND j.at_us <= ${param.integer(w.toUs)} AND (b.beyond_us IS NULL OR j.at_us < b.beyond_us)
    GROUP BY j.contact_id`;
}

/**
 * What became of each qualified contact of `qualified` (a table from
 * {@link compileBacktestQualifications}), from actual history after its moment: `sal`, `sql_`,
 * `opportunity` (0/1), `pipeline`, `revenue`, `won`, and `opp_within` (an opportunity created
 * within the horizon after the moment).
 */
export function compileBacktestOutcomes(d: Dialect, qualified: string, w: BacktestWindow): SqlFragment {
  const eventUs = d.epochMicros(raw('e.entered_at'));
  const oppUs = d.epochMicros(raw('o.created_at'));
  return sql`SELECT q.contact_id AS contact_id, q.m_us AS m_us,
      coalesce(st.sal, 0) AS sal, coalesce(st.sql_, 0) AS sql_,
      coalesce(op.opportunity, 0) AS opportunity, coalesce(op.won, 0) AS won, coalesce(op.pipeline, 0) AS pipeline, coalesce(op.revenue, 0) AS revenue,
      coalesce(op.opp_within, 0) AS opp_within
    FROM ${scratchRef(d, qualified)} q
    LEFT JOIN (
      SELECT f.contact_id AS contact_id,
        max(CASE WHEN e.stage = 'sal' THEN 1 ELSE 0 END) AS sal,
        max(CASE WHEN e.stage = 'sql' THEN 1 ELSE 0 END) AS sql_
      FROM ${scratchRef(d, qualified)} f JOIN ${ident('lifecycle_events')} e ON e.contact_id = f.contact_id
      WHERE ${eventUs} >= f.m_us GROUP BY f.contact_id
    ) st ON st.contact_id = q.contact_id
    LEFT JOIN (
      SELECT f.contact_id AS contact_id, 1 AS opportunity,
        max(CASE WHEN o.is_won THEN 1 ELSE 0 END) AS won,
        sum(coalesce(o.amount, 0)) AS pipeline,
        sum(CASE WHEN o.is_won THEN coalesce(o.amount, 0) ELSE 0 END) AS revenue,
        max(CASE WHEN ${oppUs} <= f.m_us + ${param.integer(w.horizonUs)} THEN 1 ELSE 0 END) AS opp_within
      FROM ${scratchRef(d, qualified)} f JOIN ${ident('opportunities')} o ON o.primary_contact_id = f.contact_id
      WHERE ${oppUs} >= f.m_us GROUP BY f.contact_id
    ) op ON op.contact_id = q.contact_id`;
}

/** Contacts whose first opportunity as primary contact was created in the window: `contact_id`, `o_us`. */
export function compileFirstOpportunities(d: Dialect, w: BacktestWindow): SqlFragment {
  const oppUs = d.epochMicros(raw('created_at'));
  return sql`SELECT primary_contact_id AS contact_id, min(${oppUs}) AS o_us FROM ${ident('opportunities')}
    WHERE primary_contact_id IS NOT NULL GROUP BY primary_contact_id
    HAVING min(${oppUs}) >= ${param.integer(w.fromUs)} AND min(${oppUs}) <= ${param.integer(w.toUs)}`;
}

// ---- origins ------------------------------------------------------------------------------------

/**
 * The view `opportunity_origins`: every opportunity with the origin of its primary contact carried
 * through — `lead_source` and `lead_created_by` are the contact's original source and creator;
 * `source` and `created_by` are the deal's own where the CRM states them, else the contact's — so
 * lead-to-revenue can be split by either without re-deriving it in each report.
 */
export function compileOpportunityOriginsView(d: Dialect): string {
  const q = (n: string) => d.quoteIdentifier(n);
  return `CREATE VIEW IF NOT EXISTS ${q('opportunity_origins')} AS
    SELECT o.opportunity_id AS opportunity_id, o.primary_contact_id AS primary_contact_id,
      c.original_source AS lead_source, c.created_by AS lead_created_by,
      coalesce(o.source, c.original_source) AS source, coalesce(o.created_by, c.created_by) AS created_by
    FROM ${q('opportunities')} o LEFT JOIN ${q('contacts')} c ON c.contact_id = o.primary_contact_id`;
}

/** Bounds of every moment a judgement can see (touches of known contacts, creations): `lo`, `hi` in epoch µs. */
export function compileMomentSpan(d: Dialect): SqlFragment {
  return sql`SELECT min(lo) AS lo, max(hi) AS hi FROM (
      SELECT min(${d.epochMicros(raw('occurred_at'))}) AS lo, max(${d.epochMicros(raw('occurred_at'))}) AS hi FROM ${ident('touchpoints')} WHERE contact_id IS NOT NULL
      UNION ALL
      SELECT min(${d.epochMicros(raw('created_at'))}) AS lo, max(${d.epochMicros(raw('created_at'))}) AS hi FROM ${ident('contacts')}
    ) bounds`;
}
