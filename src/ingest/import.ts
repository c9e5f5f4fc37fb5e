/**
 * `revline import`: one file into one entity (and the entities its mapping derives), streamed.
 *
 * The path of a row: the source frames the file's records (ingest/sources) → the engine parses each
 * chunk and normalises it in the same statement (Engine.insertCsv, sql/compile/normalize.ts), into
 * normalised rows that keep the raw cells only of rows with a problem → rows with problems and
 * superseded duplicates go to quarantine → the exceptions (rows whose key is stored, superseded
 * duplicates) say which accepted rows are not inserts, and the rest is applied
 * (sql/compile/import.ts) → identity resolution runs (identity.ts).
 *
 * Invariants:
 * - Nothing is lost: `read = inserted + updated + unchanged + quarantined`, checked at the end of
 *   every import (an internal error if it ever failed). A quarantined row is in the `quarantine`
 *   table with its file, row number, raw row and every reason, and in `<file>.rejected.csv`.
 * - Idempotent: importing the same file again classifies every row as unchanged and writes nothing.
 * - The file is never held whole in JS memory: at most two framed chunks (the engine reads one
 *   while the source frames the next) and the quarantined rows of one batch at a time.
 * - Scratch tables are dropped whatever happens.
 */

import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Clock } from '../core/clock.js';
import { RevlineError, internalError } from '../core/errors.js';
import { normalizeField } from '../core/normalize/index.js';
import { QUARANTINE, IMPORTS, REFERENCES, storedColumns, tableByEntity, type TableSpec } from '../core/schema/tables.js';
import { DEFAULT_FREE_MAIL_DOMAINS } from '../core/vocabulary.js';
import type { Engine } from '../engine/engine.js';
import {
  RAW_CELLS,
  compileApply,
  compileCounted,
  compileExceptions,
  compileDerivedIds,
  compileNormalize,
  compileWritten,
  otherChannelLabels,
  derivesIds,
  type OutputPlan,
  type OutputTables,
} from '../sql/compile/import.js';
import { MappingLets, compileValueExpr, type StagedColumns } from './mappings/sql.js';
import { NormalizeCompiler } from '../sql/compile/normalize.js';
import { dropStitches, prepareStitches, resolveIdentities, type IdentitySummary, type PreparedStitches } from './identity.js';
import { evaluateExpr, type PlannedOutput, type ValueExpr } from './mappings/mapping.js';
import { chooseMapping, type MappingChoice } from './mappings/choose.js';
import { openSource, RAW_COLUMN, type OpenedSource, type RejectedRecord, type SourceFormat } from './sources/source.js';
import { countOf } from '../engine/values.js';
import { csvField } from '../core/csv.js';
import { compileMarkJourneysStale } from '../sql/compile/journeys.js';

export interface ImportOptions {
  /** Entity as `--as` names it. */
  readonly entity: string;
  readonly mapping?: MappingChoice | undefined;
  readonly timezone?: string | undefined;
  readonly delimiter?: string | undefined;
  readonly format?: SourceFormat | undefined;
  readonly clock: Clock;
  /** Id of this run; default derived from the clock. */
  readonly importId?: string | undefined;
  readonly freeMailDomains?: readonly string[] | undefined;
  /** Write `<file>.rejected.csv` next to the file when rows are quarantined (default true). */
  readonly rejectedReport?: boolean | undefined;
  readonly onProgress?: ((bytesRead: number, totalBytes: number) => void) | undefined;
  /** Called at the end of each phase with its wall time (for the benchmark). */
  readonly onPhase?: ((phase: ImportPhase, milliseconds: number) => void) | undefined;
}

export type ImportPhase = 'stage' | 'normalize' | 'classify' | 'quarantine' | 'apply' | 'report' | 'stitch' | 'identity';

export interface OutputCounts {
  readonly entity: string;
  readonly name: string;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
}

export interface UnmatchedReference {
  readonly column: string;
  readonly parent: string;
  readonly rows: number;
  readonly distinctValues: number;
}

