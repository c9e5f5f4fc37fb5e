/**
 * The language of shared definitions: MQL and SQL definitions, rule score models and the lifecycle
 * settings, as files both teams read, and the checker that turns such a file into a typed artefact
 * or lists every problem at once.
 *
 * Invariants:
 * - A checked artefact is complete and consistent: every field, touch type, channel, content stage
 *   and score model it names exists; every number is in range; fit rules of a score model read
 *   fields only (a score cannot depend on itself through behaviour).
 * - Problems carry the path of the node they are about, so a loader can name file and line; each
 *   message says what is wrong and how to fix it. The checker never stops at the first problem.
 * - Comparisons of text are ASCII case-insensitive; a comparison with a missing value is false
 *   (so `not` of it is true). The SQL compiler and the reference evaluator share these rules.
 */

import { closestName } from '../names.js';
import { CHANNELS, CREATORS, FUNNEL_STAGES, TOUCH_TYPES } from '../vocabulary.js';
import { EXIT_STAGES, ROLE_STAGES, type LifecycleSettings, type Sla } from './settings.js';

// ---- fields a condition can read ------------------------------------------------------------

export type FieldType = 'text' | 'number' | 'boolean';

export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  /** For text fields with a closed vocabulary. */
  readonly values?: readonly string[];
  readonly doc: string;
}

/** `contact.*` and `account.*` fields; derived ones (email_domain, free_mail) are computed from stored columns. */
export const FIELDS: readonly FieldSpec[] = [
  { name: 'contact.email', type: 'text', doc: 'Email address.' },
  { name: 'contact.email_domain', type: 'text', doc: 'Domain of the email address.' },
  { name: 'contact.free_mail', type: 'boolean', doc: 'Whether the email is at a free mail provider.' },
  { name: 'contact.title', type: 'text', doc: 'Job title.' },
  { name: 'contact.job_level', type: 'text', doc: 'Seniority.' },
  { name: 'contact.department', type: 'text', doc: 'Department.' },
  { name: 'contact.original_source', type: 'text', values: CHANNELS, doc: 'Channel that first brought the person.' },
  { name: 'contact.created_by', type: 'text', values: CREATORS, doc: 'Who created the contact.' },
  { name: 'contact.lead_status', type: 'text', doc: 'CRM lead status.' },
  { name: 'account.name', type: 'text', doc: 'Company name.' },
  { name: 'account.domain', type: 'text', doc: 'Company domain.' },
  { name: 'account.industry', type: 'text', doc: 'Industry.' },
  { name: 'account.employees', type: 'number', doc: 'Number of employees.' },
  { name: 'account.annual_revenue', type: 'number', doc: 'Annual revenue.' },
  { name: 'account.country', type: 'text', doc: 'Country.' },
  { name: 'account.technologies', type: 'text', doc: 'Technologies, separated by `;`.' },
  { name: 'account.is_icp', type: 'boolean', doc: 'Fits the ideal customer profile.' },
];

export function fieldSpec(name: string): FieldSpec | undefined {
  return FIELDS.find((f) => f.name === name);
}

// ---- conditions -------------------------------------------------------------------------------

export const COMPARISONS = ['eq', 'ne', 'in', 'not_in', 'gt', 'gte', 'lt', 'lte', 'contains', 'present'] as const;
export type Comparison = (typeof COMPARISONS)[number];

export type Scalar = string | number | boolean;

export interface FieldCondition {
  readonly kind: 'field';
  readonly field: string;
  readonly op: Comparison;
  /** A scalar; a list for `in`/`not_in`; a boolean for `present`. Text is kept as written. */
  readonly value: Scalar | readonly Scalar[];
}

/** Which touches count: each list given narrows (types AND channels AND …); an empty filter counts every touch. */
export interface TouchFilter {
  readonly types?: readonly string[];
  readonly channels?: readonly string[];
  readonly contentStages?: readonly string[];
  readonly campaigns?: readonly string[];
}

export interface TouchesCondition {
  readonly kind: 'touches';
  readonly atLeast: number;
  /** Counts touches at most this many days before the moment judged; all history when absent. */
  readonly withinDays?: number;
  readonly filter: TouchFilter;
}

