/**
 * Attribution: credit for pipeline, revenue or any conversion by channel, campaign or content, under
 * the model picked, and every model side by side over the same journeys (with, on the demo world,
 * each model's agreement with the true channel effects).
 */

import { apiGet, type Row } from '../api.js';
import { POSITION_MODELS } from '../../core/attribution/positions.js';
import { barsOption } from '../charts.js';
import { Chart } from '../components/Chart.js';
import { DataTable } from '../components/DataTable.js';
import { PageOptions, useChoice, type Choice } from '../components/PageOptions.js';
import { Loaded } from '../components/States.js';
import { go, useLoad, usePlace } from '../hooks.js';
import { reportQuery, withParam } from '../location.js';

interface Pair {
  conversions: number;
  value: number;
}
interface Credit {
  key: string | null;
  conversions: number;
  value: number;
  removal_effect?: number;
}
interface Attribution {
  model: string;
  conversion: string;
  scope: string;
  by: string;
  total: Pair;
  unattributed: Pair;
  credits: Credit[];
}
interface Comparison {
  models: { model: string; total: Pair; unattributed: Pair; credits: Credit[] }[];
  truthRankCorrelation: Record<string, number | null> | null;
  holdout: { model: string; logLoss: number; auc: number | null; trained: number; tested: number }[];
}

const RULE_BASED = Object.keys(POSITION_MODELS);
const MODEL: Choice = { name: 'model', label: 'Model', values: [...Object.keys(POSITION_MODELS), 'markov', 'shapley'], default: 'u_shaped' };
const CONVERSION: Choice = { name: 'conversion', label: 'Conversion', values: ['opportunity', 'won', 'lead', 'mql', 'sql'], default: 'opportunity' };
const SCOPE: Choice = { name: 'scope', label: 'Scope', values: ['account', 'contact'], default: 'account' };
const BY: Choice = { name: 'by', label: 'By', values: ['channel', 'campaign', 'content', 'touch_type'], default: 'channel' };
/** The attribution query takes the date range of conversions; the other global filters are the reports'. */
const HONOURED = ['from', 'to'];

const keyOf = (credit: Credit) => credit.key ?? '(none)';

function creditRows(attribution: Attribution): Row[] {
  return attribution.credits.map((c) => ({
    [attribution.by]: keyOf(c),
    conversions: c.conversions,
    value: c.value,
    value_share: attribution.total.value > 0 ? c.value / attribution.total.value : null,
    ...(c.removal_effect !== undefined ? { removal_effect: c.removal_effect } : {}),
  }));
}

/** Keys down, models across: the value each model credits each key. */
function comparisonRows(comparison: Comparison, by: string): Row[] {
  const keys = new Map<string, Row>();
  for (const m of comparison.models) {
    for (const c of m.credits) {
      const row = keys.get(keyOf(c)) ?? { [by]: keyOf(c) };
      row[m.model] = c.value;
      keys.set(keyOf(c), row);
    }
  }
  return [...keys.values()];
}

export function Attribution() {
  const { path, params } = usePlace();
  const [model, conversion, scope, by] = [MODEL, CONVERSION, SCOPE, BY].map(useChoice);
  const { query, ignored } = reportQuery(params, HONOURED, { model, conversion, scope, by });
  const single = useLoad(`attribution?${query.toString()}`, () => apiGet<Attribution>('/attribution', query));
  const compareQuery = new URLSearchParams(query);
  compareQuery.delete('model');
  // The rule-based models answer from the materialised credits at once, and Markov and Shapley by
  // channel over every conversion from what was learned with the journeys; with a date range or
  // another key they learn from every journey (seconds on a large workspace), so they join when asked.
  const learnedWithJourneys = (query.get('by') ?? 'channel') === 'channel' && !query.has('from') && !query.has('to');
  const dataDriven = learnedWithJourneys || params.get('data_driven') === '1';
  if (!dataDriven) compareQuery.set('models', RULE_BASED.join(','));
  const compared = useLoad(`compare?${compareQuery.toString()}`, () => apiGet<Comparison>('/attribution/compare', compareQuery));
  const dimension = by ?? 'channel';
  return (
    <>
      <PageOptions choices={[MODEL, CONVERSION, SCOPE, BY]} />
      {ignored.length ? <p className="note" role="note">Attribution takes the date range of conversions only; the {ignored.join(' and ')} filter applies to the reports.</p> : null}
      <Loaded load={single} what="attribution">
        {(a) => (
          <>
            <div className="kpis">
              <div className="kpi" data-kpi="total">
                <div className="kpi-value">{a.total.conversions.toLocaleString('en-US')}</div>
                <div className="kpi-label">{a.conversion} conversions</div>
              </div>
              <div className="kpi" data-kpi="unattributed">
                <div className="kpi-value">{a.unattributed.conversions.toLocaleString('en-US')}</div>
                <div className="kpi-label">without a touch in the window</div>
              </div>
            </div>
            <section className="panel">
              <h3>
                {a.conversion === 'won' ? 'Revenue' : a.conversion === 'opportunity' ? 'Pipeline' : 'Conversions'} credited by {dimension.replaceAll('_', ' ')} — {a.model.replaceAll('_', ' ')}
              </h3>
              <Chart
                name="Attribution credit"
                option={barsOption(creditRows(a).slice(0, 20), dimension, [{ figure: a.conversion === 'won' || a.conversion === 'opportunity' ? 'value' : 'conversions', name: 'Credit' }], true)}
                height={Math.max(240, Math.min(20, a.credits.length) * 26 + 40)}
              />
            </section>
            <DataTable
              title={`Credit by ${dimension.replaceAll('_', ' ')}`}
              name="attribution-credit"
              columns={[dimension, 'conversions', 'value', 'value_share', ...(a.credits.some((c) => c.removal_effect !== undefined) ? ['removal_effect'] : [])].map((name) => ({ name }))}
              rows={creditRows(a)}
            />
          </>
        )}
      </Loaded>
      <Loaded load={compared} what="every model side by side">
        {(c) => {
          const rows = comparisonRows(c, dimension);
          const models = c.models.map((m) => m.model);
          return (
            <>
              <section className="panel">
                <header className="panel-head">
                  <h3>Models side by side (value credited)</h3>
                  {dataDriven ? null : (
                    <button type="button" className="quiet" onClick={() => go(path, withParam(params, 'data_driven', '1'))}>
                      Add Markov and Shapley
                    </button>
                  )}
                </header>
                <Chart
                  name="Models side by side"
                  option={barsOption(
                    rows.slice(0, 12),
                    dimension,
                    models.map((m) => ({ figure: m, name: m.replaceAll('_', ' ') })),
                  )}
                  height={380}
                />
              </section>
              <DataTable title="Every model by key" name="attribution-models" columns={[dimension, ...models].map((name) => ({ name }))} rows={rows} />
              {c.truthRankCorrelation ? (
                <DataTable
                  title="Agreement with the demo world's true channel effects (Spearman ρ)"
                  name="attribution-truth"
                  columns={[{ name: 'model' }, { name: 'rank_correlation' }]}
                  rows={Object.entries(c.truthRankCorrelation).map(([model, rho]) => ({ model, rank_correlation: rho }))}
                />
              ) : null}
              {c.holdout.length ? <DataTable title="Data-driven models on held-out journeys" name="attribution-holdout" columns={['model', 'logLoss', 'auc', 'trained', 'tested'].map((name) => ({ name }))} rows={c.holdout as unknown as Row[]} /> : null}
            </>
          );
        }}
      </Loaded>
    </>
  );
}