export interface ImportSummary {
  readonly importId: string;
  readonly file: string;
  readonly entity: string;
  readonly mapping: string;
  readonly read: number;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly quarantined: number;
  /**
   * Rows the mapping's own rule says are not this entity (a preset's `when`, e.g. Salesforce
   * campaign members who never responded are not touchpoints): counted and explained, never silent.
   * Zero for canonical files, where `read = inserted + updated + unchanged + quarantined`.
   */
  readonly skipped: number;
  /** Counts per output; the first is the primary one (the file's rows). */
  readonly outputs: readonly OutputCounts[];
  /** Values mapped to the channel `other`, most frequent first. */
  readonly otherChannels: readonly { column: string; value: string; rows: number }[];
  readonly unmatched: readonly UnmatchedReference[];
  readonly ignoredColumns: readonly string[];
  readonly identity: IdentitySummary | undefined;
  readonly warnings: readonly string[];
  readonly rejectedFile: string | undefined;
  readonly seconds: number;
}

/** Reason as stored in quarantine.reasons (a JSON array of these). */
export interface QuarantineReason {
  readonly field: string | null;
  readonly code: string;
  readonly message: string;
}

let sequence = 0;
function newImportId(clock: Clock): string {
  const stamp = new Date(clock.now()).toISOString().replace(/[-:T.Z]/g, '').slice(0, 17);
  sequence = (sequence + 1) % 1000;
  return `imp_${stamp}_${String(sequence).padStart(3, '0')}`;
}

/** Staged column names: `_row`, `c0…cN` for the header, `_raw` for JSON Lines. */
function stagedColumns(source: OpenedSource): string[] {
  return ['_row', ...source.header.map((_, i) => `c${i}`), ...(source.hasRawColumn ? [RAW_COLUMN] : [])];
}

/** Reads rejected rows and writes them to the quarantine table and the report file. */
class QuarantineWriter {
  private report: WriteStream | undefined;
  count = 0;

  constructor(
    private readonly engine: Engine,
    private readonly importId: string,
    private readonly file: string,
    private readonly reportPath: string | undefined,
    private readonly entity: string,
    private readonly header: readonly string[],
    private readonly clock: Clock,
  ) {}

  async write(rows: readonly { row: number; values: readonly (string | null)[] | null; raw: string; reasons: readonly QuarantineReason[] }[]): Promise<void> {
    if (rows.length === 0) return;
    const at = new Date(this.clock.now()).toISOString();
    await this.engine.append(
      QUARANTINE.name,
      storedColumns(QUARANTINE).map((c) => c.name),
      rows.map((r) => [this.importId, this.file, this.entity, r.row, r.raw, JSON.stringify(r.reasons), at]),
    );
    this.count += rows.length;
    if (this.reportPath === undefined) return;
    if (!this.report) {
      this.report = createWriteStream(this.reportPath);
      this.report.write([...this.header, '_revline_row', '_revline_reasons', '_revline_raw'].map(csvField).join(',') + '\n');
    }
    for (const r of rows) {
      const cells = r.values ?? this.header.map(() => null);
      const reasons = r.reasons.map((x) => (x.field ? `${x.field}: ${x.message}` : x.message)).join('; ');
      const line = [...cells, String(r.row), reasons, r.values ? '' : r.raw].map((c) => csvField(c ?? '')).join(',') + '\n';
      if (!this.report.write(line)) await once(this.report, 'drain');
    }
  }

  async close(): Promise<void> {
    if (!this.report) return;
    const done = once(this.report, 'finish');
    this.report.end();
    await done;
  }
}

/** The canonical column whose raw value a reason is about, and that raw value, for messages. */
function describeProblem(
  output: PlannedOutput,
  table: TableSpec,
  field: string,
  code: string,
  rowValues: readonly (string | null)[],
  header: readonly string[],
  timezone: string | undefined,
): QuarantineReason {
  const column = table.columns.find((c) => c.name === field);
  const expr: ValueExpr | undefined = output.columns[field];
  const row = Object.fromEntries(header.map((h, i) => [h, rowValues[i] ?? undefined]));
  const raw = expr === undefined ? null : evaluateExpr(expr, row);
  if (code === 'required-missing') {
    return { field, code, message: `required for ${table.name} but empty${expr ? '' : ' (the mapping gives no value for it)'}` };
  }
  if (column) {
    const reference = normalizeField(column, raw, { timezone });
    if (!reference.ok && reference.code === code) return { field, code, message: reference.message };
  }
  return { field, code, message: `${field} has the problem ${code} (value ${JSON.stringify(raw)})` };
}

