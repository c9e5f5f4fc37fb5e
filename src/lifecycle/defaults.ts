/**
 * The default definitions Revline ships (examples/definitions/): a rule score, an MQL and an SQL
 * definition. The demo world runs on them; a workspace proposes them like any other file.
 *
 * Invariants:
 * - They go through the same path as a user's file: checked, proposed, approved by the policy's
 *   teams; nothing is written to the registry directly.
 */

import { fileURLToPath } from 'node:url';
import type { Clock } from '../core/clock.js';
import type { Engine } from '../engine/engine.js';
import { loadDefinitionFile } from './files.js';
import { approve, loadRegistry, propose } from './store.js';

/** In dependency order: the score model before the definitions that name it. */
export const DEFAULT_DEFINITION_FILES = ['engagement.yaml', 'mql.yaml', 'sql.yaml'] as const;

/** Where the shipped definition files are (the package's examples/definitions). */
export function defaultDefinitionPath(file: string): string {
  return fileURLToPath(new URL(`../../examples/definitions/${file}`, import.meta.url));
}

/**
 * Proposes each default definition that has no version yet and has `approvers` approve it.
 * Returns the names that went live.
 */
export async function installDefaultDefinitions(engine: Engine, options: { proposer: string; approvers: readonly string[]; clock: Clock }): Promise<string[]> {
  const live: string[] = [];
  for (const file of DEFAULT_DEFINITION_FILES) {
    const registry = await loadRegistry(engine);
    const path = defaultDefinitionPath(file);
    const { artefact, source } = await loadDefinitionFile(path, registry.context);
    if (registry.versions.some((v) => v.name === artefact.name)) continue;
    await propose(engine, { artefact, source, file: `examples/definitions/${file}`, by: options.proposer }, options.clock);
    for (const user of options.approvers) {
      const r = await approve(engine, artefact.name, user, options.clock);
      if (r.wentLive) {
        live.push(artefact.name);
        break;
      }
    }
  }
  return live;
}
