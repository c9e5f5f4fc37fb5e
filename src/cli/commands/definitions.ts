import { systemClock } from '../../core/clock.js';
import { RevlineError } from '../../core/errors.js';
import { backtest, type BacktestReport } from '../../lifecycle/backtest.js';
import { loadDefinitionFile } from '../../lifecycle/files.js';
import { approve, loadRegistry, propose } from '../../lifecycle/store.js';
import { stringOption, type Command } from '../command.js';
import { printDocument, renderTable } from '../output.js';

export const definitionsCommand: Command = {
  name: 'definitions',
  summary: 'shared MQL/SQL definitions and score models: check, propose, approve, list, history, backtest',
  usage: [
    'revline definitions check <file>                    check a definition file, listing every problem',
    'revline definitions propose <file> [--as <user>]    store it as the next version (a draft)',
    'revline definitions approve <name> --as <user> [--version N]',
    'revline definitions list                            every definition and its live version',
    'revline definitions history <name>                  versions, who approved, when',
    'revline definitions backtest <file> [--from YYYY-MM-DD] [--to YYYY-MM-DD]',
  ].join('\n'),
  options: { as: { type: 'string' }, version: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
  async run(context) {
    const [verb, arg] = context.positionals;
    const engine = await context.openEngine();
    const as = stringOption(context.values, 'as');
    switch (verb) {
      case 'check':
      case 'propose': {
        if (!arg) throw new RevlineError('usage', `revline definitions ${verb} needs a file.`, { hint: this.usage });
        const registry = await loadRegistry(engine);
        const { artefact, source } = await loadDefinitionFile(context.resolvePath(arg), registry.context, arg);
        if (verb === 'check') {
          printDocument(context.io.stdout, context.format, artefact, () => `${arg}: a valid ${artefact.kind} definition "${artefact.name}".\n`);
          return 0;
        }
        const v = await propose(engine, { artefact, source, file: arg, by: as ?? null }, systemClock);
        const policy = Object.entries(registry.settings.approvals.teams).map(([team, n]) => `${n} ${team}`).join(' and ');
        printDocument(context.io.stdout, context.format, { name: v.name, version: v.version, kind: v.kind, status: v.status }, () =>
          `Proposed ${v.kind} "${v.name}" version ${v.version} (draft). It goes live when approved by ${policy} user(s): revline definitions approve ${v.name} --as <user>\n`,
        );
        return 0;
      }
      case 'approve': {
        if (!arg || !as) throw new RevlineError('usage', 'revline definitions approve needs a name and --as <user>.', { hint: this.usage });
        const versionText = stringOption(context.values, 'version');
        const version = versionText === undefined ? undefined : Number(versionText);
        if (version !== undefined && !Number.isInteger(version)) throw new RevlineError('usage', `--version takes a whole number, not "${versionText}".`);
        const r = await approve(engine, arg, as, systemClock, version);
        const state = Object.entries(r.approvals).map(([team, a]) => `${team} ${a.have}/${a.need}`).join(', ');
        printDocument(context.io.stdout, context.format, { name: r.version.name, version: r.version.version, status: r.version.status, approvals: r.approvals, retired: r.retired }, () =>
          r.wentLive
            ? `"${r.version.name}" version ${r.version.version} is live (${state})${r.retired !== null ? `; version ${r.retired} retired` : ''}. Run revline qualify to apply it to everyone.\n`
            : `Approval recorded for "${r.version.name}" version ${r.version.version} (${state}); still a draft.\n`,
        );
        return 0;
      }
      case 'list': {
        const registry = await loadRegistry(engine);
        const names = [...new Set(registry.versions.map((v) => v.name))];
        const rows = names.map((name) => {
          const vs = registry.versions.filter((v) => v.name === name);
          const live = vs.find((v) => v.status === 'live');
          const drafts = vs.filter((v) => v.status === 'draft').map((v) => v.version);
          return [name, vs[0]!.kind, live?.version ?? null, drafts.join(', '), vs.length];
        });
        printDocument(context.io.stdout, context.format, rows.map(([name, kind, live, drafts, versions]) => ({ name, kind, live, drafts, versions })), () =>
          renderTable({ title: 'Definitions', columns: ['name', 'kind', 'live version', 'drafts', 'versions'], rows }),
        );
        return 0;
      }
      case 'history': {
        if (!arg) throw new RevlineError('usage', 'revline definitions history needs a name.', { hint: this.usage });
        const versions = (await loadRegistry(engine)).versions.filter((v) => v.name === arg);
        if (versions.length === 0) throw new RevlineError('definition-not-found', `There is no definition "${arg}".`, { hint: 'See revline definitions list.' });
        const rows = versions.flatMap((v) => v.events.map((e) => [v.version, v.status, e.event, e.userId, e.team, e.at, e.note]));
        printDocument(context.io.stdout, context.format, versions.map(({ artefact: _a, ...rest }) => rest), () =>
          renderTable({ title: `History of ${arg}`, columns: ['version', 'status now', 'event', 'user', 'team', 'at', 'note'], rows }),
        );
        return 0;
      }
      case 'backtest': {
        if (!arg) throw new RevlineError('usage', 'revline definitions backtest needs a file.', { hint: this.usage });
        const registry = await loadRegistry(engine);
        const { artefact } = await loadDefinitionFile(context.resolvePath(arg), registry.context, arg);
        if (artefact.kind !== 'mql' && artefact.kind !== 'sql') {
          throw new RevlineError('usage', `Only MQL and SQL definitions are backtested; ${arg} is kind ${artefact.kind}.`);
        }
        const from = stringOption(context.values, 'from');
        const to = stringOption(context.values, 'to');
        const r = await backtest(engine, artefact, { clock: systemClock, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
        printDocument(context.io.stdout, context.format, r, () => describeBacktest(r));
        return 0;
      }
      default:
        throw new RevlineError('usage', `revline definitions takes check, propose, approve, list, history or backtest${verb ? `, not "${verb}"` : ''}.`, { hint: this.usage });
    }
  },
};

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function describeBacktest(r: BacktestReport): string {
  const sides = r.sides;
  const label = (s: BacktestReport['sides'][number]) => `${s.label} ${s.name}${s.version !== null ? ` v${s.version}` : ''}`;
  const months = [...new Set(sides.flatMap((s) => Object.keys(s.perMonth)))].sort();
  return [
    `Backtest ${r.from.slice(0, 10)} … ${r.to.slice(0, 10)}: each contact judged at its moments on what was known then; outcomes from actual history; horizon ${r.horizonDays} days. (${r.seconds.toFixed(1)} s)\n`,
    renderTable({
      title: 'Outcomes of the qualified',
      columns: ['', ...sides.map(label)],
      rows: [
        ['qualified', ...sides.map((s) => s.qualified)],
        ['→ SAL', ...sides.map((s) => pct(s.rates.sal))],
        ['→ SQL', ...sides.map((s) => pct(s.rates.sql))],
        ['→ opportunity', ...sides.map((s) => pct(s.rates.opportunity))],
        ['→ won', ...sides.map((s) => pct(s.rates.won))],
        ['pipeline', ...sides.map((s) => s.pipeline)],
        ['revenue', ...sides.map((s) => s.revenue)],
        [`precision (opportunity within ${r.horizonDays} d)`, ...sides.map((s) => pct(s.precision))],
        [`recall (of ${r.opportunityContacts} contacts with a first opportunity)`, ...sides.map((s) => pct(s.recall))],
      ],
    }),
    renderTable({ title: 'Qualified per month', columns: ['month', ...sides.map(label)], rows: months.map((m) => [m, ...sides.map((s) => s.perMonth[m] ?? 0)]) }),
    renderTable({
      title: `Added: qualified by the proposed definition only (${r.addedCount}; a sample)`,
      columns: ['contact_id', 'qualified_at', `opportunity within ${r.horizonDays} d`],
      rows: r.added.map((a) => [a.contact_id, a.qualified_at, a.opportunity_within_horizon ? 'yes' : 'no']),
    }),
    sides.length > 1
      ? renderTable({
          title: `Dropped: qualified by the live definition only (${r.droppedCount}; a sample)`,
          columns: ['contact_id', 'qualified_at', `opportunity within ${r.horizonDays} d`],
          rows: r.dropped.map((a) => [a.contact_id, a.qualified_at, a.opportunity_within_horizon ? 'yes' : 'no']),
        })
      : 'No live definition of this kind to compare with.\n',
  ].join('\n');
}