export interface ScoreCondition {
  readonly kind: 'score';
  readonly model: string;
  readonly atLeast: number;
}

export interface AllCondition {
  readonly kind: 'all';
  readonly of: readonly Condition[];
}
export interface AnyCondition {
  readonly kind: 'any';
  readonly of: readonly Condition[];
}
export interface NotCondition {
  readonly kind: 'not';
  readonly of: Condition;
}

export type Condition = FieldCondition | TouchesCondition | ScoreCondition | AllCondition | AnyCondition | NotCondition;

// ---- artefacts ------------------------------------------------------------------------------

export const ARTEFACT_KINDS = ['mql', 'sql', 'score', 'lifecycle'] as const;
export type ArtefactKind = (typeof ARTEFACT_KINDS)[number];

export interface QualificationDefinition {
  readonly kind: 'mql' | 'sql';
  readonly name: string;
  readonly description?: string;
  /** The stage it moves contacts into (= kind). */
  readonly stage: 'mql' | 'sql';
  /** Stages it moves contacts from; absent: the default for its stage (settings.defaultEligibleStages). */
  readonly from?: readonly (string | null)[];
  readonly when: Condition;
}

export interface FitRule {
  readonly group: string;
  readonly points: number;
  readonly when: Condition;
}

export interface BehaviourRule {
  readonly group: string;
  readonly points: number;
  readonly touch: TouchFilter;
}

export interface ScoreModel {
  readonly kind: 'score';
  readonly name: string;
  readonly description?: string;
  /** Behaviour points halve every this many days; absent: they never decay. */
  readonly halfLifeDays?: number;
  /** A group's points are held within [-cap, cap]. */
  readonly caps: Readonly<Record<string, number>>;
  /** The total is held at or below this. */
  readonly maxTotal?: number;
  readonly fit: readonly FitRule[];
  readonly behaviour: readonly BehaviourRule[];
}

export interface LifecycleArtefact {
  readonly kind: 'lifecycle';
  readonly name: string;
  readonly description?: string;
  readonly settings: LifecycleSettings;
}

export type Artefact = QualificationDefinition | ScoreModel | LifecycleArtefact;

// ---- checking -----------------------------------------------------------------------------------

export type Path = readonly (string | number)[];

export interface ArtefactProblem {
  readonly path: Path;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

export interface ArtefactContext {
  /** Score models a `score` condition may name (live or proposed alongside). */
  readonly scoreModels?: readonly string[];
  /** Stages of the live lifecycle (for `from` and SLAs). */
  readonly stages?: readonly string[];
}

export interface ArtefactCheck {
  readonly artefact: Artefact | undefined;
  readonly problems: readonly ArtefactProblem[];
}

const NAME = /^[a-z][a-z0-9_-]{0,62}$/;

class Checker {
  readonly problems: ArtefactProblem[] = [];
  constructor(readonly context: ArtefactContext) {}

  report(path: Path, message: string): void {
    this.problems.push({ path, message });
  }

  object(value: unknown, path: Path, what: string): Record<string, unknown> | undefined {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    this.report(path, `${what} must be a map of keys to values, not ${describe(value)}.`);
    return undefined;
  }

  keys(obj: Record<string, unknown>, path: Path, allowed: readonly string[], what: string): void {
    for (const key of Object.keys(obj)) {
      if (allowed.includes(key)) continue;
      const near = closestName(key, allowed);
      this.report([...path, key], `${what} has no key "${key}".${near ? ` Did you mean "${near}"?` : ''} Allowed: ${allowed.join(', ')}.`);
    }
  }

  number(value: unknown, path: Path, what: string, range: { min?: number; integer?: boolean; positive?: boolean } = {}): number | undefined {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.report(path, `${what} must be a number, not ${describe(value)}.`);
      return undefined;
    }
    if (range.integer && !Number.isInteger(value)) this.report(path, `${what} must be a whole number, not ${value}.`);
    else if (range.positive && value <= 0) this.report(path, `${what} must be greater than 0, not ${value}.`);
    else if (range.min !== undefined && value < range.min) this.report(path, `${what} must be at least ${range.min}, not ${value}.`);
    else return value;
    return undefined;
  }