/**
 * The raw SQL of a canonical column. A plain file column is passed as the staged column itself:
 * every normaliser starts by trimming to null, which is exactly what the `column` expression's
 * "empty is null" rule adds, so the result is the same and the column is read once.
 */
function rawColumnSql(d: Engine['dialect'], expr: ValueExpr, columns: StagedColumns, compiler: NormalizeCompiler, lets: MappingLets): string {
  if ('column' in expr && !('map' in expr)) {
    const i = columns.header.indexOf(expr.column);
    if (i >= 0) return d.quoteIdentifier(columns.staged[i]!);
  }
  return compileValueExpr(d, expr, columns, compiler, lets);
}

/**
 * Stages a plain CSV file (sources/csv-survey.ts) by the engine's own read of the whole file
 * (Engine.insertCsvFile), normalised with what the survey found true of every cell. Returns the
 * number of records and, per output, the relation that reads its normalised rows with their row
 * numbers (`numbered`), or undefined when the file must be framed: the engine cannot read files,
 * the file is not plain, an output keeps only some rows (a `when` rule: the row numbers come
 * from the order of the rows kept), or the engine's strict parser refused a record (a wrong
 * number of fields), in which case the normalised tables are emptied again and framing rejects
 * that record alone.
 */
async function stageDirect(
  engine: Engine,
  source: OpenedSource,
  plans: readonly OutputPlan[],
  tables: readonly OutputTables[],
  staged: readonly string[],
  options: Pick<ImportOptions, 'timezone' | 'onProgress'>,
): Promise<{ records: number; numbered: string[] } | undefined> {
  if (engine.insertCsvFile === undefined || source.direct === undefined || plans.some((p) => p.when !== undefined)) return undefined;
  const direct = await source.direct();
  if (direct === undefined) return undefined;
  const d = engine.dialect;
  const cells = staged.slice(1);
  const compiler = new NormalizeCompiler(d, { timezone: options.timezone, cells: { columns: new Set(cells.map((c) => d.quoteIdentifier(c))), ...direct.cells } });
  const total = source.totalBytes;
  const numbered: string[] = [];
  try {
    for (let i = 0; i < plans.length; i++) {
      // Progress in bytes as framing reports it: each output's statement reads the whole file.
      const progress = options.onProgress && ((fraction: number) => options.onProgress!(Math.round(((i + fraction) / plans.length) * total), total));
      const inserted = await engine.insertCsvFile(tables[i]!.normalized, staged, direct.file, (csv) => compileNormalize(d, plans[i]!, csv, cells, compiler), progress);
      if (inserted.rows !== direct.records) {
        throw internalError(`the engine read ${inserted.rows} records of ${direct.file.path}, the survey counted ${direct.records}`);
      }
      numbered.push(inserted.numbered);
    }
    return { records: direct.records, numbered };
  } catch (error) {
    if (error instanceof RevlineError && error.code === 'internal') throw error;
    for (const t of tables) await engine.exec(`DELETE FROM ${t.normalized}`);
    return undefined;
  }
}

function framerReasons(record: RejectedRecord): QuarantineReason[] {
  return record.reasons.map((r) => ({ field: null, code: r.code, message: r.message }));
}

