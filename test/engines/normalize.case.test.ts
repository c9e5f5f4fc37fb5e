/**
 * The normalisation SQL that `NormalizeCompiler` compiles (sql/compile/normalize.ts) against its
 * oracle, the reference in core/normalize, on every engine in REVLINE_ENGINES: for each rule, a few
 * hundred generated raw texts plus fixed edge cases go through the engine in one query, and every
 * row's stored value and problem code must equal the reference's.
 *
 * Generated cases come from a random seed, printed with any disagreement; set REVLINE_FC_SEED to
 * replay one.
 */

import fc from 'fast-check';
import { expect, test } from 'vitest';
import { CONTACTS, TARGETS, TOUCHPOINTS, type TableSpec } from '../../src/core/schema/tables.js';
import { CHANNELS, TOUCH_TYPES } from '../../src/core/vocabulary.js';
import { Lets, NormalizeCompiler } from '../../src/sql/compile/normalize.js';
import { describeEngines } from './engines.js';
import {
  booleanText,
  comparableIn,
  channelWord,
  decimalText,
  domainText,
  emailText,
  freeText,
  integerText,
  timestampText,
  touchInputs,
  vocabularyText,
  wallClockText,
} from './normalize-arbitraries.js';
import { columnSpec, disagreements, rawRows, type HarnessOptions, type RawRow } from './normalize-harness.js';

