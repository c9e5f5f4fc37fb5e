/**
 * Our gradient-boosted trees against scikit-learn's bar on the two public conversion datasets,
 * with the same folds as `revline model cv --seed 0`. The datasets are not part of the project:
 * they are read from ../shared/data next to the repository, or from REVLINE_DATA_DIR.
 *
 * The bars are scikit-learn 1.9.1 HistGradientBoostingClassifier() with default settings, mean AUC
 * over the same 5 folds, measured with scripts/sklearn-baseline.py (docs/learning.md has the
 * tables): Leads.csv 0.9364, bank-additional-full.csv 0.8031. We allow 0.005 below them.
 */

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { rowsWhere, takeRows, type Dataset } from '../../src/core/learn/dataset.js';
import { stratifiedFolds } from '../../src/core/learn/folds.js';
import { predictProbabilityGbdt, trainGbdt } from '../../src/core/learn/gbdt.js';
import { auc } from '../../src/core/learn/metrics.js';
import { readCsvDataset } from '../../src/scoring/csv-dataset.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DATA_DIR = process.env.REVLINE_DATA_DIR ?? path.resolve(ROOT, '../shared/data');
const LEADS = path.join(DATA_DIR, 'lead-scoring/Leads.csv');
const BANK = path.join(DATA_DIR, 'bank-marketing/bank-additional-full.csv');

function meanCvAuc(data: Dataset): number {
  const fold = stratifiedFolds(data.labels, 5, 0);
  let sum = 0;
  for (let k = 0; k < 5; k++) {
    const train = takeRows(data, rowsWhere(data.rows, (i) => fold[i] !== k));
    const test = takeRows(data, rowsWhere(data.rows, (i) => fold[i] === k));
    sum += auc(predictProbabilityGbdt(trainGbdt(train), test), test.labels);
  }
  return sum / 5;
}

const leads = fs.existsSync(LEADS);
describe.skipIf(!leads)(leads ? 'Leads.csv (X Education lead scoring)' : `Leads.csv — SKIPPED: not found at ${LEADS} (set REVLINE_DATA_DIR)`, () => {
  it('reaches scikit-learn HistGradientBoosting’s mean 5-fold AUC (0.9364) within 0.005, Tags, Lead Quality and IDs dropped, Select missing', { timeout: 60_000 }, () => {
    const { dataset, skipped } = readCsvDataset(LEADS, { file: 'Leads.csv', target: 'Converted', drop: ['Tags', 'Lead Quality', 'Prospect ID', 'Lead Number'], missing: ['Select'] });
    expect(dataset.rows).toBe(9240);
    expect(skipped.filter((s) => s.reason.startsWith('constant')).length).toBe(5);
    expect(meanCvAuc(dataset)).toBeGreaterThanOrEqual(0.9364 - 0.005);
  });
});

const bank = fs.existsSync(BANK);
describe.skipIf(!bank)(bank ? 'bank-additional-full.csv (UCI Bank Marketing)' : `bank-additional-full.csv — SKIPPED: not found at ${BANK} (set REVLINE_DATA_DIR)`, () => {
  it('reaches scikit-learn HistGradientBoosting’s mean 5-fold AUC (0.8031) within 0.005, duration dropped, early stopping on (> 10,000 rows)', { timeout: 60_000 }, () => {
    const { dataset } = readCsvDataset(BANK, { file: 'bank-additional-full.csv', target: 'y', positive: 'yes', drop: ['duration'] });
    expect(dataset.rows).toBe(41188);
    expect(meanCvAuc(dataset)).toBeGreaterThanOrEqual(0.8031 - 0.005);
  });
});
