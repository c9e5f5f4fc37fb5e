/**
 * Which mapping an import uses: a preset (`--preset hubspot`, the export object detected from the
 * header), a mapping file (`--mapping m.yaml`), or, by default, the identity mapping of a canonical
 * file whose header names are Revline's column names. Always planned against the real header, so
 * every problem is reported before a single row is read.
 */

import { RevlineError } from '../../core/errors.js';
import { loadMappingFile } from './load.js';
import { identityMapping, planMapping, type MappingPlan } from './mapping.js';
import { detectPresetObject, presetFor } from './presets.js';

export type MappingChoice = { readonly preset: string } | { readonly file: string; readonly label: string };

export interface ChosenMapping {
  readonly plan: MappingPlan;
  readonly name: string;
  readonly ignoredColumns: readonly string[];
  readonly warnings: readonly string[];
}

export async function chooseMapping(entity: string, header: readonly string[], choice: MappingChoice | undefined, file: string): Promise<ChosenMapping> {
  const warnings: string[] = [];
  if (choice === undefined) {
    const { mapping } = identityMapping(entity, header);
    const plan = planMapping(mapping, header, { file });
    return { plan, name: mapping.name, ignoredColumns: plan.ignoredColumns, warnings };
  }
  if ('preset' in choice) {
    const object = detectPresetObject(choice.preset, header, entity);
    const mapping = presetFor(choice.preset, object);
    const plan = planMapping(mapping, header, { file });
    for (const s of plan.skipped) warnings.push(`${s.output} skipped: ${s.reason}`);
    return { plan, name: `${choice.preset} ${object}`, ignoredColumns: plan.ignoredColumns, warnings };
  }
  const mapping = await loadMappingFile(choice.file, header);
  if (mapping.entity !== entity) {
    throw new RevlineError('mapping-invalid', `The mapping ${choice.label} is for ${mapping.entity}, but --as says ${entity}.`, {
      hint: `Import with --as ${mapping.entity}, or use a mapping for ${entity}.`,
      at: { file: choice.label },
    });
  }
  const plan = planMapping(mapping, header, { file: choice.label });
  for (const s of plan.skipped) warnings.push(`${s.output} skipped: ${s.reason}`);
  return { plan, name: mapping.name, ignoredColumns: plan.ignoredColumns, warnings };
}
