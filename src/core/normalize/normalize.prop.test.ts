import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../vocabulary.js';
import { daysFromCivil, daysInMonth, mapChannel, microsToIso, normalizeDecimal, normalizeEmail, normalizeTimestamp, vocabularyKey } from './index.js';

describe('normalisation properties', () => {
  it('is idempotent on emails: a normalised email normalises to itself', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        const once = normalizeEmail(` ${email.toUpperCase()} `);
        if (!once.ok || once.value === null) return;
        expect(normalizeEmail(once.value)).toEqual(once);
      }),
    );
  });

  it('agrees with JS Date on every valid UTC instant between 1900 and 2199', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        const r = normalizeTimestamp(d.toISOString());
        expect(r.ok && r.value !== null && microsToIso(r.value)).toBe(d.toISOString());
      }),
    );
  });

  it('counts days without gaps: consecutive dates are one day apart', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1900, max: 2199 }), fc.integer({ min: 1, max: 12 }), (year, month) => {
        const last = daysInMonth(year, month);
        const next = month === 12 ? daysFromCivil(year + 1, 1, 1) : daysFromCivil(year, month + 1, 1);
        expect(next - daysFromCivil(year, month, last)).toBe(1);
      }),
    );
  });

  it('rounds amounts to cents exactly like integer arithmetic on the digits', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 13n - 1n }), fc.integer({ min: 0, max: 999 }), (whole, thousandths) => {
        const text = `${whole}.${String(thousandths).padStart(3, '0')}`;
        const cents = whole * 100n + BigInt(Math.floor(thousandths / 10)) + (thousandths % 10 >= 5 ? 1n : 0n);
        expect(normalizeDecimal(text)).toEqual({ ok: true, value: Number(cents) / 100 });
      }),
    );
  });

  it('maps any input to null or a channel of the vocabulary', () => {
    const text = fc.option(fc.string(), { nil: null });
    fc.assert(
      fc.property(text, text, text, (channel, source, medium) => {
        const r = mapChannel({ channel, source, medium });
        if (r === null) expect([channel, source, medium].every((v) => vocabularyKey(v) === null)).toBe(true);
        else expect(CHANNELS).toContain(r);
      }),
    );
  });
});
