/**
 * The registry of shared definitions: MQL and SQL definitions, score models and lifecycle settings,
 * each a series of versions that are proposed, approved by both teams, and go live.
 *
 * Invariants:
 * - Nothing is overwritten: a version's text never changes (`definitions`), and everything that
 *   happens to it is an event (`definition_events`); the status of a version is derived from its
 *   events. So `revline definitions history` can always say who approved what, and when.
 * - A version goes live only when the live approval policy is met (default: one marketing and one
 *   sales user), counting distinct users of each team; going live retires the version live before it.
 * - Only users of a team the policy names approve, and a team approves a version only as many times
 *   as the policy needs (once, by default): an approval that cannot count is refused, not recorded.
 * - A definition that names a score model goes live only while that model has a live version.
 * - At most one version of a name is live at a time.
 */

import type { Clock } from '../core/clock.js';
import { RevlineError } from '../core/errors.js';
import { scoreModelsOf, type Artefact, type ArtefactContext, type ArtefactKind, type QualificationDefinition, type ScoreModel } from '../core/lifecycle/language.js';
import { allStages, DEFAULT_LIFECYCLE_SETTINGS, type LifecycleSettings } from '../core/lifecycle/settings.js';
import { DEFINITION_EVENTS, DEFINITIONS } from '../core/schema/tables.js';
import type { Engine } from '../engine/engine.js';
import { ident, param, sql } from '../sql/fragment.js';

export type VersionStatus = 'draft' | 'live' | 'retired';

export interface DefinitionEvent {
  readonly event: 'proposed' | 'approved' | 'live' | 'retired';
  readonly userId: string | null;
  readonly team: string | null;
  readonly at: string;
  readonly note: string | null;
}

export interface StoredVersion {
  readonly name: string;
  readonly version: number;
  readonly kind: ArtefactKind;
  readonly artefact: Artefact;
  readonly source: string;
  readonly file: string | null;
  readonly proposedBy: string | null;
  readonly proposedAt: string;
  readonly events: readonly DefinitionEvent[];
  readonly status: VersionStatus;
}

export interface Registry {
  readonly versions: readonly StoredVersion[];
  /** The live version of each name of these kinds, by name. */
  live(kinds: readonly ArtefactKind[]): StoredVersion[];
  readonly settings: LifecycleSettings;
  /** Live MQL and SQL definitions with the versions that made them. */
  readonly definitions: readonly { readonly definition: QualificationDefinition; readonly version: number }[];
  /** Live score models by name. */
  readonly models: ReadonlyMap<string, ScoreModel>;
  /** What a new file is checked against: known score models and the live stages. */
  readonly context: ArtefactContext;
}

/** A retired version never comes back; otherwise live once it went live. (Events may share an instant.) */
function statusOf(events: readonly DefinitionEvent[]): VersionStatus {
  if (events.some((e) => e.event === 'retired')) return 'retired';
  return events.some((e) => e.event === 'live') ? 'live' : 'draft';
}

export async function loadRegistry(engine: Engine): Promise<Registry> {
  const rows = await engine.query(sql`SELECT name, version, kind, body, source, file, proposed_by, proposed_at FROM ${ident(DEFINITIONS.name)} ORDER BY name, version`);
  const eventRows = await engine.query(sql`SELECT name, version, event, user_id, team, happened_at, note FROM ${ident(DEFINITION_EVENTS.name)} ORDER BY happened_at, name, version`);
  const eventsOf = new Map<string, DefinitionEvent[]>();
  for (const e of eventRows) {
    const key = `${String(e['name'])}@${Number(e['version'])}`;
    const list = eventsOf.get(key) ?? [];
    list.push({ event: e['event'] as DefinitionEvent['event'], userId: (e['user_id'] as string | null) ?? null, team: (e['team'] as string | null) ?? null, at: String(e['happened_at']), note: (e['note'] as string | null) ?? null });
    eventsOf.set(key, list);
  }
  const versions: StoredVersion[] = rows.map((r) => {
    const events = eventsOf.get(`${String(r['name'])}@${Number(r['version'])}`) ?? [];
    return {
      name: String(r['name']),
      version: Number(r['version']),
      kind: r['kind'] as ArtefactKind,
      artefact: JSON.parse(String(r['body'])) as Artefact,
      source: String(r['source']),
      file: (r['file'] as string | null) ?? null,
      proposedBy: (r['proposed_by'] as string | null) ?? null,
      proposedAt: String(r['proposed_at']),
      events,
      status: statusOf(events),
    };
  });
  const live = (kinds: readonly ArtefactKind[]) => versions.filter((v) => v.status === 'live' && kinds.includes(v.kind));
  const lifecycle = live(['lifecycle'])[0];
  const settings = lifecycle && lifecycle.artefact.kind === 'lifecycle' ? lifecycle.artefact.settings : DEFAULT_LIFECYCLE_SETTINGS;
  const definitions = live(['mql', 'sql']).map((v) => ({ definition: v.artefact as QualificationDefinition, version: v.version }));
  const models = new Map(live(['score']).map((v) => [v.name, v.artefact as ScoreModel]));
  const scoreNames = [...new Set(versions.filter((v) => v.kind === 'score').map((v) => v.name))];
  return { versions, live, settings, definitions, models, context: { scoreModels: scoreNames, stages: allStages(settings) } };
}

