import fc from 'fast-check';
import { expect, test } from 'vitest';
import { DAY_US } from '../../src/core/scoring/features.js';
import { snapshotMoments, timeSplit } from '../../src/scoring/train.js';

test('the time split learns from the earliest moments, stops on later ones and calibrates on the latest, each part at least one moment, together every row once', () => {
  fc.assert(
    fc.property(fc.integer({ min: 3, max: 40 }), fc.integer({ min: 1, max: 30 }), (count, perMoment) => {
      const moments = Array.from({ length: count }, (_, i) => i * 30 * DAY_US);
      const times = Float64Array.from({ length: count * perMoment }, (_, i) => moments[i % count]!);
      const { fit, stop, calibrate } = timeSplit(times, moments);
      expect(fit.length + stop.length + calibrate.length).toBe(times.length);
      expect(new Set([...fit, ...stop, ...calibrate]).size).toBe(times.length);
      for (const part of [fit, stop, calibrate]) expect(part.length).toBeGreaterThan(0);
      const latest = (rows: Uint32Array) => Math.max(...Array.from(rows, (i) => times[i]!));
      const earliest = (rows: Uint32Array) => Math.min(...Array.from(rows, (i) => times[i]!));
      expect(latest(fit)).toBeLessThan(earliest(stop));
      expect(latest(stop)).toBeLessThan(earliest(calibrate));
      // Calibration is the latest tenth (at least one moment), not more than a fifth.
      expect(new Set(Array.from(calibrate, (i) => times[i])).size).toBeLessThanOrEqual(Math.max(1, Math.ceil(count * 0.2)));
    }),
  );
});

test('snapshot moments step back from the last by whole periods and never before the first, oldest first', () => {
  const last = 100 * DAY_US;
  expect(snapshotMoments(0, last, 30)).toEqual([10, 40, 70, 100].map((d) => d * DAY_US));
  expect(snapshotMoments(10 * DAY_US, last, 30)).toEqual([10, 40, 70, 100].map((d) => d * DAY_US));
  expect(snapshotMoments(11 * DAY_US, last, 30)).toEqual([40, 70, 100].map((d) => d * DAY_US));
  expect(snapshotMoments(last + 1, last, 30)).toEqual([]);
});
