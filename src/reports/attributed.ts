/**
 * Attributed figures for reports: attribution's credits (attribution/run.ts) over the conversions a
 * report's filters keep, summed by bucket (sql/compile/reports/attributed.ts), checked to add up.
 */

import type { AttributionRequest } from '../attribution/run.js';
import { withCredits } from '../attribution/run.js';
import { internalError } from '../core/errors.js';
import type { Engine } from '../engine/engine.js';
import type { SqlFragment } from '../sql/fragment.js';
import { compileCreditedBy, type Bucketing } from '../sql/compile/reports/attributed.js';
import { count, text } from './report.js';

export interface Amounts {
  /** Conversions (fractional when credited). */
  readonly conversions: number;
  readonly value: number;
}

export interface Credited {
  /** Credit by bucket (NULL: touches without a key); `reached`: distinct conversions with a touch in it, when asked. */
  readonly credited: readonly (Amounts & { readonly bucket: string | null; readonly reached: number })[];
  /** The conversions without a touch in their window. */
  readonly unattributed: Amounts;
  /** Every conversion that counts: credited + unattributed. */
  readonly all: Amounts;
}

/** The credit of `conversions` (a SELECT of `conversion_id`, `value`) under `request`, by bucket. */
export async function creditedBy(engine: Engine, request: AttributionRequest, conversions: SqlFragment, bucketing: Bucketing, reached: boolean): Promise<Credited> {
  const rows = await withCredits(engine, request, (relations) => engine.query(compileCreditedBy(engine.dialect, relations, conversions, bucketing, { reached })));
  const amounts = (kind: string): Amounts => {
    const r = rows.find((x) => x['kind'] === kind);
    return { conversions: count(r?.['conversions']), value: count(r?.['value']) };
  };
  const credited = rows.filter((r) => r['kind'] === 'credited').map((r) => ({ bucket: text(r['bucket']), conversions: count(r['conversions']), value: count(r['value']), reached: count(r['reached']) }));
  const result = { credited, unattributed: amounts('unattributed'), all: amounts('all') };
  // Shares of a conversion sum to 1 and credits to its value: what is credited and what is not make up every conversion.
  const sum = credited.reduce((a, c) => ({ conversions: a.conversions + c.conversions, value: a.value + c.value }), result.unattributed);
  const near = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
  if (!near(sum.conversions, result.all.conversions) || !near(sum.value, result.all.value)) {
    throw internalError(`Attributed ${request.conversion.kind} conversions do not add up: ${sum.conversions} credited and unattributed of ${result.all.conversions}; value ${sum.value} of ${result.all.value}.`);
  }
  return result;
}
