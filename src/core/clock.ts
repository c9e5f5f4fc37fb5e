/**
 * Time and randomness enter the core as parameters, never as `Date.now()` or `Math.random()`,
 * so every computation can be replayed "as of" a moment and every test pins its clock.
 */

export interface Clock {
  /** Milliseconds since the Unix epoch, UTC. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export function fixedClock(at: number | string): Clock {
  const ms = typeof at === 'number' ? at : Date.parse(at);
  return { now: () => ms };
}
