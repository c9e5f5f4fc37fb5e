import { basename } from 'node:path';
import { systemClock } from '../../core/clock.js';
import { RevlineError } from '../../core/errors.js';
import { ENTITY_TABLES } from '../../core/schema/tables.js';
import { importFile, type ImportSummary } from '../../ingest/import.js';
import { qualify } from '../../lifecycle/qualify.js';
import { printQualifyResult } from './qualify.js';
import { refreshJourneys } from '../../attribution/journeys.js';
import { printJourneyRefresh } from './attribution.js';
import type { MappingChoice } from '../../ingest/mappings/choose.js';
import type { SourceFormat } from '../../ingest/sources/source.js';
import { stringOption, type Command } from '../command.js';
import type { OutputStream } from '../io.js';
import { printDocument, renderTable } from '../output.js';

const ENTITIES = ENTITY_TABLES.map((t) => t.entity!);

/** A progress bar on a terminal, nothing elsewhere (logs stay clean). */
export function progressBar(out: OutputStream, label: string): ((done: number, total: number) => void) & { finish(): void } {
  let last = -1;
  const draw = (done: number, total: number) => {
    if (!out.isTTY || total <= 0) return;
    const pct = Math.min(100, Math.floor((done / total) * 100));
    if (pct === last) return;
    last = pct;
    const width = 30;
    const filled = Math.round((pct / 100) * width);
    out.write(`\r${label} [${'█'.repeat(filled)}${' '.repeat(width - filled)}] ${pct}%`);
  };
  return Object.assign(draw, { finish: () => void (out.isTTY && last >= 0 ? out.write('\n') : undefined) });
}