export interface TeamMember {
  readonly userId: string;
  readonly team: string;
  readonly name: string | null;
}

/** The user named by id or email, with their team; throws `user-unknown` naming the users table. */
export async function findUser(engine: Engine, who: string): Promise<TeamMember> {
  const rows = await engine.query(sql`SELECT user_id, team, name FROM ${ident('users')} WHERE user_id = ${param.string(who)} OR email = ${param.string(who.trim().toLowerCase())} ORDER BY user_id LIMIT 1`);
  const row = rows[0];
  if (!row) {
    throw new RevlineError('user-unknown', `No user "${who}" in this workspace.`, {
      hint: 'Give a user id or email from the users table (import it with `revline import users.csv --as users`).',
    });
  }
  return { userId: String(row['user_id']), team: String(row['team']), name: (row['name'] as string | null) ?? null };
}

async function addEvent(engine: Engine, name: string, version: number, event: DefinitionEvent['event'], at: number, user: TeamMember | null, note: string | null): Promise<void> {
  await engine.append(DEFINITION_EVENTS.name, ['name', 'version', 'event', 'user_id', 'team', 'happened_at', 'note'], [[name, version, event, user?.userId ?? null, user?.team ?? null, new Date(at).toISOString(), note]]);
}

/**
 * Stores a checked artefact as the next version of its name, as a draft.
 * Refuses a kind change under one name and a version identical to the latest.
 */
export async function propose(
  engine: Engine,
  input: { artefact: Artefact; source: string; file: string | null; by: string | null },
  clock: Clock,
): Promise<StoredVersion> {
  const registry = await loadRegistry(engine);
  const earlier = registry.versions.filter((v) => v.name === input.artefact.name);
  const latest = earlier[earlier.length - 1];
  if (latest && latest.kind !== input.artefact.kind) {
    throw new RevlineError('definition-invalid', `"${input.artefact.name}" is a ${latest.kind} definition; this file is kind ${input.artefact.kind}.`, {
      hint: 'Give the new definition its own name.',
    });
  }
  if (latest && JSON.stringify(latest.artefact) === JSON.stringify(input.artefact)) {
    throw new RevlineError('definition-invalid', `Version ${latest.version} of "${latest.name}" already says exactly this (${latest.status}).`, {
      hint: latest.status === 'draft' ? `Approve it: revline definitions approve ${latest.name} --as <user>.` : 'Change the file before proposing it again.',
    });
  }
  const user = input.by === null ? null : await findUser(engine, input.by);
  const version = (latest?.version ?? 0) + 1;
  const at = clock.now();
  await engine.append(
    DEFINITIONS.name,
    ['name', 'version', 'kind', 'body', 'source', 'file', 'proposed_by', 'proposed_at'],
    [[input.artefact.name, version, input.artefact.kind, JSON.stringify(input.artefact), input.source, input.file, user?.userId ?? null, new Date(at).toISOString()]],
  );
  await addEvent(engine, input.artefact.name, version, 'proposed', at, user, null);
  const after = await loadRegistry(engine);
  return after.versions.find((v) => v.name === input.artefact.name && v.version === version)!;
}

