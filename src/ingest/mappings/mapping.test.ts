import { describe, expect, it } from 'vitest';
import { RevlineError } from '../../core/errors.js';
import {
  checkMapping,
  closestName,
  evaluateExpr,
  evaluatePlan,
  identityMapping,
  matchHeader,
  planMapping,
  validateMapping,
  type Mapping,
  type ValueExpr,
} from './mapping.js';

const touchMapping = (columns: Record<string, unknown>): unknown => ({
  name: 'web',
  description: 'web events',
  entity: 'touchpoints',
  outputs: [{ entity: 'touchpoints', columns }],
});

describe('validateMapping', () => {
  it('reports every problem at once instead of stopping at the first', () => {
    const problems = validateMapping(
      {
        name: 'bad',
        description: 'many problems',
        entity: 'touchpoints',
        outputs: [
          {
            entity: 'touchpoints',
            columns: {
              touchpoint_id: { column: 'event_id' },
              ocurred_at: { column: 'event_time' },
              touch_type: { column: 'event_name', map: { pageview: 'page_vew' } },
              channel: { constant: 'tv' },
              url: { colum: 'page' },
            },
          },
          { entity: 'touchpoint', columns: {} },
        ],
      },
      ['event_id', 'event_time', 'evnt_name'],
      { file: 'web.yaml' },
    );
    const codes = problems.map((p) => p.code).sort();
    expect(codes).toEqual(
      ['column-required', 'column-unknown', 'entity-unknown', 'expression-invalid', 'file-column-missing', 'value-not-allowed', 'value-not-allowed'].sort(),
    );
    expect(problems.every((p) => p.at.file === 'web.yaml')).toBe(true);
    const byCode = (c: string) => problems.filter((p) => p.code === c).map((p) => p.message).join(' | ');
    expect(byCode('column-unknown')).toContain('Did you mean "occurred_at"?');
    expect(byCode('entity-unknown')).toContain('Did you mean "touchpoints"?');
    expect(byCode('file-column-missing')).toContain('Did you mean "evnt_name"?');
    expect(byCode('value-not-allowed')).toContain('Did you mean "page_view"?');
    expect(byCode('expression-invalid')).toContain('Did you mean "column"?');
  });

  it('names the field path of each problem so the user finds it without line numbers', () => {
    const problems = validateMapping(touchMapping({ touchpoint_id: { column: 'id' }, occurred_at: { column: 'when' }, touch_type: { constant: 'visit' } }), ['id', 'when']);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.at.field).toBe('outputs[0].columns.touch_type.constant');
  });

  it('accepts enum values written the way the enum normalizer folds them', () => {
    const problems = validateMapping(touchMapping({ touchpoint_id: { column: 'id' }, occurred_at: { column: 'when' }, touch_type: { constant: 'Page View' } }), ['id', 'when']);
    expect(problems).toEqual([]);
  });

  it('checks channel and boolean literals against their vocabularies', () => {
    const m = {
      name: 'o',
      description: 'o',
      entity: 'opportunities',
      outputs: [
        {
          entity: 'opportunities',
          columns: {
            opportunity_id: { column: 'id' },
            created_at: { column: 'c' },
            is_won: { column: 'state', map: { won: 'true', lost: 'nope' } },
            source: { column: 'src', map: { google: 'paid_search', fb: 'facebook' }, otherwise: { constant: 'other' } },
          },
        },
      ],
    };
    const problems = validateMapping(m, ['id', 'c', 'state', 'src']);
    expect(problems.map((p) => p.at.field)).toEqual(['outputs[0].columns.is_won.map.lost', 'outputs[0].columns.source.map.fb']);
  });

  it('reports a required column with no expression and says how to add it', () => {
    const problems = validateMapping(touchMapping({ touchpoint_id: { column: 'id' }, touch_type: { constant: 'page_view' } }), undefined);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.code).toBe('column-required');
    expect(problems[0]!.message).toContain('columns.occurred_at');
  });

  it('lets contacts omit contact_id when email is mapped, because the importer derives it from the email', () => {
    const m = { name: 'c', description: 'c', entity: 'contacts', outputs: [{ entity: 'contacts', columns: { email: { column: 'Email' } } }] };
    expect(validateMapping(m, ['Email'])).toEqual([]);
    const without = { name: 'c', description: 'c', entity: 'contacts', outputs: [{ entity: 'contacts', columns: { first_name: { column: 'First' } } }] };
    expect(validateMapping(without, ['First']).map((p) => p.code)).toEqual(['column-required']);
  });

  it('rejects an expression that mixes two kinds or has none', () => {
    const problems = validateMapping(touchMapping({ touchpoint_id: { column: 'id', constant: 'x' }, occurred_at: {}, touch_type: { constant: 'page_view' } }), undefined);
    expect(problems.map((p) => p.code)).toEqual(['expression-invalid', 'expression-invalid']);
    expect(problems[0]!.message).toContain('"column" does not belong to a constant expression');
    expect(problems[1]!.message).toContain('has no kind');
  });

  it('reports a file column that differs only in case from two header columns as ambiguous, never guessing', () => {
    const problems = validateMapping(touchMapping({ touchpoint_id: { column: 'ID' }, occurred_at: { column: 'when' }, touch_type: { constant: 'page_view' } }), ['id', 'Id', 'when']);
    expect(problems.map((p) => p.code)).toEqual(['file-column-ambiguous']);
  });

  it('accepts a firstOf whose only readable alternative is the internal name', () => {
    const problems = validateMapping(
      touchMapping({ touchpoint_id: { firstOf: [{ column: 'Record ID' }, { column: 'hs_object_id' }] }, occurred_at: { column: 'when' }, touch_type: { constant: 'page_view' } }),
      ['hs_object_id', 'when'],
    );
    expect(problems).toEqual([]);
  });

  it('reports a firstOf none of whose columns is in the file', () => {
    const problems = validateMapping(
      touchMapping({ touchpoint_id: { firstOf: [{ column: 'Record ID' }, { column: 'hs_object_id' }] }, occurred_at: { column: 'when' }, touch_type: { constant: 'page_view' } }),
      ['RecordID', 'when'],
    );
    expect(problems.map((p) => p.code)).toEqual(['file-column-missing']);
    expect(problems[0]!.message).toContain('Closest header: "RecordID"');
  });

  it('reports a required column whose expression reads only optional columns absent from the file', () => {
    const problems = validateMapping(touchMapping({ touchpoint_id: { column: 'id', optional: true }, occurred_at: { column: 'when' }, touch_type: { constant: 'page_view' } }), ['when']);
    expect(problems.map((p) => p.code)).toEqual(['column-required']);
  });

  it('skips an optional output the file cannot feed, and reports the reason instead of a problem', () => {
    const m = {
      name: 'c',
      description: 'c',
      entity: 'contacts',
      outputs: [
        { entity: 'contacts', columns: { contact_id: { column: 'id' } } },
        { entity: 'lifecycle-events', name: 'mql', optional: true, when: { nonEmpty: { column: 'MQL date' } }, columns: { contact_id: { column: 'id' }, stage: { constant: 'mql' }, entered_at: { column: 'MQL date' } } },
      ],
    };
    const check = checkMapping(m, ['id']);
    expect(check.problems).toEqual([]);
    expect(check.skipped.map((s) => s.output)).toEqual(['mql']);
  });

  it('refuses an optional primary output, which would make the import a no-op', () => {
    const m = { name: 'c', description: 'c', entity: 'contacts', outputs: [{ entity: 'contacts', optional: true, columns: { contact_id: { column: 'id' } } }] };
    expect(validateMapping(m, ['id']).map((p) => p.code)).toEqual(['mapping-shape']);
  });

  it('checks a times expression: by must be a power of ten (the point moves, exactly), its input is checked like any expression, and nothing else belongs in it', () => {
    const accounts = (revenue: unknown): unknown => ({
      name: 'a',
      description: 'a',
      entity: 'accounts',
      outputs: [{ entity: 'accounts', columns: { account_id: { column: 'account' }, annual_revenue: revenue } }],
    });
    const header = ['account', 'revenue'];
    expect(validateMapping(accounts({ times: { column: 'revenue' }, by: 1000000 }), header)).toEqual([]);
    expect(validateMapping(accounts({ times: { column: 'revenue' }, by: 1e-2 }), header)).toEqual([]);
    const problems = [
      { times: { column: 'revenue' }, by: 1000 * 1.5 },
      { times: { column: 'revenue' }, by: '1000000' },
      { times: { column: 'revenue' }, by: 0 },
      { times: { column: 'revenue' }, by: 1e19 },
      { times: { column: 'revenue' } },
      { times: { column: 'revenu' }, by: 1000 },
      { times: { column: 'revenue' }, by: 1000, separator: ' ' },
    ].map((e) => validateMapping(accounts(e), header).map((p) => [p.code, p.at.field]));
    expect(problems).toEqual([
      [['expression-invalid', 'outputs[0].columns.annual_revenue.by']],
      [['expression-invalid', 'outputs[0].columns.annual_revenue.by']],
      [['expression-invalid', 'outputs[0].columns.annual_revenue.by']],
      [['expression-invalid', 'outputs[0].columns.annual_revenue.by']],
      [['expression-invalid', 'outputs[0].columns.annual_revenue']],
      [['file-column-missing', 'outputs[0].columns.annual_revenue.times.column']],
      [['expression-invalid', 'outputs[0].columns.annual_revenue.separator']],
    ]);
    expect(validateMapping(accounts({ times: { column: 'revenue' }, by: 1500 }), header)[0]!.message).toContain('by must be a power of ten written as a number, got number 1500');
  });

  it('reports a mapping whose entity no output has', () => {
    const m = { name: 'c', description: 'c', entity: 'accounts', outputs: [{ entity: 'contacts', columns: { contact_id: { column: 'id' } } }] };
    expect(validateMapping(m, ['id'])[0]!.message).toContain('No output has the mapping\'s entity "accounts"');
  });
});

