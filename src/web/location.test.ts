import { describe, expect, it } from 'vitest';
import { formatPlace, globalFiltersOf, parsePlace, reportQuery, withParam } from './location.js';

describe('dashboard location', () => {
  it('reads the page, its parts and repeated parameters from the hash, and writes them back the same', () => {
    const place = parsePlace('#/contacts/c%2F17?from=2026-01-01&channel=email&channel=events');
    expect(place.path).toEqual(['contacts', 'c/17']);
    expect(place.params.getAll('channel')).toEqual(['email', 'events']);
    expect(formatPlace(place)).toBe('#/contacts/c%2F17?from=2026-01-01&channel=email&channel=events');
    expect(parsePlace('').path).toEqual([]);
    expect(formatPlace({ path: [], params: new URLSearchParams() })).toBe('#/');
  });

  it('carries the global filters to another page and leaves the page options behind', () => {
    const params = new URLSearchParams('model=linear&from=2026-01-01&owner=u1&owner=u2&sort=pipeline');
    expect(globalFiltersOf(params).toString()).toBe('from=2026-01-01&owner=u1&owner=u2');
  });

  it('sets, replaces and removes a parameter without touching the others', () => {
    const params = new URLSearchParams('channel=email&from=2026-01-01');
    expect(withParam(params, 'channel', ['events', 'webinar']).toString()).toBe('from=2026-01-01&channel=events&channel=webinar');
    expect(withParam(params, 'channel', undefined).toString()).toBe('from=2026-01-01');
    expect(withParam(params, 'to', '').toString()).toBe('channel=email&from=2026-01-01');
  });

  it('passes a report only the filters it honours and names the others', () => {
    const params = new URLSearchParams('from=2026-01-01&to=2026-03-31&channel=email&segment=employees>=200');
    const { query, ignored } = reportQuery(params, ['segment', 'channel'], { stage: 'customer', top: undefined });
    expect(query.toString()).toBe('segment=employees%3E%3D200&channel=email&stage=customer');
    expect(ignored).toEqual(['from', 'to']);
  });
});
