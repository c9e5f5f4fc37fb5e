import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RevlineError } from '../../core/errors.js';
import { loadMappingFile, mappingFormatOf, parseMappingText } from './load.js';

const BAD_YAML = `name: web
description: web events
entity: touchpoints
outputs:
  - entity: touchpoints
    columns:
      touchpoint_id: { column: event_id }
      ocurred_at: { column: event_time }
      touch_type:
        column: event_name
        map:
          pageview: page_vew
      url: { colum: page }
`;

describe('parseMappingText', () => {
  it('reports every problem of a YAML mapping with the line where it is', () => {
    const { problems } = parseMappingText(BAD_YAML, 'web.yaml', 'yaml', ['event_id', 'event_time', 'evnt_name']);
    const byCode = Object.fromEntries(problems.map((p) => [`${p.code}@${p.at.field}`, p.at.row]));
    expect(byCode).toEqual({
      'column-unknown@outputs[0].columns.ocurred_at': 8,
      'column-required@outputs[0].columns': 6,
      'file-column-missing@outputs[0].columns.touch_type.column': 10,
      'value-not-allowed@outputs[0].columns.touch_type.map.pageview': 12,
      'expression-invalid@outputs[0].columns.url.colum': 13,
    });
    expect(problems.every((p) => p.at.file === 'web.yaml')).toBe(true);
  });

  it('gives JSON mappings line numbers too, because JSON goes through the YAML parser', () => {
    const json = '{\n  "name": "w",\n  "description": "d",\n  "entity": "touchpoints",\n  "outputs": [\n    { "entity": "touchpoints",\n      "columns": {\n        "touchpoint_id": { "column": "id" },\n        "occurred_at": { "column": "t" },\n        "touch_type": { "constant": "visit" }\n      } }\n  ]\n}\n';
    const { problems } = parseMappingText(json, 'web.json', 'json', ['id', 't']);
    expect(problems.map((p) => [p.code, p.at.row])).toEqual([['value-not-allowed', 10]]);
  });

  it('reports a YAML syntax error with its line instead of a stack trace', () => {
    const { mapping, problems } = parseMappingText('name: a\noutputs: [\n  - x\n', 'broken.yaml', 'yaml');
    expect(mapping).toBeUndefined();
    expect(problems[0]!.code).toBe('mapping-shape');
    expect(problems[0]!.at.row).toBeGreaterThanOrEqual(2);
    expect(problems[0]!.message).toContain('not valid YAML');
  });

  it('rejects a duplicate key, because a silently shadowed column would import the wrong data', () => {
    const { problems } = parseMappingText('name: a\nname: b\n', 'dup.yaml', 'yaml');
    expect(problems.map((p) => [p.at.row, p.message.includes('Remove the repeated key')])).toEqual([[2, true]]);
  });
});

describe('loadMappingFile', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'revline-mappings-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the example custom-touchpoints mapping against a matching header', async () => {
    const path = new URL('../../../examples/mappings/custom-touchpoints.yaml', import.meta.url);
    const header = ['event_id', 'event_time', 'event_name', 'page_location', 'visitor_id', 'utm_source'];
    const mapping = await loadMappingFile(path.pathname, header);
    expect(mapping.entity).toBe('touchpoints');
  });

  it('throws mapping-invalid naming the file and line of each problem', async () => {
    const file = join(dir, 'bad.yml');
    await writeFile(file, BAD_YAML);
    const error = await loadMappingFile(file, ['event_id', 'event_time', 'event_name']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RevlineError);
    expect((error as RevlineError).code).toBe('mapping-invalid');
    expect((error as RevlineError).message).toContain(`${file}, line 8, outputs[0].columns.ocurred_at`);
  });

  it('refuses an extension it cannot read as YAML or JSON', async () => {
    await expect(loadMappingFile(join(dir, 'm.toml'))).rejects.toMatchObject({ code: 'file-format-unknown' });
    expect(mappingFormatOf('A.YML')).toBe('yaml');
  });

  it('says file-not-found for a missing file', async () => {
    await expect(loadMappingFile(join(dir, 'nope.yaml'))).rejects.toMatchObject({ code: 'file-not-found' });
  });
});