  name(value: unknown, path: Path, what: string): string | undefined {
    if (typeof value === 'string' && NAME.test(value)) return value;
    this.report(path, `${what} must be a lower-case name of letters, digits, _ and - starting with a letter (like "mql-default"), not ${describe(value)}.`);
    return undefined;
  }

  strings(value: unknown, path: Path, what: string, vocabulary?: readonly string[]): string[] | undefined {
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list) || list.length === 0 || list.some((v) => typeof v !== 'string')) {
      this.report(path, `${what} must be a list of names (or one name), not ${describe(value)}.`);
      return undefined;
    }
    const out: string[] = [];
    list.forEach((v: string, i) => {
      if (vocabulary && !vocabulary.includes(v)) {
        const near = closestName(v, vocabulary);
        this.report(Array.isArray(value) ? [...path, i] : path, `"${v}" is not one of the ${what}.${near ? ` Did you mean "${near}"?` : ''} Use one of: ${vocabulary.join(', ')}.`);
      } else out.push(v);
    });
    return out.length === list.length ? out : undefined;
  }

  filter(value: unknown, path: Path, extraKeys: readonly string[]): TouchFilter | undefined {
    const obj = this.object(value, path, 'A touch filter');
    if (!obj) return undefined;
    this.keys(obj, path, ['types', 'channels', 'content_stages', 'campaigns', ...extraKeys], 'A touch filter');
    const filter: { types?: string[]; channels?: string[]; contentStages?: string[]; campaigns?: string[] } = {};
    let ok = true;
    const take = (key: string, what: string, vocabulary?: readonly string[]) => {
      if (obj[key] === undefined) return undefined;
      const list = this.strings(obj[key], [...path, key], what, vocabulary);
      if (!list) ok = false;
      return list;
    };
    const types = take('types', 'touch types', TOUCH_TYPES);
    const channels = take('channels', 'channels', CHANNELS);
    const contentStages = take('content_stages', 'content funnel stages', FUNNEL_STAGES);
    const campaigns = take('campaigns', 'campaign ids');
    if (types) filter.types = types;
    if (channels) filter.channels = channels;
    if (contentStages) filter.contentStages = contentStages;
    if (campaigns) filter.campaigns = campaigns;
    return ok ? filter : undefined;
  }

  condition(value: unknown, path: Path, fieldsOnly: boolean): Condition | undefined {
    const obj = this.object(value, path, 'A condition');
    if (!obj) return undefined;
    const heads = ['all', 'any', 'not', 'field', 'touches', 'action', 'score'].filter((k) => k in obj);
    if (heads.length !== 1) {
      this.report(
        path,
        heads.length === 0
          ? `A condition needs exactly one of: all, any, not, field, touches, action, score; found ${Object.keys(obj).join(', ') || 'nothing'}.`
          : `A condition has exactly one of all, any, not, field, touches, action, score; this one has ${heads.join(' and ')}. Split it into an all: list.`,
      );
      return undefined;
    }
    const head = heads[0]!;
    if (fieldsOnly && (head === 'touches' || head === 'action' || head === 'score')) {
      this.report([...path, head], `A fit rule reads contact and account fields only; "${head}" belongs in the model's behaviour rules.`);
      return undefined;
    }
    switch (head) {
      case 'all':
      case 'any': {
        this.keys(obj, path, [head], `An ${head} condition`);
        const list = obj[head];
        if (!Array.isArray(list) || list.length === 0) {
          this.report([...path, head], `${head} must be a non-empty list of conditions, not ${describe(list)}.`);
          return undefined;
        }
        const of = list.map((c, i) => this.condition(c, [...path, head, i], fieldsOnly));
        return of.every((c) => c !== undefined) ? { kind: head, of: of as Condition[] } : undefined;
      }
      case 'not': {
        this.keys(obj, path, ['not'], 'A not condition');
        const of = this.condition(obj['not'], [...path, 'not'], fieldsOnly);
        return of ? { kind: 'not', of } : undefined;
      }
      case 'field':
        return this.fieldCondition(obj, path);
      case 'touches': {
        this.keys(obj, path, ['touches'], 'A touches condition');
        const t = this.object(obj['touches'], [...path, 'touches'], 'touches');
        if (!t) return undefined;
        const at = [...path, 'touches'];
        if (t['at_least'] === undefined) this.report(at, 'touches needs at_least: the number of matching touches that satisfies it.');
        const atLeast = t['at_least'] === undefined ? undefined : this.number(t['at_least'], [...at, 'at_least'], 'at_least', { integer: true, min: 1 });
        const withinDays = t['within_days'] === undefined ? undefined : this.number(t['within_days'], [...at, 'within_days'], 'within_days', { positive: true });
        const filter = this.filter(t, at, ['at_least', 'within_days']);
        if (atLeast === undefined || filter === undefined || (t['within_days'] !== undefined && withinDays === undefined)) return undefined;
        return { kind: 'touches', atLeast, ...(withinDays !== undefined ? { withinDays } : {}), filter };
      }
      case 'action': {
        this.keys(obj, path, ['action', 'within_days'], 'An action condition');
        const types = this.strings(obj['action'], [...path, 'action'], 'touch types', TOUCH_TYPES);
        const withinDays = obj['within_days'] === undefined ? undefined : this.number(obj['within_days'], [...path, 'within_days'], 'within_days', { positive: true });
        if (!types || (obj['within_days'] !== undefined && withinDays === undefined)) return undefined;
        return { kind: 'touches', atLeast: 1, ...(withinDays !== undefined ? { withinDays } : {}), filter: { types } };
      }
      case 'score': {
        this.keys(obj, path, ['score', 'at_least'], 'A score condition');
        const model = this.name(obj['score'], [...path, 'score'], 'score (the score model)');
        if (model && this.context.scoreModels && !this.context.scoreModels.includes(model)) {
          const near = closestName(model, this.context.scoreModels);
          this.report(
            [...path, 'score'],
            `There is no score model "${model}".${near ? ` Did you mean "${near}"?` : ''} ${this.context.scoreModels.length ? `Known: ${this.context.scoreModels.join(', ')}.` : 'Propose a score model first (kind: score).'}`,
          );
        }
        if (obj['at_least'] === undefined) this.report(path, 'A score condition needs at_least: the threshold the score must reach.');
        const atLeast = obj['at_least'] === undefined ? undefined : this.number(obj['at_least'], [...path, 'at_least'], 'at_least');
        return model && atLeast !== undefined ? { kind: 'score', model, atLeast } : undefined;
      }
    }
    return undefined;
  }

  fieldCondition(obj: Record<string, unknown>, path: Path): FieldCondition | undefined {
    const names = FIELDS.map((f) => f.name);
    const field = obj['field'];
    const spec = typeof field === 'string' ? fieldSpec(field) : undefined;
    if (!spec) {
      const near = typeof field === 'string' ? closestName(field, names) : undefined;
      this.report([...path, 'field'], `${describe(field)} is not a field.${near ? ` Did you mean "${near}"?` : ''} Fields: ${names.join(', ')}.`);
    }
    this.keys(obj, path, ['field', ...COMPARISONS], 'A field condition');
    const ops = COMPARISONS.filter((op) => op in obj);
    if (ops.length !== 1) {
      this.report(path, `A field condition needs exactly one comparison (${COMPARISONS.join(', ')}); found ${ops.length === 0 ? 'none' : ops.join(' and ')}.`);
      return undefined;
    }
    const op = ops[0]!;
    const at = [...path, op];
    const value = obj[op];
    if (!spec) return undefined;
    const scalarOk = (v: unknown, i?: number): v is Scalar => {
      const where = i === undefined ? at : [...at, i];
      if (spec.type === 'number' && typeof v !== 'number') return this.report(where, `${spec.name} is a number; compare it with a number, not ${describe(v)}.`), false;
      if (spec.type === 'boolean' && typeof v !== 'boolean') return this.report(where, `${spec.name} is true or false; compare it with true or false, not ${describe(v)}.`), false;
      if (spec.type === 'text' && typeof v !== 'string' && typeof v !== 'number') return this.report(where, `${spec.name} is text; compare it with text, not ${describe(v)}.`), false;
      if (spec.values && typeof v === 'string' && !spec.values.includes(v.toLowerCase())) {
        const near = closestName(v, spec.values);
        return this.report(where, `"${v}" is never a value of ${spec.name}.${near ? ` Did you mean "${near}"?` : ''} Values: ${spec.values.join(', ')}.`), false;
      }
      return true;
    };
    switch (op) {
      case 'present':
        if (typeof value !== 'boolean') return this.report(at, `present takes true or false, not ${describe(value)}.`), undefined;
        return { kind: 'field', field: spec.name, op, value };
      case 'in':
      case 'not_in': {
        if (!Array.isArray(value) || value.length === 0) return this.report(at, `${op} takes a non-empty list of values, not ${describe(value)}.`), undefined;
        const ok = value.map((v, i) => scalarOk(v, i)).every(Boolean);
        return ok ? { kind: 'field', field: spec.name, op, value: value as Scalar[] } : undefined;
      }
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        if (spec.type !== 'number') return this.report(at, `${op} compares numbers; ${spec.name} is ${spec.type}. Use eq, in or contains.`), undefined;
        return scalarOk(value) ? { kind: 'field', field: spec.name, op, value } : undefined;
      case 'contains':
        if (spec.type !== 'text' || typeof value !== 'string' || value === '') {
          return this.report(at, `contains looks for a piece of text in a text field; ${spec.type !== 'text' ? `${spec.name} is ${spec.type}` : `give it non-empty text, not ${describe(value)}`}.`), undefined;
        }
        return { kind: 'field', field: spec.name, op, value };
      default:
        return scalarOk(value) ? { kind: 'field', field: spec.name, op, value } : undefined;
    }
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return JSON.stringify(value);
}

