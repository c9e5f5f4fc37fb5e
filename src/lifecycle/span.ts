import type { Engine } from '../engine/engine.js';
import { compileMomentSpan } from '../sql/compile/lifecycle.js';

/** The span of every moment in the workspace, for compileJudgement (empty when there are none). */
export async function momentSpan(engine: Engine): Promise<{ span?: { fromUs: number; toUs: number } }> {
  const [row] = await engine.query(compileMomentSpan(engine.dialect));
  const lo = row?.['lo'];
  const hi = row?.['hi'];
  return lo === null || lo === undefined || hi === null || hi === undefined ? {} : { span: { fromUs: Number(lo), toUs: Number(hi) } };
}
