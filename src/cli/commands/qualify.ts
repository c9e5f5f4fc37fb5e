import { systemClock } from '../../core/clock.js';
import { qualify, type QualifyResult } from '../../lifecycle/qualify.js';
import type { Command } from '../command.js';
import type { CliIo } from '../io.js';
import { printDocument, renderTable, type OutputFormat } from '../output.js';

export function printQualifyResult(io: CliIo, format: OutputFormat, r: QualifyResult): void {
  printDocument(io.stdout, format, r, () =>
    [
      `Judged ${r.judged.toLocaleString('en-US')} contact(s) with new activity in ${r.seconds.toFixed(1)} s; ${r.slaBreaches} new SLA breach(es).\n`,
      Object.keys(r.transitions).length ? renderTable({ title: 'Transitions', columns: ['transition', 'contacts'], rows: Object.entries(r.transitions) }) : '',
    ].join(''),
  );
}

export const qualifyCommand: Command = {
  name: 'qualify',
  summary: 'apply the live MQL/SQL definitions, CRM lead statuses and SLAs to contacts with new activity (or --full)',
  usage: 'revline qualify [--full]',
  options: { full: { type: 'boolean' } },
  async run(context) {
    const engine = await context.openEngine();
    printQualifyResult(context.io, context.format, await qualify(engine, { clock: systemClock, full: context.values['full'] === true }));
    return 0;
  },
};