/**
 * Checks a parsed definition file. Returns the typed artefact, or every problem with its path.
 *
 * @example
 * const { artefact, problems } = checkArtefact(yaml.parse(text), { scoreModels: ['engagement'] });
 */
export function checkArtefact(input: unknown, context: ArtefactContext = {}): ArtefactCheck {
  const c = new Checker(context);
  const obj = c.object(input, [], 'A definition file');
  if (!obj) return { artefact: undefined, problems: c.problems };
  const kind = obj['kind'];
  if (!ARTEFACT_KINDS.includes(kind as ArtefactKind)) {
    c.report(['kind'], `kind must be one of ${ARTEFACT_KINDS.join(', ')}, not ${describe(kind)}.`);
  }
  const name = c.name(obj['name'], ['name'], 'name');
  const description = obj['description'];
  if (description !== undefined && typeof description !== 'string') c.report(['description'], `description must be text, not ${describe(description)}.`);
  const common = { ...(name ? { name } : {}), ...(typeof description === 'string' ? { description } : {}) };
  let artefact: Artefact | undefined;
  if (kind === 'mql' || kind === 'sql') artefact = checkQualification(c, obj, kind, common);
  else if (kind === 'score') artefact = checkScoreModel(c, obj, common);
  else if (kind === 'lifecycle') artefact = checkLifecycle(c, obj, common);
  return c.problems.length === 0 && name ? { artefact, problems: [] } : { artefact: undefined, problems: c.problems };
}