export async function importFile(engine: Engine, file: string, path: string, options: ImportOptions): Promise<ImportSummary> {
  const started = options.clock.now();
  const table = tableByEntity(options.entity);
  if (!table) throw new RevlineError('entity-unknown', `Unknown entity "${options.entity}" given to --as.`);
  const importId = options.importId ?? newImportId(options.clock);
  const source = await openSource(path, {
    ...(options.format ? { format: options.format } : {}),
    ...(options.delimiter ? { delimiter: options.delimiter } : {}),
  });
  if (source.header.length === 0) return emptyFileSummary(engine, file, importId, started, source.warnings, options);
  const warnings: string[] = [];
  const chosen = await chooseMapping(options.entity, source.header, options.mapping, file);
  warnings.push(...chosen.warnings);
  const mapping = chosen.plan;
  const d = engine.dialect;
  // Built before a row is read, so a wrong --timezone fails at once, not after staging the file.
  const compiler = new NormalizeCompiler(d, { timezone: options.timezone });
  const staged = stagedColumns(source);
  const reportPath = options.rejectedReport === false ? undefined : `${path}.rejected.csv`;
  const quarantine = new QuarantineWriter(engine, importId, file, reportPath, options.entity, source.header, options.clock);
  const columns: StagedColumns = { header: source.header, staged: staged.slice(1, 1 + source.header.length) };
  const plans: OutputPlan[] = mapping.outputs.map((output, i) => {
    const outputTable = tableByEntity(output.entity)!;
    const raw = new Map<string, string>();
    const lets = new MappingLets(d);
    for (const [name, expr] of Object.entries(output.columns)) raw.set(name, rawColumnSql(d, expr, columns, compiler, lets));
    return { table: outputTable, raw, rawLevels: lets.levels, when: output.when ? compileValueExpr(d, output.when.nonEmpty, columns, compiler) : undefined, primary: i === 0 };
  });
  const freeMail = options.freeMailDomains ?? DEFAULT_FREE_MAIL_DOMAINS;

  await engine.append(
    IMPORTS.name,
    ['import_id', 'file', 'entity', 'started_at'],
    [[importId, file, options.entity, new Date(started).toISOString()]],
  );
  // Materialised journeys are stale from the first write on, until someone refreshes them.
  await engine.exec(compileMarkJourneysStale());

  const scratch: string[] = [];
  const scratchTable = async (name: string, select: string) => {
    scratch.push(name);
    await engine.exec(d.createTableAs(name, select));
    return d.scratchTable(name);
  };
  let stitches: PreparedStitches | undefined;
  let framed = 0;
  let framerRejected = 0;
  let phaseStart = performance.now();
  const phaseDone = (phase: ImportPhase) => {
    const now = performance.now();
    options.onPhase?.(phase, now - phaseStart);
    phaseStart = now;
  };
  try {
    // Stage and normalise in one pass: a plain file is read by the engine itself, one statement per
    // output (stageDirect); any other file is framed, and each chunk is parsed and normalised by
    // one statement per output, into that output's normalised rows. The engine works on one chunk
    // while the source frames the next (the statement is awaited only before the next one is sent).
    const tables: OutputTables[] = [];
    const cells = staged.slice(1);
    const emptyStage = `(SELECT ${staged.map((c) => `CAST(NULL AS ${d.columnType('string', true)}) AS ${d.quoteIdentifier(c)}`).join(', ')} LIMIT 0) s`;
    for (let i = 0; i < plans.length; i++) {
      const normalized = await scratchTable(`_norm_${importId}_${i}`, compileNormalize(d, plans[i]!, emptyStage, cells, compiler));
      const derived = derivesIds(plans[i]!) ? d.scratchTable(`_ids_${importId}_${i}`) : undefined;
      tables.push({ normalized, bad: d.scratchTable(`_bad_${importId}`), exceptions: d.scratchTable(`_exc_${importId}_${i}`), derived });
    }
    const direct = await stageDirect(engine, source, plans, tables, staged, options);
    if (direct !== undefined) {
      framed = direct.records;
      direct.numbered.forEach((relation, i) => (tables[i] = { ...tables[i]!, normalized: relation }));
      options.onProgress?.(source.totalBytes, source.totalBytes);
    } else {
      let sent: Promise<void> | undefined;
      for await (const batch of source.batches()) {
        await sent;
        if (batch.chunk.rows > 0) {
          const chunk = batch.chunk;
          sent = (async () => {
            for (let i = 0; i < plans.length; i++) {
              await engine.insertCsv(tables[i]!.normalized, staged, chunk, (csv) => compileNormalize(d, plans[i]!, csv, cells, compiler));
            }
          })();
          // Awaited before the next chunk or after the last; a failure meanwhile is not "unhandled".
          sent.catch(() => undefined);
        }
        framed += batch.chunk.rows;
        framerRejected += batch.rejected.length;
        await quarantine.write(batch.rejected.map((r) => ({ row: r.row, values: null, raw: r.raw, reasons: framerReasons(r) })));
        options.onProgress?.(batch.bytesRead, source.totalBytes);
      }
      await sent;
    }
    // The reader adds warnings (blank lines, keys outside the header) as it goes: read them after.
    warnings.unshift(...source.warnings);
    phaseDone('stage');

    // Rows with a problem in any output, then per output the ids derived for rows lacking them and
    // the exceptions (superseded duplicates and keys already stored).
    await scratchTable(
      `_bad_${importId}`,
      tables
        .map((t, i) => `SELECT ${d.quoteIdentifier('_row')}, ${i} AS _output, _problems, ${RAW_CELLS} FROM ${t.normalized} WHERE _problems <> ''`)
        .join(' UNION ALL '),
    );
    for (let i = 0; i < plans.length; i++) {
      if (derivesIds(plans[i]!)) await scratchTable(`_ids_${importId}_${i}`, compileDerivedIds(d, tables[i]!.normalized, { freeMailDomains: freeMail }));
      await scratchTable(`_exc_${importId}_${i}`, compileExceptions(d, plans[i]!.table, tables[i]!));
    }
    phaseDone('classify');

    // Quarantine: rows with problems, and duplicates of the primary output's key superseded by a
    // later row. A superseded row had no problem, so its raw cells were not kept: read them again
    // from the file (only when there is such a row).
    const [supersededCount] = await engine.query(`SELECT count(*) AS n FROM ${tables[0]!.exceptions} WHERE _action IS NULL`);
    let superseded = `SELECT CAST(NULL AS ${d.columnType('integer', true)}) AS _row, CAST(NULL AS ${d.columnType('string', true)}) AS ${RAW_CELLS} LIMIT 0`;
    if (countOf(supersededCount?.['n']) > 0) {
      const again = `_again_${importId}`;
      superseded = `SELECT * FROM ${await scratchTable(again, `SELECT CAST(NULL AS ${d.columnType('integer', true)}) AS _row, CAST(NULL AS ${d.columnType('string', true)}) AS ${RAW_CELLS} LIMIT 0`)}`;
      const wanted = `SELECT _row FROM ${tables[0]!.exceptions} WHERE _action IS NULL`;
      const reread = await openSource(path, {
        ...(options.format ? { format: options.format } : {}),
        ...(options.delimiter ? { delimiter: options.delimiter } : {}),
      });
      for await (const batch of reread.batches()) {
        if (batch.chunk.rows === 0) continue;
        await engine.insertCsv(d.scratchTable(again), staged, batch.chunk, (csv) => {
          const row = d.castInteger(d.quoteIdentifier('_row'));
          return `SELECT ${row} AS _row, ${d.packTexts(cells.map((c) => d.quoteIdentifier(c)))} AS ${RAW_CELLS} FROM ${csv} WHERE ${row} IN (${wanted})`;
        });
      }
    }
    // The ORDER BY applies to the whole union only from outside it (in ClickHouse a trailing
    // ORDER BY binds to the last SELECT), and the loop below needs each row's parts adjacent.
    const rejectedSql = `SELECT * FROM (SELECT b._row AS _row_number, b._output AS _output, b._problems AS _problems, b.${RAW_CELLS} AS ${RAW_CELLS}, CAST(NULL AS ${d.columnType('integer', true)}) AS _superseded_by
      FROM ${tables[0]!.bad} b
      UNION ALL
      SELECT e._row AS _row_number, 0 AS _output, '' AS _problems, s.${RAW_CELLS} AS ${RAW_CELLS}, e._superseded_by AS _superseded_by
      FROM ${tables[0]!.exceptions} e JOIN (${superseded}) s ON s._row = e._row WHERE e._action IS NULL) u
      ORDER BY _row_number, _output`;
    let pending: { row: number; values: (string | null)[]; raw: string; reasons: QuarantineReason[] } | undefined;
    let batchOut: NonNullable<typeof pending>[] = [];
    const flushRow = async (force: boolean) => {
      if (pending) batchOut.push(pending);
      pending = undefined;
      if (batchOut.length >= 5000 || (force && batchOut.length)) {
        await quarantine.write(batchOut);
        batchOut = [];
      }
    };
    for await (const rows of engine.stream(rejectedSql, 5000)) {
      for (const r of rows) {
        const row = countOf(r['_row_number']);
        if (!pending || pending.row !== row) {
          await flushRow(false);
          const packed = JSON.parse(String(r[RAW_CELLS])) as (string | null)[];
          const values = source.header.map((_, i) => packed[i] ?? null);
          const rawText = source.hasRawColumn ? String(packed[source.header.length] ?? '') : JSON.stringify(Object.fromEntries(source.header.map((h, i) => [h, values[i]])));
          pending = { row, values, raw: rawText, reasons: [] };
        }
        const output = mapping.outputs[countOf(r['_output'])]!;
        const outputTable = tableByEntity(output.entity)!;
        if (r['_superseded_by'] !== null && r['_superseded_by'] !== undefined) {
          const keys = outputTable.key.join(', ');
          pending.reasons.push({
            field: keys,
            code: 'key-duplicate',
            message: `another row of this file has the same ${keys}; the last one (row ${countOf(r['_superseded_by'])}) was imported`,
          });
        }
        for (const problem of String(r['_problems'] ?? '').split('|').filter(Boolean)) {
          const [field, code] = problem.split(':') as [string, string];
          const reason = describeProblem(output, outputTable, field, code, pending.values, source.header, options.timezone);
          pending.reasons.push(mapping.outputs.length > 1 && countOf(r['_output']) > 0 ? { ...reason, message: `${output.name}: ${reason.message}` } : reason);
        }
      }
    }
    await flushRow(true);
    phaseDone('quarantine');

    // Count (the exceptions say what is not an insert), then apply.
    const outputs: OutputCounts[] = [];
    for (let i = 0; i < plans.length; i++) {
      const [counted] = await engine.query(`SELECT count(*) AS n FROM (${compileCounted(d, plans[i]!.table, tables[i]!)}) c`);
      const counts = await engine.query(`SELECT _action, count(*) AS n FROM ${tables[i]!.exceptions} WHERE _action IS NOT NULL GROUP BY _action`);
      const get = (a: string) => countOf(counts.find((c) => c['_action'] === a)?.['n']);
      const updated = get('update');
      const unchanged = get('unchanged');
      outputs.push({ entity: plans[i]!.table.entity!, name: mapping.outputs[i]!.name, inserted: countOf(counted?.['n']) - updated - unchanged, updated, unchanged });
    }
    const otherChannels = await countOtherChannels(engine, plans, tables);
    const unmatched = await countUnmatched(engine, plans[0]!.table, tables[0]!);
    let skipped = 0;
    if (plans[0]!.when !== undefined) {
      // Rows neither emitted by the primary output (its rule said no) nor quarantined.
      const [row] = await engine.query(
        `SELECT count(*) AS n FROM (SELECT _row FROM ${tables[0]!.normalized} UNION DISTINCT SELECT _row FROM ${tables[0]!.bad}) u`,
      );
      skipped = framed - countOf(row?.['n']);
      if (skipped > 0) warnings.push(`${skipped} rows are not ${options.entity} by the rule of the mapping (${mapping.outputs[0]!.name}) and were skipped`);
    }
    phaseDone('report');
    // Touchpoints: the stitches these rows show are found first, so the rows go in resolved (see
    // identity.ts prepareStitches); identity resolution then records them and rewrites only
    // touches stored before.
    const touchpoints = plans[0]!.table.name === 'touchpoints';
    if (touchpoints) {
      stitches = await prepareStitches(engine, `(${compileWritten(d, plans[0]!.table, tables[0]!)})`);
      phaseDone('stitch');
    }
    for (let i = 0; i < plans.length; i++) {
      await engine.transaction(compileApply(d, plans[i]!.table, tables[i]!, i === 0 && stitches ? stitches.table : undefined));
    }
    phaseDone('apply');

    let identity: IdentitySummary | undefined;
    if (['contacts', 'touchpoints', 'accounts'].includes(plans[0]!.table.name)) {
      const scope = stitches ? { kind: 'touchpoints' as const, stitches } : { kind: 'people' as const };
      identity = await resolveIdentities(engine, { importId, clock: options.clock, freeMailDomains: freeMail, scope });
      phaseDone('identity');
    }

    const primary = outputs[0]!;
    const quarantined = quarantine.count;
    const accounted = primary.inserted + primary.updated + primary.unchanged + skipped + quarantined;
    const readTotal = framed + framerRejected;
    if (accounted !== readTotal) {
      throw internalError(
        `import of ${file} does not account for every row: read ${readTotal}, but inserted + updated + unchanged + skipped + quarantined = ${accounted}`,
      );
    }
    const finished = options.clock.now();
    await engine.exec(d.deleteWhereKeyIn(IMPORTS.name, ['import_id'], `SELECT ${d.quoteString(importId)} AS import_id`));
    await engine.append(
      IMPORTS.name,
      storedColumns(IMPORTS).map((c) => c.name),
      [[
        importId, file, options.entity, new Date(started).toISOString(), new Date(finished).toISOString(),
        readTotal, primary.inserted, primary.updated, primary.unchanged, quarantined,
        JSON.stringify({ mapping: chosen.name, skipped, outputs, otherChannels, unmatched, warnings }),
      ]],
    );
    return {
      importId,
      file,
      entity: options.entity,
      mapping: chosen.name,
      read: readTotal,
      inserted: primary.inserted,
      updated: primary.updated,
      unchanged: primary.unchanged,
      quarantined,
      skipped,
      outputs,
      otherChannels,
      unmatched,
      ignoredColumns: chosen.ignoredColumns,
      identity,
      warnings,
      rejectedFile: quarantined > 0 ? reportPath : undefined,
      seconds: (finished - started) / 1000,
    };
  } finally {
    await quarantine.close();
    if (stitches) await dropStitches(engine, stitches).catch(() => undefined);
    for (const t of scratch.reverse()) await engine.exec(d.dropScratchTable(t)).catch(() => undefined);
  }
}

