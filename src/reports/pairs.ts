import { dayBoundsUs } from '../core/reports/filters.js';
import { PAIRS } from '../core/reports/pairs.js';
import { rate, round2, type Cell } from '../core/reports/spec.js';
import type { Row } from '../engine/engine.js';
import { loadRegistry } from '../lifecycle/store.js';
import { compilePairs } from '../sql/compile/reports/pairs.js';
import { acceptanceRules } from './acceptance.js';
import { checkTotalRow, count, specTable, type Report } from './report.js';
import { userNames } from './users.js';

const SUMMED = ['accounts', 'mqls', 'accepted', 'decided', 'sqls', 'opportunities', 'won', 'lost', 'pipeline', 'revenue'] as const;

/** The largest pipeline first; `no account` last. */
function order(a: Row, b: Row): number {
  const rank = (r: Row) => (r['marketer'] === 'no account' ? 1 : 0);
  return (
    rank(a) - rank(b) ||
    count(b['pipeline']) - count(a['pipeline']) ||
    count(b['mqls']) - count(a['mqls']) ||
    count(b['accounts']) - count(a['accounts']) ||
    String(a['marketer']).localeCompare(String(b['marketer'])) ||
    String(a['rep']).localeCompare(String(b['rep']))
  );
}

export const pairsReport: Report = {
  spec: PAIRS,
  async run(engine, request) {
    const { settings } = await loadRegistry(engine);
    const rows = (await engine.query(compilePairs(engine.dialect, request.filters, dayBoundsUs(request.filters), request.clock.now() * 1000, acceptanceRules(settings)))).sort(order);
    const names = await userNames(engine);
    const total: Row = { marketer: 'total', rep: null };
    for (const c of SUMMED) total[c] = rows.reduce((s, r) => s + count(r[c]), 0);
    const name = (id: unknown) => (typeof id === 'string' ? (names.get(id) ?? null) : null);
    const cells = (r: Row): Cell[] => {
      const won = count(r['won']);
      return [
        String(r['marketer']),
        name(r['marketer']),
        r['rep'] === null ? null : String(r['rep']),
        name(r['rep']),
        count(r['accounts']),
        count(r['mqls']),
        count(r['accepted']),
        rate(count(r['accepted']), count(r['decided'])),
        count(r['sqls']),
        count(r['opportunities']),
        won,
        round2(count(r['pipeline'])),
        round2(count(r['revenue'])),
        rate(won, won + count(r['lost'])),
      ];
    };
    const table = specTable(PAIRS, 'pairs', [...rows, total].map(cells));
    checkTotalRow(table, 'total', ['accounts', 'mqls', 'accepted', 'sqls', 'opportunities', 'won', 'pipeline', 'revenue']);
    return [table];
  },
};