function checkQualification(c: Checker, obj: Record<string, unknown>, kind: 'mql' | 'sql', common: { name?: string; description?: string }): QualificationDefinition | undefined {
  c.keys(obj, [], ['kind', 'name', 'description', 'from', 'when'], `An ${kind} definition`);
  let from: (string | null)[] | undefined;
  if (obj['from'] !== undefined) {
    const stages = [...(c.context.stages ?? []), 'none'];
    const list = c.strings(obj['from'], ['from'], 'stages a contact may be in (none: no stage yet)', c.context.stages ? stages : undefined);
    if (list) from = list.map((s) => (s === 'none' ? null : s));
  }
  if (obj['when'] === undefined) c.report([], `An ${kind} definition needs when: the condition a contact must meet.`);
  const when = obj['when'] === undefined ? undefined : c.condition(obj['when'], ['when'], false);
  if (!when || !common.name) return undefined;
  return { kind, ...common, name: common.name, stage: kind, ...(from ? { from } : {}), when };
}

function checkScoreModel(c: Checker, obj: Record<string, unknown>, common: { name?: string; description?: string }): ScoreModel | undefined {
  c.keys(obj, [], ['kind', 'name', 'description', 'half_life_days', 'caps', 'max_total', 'fit', 'behaviour'], 'A score model');
  const halfLifeDays = obj['half_life_days'] === undefined ? undefined : c.number(obj['half_life_days'], ['half_life_days'], 'half_life_days', { positive: true });
  const maxTotal = obj['max_total'] === undefined ? undefined : c.number(obj['max_total'], ['max_total'], 'max_total', { positive: true });
  const caps: Record<string, number> = {};
  if (obj['caps'] !== undefined) {
    const capsObj = c.object(obj['caps'], ['caps'], 'caps');
    for (const [group, v] of Object.entries(capsObj ?? {})) {
      const n = c.number(v, ['caps', group], `The cap of group ${group}`, { positive: true });
      if (n !== undefined) caps[group] = n;
    }
  }
  const rules = <R>(key: string, one: (o: Record<string, unknown>, path: Path) => R | undefined): R[] => {
    const list = obj[key];
    if (list === undefined) return [];
    if (!Array.isArray(list)) return c.report([key], `${key} must be a list of rules, not ${describe(list)}.`), [];
    return list.flatMap((item, i) => {
      const o = c.object(item, [key, i], 'A rule');
      const r = o ? one(o, [key, i]) : undefined;
      return r === undefined ? [] : [r];
    });
  };
  const groupAndPoints = (o: Record<string, unknown>, path: Path) => {
    const group = c.name(o['group'], [...path, 'group'], 'group');
    const points = o['points'] === undefined ? (c.report(path, 'A rule needs points (negative points subtract).'), undefined) : c.number(o['points'], [...path, 'points'], 'points');
    return group !== undefined && points !== undefined ? { group, points } : undefined;
  };
  const fit = rules('fit', (o, path): FitRule | undefined => {
    c.keys(o, path, ['group', 'points', 'when'], 'A fit rule');
    const gp = groupAndPoints(o, path);
    if (o['when'] === undefined) c.report(path, 'A fit rule needs when: the field condition that earns the points.');
    const when = o['when'] === undefined ? undefined : c.condition(o['when'], [...path, 'when'], true);
    return gp && when ? { ...gp, when } : undefined;
  });
  const behaviour = rules('behaviour', (o, path): BehaviourRule | undefined => {
    c.keys(o, path, ['group', 'points', 'touch'], 'A behaviour rule');
    const gp = groupAndPoints(o, path);
    if (o['touch'] === undefined) c.report(path, 'A behaviour rule needs touch: the filter of touches that earn the points (each one).');
    const touch = o['touch'] === undefined ? undefined : c.filter(o['touch'], [...path, 'touch'], []);
    return gp && touch ? { ...gp, touch } : undefined;
  });
  if (obj['fit'] === undefined && obj['behaviour'] === undefined) c.report([], 'A score model needs fit or behaviour rules (or both).');
  const groups = new Set([...fit, ...behaviour].map((r) => r.group));
  for (const group of Object.keys(caps)) {
    if (!groups.has(group)) c.report(['caps', group], `No rule is in group "${group}", so its cap does nothing; fix the group name or remove the cap.`);
  }
  if (!common.name) return undefined;
  return {
    kind: 'score',
    ...common,
    name: common.name,
    ...(halfLifeDays !== undefined ? { halfLifeDays } : {}),
    caps,
    ...(maxTotal !== undefined ? { maxTotal } : {}),
    fit,
    behaviour,
  };
}