export interface ApprovalResult {
  readonly version: StoredVersion;
  /** Approvals per team so far, and what the policy needs. */
  readonly approvals: Readonly<Record<string, { have: number; need: number }>>;
  readonly wentLive: boolean;
  readonly retired: number | null;
}

/** Records `who`'s approval of a draft (the latest, or `version`); makes it live once the policy is met. */
export async function approve(engine: Engine, name: string, who: string, clock: Clock, version?: number): Promise<ApprovalResult> {
  const registry = await loadRegistry(engine);
  const versions = registry.versions.filter((v) => v.name === name);
  if (versions.length === 0) {
    const names = [...new Set(registry.versions.map((v) => v.name))];
    throw new RevlineError('definition-not-found', `There is no definition "${name}".`, { hint: names.length ? `Known: ${names.join(', ')}.` : 'Propose one first: revline definitions propose <file>.' });
  }
  const target = version === undefined ? versions.filter((v) => v.status === 'draft').pop() : versions.find((v) => v.version === version);
  if (!target) {
    throw new RevlineError('definition-not-found', version === undefined ? `"${name}" has no draft to approve.` : `"${name}" has no version ${version}.`, {
      hint: `See revline definitions history ${name}.`,
    });
  }
  if (target.status !== 'draft') {
    throw new RevlineError('approval-refused', `Version ${target.version} of "${name}" is ${target.status}; only drafts are approved.`, { hint: 'Propose a new version to change it.' });
  }
  const user = await findUser(engine, who);
  if (target.events.some((e) => e.event === 'approved' && e.userId === user.userId)) {
    throw new RevlineError('approval-refused', `${user.userId} has already approved version ${target.version} of "${name}".`, { hint: 'Each user approves a version once.' });
  }
  const policy = registry.settings.approvals.teams;
  const teams = Object.keys(policy);
  const need = policy[user.team];
  if (need === undefined) {
    throw new RevlineError('approval-refused', `${user.userId} is of team ${user.team}; approvals of definitions count for ${teams.join(' and ')} only.`, {
      hint: `Ask a user of team ${teams.join(' or ')} to approve, or change the approval policy (lifecycle settings).`,
    });
  }
  const ofTeam = [...new Set(target.events.filter((e) => e.event === 'approved' && e.team === user.team).map((e) => e.userId))];
  if (ofTeam.length >= need) {
    const waiting = teams.filter((t) => new Set(target.events.filter((e) => e.event === 'approved' && e.team === t).map((e) => e.userId)).size < policy[t]!);
    throw new RevlineError('approval-refused', `Team ${user.team} has approved version ${target.version} of "${name}" already (${ofTeam.join(', ')}).`, {
      hint: waiting.length ? `It waits for ${waiting.join(' and ')}.` : 'It needs no further approval.',
    });
  }
  if (target.kind === 'mql' || target.kind === 'sql') {
    const missing = scoreModelsOf((target.artefact as QualificationDefinition).when).filter((m) => !registry.models.has(m));
    if (missing.length > 0) {
      throw new RevlineError('approval-refused', `Version ${target.version} of "${name}" uses score model ${missing.join(', ')}, which is not live.`, {
        hint: `Approve the score model first (revline definitions approve ${missing[0]} --as <user>).`,
      });
    }
  }
  const at = clock.now();
  await addEvent(engine, name, target.version, 'approved', at, user, null);
  const approvers = [...target.events.filter((e) => e.event === 'approved'), { userId: user.userId, team: user.team }];
  const approvals: Record<string, { have: number; need: number }> = {};
  for (const [team, need] of Object.entries(registry.settings.approvals.teams)) {
    approvals[team] = { have: new Set(approvers.filter((a) => a.team === team).map((a) => a.userId)).size, need };
  }
  const ready = Object.values(approvals).every((a) => a.have >= a.need);
  let retired: number | null = null;
  if (ready) {
    const previous = versions.find((v) => v.status === 'live');
    if (previous) {
      await addEvent(engine, name, previous.version, 'retired', at, null, `replaced by version ${target.version}`);
      retired = previous.version;
    }
    await addEvent(engine, name, target.version, 'live', at, null, `approved by ${[...new Set(approvers.map((a) => `${a.userId} (${a.team})`))].join(', ')}`);
  }
  const after = await loadRegistry(engine);
  return { version: after.versions.find((v) => v.name === name && v.version === target.version)!, approvals, wentLive: ready, retired };
}