const SEED = Number(process.env.REVLINE_FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = 400;

/** `runs` generated values, from a seed of its own per `key`, so a test replays alike when run alone. */
function sample<T>(key: string, arbitrary: fc.Arbitrary<T>, runs = RUNS): T[] {
  let hash = SEED;
  for (const ch of key) hash = (Math.imul(hash, 31) + ch.charCodeAt(0)) | 0;
  return fc.sample(arbitrary, { numRuns: runs, seed: hash });
}

function columnOf(table: TableSpec, name: string) {
  const column = table.columns.find((c) => c.name === name);
  if (!column) throw new Error(`${table.name} has no column ${name}`);
  return column;
}

const TIMEZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney'] as const;

describeEngines('import normalisation SQL against the reference', (engine) => {
  async function expectAgreement(spec: Parameters<typeof disagreements>[1], rows: readonly RawRow[], options: HarnessOptions = {}): Promise<void> {
    const found = await disagreements(engine(), spec, rows, options);
    expect(found, `${spec.normalize} (${JSON.stringify(options)}) disagrees with the reference; replay with REVLINE_FC_SEED=${SEED}`).toEqual([]);
  }

  test('keeps id, text, url and lower values as written between ASCII white space (and null when empty), because only ASCII white space trims the same on every engine', async () => {
    const fixed = ['', ' ', '\t\n\r\f\v', ' a ', '\u00a0a\u00a0', 'a\ufeff', ' Zürich · 東京 ', 'ÄÖÜ ÉTÉ İI', "O'Brien \\N", 'line\nbreak'];
    for (const normalize of ['id', 'text', 'url', 'lower'] as const) {
      await expectAgreement(columnSpec(normalize), rawRows([...fixed, null, ...sample(`text ${normalize}`, freeText)]));
    }
  });

  test('keeps a cell that starts with U+FEFF as stored, because spreadsheet exports leave a BOM in cells and trimming keeps non-ASCII white space (compared inside the engine: @duckdb/node-api drops a leading BOM when it decodes a string for JS, docs/engines.md)', async () => {
    const d = engine().dialect;
    const compiler = new NormalizeCompiler(d);
    const lets = new Lets(d);
    await engine().exec(d.createStagingTable('_bom', ['raw']));
    await engine().append('_bom', ['raw'], [['\ufeffacme'], [' \ufeff'], ['\t\ufeff\u00a0x ']]);
    const compiled = compiler.column(lets, columnSpec('text'), d.quoteIdentifier('raw'));
    const rows = await engine().query(
      `SELECT CAST(${compiled.value} IN (${d.quoteString('\ufeffacme')}, ${d.quoteString('\ufeff')}, ${d.quoteString('\ufeff\u00a0x')}) AS BOOLEAN) AS kept FROM (SELECT raw, ${lets.levels[0]!.join(', ')} FROM _bom) l`,
    );
    expect(rows).toEqual([{ kept: true }, { kept: true }, { kept: true }]);
    await engine().exec(d.dropTable('_bom'));
  });

  test('accepts and lower-cases exactly the emails the reference accepts, and flags the rest email-invalid, on every engine', async () => {
    await expectAgreement(columnSpec('email'), rawRows(sample('email', emailText, 600)));
  });

  test('extracts the same host from URLs, hosts and emails (scheme, user, port, path, www. and trailing dots dropped), or flags domain-invalid, on every engine', async () => {
    // A newline inside a URL's path must not stop the path being dropped (DuckDB's `.` needs option 's').
    const fixed = ['https://acme.com/a\nb', 'acme.com?x=1\n2', 'HTTPS://WWW.Acme.COM:443/#x', 'jo@acme.com', 'www.acme.com.', 'mailto:jo@acme.com'];
    await expectAgreement(columnSpec('domain'), rawRows([...fixed, null, ...sample('domain', domainText, 600)]));
  });

  test("gives the reference's UTC instant for every zoned ISO timestamp and epoch, timestamp-zone-missing for zone-less ones and the reference's problem for the rest, without --timezone, on every engine", async () => {
    const fixed = [
      '2024-03-05T14:22:07Z',
      '2024-03-05 14:22',
      '2024-03-05',
      '2024-02-29T00:00:00Z',
      '2023-02-29T00:00:00Z',
      '2024-04-31T00:00:00Z',
      '2024-01-01T24:00:00Z',
      '1899-12-31T23:59:59Z',
      '2200-01-01T00:00:00Z',
      '1900-01-01T00:00:00Z',
      // The canonical shape, which DuckDB reads natively, at and just past its edges.
      '2199-12-31T23:59:59Z',
      '1900-02-29T00:00:00Z',
      '2000-02-29T23:59:59Z',
      '2024-03-05T10:00:60Z',
      '2024-03-05T10:60:00Z',
      '2024-00-05T10:00:00Z',
      '2024-03-00T10:00:00Z',
      '2024-03-05T10:00:00z',
      '2024- 3-05T10:00:00Z',
      '19a0-01-01T00:00:00Z',
      '0024-03-05T10:00:00Z',
      '2199-12-31T23:59:59.999999999Z',
      '2024-01-01T00:00:00+14:00',
      '2024-01-01T00:00:00-14:00',
      '2024-01-01T00:00:00+14:01',
      '2024-01-01T00:00:00+1400',
      '2024-01-01T00:00:00-0930',
      '2024-01-01T00:00:00+05',
      '2024-01-01T00:00:00+05:60',
      '2024-01-01T00:00:00 +05:30',
      '2024-01-01T12:00:00.5 UTC',
      '2024-01-01 12:00:00,123456789 GMT',
      '1700000000',
      '1700000000123',
      '0000000000',
      '9999999999999',
      '170000000',
      '17000000001',
    ];
    await expectAgreement(columnSpec('timestamp', 'timestamp'), rawRows([...fixed, null, ...sample('timestamp', timestampText, 800)]));
  });

  test.each(TIMEZONES)(
    'reads zone-less times as wall-clock time in %s (away from offset changes) and still converts zoned ones as written, on every engine',
    async (timezone) => {
      // Zone-less times of timestampText too, but never inside a daylight-saving gap or overlap.
      const fixed = ['2024-03-05 14:22', '2024-07-01T12:00:00', '2024-01-15', '2024-01-15T08:00:00Z', '2024-07-01T12:00:00+02:00'];
      const texts = [...fixed, ...sample(`wall clock ${timezone}`, wallClockText(timezone), 300), ...sample(`timestamp ${timezone}`, timestampText, 150).filter((t) => comparableIn(timezone, t))];
      await expectAgreement(columnSpec('timestamp', 'timestamp'), rawRows(texts), { timezone });
    },
  );

  test('converts Asia/Kolkata wall-clock times of 1900–1905 with that era\'s +05:21:10 offset, to the second, as the tz database and both engines do (the reference rounded offsets to whole minutes)', async () => {
    const texts = ['1900-01-02 00:00', '1903-06-15T12:00:00', '1905-12-31 23:00:00.5'];
    await expectAgreement(columnSpec('timestamp', 'timestamp'), rawRows(texts), { timezone: 'Asia/Kolkata' });
  });

  test("gives the reference's calendar day (a zoned time's UTC day, a zone-less one's day as written) or its problem, on every engine", async () => {
    const fixed = ['2024-03-05', '2024-3-5', '2024-03-05T23:30:00-01:00', '2024-03-05T00:30:00+01:00', '2024-02-30', '2023-02-29', '1900-01-01T00:00:00+01:00', '2199-12-31T23:00:00-02:00', '1700000000'];
    await expectAgreement(columnSpec('date', 'date'), rawRows([...fixed, null, ...sample('date', timestampText, 800)]));
  });

  test('parses amounts with currency symbols, signs and thousands groups to cents rounded half away from zero, and refuses decimal commas, exponents and more than 13 integer digits, on every engine', async () => {
    const fixed = ['1234.5', '1,234.50', '-1,234.505', '$1,000', '€0.005', '£-1', '-£1', '0.004999', '9999999999999.995', '99999999999999', '0000000000000000001.25', '1.234,56', '1e3'];
    await expectAgreement(columnSpec('decimal', 'decimal'), rawRows([...fixed, null, ...sample('decimal', decimalText, 600)]));
  });

  test('parses whole numbers with thousands groups and a zero fraction, up to 15 significant digits, and flags the rest integer-invalid, on every engine', async () => {
    await expectAgreement(columnSpec('integer', 'integer'), rawRows(sample('integer', integerText, 500)));
  });

  test('reads true/false, yes/no, 1/0, won/lost in any case as booleans and flags any other word boolean-invalid, on every engine', async () => {
    await expectAgreement(columnSpec('boolean', 'boolean'), rawRows(sample('boolean', booleanText)));
  });

  test('folds case, spaces, dashes and underscores of touch types to their vocabulary key and flags unknown ones value-unknown, on every engine', async () => {
    // Values with nothing to fold (DuckDB skips the regular expression for them) beside values with one run of each kind.
    const fixed = ['page_view', 'page__view', 'page_-view', 'Page View', 'page\tview', 'page\u000bview', 'page-view', '_page_view_', 'pageview'];
    await expectAgreement(columnSpec('enum', 'string', TOUCH_TYPES), rawRows([...fixed, ...sample('enum', vocabularyText(TOUCH_TYPES))]));
  });

  test('maps a channel value alone (a channel, a synonym, or other) as mapChannel does, on every engine', async () => {
    await expectAgreement(columnSpec('channel'), rawRows(sample('channel', channelWord, 500)));
  });

  test('maps touchpoint channel, source and medium with the same precedence as mapChannel (channel, medium with social sources, source, other), on every engine', async () => {
    const spec = columnOf(TOUCHPOINTS, 'channel');
    const rows = [...sample('touch inputs', touchInputs, 600), ...sample('touch inputs, any', fc.record({ raw: channelWord, source: channelWord, medium: channelWord }), 300)];
    await expectAgreement(spec, rows, { channelInputs: ['source', 'medium'] });
  });

  test('maps every channel spelt exactly and nearly (padded, upper-case, a dash, a doubled underscore) against source and medium inputs that would map elsewhere, on every engine', async () => {
    const spec = columnOf(TOUCHPOINTS, 'channel');
    const spellings = CHANNELS.flatMap((c) => [c, ` ${c}`, c.toUpperCase(), c.replace('_', '-'), c.replace('_', '__')]);
    const inputs: readonly [string | null, string | null][] = [[null, null], ['linkedin', 'cpc'], ['google', 'organic'], ['newsletter', 'email'], ['nobody-knows', 'weird']];
    const rows = [null, 'unheard_of', 'Paid Search', ...spellings].flatMap((raw) => inputs.map(([source, medium]) => ({ raw, source, medium })));
    await expectAgreement(spec, rows, { channelInputs: ['source', 'medium'] });
  });

  test("maps a contact's original source from its lead source alone (no medium) as mapChannel does, on every engine", async () => {
    const spec = columnOf(CONTACTS, 'original_source');
    const rows = sample('lead source', fc.record({ raw: channelWord, source: channelWord }), 400);
    await expectAgreement(spec, rows, { channelInputs: ['source'] });
  });

  test("keeps a target's channel `all` (its extra value) in any spelling and maps every other value as a channel, on every engine", async () => {
    const spec = columnOf(TARGETS, 'channel');
    expect(spec.values).toEqual(['all']);
    await expectAgreement(spec, rawRows(['all', ' ALL ', 'All', 'al l', ...sample('target channel', channelWord, 400)]));
  });
});