function checkLifecycle(c: Checker, obj: Record<string, unknown>, common: { name?: string; description?: string }): LifecycleArtefact | undefined {
  c.keys(obj, [], ['kind', 'name', 'description', 'funnel', 'disqualify_reasons', 'slas', 'approvals', 'lead_statuses'], 'The lifecycle settings');
  const funnel = c.strings(obj['funnel'], ['funnel'], 'funnel stages');
  if (funnel) {
    for (const role of ROLE_STAGES) if (!funnel.includes(role)) c.report(['funnel'], `The funnel must contain ${role}: the engine moves contacts into it. Add it in its place.`);
    for (const exit of Object.values(EXIT_STAGES)) if (funnel.includes(exit)) c.report(['funnel'], `${exit} is an exit, not a funnel stage; remove it from funnel.`);
    const order = ROLE_STAGES.map((r) => funnel.indexOf(r));
    if (order.some((v, i) => i > 0 && v < order[i - 1]!)) c.report(['funnel'], `The role stages must come in the order ${ROLE_STAGES.join(' → ')}.`);
    if (new Set(funnel).size !== funnel.length) c.report(['funnel'], 'A stage is listed twice in funnel.');
  }
  const reasons = c.strings(obj['disqualify_reasons'], ['disqualify_reasons'], 'reason codes');
  const stages = funnel ? [...funnel, ...Object.values(EXIT_STAGES)] : undefined;
  const slas: Sla[] = [];
  if (obj['slas'] !== undefined) {
    if (!Array.isArray(obj['slas'])) c.report(['slas'], `slas must be a list, not ${describe(obj['slas'])}.`);
    else
      obj['slas'].forEach((item, i) => {
        const o = c.object(item, ['slas', i], 'An SLA');
        if (!o) return;
        c.keys(o, ['slas', i], ['stage', 'within_hours'], 'An SLA');
        const stage = c.strings(o['stage'], ['slas', i, 'stage'], 'stages', stages);
        const hours = c.number(o['within_hours'], ['slas', i, 'within_hours'], 'within_hours', { positive: true });
        if (stage && hours !== undefined) slas.push({ stage: stage[0]!, withinHours: hours });
      });
  }
  const teams: Record<string, number> = {};
  const approvals = c.object(obj['approvals'], ['approvals'], 'approvals (approvals needed per team, like {marketing: 1, sales: 1})');
  for (const [team, v] of Object.entries(approvals ?? {})) {
    const n = c.number(v, ['approvals', team], `Approvals of team ${team}`, { integer: true, min: 0 });
    if (n !== undefined) teams[team] = n;
  }
  const leadStatuses = { accepted: [] as string[], rejected: {} as Record<string, string> };
  if (obj['lead_statuses'] !== undefined) {
    const ls = c.object(obj['lead_statuses'], ['lead_statuses'], 'lead_statuses');
    if (ls) {
      c.keys(ls, ['lead_statuses'], ['accepted', 'rejected'], 'lead_statuses');
      if (ls['accepted'] !== undefined) leadStatuses.accepted = (c.strings(ls['accepted'], ['lead_statuses', 'accepted'], 'lead statuses') ?? []).map((s) => s.toLowerCase());
      const rejected = ls['rejected'] === undefined ? {} : c.object(ls['rejected'], ['lead_statuses', 'rejected'], 'rejected (lead status → reason code)');
      for (const [status, reason] of Object.entries(rejected ?? {})) {
        if (typeof reason !== 'string' || (reasons && !reasons.includes(reason))) {
          c.report(['lead_statuses', 'rejected', status], `The reason of lead status "${status}" must be one of disqualify_reasons (${(reasons ?? []).join(', ')}), not ${describe(reason)}.`);
        } else leadStatuses.rejected[status.toLowerCase()] = reason;
      }
    }
  }
  if (!funnel || !reasons || !approvals || !common.name) return undefined;
  return { kind: 'lifecycle', ...common, name: common.name, settings: { funnel, disqualifyReasons: reasons, slas, approvals: { teams }, leadStatuses } };
}

/** Every score model a condition names (for ordering and for loading what a definition needs). */
export function scoreModelsOf(condition: Condition): string[] {
  switch (condition.kind) {
    case 'score':
      return [condition.model];
    case 'all':
    case 'any':
      return [...new Set(condition.of.flatMap(scoreModelsOf))];
    case 'not':
      return scoreModelsOf(condition.of);
    default:
      return [];
  }
}