/**
 * An empty file (0 bytes, or only a BOM and whitespace: no header) imports 0 rows with the source's
 * warning (docs/import-files.md); there is no header to plan a mapping against, so none is checked.
 */
async function emptyFileSummary(
  engine: Engine,
  file: string,
  importId: string,
  started: number,
  sourceWarnings: readonly string[],
  options: ImportOptions,
): Promise<ImportSummary> {
  const finished = options.clock.now();
  const mapping = options.mapping === undefined ? `identity ${options.entity}` : 'preset' in options.mapping ? options.mapping.preset : options.mapping.label;
  const warnings = [...sourceWarnings];
  await engine.append(
    IMPORTS.name,
    storedColumns(IMPORTS).map((c) => c.name),
    [[importId, file, options.entity, new Date(started).toISOString(), new Date(finished).toISOString(), 0, 0, 0, 0, 0, JSON.stringify({ mapping, outputs: [], otherChannels: [], unmatched: [], warnings })]],
  );
  return {
    importId,
    file,
    entity: options.entity,
    mapping,
    read: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    quarantined: 0,
    skipped: 0,
    outputs: [],
    otherChannels: [],
    unmatched: [],
    ignoredColumns: [],
    identity: undefined,
    warnings,
    rejectedFile: undefined,
    seconds: (finished - started) / 1000,
  };
}