export function describeSummary(s: ImportSummary): string {
  const lines = [
    `${s.file} → ${s.entity} (mapping: ${s.mapping}) in ${s.seconds.toFixed(1)} s`,
    `  read ${s.read} = inserted ${s.inserted} + updated ${s.updated} + unchanged ${s.unchanged}${s.skipped ? ` + skipped ${s.skipped}` : ''} + quarantined ${s.quarantined}`,
  ];
  for (const o of s.outputs.slice(1)) lines.push(`  also ${o.name}: inserted ${o.inserted}, updated ${o.updated}, unchanged ${o.unchanged}`);
  if (s.quarantined > 0) lines.push(`  quarantined rows and their reasons: ${s.rejectedFile ?? 'the quarantine table'} (revline sql "SELECT * FROM quarantine WHERE import_id = '${s.importId}'")`);
  if (s.otherChannels.length) {
    lines.push(`  values mapped to channel "other" (add them to a mapping to place them):`);
    for (const o of s.otherChannels.slice(0, 10)) lines.push(`    ${o.column}: ${JSON.stringify(o.value)} × ${o.rows}`);
  }
  for (const u of s.unmatched) lines.push(`  ${u.rows} rows reference ${u.distinctValues} ${u.parent} not imported yet (${u.column}); they join when those are imported`);
  if (s.ignoredColumns.length) lines.push(`  ignored columns (not part of ${s.entity}): ${s.ignoredColumns.join(', ')}`);
  if (s.identity) {
    const i = s.identity;
    lines.push(`  identity: ${i.stitched} anonymous ids stitched, ${i.touchesResolved} touches resolved, ${i.deduplicated} duplicate contacts, ${i.accountsMatched} contacts matched to accounts`);
  }
  for (const w of s.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n') + '\n';
}

export const importCommand: Command = {
  name: 'import',
  summary: 'import CSV, JSON Lines or Parquet files into an entity; bad rows are quarantined with reasons',
  usage: `revline import <file...> --as <${ENTITIES.join('|')}> [--preset hubspot|salesforce] [--mapping m.yaml] [--timezone Europe/Berlin] [--delimiter ";"] [--input-format csv|jsonl|parquet] [--no-qualify] [--no-journeys]`,
  options: {
    as: { type: 'string' },
    preset: { type: 'string' },
    mapping: { type: 'string' },
    timezone: { type: 'string' },
    delimiter: { type: 'string' },
    'input-format': { type: 'string' },
    'no-report': { type: 'boolean' },
    'no-qualify': { type: 'boolean' },
    'no-journeys': { type: 'boolean' },
  },
  async run(context) {
    const entity = stringOption(context.values, 'as');
    if (!entity) throw new RevlineError('usage', 'revline import needs --as <entity>.', { hint: `Entities: ${ENTITIES.join(', ')}.` });
    if (!ENTITIES.includes(entity)) {
      throw new RevlineError('entity-unknown', `Unknown entity "${entity}" given to --as.`, { hint: `Entities: ${ENTITIES.join(', ')}.` });
    }
    if (context.positionals.length === 0) throw new RevlineError('usage', 'revline import needs at least one file.', { hint: this.usage });
    const preset = stringOption(context.values, 'preset');
    const mappingFile = stringOption(context.values, 'mapping');
    if (preset && mappingFile) throw new RevlineError('usage', 'Give either --preset or --mapping, not both.');
    if (preset !== undefined && preset !== 'hubspot' && preset !== 'salesforce') {
      throw new RevlineError('preset-unknown', `Unknown preset "${preset}".`, { hint: 'Presets: hubspot, salesforce.' });
    }
    const mapping: MappingChoice | undefined = preset
      ? { preset }
      : mappingFile
        ? { file: context.resolvePath(mappingFile), label: mappingFile }
        : undefined;
    const inputFormat = stringOption(context.values, 'input-format');
    if (inputFormat !== undefined && !['csv', 'jsonl', 'parquet'].includes(inputFormat)) {
      throw new RevlineError('usage', `Unknown input format "${inputFormat}".`, { hint: 'Use csv, jsonl or parquet.' });
    }
    const engine = await context.openEngine();
    const summaries: ImportSummary[] = [];
    for (const file of context.positionals) {
      const bar = progressBar(context.io.stderr, basename(file));
      const summary = await importFile(engine, file, context.resolvePath(file), {
        entity,
        mapping,
        timezone: stringOption(context.values, 'timezone'),
        delimiter: stringOption(context.values, 'delimiter'),
        format: inputFormat as SourceFormat | undefined,
        clock: systemClock,
        rejectedReport: context.values['no-report'] !== true,
        onProgress: bar,
      });
      bar.finish();
      summaries.push(summary);
      if (context.format === 'table') context.io.stdout.write(describeSummary(summary));
    }
    // New activity is judged by the live definitions right away (incremental: only contacts whose
    // data changed), so stages are current after every import.
    const qualified = context.values['no-qualify'] === true ? null : await qualify(engine, { clock: systemClock });
    if (qualified && context.format === 'table' && (qualified.judged > 0 || qualified.slaBreaches > 0)) printQualifyResult(context.io, 'table', qualified);
    // The import made the materialised attribution journeys stale; rebuilt here so reports read
    // them (a bulk load of several files can skip it and run `revline attribution refresh` once).
    const journeys = context.values['no-journeys'] === true ? null : await refreshJourneys(engine, systemClock);
    if (journeys) printJourneyRefresh(context, journeys, false);
    if (context.format !== 'table') {
      const extras = { ...(qualified ? { qualify: qualified } : {}), ...(journeys ? { journeys } : {}) };
      printDocument(context.io.stdout, context.format, Object.keys(extras).length ? { imports: summaries, ...extras } : summaries, () => '');
    } else if (summaries.length > 1) {
      context.io.stdout.write(
        renderTable({
          title: 'All files',
          columns: ['file', 'read', 'inserted', 'updated', 'unchanged', 'quarantined'],
          rows: summaries.map((s) => [s.file, s.read, s.inserted, s.updated, s.unchanged, s.quarantined]),
        }),
      );
    }
    return 0;
  },
};
