/**
 * Stratified k-fold assignment, shuffled with a seed: every row gets one fold, each fold has the
 * same share of positives as the whole (as near as whole rows allow).
 *
 * Invariants:
 * - The folds partition the rows: every row has exactly one fold in 0 … k − 1.
 * - For each class, fold counts differ by at most 1; fold sizes differ by at most 1 too, because the
 *   negatives are dealt starting where the positives stopped.
 * - The same labels, k and seed give the same folds (the seed drives sfc32, not Math.random).
 */

import { RevlineError } from '../errors.js';
import { Random } from '../demo/random.js';

/**
 * @example
 * const fold = stratifiedFolds(labels, 5, 0); // fold[i] ∈ 0…4
 * const test = rowsWhere(labels.length, (i) => fold[i] === 2);
 */
export function stratifiedFolds(labels: ArrayLike<number>, k: number, seed: number): Int32Array {
  if (!Number.isInteger(k) || k < 2) throw new RevlineError('usage', `Cross-validation needs at least 2 folds, not ${k}.`, { hint: 'Use --folds 5 (the default) or another whole number ≥ 2.' });
  if (k > labels.length) throw new RevlineError('usage', `${k} folds for ${labels.length} rows: a fold would be empty.`, { hint: 'Use fewer folds than rows.' });
  const rng = Random.seeded(seed).fork('folds');
  const fold = new Int32Array(labels.length);
  let next = 0;
  for (const cls of [1, 0]) {
    const rows: number[] = [];
    for (let i = 0; i < labels.length; i++) if ((labels[i] === 1 ? 1 : 0) === cls) rows.push(i);
    rng.shuffle(rows);
    for (const r of rows) {
      fold[r] = next;
      next = (next + 1) % k;
    }
  }
  return fold;
}
