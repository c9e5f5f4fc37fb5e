import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { RevlineError } from '../../core/errors.js';
import { crossValidate } from '../../core/learn/cross-validate.js';
import { parseDelimiterOption } from '../../ingest/sources/csv.js';
import { readCsvDataset } from '../../scoring/csv-dataset.js';
import { stringOption, type Command } from '../command.js';
import { printDocument, renderTable } from '../output.js';

/** A comma-separated list flag; absent = empty. */
function listOption(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function wholeNumber(text: string | undefined, flag: string, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new RevlineError('usage', `${flag} takes a whole number ≥ ${min}, not "${text}".`);
  return n;
}

/** Metrics as text with a fixed number of decimals: the table printer would round numbers to two. */
const fixed = (x: number, digits = 4) => x.toFixed(digits).padStart(digits + 3);

export const modelCommand: Command = {
  name: 'model',
  summary: 'predictive scoring models: cross-validate gradient-boosted trees and logistic regression on any CSV',
  usage: [
    'revline model cv --csv <file> --target <column> [--drop a,b] [--folds 5] [--seed 0] [--delimiter ";"] [--positive yes]',
    '                 [--missing Select,unknown] [--write-folds folds.csv] [--format table|json]',
    'The target is 1/0, yes/no or true/false, or --positive names its positive value. Empty cells are missing; other',
    'placeholders are categories unless listed in --missing. Constant columns are skipped and reported. See docs/learning.md.',
  ].join('\n'),
  options: {
    csv: { type: 'string' },
    target: { type: 'string' },
    drop: { type: 'string' },
    folds: { type: 'string' },
    seed: { type: 'string' },
    delimiter: { type: 'string' },
    positive: { type: 'string' },
    missing: { type: 'string' },
    'write-folds': { type: 'string' },
  },
  async run(context) {
    if (context.positionals[0] !== 'cv' || context.positionals.length > 1) {
      throw new RevlineError('usage', `revline model takes: cv${context.positionals[0] ? `, not "${context.positionals.join(' ')}"` : ''}.`, { hint: this.usage });
    }
    const csv = stringOption(context.values, 'csv');
    const target = stringOption(context.values, 'target');
    if (csv === undefined || target === undefined) throw new RevlineError('usage', 'revline model cv needs --csv <file> and --target <column>.', { hint: this.usage });
    const folds = wholeNumber(stringOption(context.values, 'folds'), '--folds', 5, 2);
    const seed = wholeNumber(stringOption(context.values, 'seed'), '--seed', 0, 0);
    const delimiterText = stringOption(context.values, 'delimiter');
    const read = readCsvDataset(context.resolvePath(csv), {
      file: csv,
      target,
      drop: listOption(stringOption(context.values, 'drop')),
      delimiter: delimiterText === undefined ? undefined : parseDelimiterOption(delimiterText),
      positive: stringOption(context.values, 'positive'),
      missing: listOption(stringOption(context.values, 'missing')),
    });
    const { dataset } = read;
    let positives = 0;
    for (const y of dataset.labels) positives += y;
    if (positives === 0 || positives === dataset.rows) {
      throw new RevlineError('request-invalid', `Every row of ${csv} has the same outcome (${positives === 0 ? 'negative' : 'positive'}): there is nothing to learn.`, {
        at: { file: csv, field: target },
        hint: 'Check --target, and --positive if the positive value is not 1, yes or true.',
      });
    }
    if (Math.min(positives, dataset.rows - positives) < folds) throw new RevlineError('usage', `Only ${Math.min(positives, dataset.rows - positives)} rows of the smaller class for ${folds} folds.`, { hint: 'Use fewer folds (--folds).' });
    const cv = crossValidate(dataset, { folds, seed, clock: { now: () => performance.now() } });
    const writeFolds = stringOption(context.values, 'write-folds');
    if (writeFolds !== undefined) {
      // row = the data row's number (the first row after the header is 1); fold = 0-based.
      writeFileSync(context.resolvePath(writeFolds), 'row,fold\n' + Array.from(cv.foldOfRow, (f, i) => `${i + 1},${f}`).join('\n') + '\n');
    }
    const document = {
      file: csv,
      target,
      rows: dataset.rows,
      positives,
      delimiter: read.delimiter,
      features: read.columns,
      skipped: read.skipped,
      folds: cv.folds,
      mean: cv.mean,
      ...(writeFolds !== undefined ? { foldsFile: writeFolds } : {}),
    };
    const numeric = read.columns.filter((c) => c.kind === 'numeric').length;
    printDocument(context.io.stdout, context.format, document, () => {
      const head = `${path.basename(csv)}: ${dataset.rows.toLocaleString('en-US')} rows, ${positives.toLocaleString('en-US')} positive (${((positives / dataset.rows) * 100).toFixed(1)}%); target ${target}; ${read.columns.length} features (${numeric} numeric, ${read.columns.length - numeric} categorical)\n`;
      const skipped = read.skipped.length ? read.skipped.map((s) => `skipped ${JSON.stringify(s.column)}: ${s.reason}\n`).join('') : '';
      const table = renderTable({
        title: `Stratified ${folds}-fold cross-validation (seed ${seed}): gradient-boosted trees (defaults) and logistic regression (C = 1)`,
        columns: ['fold', 'test rows', 'GBDT AUC', 'GBDT log loss', 'GBDT trees', 'GBDT fit s', 'logistic AUC', 'logistic log loss', 'logistic fit s'],
        rows: [
          ...cv.folds.map((f) => [String(f.fold), f.testRows, fixed(f.gbdt.auc), fixed(f.gbdt.logLoss), f.gbdt.trees, fixed(f.gbdt.fitSeconds, 2), fixed(f.logistic.auc), fixed(f.logistic.logLoss), fixed(f.logistic.fitSeconds, 2)]),
          ['mean', null, fixed(cv.mean.gbdt.auc), fixed(cv.mean.gbdt.logLoss), null, fixed(cv.mean.gbdt.fitSeconds, 2), fixed(cv.mean.logistic.auc), fixed(cv.mean.logistic.logLoss), fixed(cv.mean.logistic.fitSeconds, 2)],
        ],
      });
      const written = writeFolds !== undefined ? `Folds written to ${writeFolds} (row, fold).\n` : '';
      return head + skipped + table + written;
    });
    return 0;
  },
};