describe('evaluateExpr', () => {
  const row = { a: 'Alpha', b: '  ', c: 'OFFLINE', d: 'CRM_UI', date: '2024-03-05' };

  it('reads a whitespace-only cell as null, like an empty one', () => {
    expect(evaluateExpr({ column: 'b' }, row)).toBeNull();
    expect(evaluateExpr({ column: 'missing' }, row)).toBeNull();
  });

  it('returns the first non-empty alternative of firstOf', () => {
    expect(evaluateExpr({ firstOf: [{ column: 'b' }, { column: 'a' }] }, row)).toBe('Alpha');
    expect(evaluateExpr({ firstOf: [{ column: 'b' }] }, row)).toBeNull();
  });

  it('matches map keys trimmed and case-insensitively, and applies otherwise only to unmatched non-empty values', () => {
    const upper: ValueExpr = { column: 'a', map: { ' ALPHA ': 'x' } };
    expect(evaluateExpr(upper, row)).toBe('x');
    expect(evaluateExpr({ column: 'c', map: { alpha: 'x' } }, row)).toBe('OFFLINE');
    expect(evaluateExpr({ column: 'c', map: { alpha: 'x' }, otherwise: 'null' }, row)).toBeNull();
    expect(evaluateExpr({ column: 'c', map: { alpha: 'x' }, otherwise: { constant: 'y' } }, row)).toBe('y');
    expect(evaluateExpr({ column: 'b', map: { alpha: 'x' }, otherwise: { constant: 'y' } }, row)).toBeNull();
  });

  it('joins only non-empty concat parts, and is null when every column part is empty so a suffix never stands alone', () => {
    expect(evaluateExpr({ concat: [{ column: 'c' }, { column: 'd' }], separator: '|' }, row)).toBe('OFFLINE|CRM_UI');
    expect(evaluateExpr({ concat: [{ column: 'c' }, { column: 'b' }], separator: '|' }, row)).toBe('OFFLINE');
    expect(evaluateExpr({ concat: [{ column: 'date' }, { constant: 'T12:00:00Z' }] }, row)).toBe('2024-03-05T12:00:00Z');
    expect(evaluateExpr({ concat: [{ column: 'b' }, { constant: 'T12:00:00Z' }] }, row)).toBeNull();
  });

  it('scales a number by times, null for an empty value, and passes a value that is not a number on for the normalizer to report', () => {
    const revenue: ValueExpr = { times: { column: 'revenue' }, by: 1000000 };
    expect(['1100.04', ' 4.5 ', '', '  ', 'n/a'].map((v) => evaluateExpr(revenue, { revenue: v }))).toEqual(['1100040000', '4500000', null, null, 'n/a']);
    expect(evaluateExpr({ times: { constant: '1234' }, by: 0.01 }, {})).toBe('12.34');
  });

  it('gives the then value of an if only when its condition is non-empty', () => {
    expect(evaluateExpr({ if: { column: 'a' }, then: { column: 'date' } }, row)).toBe('2024-03-05');
    expect(evaluateExpr({ if: { column: 'b' }, then: { column: 'date' } }, row)).toBeNull();
  });
});

