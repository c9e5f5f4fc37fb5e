import { describe, expect, test } from 'vitest';
import { RevlineError } from '../errors.js';
import { dayBoundsUs, parseFilters, parseSegmentCondition, segmentConditionHolds } from './filters.js';

const refusal = (f: () => unknown): RevlineError => {
  try {
    f();
  } catch (e) {
    if (e instanceof RevlineError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
};

describe('segment conditions', () => {
  test('parse field, operator and one or several values into typed values', () => {
    expect(parseSegmentCondition('employees>=200')).toEqual({ field: 'employees', op: '>=', values: [200] });
    expect(parseSegmentCondition(' industry = Software, Fintech ')).toEqual({ field: 'industry', op: '=', values: ['Software', 'Fintech'] });
    expect(parseSegmentCondition('icp=TRUE')).toEqual({ field: 'icp', op: '=', values: [true] });
    expect(parseSegmentCondition('Revenue<5000000.5')).toEqual({ field: 'revenue', op: '<', values: [5000000.5] });
  });

  test('refuse what cannot be meant, naming the fix', () => {
    expect(refusal(() => parseSegmentCondition('industy=software')).message).toContain('Did you mean "industry"');
    expect(refusal(() => parseSegmentCondition('industry>software')).message).toContain('takes = or !=');
    expect(refusal(() => parseSegmentCondition('employees>=lots')).message).toContain('takes a number');
    expect(refusal(() => parseSegmentCondition('employees>=1,2')).message).toContain('only = and != take several values');
    expect(refusal(() => parseSegmentCondition('icp=maybe')).message).toContain('true or false');
    expect(refusal(() => parseSegmentCondition('industry=')).message).toContain('no value');
    expect(refusal(() => parseSegmentCondition('big accounts')).hint).toContain('Operators');
  });

  test('hold per the reference: case-insensitive text, list items, numbers, and false on a missing field', () => {
    const acme = { industry: 'Software', employees: 500, technologies: 'Salesforce; HubSpot', is_icp: true, country: null };
    expect(segmentConditionHolds(parseSegmentCondition('industry=software'), acme)).toBe(true);
    expect(segmentConditionHolds(parseSegmentCondition('industry!=software'), acme)).toBe(false);
    expect(segmentConditionHolds(parseSegmentCondition('technology=hubspot'), acme)).toBe(true);
    expect(segmentConditionHolds(parseSegmentCondition('technology=hub'), acme)).toBe(false);
    expect(segmentConditionHolds(parseSegmentCondition('employees>499'), acme)).toBe(true);
    expect(segmentConditionHolds(parseSegmentCondition('employees<500'), acme)).toBe(false);
    expect(segmentConditionHolds(parseSegmentCondition('icp=true'), acme)).toBe(true);
    expect(segmentConditionHolds(parseSegmentCondition('country!=DE'), acme)).toBe(false);
    expect(segmentConditionHolds(parseSegmentCondition('industry=software'), undefined)).toBe(false);
  });
});

describe('filters', () => {
  test('split comma lists, lower-case vocabularies and check them', () => {
    const f = parseFilters({ from: '2026-01-01', to: '2026-03-31', channel: ['Email, webinar'], owner: ['u1', 'u2'], createdBy: ['Sales'] });
    expect(f).toMatchObject({ from: '2026-01-01', to: '2026-03-31', channels: ['email', 'webinar'], owners: ['u1', 'u2'], createdBy: ['sales'], campaigns: [], segment: [] });
    expect(refusal(() => parseFilters({ channel: ['emial'] })).message).toContain('Did you mean "email"');
    expect(refusal(() => parseFilters({ createdBy: ['robots'] })).hint).toContain('marketing');
    expect(refusal(() => parseFilters({ from: '2026-02-30' })).message).toContain('YYYY-MM-DD');
    expect(refusal(() => parseFilters({ from: '2026-03-01', to: '2026-02-01' })).message).toContain('after');
  });

  test('days are whole UTC days, both ends included', () => {
    const { fromUs, toUs } = dayBoundsUs({ from: '2026-01-01', to: '2026-01-01' });
    expect(fromUs).toBe(Date.parse('2026-01-01T00:00:00Z') * 1000);
    expect(toUs! - fromUs!).toBe(86_400_000_000 - 1);
    expect(dayBoundsUs({})).toEqual({});
  });
});
