import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../vocabulary.js';
import {
  daysFromCivil,
  hostOf,
  mapChannel,
  normalizeBoolean,
  normalizeDate,
  normalizeDecimal,
  normalizeDomain,
  normalizeEmail,
  normalizeEnum,
  normalizeInteger,
  normalizeTimestamp,
  microsToIso,
  trimToNull,
  vocabularyKey,
} from './index.js';

const iso = (raw: string, timezone?: string): string | null => {
  const r = normalizeTimestamp(raw, { timezone });
  if (!r.ok) return r.code;
  return r.value === null ? null : microsToIso(r.value);
};

describe('text', () => {
  it('trims ASCII white space only and turns empty into null, because engines trim exactly that', () => {
    expect(trimToNull('  a b \t\r\n')).toBe('a b');
    expect(trimToNull(' \t ')).toBeNull();
    expect(trimToNull('\u00a0x\u00a0')).toBe('\u00a0x\u00a0');
  });
  it('folds spaces, dashes and underscores so "Paid Search" and "paid-search" are one key', () => {
    expect(vocabularyKey(' Paid  Search ')).toBe('paid_search');
    expect(vocabularyKey('paid-_-search')).toBe('paid_search');
    expect(vocabularyKey('')).toBeNull();
  });
});

describe('email', () => {
  it('trims and lower-cases, because CRMs store the same person in different cases', () => {
    expect(normalizeEmail('  Jo.Smith@ACME.com ')).toEqual({ ok: true, value: 'jo.smith@acme.com' });
  });
  it('refuses addresses without a real domain, with the value in the message', () => {
    for (const bad of ['jo', 'jo@acme', '@acme.com', 'jo@@acme.com', 'jo smith@acme.com', 'jo@acme..com', 'jo@-acme.com']) {
      const r = normalizeEmail(bad);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.message).toContain(bad.trim());
    }
  });
  it('leaves an empty value empty rather than invalid', () => {
    expect(normalizeEmail('   ')).toEqual({ ok: true, value: null });
  });
});

describe('domain', () => {
  it.each([
    ['https://www.Acme.com/pricing?x=1#top', 'acme.com'],
    ['acme.com', 'acme.com'],
    ['www.acme.co.uk:8080', 'acme.co.uk'],
    ['jo@Sub.Acme.com', 'sub.acme.com'],
    ['http://user:pw@acme.io/path', 'acme.io'],
    ['acme.com.', 'acme.com'],
  ])('takes the host of %s', (raw, host) => {
    expect(normalizeDomain(raw)).toEqual({ ok: true, value: host });
  });
  it('refuses values with no host name', () => {
    expect(normalizeDomain('n/a').ok).toBe(false);
    expect(normalizeDomain('localhost').ok).toBe(false);
    expect(hostOf('')).toBeNull();
  });
});

describe('timestamp', () => {
  it('converts a zoned time to UTC', () => {
    expect(iso('2024-03-05T14:22:07+02:00')).toBe('2024-03-05T12:22:07.000Z');
    expect(iso('2024-03-05 14:22:07.123456Z')).toBe('2024-03-05T14:22:07.123Z');
    expect(iso('2024-03-05T14:22-0530')).toBe('2024-03-05T19:52:00.000Z');
    expect(iso('2024-03-05T23:30:00 UTC')).toBe('2024-03-05T23:30:00.000Z');
  });
  it('reads 10-digit epochs as seconds and 13-digit epochs as milliseconds', () => {
    expect(iso('1709648527')).toBe('2024-03-05T14:22:07.000Z');
    expect(iso('1709648527123')).toBe('2024-03-05T14:22:07.123Z');
  });
  it('refuses a wall-clock time without --timezone instead of guessing a zone', () => {
    expect(iso('2024-03-05 14:22')).toBe('timestamp-zone-missing');
    expect(iso('2024-03-05')).toBe('timestamp-zone-missing');
  });
  it('reads a wall-clock time in the given zone, across daylight saving time', () => {
    expect(iso('2024-01-15 09:00', 'Europe/Berlin')).toBe('2024-01-15T08:00:00.000Z');
    expect(iso('2024-07-15 09:00', 'Europe/Berlin')).toBe('2024-07-15T07:00:00.000Z');
    expect(iso('2024-07-15 09:00', 'America/New_York')).toBe('2024-07-15T13:00:00.000Z');
    expect(iso('2024-07-15 09:00', 'UTC')).toBe('2024-07-15T09:00:00.000Z');
  });
  it('checks the calendar exactly: leap days, month lengths, hours', () => {
    expect(iso('2024-02-29T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
    expect(iso('2023-02-29T00:00:00Z')).toBe('timestamp-invalid');
    expect(iso('1900-02-29T00:00:00Z')).toBe('timestamp-invalid');
    expect(iso('2000-02-29T00:00:00Z')).toBe('2000-02-29T00:00:00.000Z');
    expect(iso('2024-04-31T00:00:00Z')).toBe('timestamp-invalid');
    expect(iso('2024-01-01T24:00:00Z')).toBe('timestamp-invalid');
    expect(iso('2024-01-01T10:00:00+15:00')).toBe('timestamp-invalid');
    expect(iso('1899-12-31T00:00:00Z')).toBe('timestamp-out-of-range');
    expect(iso('03/05/2024')).toBe('timestamp-invalid');
  });
  it('counts days like the proleptic Gregorian calendar', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2000, 3, 1)).toBe(11017);
    expect(daysFromCivil(1900, 1, 1)).toBe(-25567);
  });
  it('gives dates as written, or the UTC day of a zoned time', () => {
    expect(normalizeDate('2024-03-05')).toEqual({ ok: true, value: '2024-03-05' });
    expect(normalizeDate('2024-03-05T23:30:00-02:00')).toEqual({ ok: true, value: '2024-03-06' });
    expect(normalizeDate('2024-13-01').ok).toBe(false);
  });
});