describe('planMapping', () => {
  const mapping: Mapping = {
    name: 'c',
    description: 'c',
    entity: 'contacts',
    outputs: [
      { entity: 'contacts', columns: { contact_id: { firstOf: [{ column: 'Record ID' }, { column: 'hs_object_id' }] }, email: { column: 'EMAIL' }, title: { column: 'Job Title', optional: true } } },
      { entity: 'lifecycle-events', name: 'lead', optional: true, when: { nonEmpty: { column: 'Lead date' } }, columns: { contact_id: { column: 'Record ID' }, stage: { constant: 'lead' }, entered_at: { column: 'Lead date' } } },
    ],
  };

  it('binds column names to the exact header spelling and drops alternatives the file lacks', () => {
    const plan = planMapping(mapping, ['record id', 'Email', 'Phone']);
    expect(plan.outputs).toHaveLength(1);
    expect(plan.outputs[0]!.columns).toEqual({ contact_id: { column: 'record id' }, email: { column: 'Email' }, title: { constant: null } });
    expect(plan.skipped.map((s) => s.output)).toEqual(['lead']);
  });

  it('returns the header columns no output reads, so the importer can print them', () => {
    expect(planMapping(mapping, ['record id', 'Email', 'Phone', 'Lead date']).ignoredColumns).toEqual(['Phone']);
  });

  it('throws mapping-invalid listing every problem when the mapping does not fit the header', () => {
    let error: unknown;
    try {
      planMapping(mapping, ['Phone'], { file: 'm.yaml' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RevlineError);
    expect((error as RevlineError).code).toBe('mapping-invalid');
    expect((error as RevlineError).message).toContain('2 problems');
  });

  it('binds the input of a times expression, and makes it null when the file lacks its optional column', () => {
    const accounts: Mapping = {
      name: 'a',
      description: 'a',
      entity: 'accounts',
      outputs: [{ entity: 'accounts', columns: { account_id: { column: 'account' }, annual_revenue: { times: { column: 'REVENUE', optional: true }, by: 1000 } } }],
    };
    expect(planMapping(accounts, ['account', 'revenue']).outputs[0]!.columns['annual_revenue']).toEqual({ times: { column: 'revenue' }, by: 1000 });
    expect(planMapping(accounts, ['account']).outputs[0]!.columns['annual_revenue']).toEqual({ constant: null });
  });

  it('emits derived rows only when their when condition is non-empty', () => {
    const plan = planMapping(mapping, ['Record ID', 'Email', 'Lead date']);
    expect(evaluatePlan(plan, { 'Record ID': '7', Email: 'a@b.co', 'Lead date': '' }).map((r) => r.entity)).toEqual(['contacts']);
    expect(evaluatePlan(plan, { 'Record ID': '7', Email: 'a@b.co', 'Lead date': '2024-01-02 10:00' }).map((r) => r.entity)).toEqual(['contacts', 'lifecycle-events']);
  });
});

describe('identityMapping', () => {
  it('maps canonical headers case-insensitively and returns the unknown ones as ignored', () => {
    const { mapping, ignoredColumns } = identityMapping('touchpoints', ['Touchpoint_ID', 'occurred_at', ' touch_type ', 'utm_term', 'EMAIL']);
    expect(mapping.outputs[0]!.columns).toEqual({
      touchpoint_id: { column: 'Touchpoint_ID' },
      occurred_at: { column: 'occurred_at' },
      touch_type: { column: ' touch_type ' },
      email: { column: 'EMAIL' },
    });
    expect(ignoredColumns).toEqual(['utm_term']);
    expect(validateMapping(mapping, ['Touchpoint_ID', 'occurred_at', ' touch_type ', 'utm_term', 'EMAIL'])).toEqual([]);
  });

  it('counts a repeated canonical header as ignored rather than reading it twice', () => {
    expect(identityMapping('accounts', ['account_id', 'Account_Id']).ignoredColumns).toEqual(['Account_Id']);
  });

  it('leaves a missing required column for validation to report', () => {
    const header = ['touchpoint_id', 'touch_type'];
    const problems = validateMapping(identityMapping('touchpoints', header).mapping, header);
    expect(problems.map((p) => p.code)).toEqual(['column-required']);
    expect(problems[0]!.message).toContain('occurred_at');
  });

  it('throws entity-unknown with a suggestion for an unknown entity', () => {
    expect(() => identityMapping('contact', [])).toThrowError(/Did you mean "contacts"/);
  });
});

describe('header matching', () => {
  it('prefers the exact spelling, then a unique case-insensitive match', () => {
    expect(matchHeader(['ID', 'Id'], 'Id')).toEqual({ kind: 'found', name: 'Id' });
    expect(matchHeader(['EMAIL'], 'Email')).toEqual({ kind: 'found', name: 'EMAIL' });
  });

  it('suggests a near name only when it is close enough to be a typo', () => {
    expect(closestName('Frist Name', ['First Name', 'Email'])).toBe('First Name');
    expect(closestName('first_name', ['First Name'])).toBe('First Name');
    expect(closestName('Revenue', ['Email', 'Phone'])).toBeUndefined();
  });
});
