/**
 * The public "CRM + Sales + Opportunities" dataset (Maven Analytics) imported through the mapping
 * files of examples/crm-sales-pipeline/, for every suite that runs on it (import, reports), so the
 * import is written once.
 *
 * The dataset is not part of the project: it is read from `$REVLINE_DATA_DIR/crm-sales-pipeline/`,
 * by default `<project>/../shared/data/crm-sales-pipeline/`. Suites skip themselves, saying so,
 * when it is not there. The folder is only read: no rejected-rows report is written beside its files.
 */

import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from '../../src/engine/engine.js';
import type { ImportSummary } from '../../src/ingest/import.js';
import { importWith } from './fixtures.js';

const PROJECT = path.resolve(import.meta.dirname, '../..');
const MAPPINGS = path.join(PROJECT, 'examples/crm-sales-pipeline');

/** The folder holding the dataset's CSV files (it may not exist). */
export const CRM_DATA_DIR = path.join(process.env.REVLINE_DATA_DIR ?? path.join(PROJECT, '../shared/data'), 'crm-sales-pipeline');

/** Whether the dataset is there to run on. */
export const CRM_DATASET_PRESENT = fs.existsSync(path.join(CRM_DATA_DIR, 'sales_pipeline.csv'));

/**
 * Says plainly that a suite was skipped and why (call it where the suite is declared), so a run
 * without the dataset cannot pass for a run on it.
 */
export function noteCrmDatasetSkipped(suite: string): void {
  if (!CRM_DATASET_PRESENT) {
    console.warn(`SKIPPED ${suite}: no dataset at ${CRM_DATA_DIR} (set REVLINE_DATA_DIR to the folder holding crm-sales-pipeline/).`);
  }
}

export interface CrmImport {
  readonly accounts: ImportSummary;
  readonly users: ImportSummary;
  readonly pipeline: ImportSummary;
}

/**
 * Imports accounts, sales teams and the pipeline, in that order, through their mapping files, with
 * the import suites' pinned clock.
 *
 * @example
 * const crm = await importCrmDataset(engine());
 * expect(crm.pipeline.inserted).toBe(8800);
 */
export async function importCrmDataset(engine: Engine, dataDir = CRM_DATA_DIR): Promise<CrmImport> {
  const load = (file: string, entity: string, mapping: string) =>
    importWith(engine, path.join(dataDir, file), entity, {
      mapping: { file: path.join(MAPPINGS, mapping), label: mapping },
      rejectedReport: false,
    });
  const accounts = await load('accounts.csv', 'accounts', 'accounts.yaml');
  const users = await load('sales_teams.csv', 'users', 'sales-teams.yaml');
  const pipeline = await load('sales_pipeline.csv', 'opportunities', 'sales-pipeline.yaml');
  return { accounts, users, pipeline };
}