describe('numbers', () => {
  it('reads amounts with currency symbols and thousands groups, rounding half away from zero', () => {
    expect(normalizeDecimal('$1,234.505')).toEqual({ ok: true, value: 1234.51 });
    expect(normalizeDecimal('-0.005')).toEqual({ ok: true, value: -0.01 });
    expect(normalizeDecimal('0.004')).toEqual({ ok: true, value: 0 });
    expect(normalizeDecimal('12')).toEqual({ ok: true, value: 12 });
  });
  it('refuses decimal commas and exponents, which would be ambiguous', () => {
    for (const bad of ['1.234,50', '1e3', '12,34', 'abc', '1 234']) expect(normalizeDecimal(bad).ok, bad).toBe(false);
  });
  it('reads whole numbers, with groups or a zero fraction', () => {
    expect(normalizeInteger('1,200')).toEqual({ ok: true, value: 1200 });
    expect(normalizeInteger('250.0')).toEqual({ ok: true, value: 250 });
    expect(normalizeInteger('2.5').ok).toBe(false);
  });
  it('reads the words CRMs use for booleans', () => {
    expect(normalizeBoolean('Yes')).toEqual({ ok: true, value: true });
    expect(normalizeBoolean('FALSE')).toEqual({ ok: true, value: false });
    expect(normalizeBoolean('maybe').ok).toBe(false);
  });
});

describe('enum', () => {
  it('accepts any spelling of a listed value and names the list when refusing', () => {
    expect(normalizeEnum('Form Fill', ['form_fill', 'page_view'])).toEqual({ ok: true, value: 'form_fill' });
    const r = normalizeEnum('visit', ['form_fill', 'page_view']);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('form_fill, page_view');
  });
});

describe('channel', () => {
  it('takes a channel named directly or by a synonym', () => {
    expect(mapChannel({ channel: 'Paid Search' })).toBe('paid_search');
    expect(mapChannel({ channel: 'Trade Show' })).toBe('events');
  });
  it('derives the channel from medium and source like web analytics does', () => {
    expect(mapChannel({ source: 'google', medium: 'cpc' })).toBe('paid_search');
    expect(mapChannel({ source: 'linkedin', medium: 'cpc' })).toBe('paid_social');
    expect(mapChannel({ source: 'google', medium: 'organic' })).toBe('organic_search');
    expect(mapChannel({ source: 'bing' })).toBe('organic_search');
    expect(mapChannel({ source: 't.co' })).toBe('organic_social');
    expect(mapChannel({ source: '(direct)', medium: '(none)' })).toBe('direct');
    expect(mapChannel({ source: 'newsletter-42', medium: 'email' })).toBe('email');
  });
  it('maps what it does not know to other, and nothing to null', () => {
    expect(mapChannel({ channel: 'carrier pigeon' })).toBe('other');
    expect(mapChannel({ source: 'somesite', medium: 'weird' })).toBe('other');
    expect(mapChannel({})).toBeNull();
  });
  it('never leaves the channel vocabulary', () => {
    for (const c of ['x', 'cpc', 'Email', 'foo', 'partner referral']) {
      const r = mapChannel({ channel: c, source: c, medium: c });
      expect(r === null || (CHANNELS as readonly string[]).includes(r)).toBe(true);
    }
  });
});
