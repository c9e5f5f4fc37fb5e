import { describe, expect, test } from 'vitest';
import { checkDefinitionText } from './files.js';

const context = { scoreModels: ['engagement'], stages: ['subscriber', 'lead', 'mql', 'sal', 'sql', 'opportunity', 'customer', 'disqualified', 'recycled', 'closed_lost'] };

describe('definition files', () => {
  test('a broken definition lists every problem at once, each with file, line, field and a fix', () => {
    const text = [
      'name: mql-broken', // 1
      'kind: mql', // 2
      'from: [lead, nurture]', // 3
      'when:', // 4
      '  all:', // 5
      '    - field: account.employes', // 6
      '      gte: 50', // 7
      '    - touches: { at_least: 0, types: [webinar, podcast] }', // 8
      '    - score: engagment', // 9
      '      at_least: 40', // 10
      '    - field: contact.title', // 11
      '      gt: 3', // 12
    ].join('\n');
    const { artefact, problems } = checkDefinitionText(text, 'defs/mql.yaml', context);
    expect(artefact).toBeUndefined();
    expect(problems.map((p) => [p.line, p.field])).toEqual([
      [3, 'from.1'],
      [6, 'when.all.0.field'],
      [8, 'when.all.1.touches.at_least'],
      [8, 'when.all.1.touches.types.1'],
      [9, 'when.all.2.score'],
      [12, 'when.all.3.gt'],
    ]);
    expect(problems.every((p) => p.file === 'defs/mql.yaml')).toBe(true);
    expect(problems[1]!.message).toMatch(/Did you mean "account.employees"\?/);
    expect(problems[2]!.message).toBe('at_least must be at least 1, not 0.');
    expect(problems[3]!.message).toMatch(/"podcast" is not one of the touch types/);
    expect(problems[4]!.message).toMatch(/There is no score model "engagment". Did you mean "engagement"\?/);
    expect(problems[5]!.message).toMatch(/gt compares numbers; contact.title is text/);
  });

  test('a YAML syntax error names its line; duplicate keys are errors, not last-one-wins', () => {
    const bad = checkDefinitionText('name: x\nkind: mql\nwhen: action: demo_request\n', 'x.yaml', context);
    expect(bad.problems).toHaveLength(1);
    expect(bad.problems[0]!.line).toBe(3);
    const dup = checkDefinitionText('name: x\nkind: mql\nname: y\nwhen: {action: demo_request}\n', 'x.yaml', context);
    expect(dup.problems[0]!.message).toMatch(/Remove the repeated key/);
    expect(dup.problems[0]!.line).toBe(3);
  });

  test('JSON files get line numbers too', () => {
    const json = '{\n  "name": "sql",\n  "kind": "sql",\n  "when": {\n    "action": "meeting",\n    "within_days": -3\n  }\n}\n';
    const { problems } = checkDefinitionText(json, 'sql.json', context, 'json');
    expect(problems.map((p) => [p.line, p.field, p.message])).toEqual([[6, 'when.within_days', 'within_days must be greater than 0, not -3.']]);
  });

  test('the shipped definitions check clean and read as written', () => {
    const text = 'name: mql\nkind: mql\nwhen:\n  all:\n    - not: { field: contact.free_mail, eq: true }\n    - action: [demo_request, trial_signup]\n      within_days: 90\n';
    const { artefact, problems } = checkDefinitionText(text, 'mql.yaml', context);
    expect(problems).toEqual([]);
    expect(artefact).toEqual({
      kind: 'mql',
      name: 'mql',
      stage: 'mql',
      when: {
        kind: 'all',
        of: [
          { kind: 'not', of: { kind: 'field', field: 'contact.free_mail', op: 'eq', value: true } },
          { kind: 'touches', atLeast: 1, withinDays: 90, filter: { types: ['demo_request', 'trial_signup'] } },
        ],
      },
    });
  });

  test('a score model: fit rules read fields only, caps name existing groups, and points are numbers', () => {
    const text = [
      'name: s',
      'kind: score',
      'half_life_days: 0',
      'caps: { web: 10, webb: 5 }',
      'fit:',
      '  - { group: fit, points: ten, when: { field: account.is_icp, eq: true } }',
      '  - { group: fit, points: 5, when: { action: demo_request } }',
      'behaviour:',
      '  - { group: web, points: 1, touch: { types: [page_view] } }',
    ].join('\n');
    const { problems } = checkDefinitionText(text, 's.yaml', context);
    expect(problems.map((p) => [p.line, p.field])).toEqual([
      [3, 'half_life_days'],
      [6, 'fit.0.points'],
      [7, 'fit.1.when.action'],
      [4, 'caps.webb'],
    ]);
  });
});