async function countOtherChannels(engine: Engine, plans: readonly OutputPlan[], tables: readonly OutputTables[]) {
  const d = engine.dialect;
  const result: { column: string; value: string; rows: number }[] = [];
  for (let i = 0; i < plans.length; i++) {
    for (const label of otherChannelLabels(plans[i]!)) {
      const value = d.quoteIdentifier(label.labelColumn);
      const rows = await engine.query(
        `SELECT value, count(*) AS rows_with_value FROM (SELECT ${value} AS value FROM ${tables[i]!.normalized} WHERE ${value} IS NOT NULL) x
         GROUP BY value ORDER BY rows_with_value DESC, value LIMIT 20`,
      );
      for (const r of rows) result.push({ column: `${plans[i]!.table.name}.${label.column}`, value: String(r['value']), rows: countOf(r['rows_with_value']) });
    }
  }
  return result;
}

async function countUnmatched(engine: Engine, table: TableSpec, tables: OutputTables): Promise<UnmatchedReference[]> {
  const d = engine.dialect;
  const result: UnmatchedReference[] = [];
  for (const ref of REFERENCES.filter((r) => r.table === table.name)) {
    const c = d.quoteIdentifier(ref.column);
    const rows = await engine.query(
      `SELECT count(*) AS n, count(DISTINCT k.${c}) AS v FROM (${compileCounted(d, table, tables)}) k
       WHERE k.${c} IS NOT NULL AND k.${c} NOT IN (SELECT ${d.quoteIdentifier(ref.parentColumn)} FROM ${d.quoteIdentifier(ref.parent)} WHERE ${d.quoteIdentifier(ref.parentColumn)} IS NOT NULL)`,
    );
    const n = countOf(rows[0]?.['n']);
    if (n > 0) result.push({ column: ref.column, parent: ref.parent, rows: n, distinctValues: countOf(rows[0]?.['v']) });
  }
  return result;
}
