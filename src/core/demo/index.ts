/**
 * The synthetic demo world of `revline demo` (docs/demo-world.md): a seeded, deterministic B2B
 * world at sizes S, M and L that streams every table as canonical CSV and knows its ground truth.
 *
 * Invariants: pure (no I/O, no clock, no Math.random); same options → byte-identical output.
 */

export { generateWorld, demoColumns, DEMO_TABLES } from './world.js';
export type { DemoWorld, DemoTable, DemoCounts, CsvOptions } from './world.js';
export { DEMO_SIZES, SIZE_PARAMS, ICP_THRESHOLD } from './plan.js';
export type { DemoSize, SizeParams, WorldOptions } from './plan.js';
export { CHANNEL_PROFILES, DISQUALIFY_REASONS, LOST_REASONS } from './catalog.js';
export type { ChannelProfile } from './catalog.js';
export { Random, weightTable } from './random.js';
export { simulateSalesDecisions } from './sales.js';
export type { MqlToDecide, SalesDecision } from './sales.js';
export type { WeightTable } from './random.js';
