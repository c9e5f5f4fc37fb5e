/**
 * Scoring: predictive in-market scores beside the rule score and the MQL definition. The latest
 * model of each level with its validation (and, for admin and revops, training one); the accounts
 * or contacts most likely to buy, filtered by band, buying stage and the qualified flag; and, on
 * request (it trains its own models: seconds), the backtest of every scorer on the same rows.
 *
 * Every figure is the API's (GET /scores, /scores/models, /scores/evaluation): the table shows the
 * latest run's rows, the backtest the document `revline score evaluate` prints.
 */

import { useState } from 'react';
import { BUYING_STAGES, FIT_BANDS, IN_MARKET_BANDS } from '../../core/scoring/outputs.js';
import { apiGet, apiSend, ApiError, type Row } from '../api.js';
import { barsOption } from '../charts.js';
import { Chart, type ChartOption } from '../components/Chart.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { PageOptions, useChoice, type Choice } from '../components/PageOptions.js';
import type { PredictiveScore } from '../components/PredictiveScore.js';
import { Empty, Failure, Loaded } from '../components/States.js';
import { hrefOf, useLoad, usePlace, useWorkspace } from '../hooks.js';
import { GLOBAL_FILTERS } from '../location.js';

const LEVELS = ['account', 'contact'] as const;
type Level = (typeof LEVELS)[number];
/** Who may train (the API's declaration of POST /scores/train; it refuses the rest anyway). */
const TRAINERS = ['admin', 'revops'];
/** Scores listed at once; the table says when there are more. */
const SHOWN = 200;

interface Model {
  level: Level;
  version: number;
  label: string;
  horizonDays: number;
  trainedAt: string;
  trainedUntil: string;
  validation: { rows: number; auc: number; liftTopDecile: number; fitAuc: number; trees: number; moments: number };
}
interface ScoresPage {
  run: { version: number; scoredAt: string } | null;
  total: number;
  rows: PredictiveScore[];
}
interface Scorer {
  scorer: string;
  auc: number;
  logLoss: number | null;
  liftTopDecile: number;
  precisionAtK: number;
  flaggedRows: number;
  buyersFlagged: number;
  medianDaysEarly: number | null;
  trueInMarketAuc: number | null;
}
interface Evaluation {
  level: Level;
  label: string;
  horizonDays: number;
  split: string;
  until: string;
  train: { rows: number; positives: number; moments: number; trees: number };
  test: { rows: number; positives: number; moments: number; buyers: number; trueInMarketRows: number | null };
  scorers: Scorer[];
  calibration: { decile: number; count: number; meanPredicted: number; observedRate: number }[];
  seconds: number;
}

const day = (iso: string) => iso.slice(0, 10);

const CHOICES: readonly Choice[] = [
  { name: 'level', label: 'Level', values: LEVELS, default: 'account' },
  { name: 'fit', label: 'Fit band', values: FIT_BANDS },
  { name: 'in_market', label: 'In-market band', values: IN_MARKET_BANDS },
  { name: 'stage', label: 'Buying stage', values: BUYING_STAGES },
  { name: 'qualified', label: 'Qualified', values: ['true', 'false'] },
];

const MODEL_COLUMNS: readonly Column[] = [
  { name: 'level' },
  { name: 'version' },
  { name: 'label', description: 'What it predicts within the horizon: an opportunity, or a won deal.' },
  { name: 'horizon_days' },
  { name: 'trained_at' },
  { name: 'history_until', description: 'The end of the history it learned from.' },
  { name: 'validation_auc', title: 'validation AUC', description: 'AUC on the latest tenth of the moments, which neither the trees nor their early stopping saw.' },
  { name: 'lift_top_10', title: 'lift top 10 %', description: 'The rate of opportunities in the top tenth of scores over the rate in all validation rows.' },
  { name: 'fit_auc', title: 'fit-only AUC', description: 'AUC of the fit model alone (who they are, not what they do).' },
  { name: 'trees' },
];

function modelRow(level: Level, model: Model | undefined): Row {
  return {
    level,
    version: model?.version ?? null,
    label: model?.label ?? 'not trained yet',
    horizon_days: model?.horizonDays ?? null,
    trained_at: model ? day(model.trainedAt) : null,
    history_until: model ? day(model.trainedUntil) : null,
    validation_auc: model?.validation.auc ?? null,
    lift_top_10: model?.validation.liftTopDecile ?? null,
    fit_auc: model?.validation.fitAuc ?? null,
    trees: model?.validation.trees ?? null,
  };
}

function Models({ trained }: { trained: () => void }) {
  const { session } = useWorkspace();
  const models = useLoad('score-models', () => Promise.all(LEVELS.map((level) => apiGet<{ models: Model[] }>('/scores/models', new URLSearchParams({ level })))));
  const [training, setTraining] = useState<Level | undefined>(undefined);
  const [outcome, setOutcome] = useState<{ error?: ApiError; done?: string } | undefined>(undefined);
  const train = async (level: Level) => {
    setTraining(level);
    setOutcome(undefined);
    try {
      const r = await apiSend<{ model: Model; run: { scored: number; qualified: number } }>('POST', '/scores/train', { level });
      setOutcome({ done: `Trained ${level} model v${r.model.version} (validation AUC ${r.model.validation.auc.toFixed(3)}) and scored ${r.run.scored.toLocaleString('en-US')} ${level}s: ${r.run.qualified.toLocaleString('en-US')} qualified.` });
      models.reload();
      trained();
    } catch (e) {
      setOutcome({ error: e instanceof ApiError ? e : new ApiError(0, 'network', String(e)) });
    } finally {
      setTraining(undefined);
    }
  };
  return (
    <Loaded load={models} what="the models">
      {(answers) => (
        <>
          <DataTable title="Latest model per level" name="scoring-models" columns={MODEL_COLUMNS} rows={LEVELS.map((level, i) => modelRow(level, answers[i]?.models[0]))} />
          {TRAINERS.includes(session.role) ? (
            <div className="page-options" aria-label="Train a model">
              {LEVELS.map((level, i) => (
                <button type="button" key={level} data-train={level} disabled={training !== undefined} onClick={() => train(level)}>
                  {training === level ? `Training the ${level} model…` : `${answers[i]?.models.length ? 'Retrain' : 'Train'} the ${level} model`}
                </button>
              ))}
              <span className="hint">Learns from the workspace's history, then scores everyone (seconds: contacts take longest).</span>
            </div>
          ) : null}
          {outcome?.error ? <Failure error={outcome.error} /> : null}
          {outcome?.done ? <p className="success">{outcome.done}</p> : null}
        </>
      )}
    </Loaded>
  );
}

const SCORE_COLUMNS = (level: Level): Column[] => [
  { name: 'subject', title: level, href: (row) => hrefOf([level === 'account' ? 'accounts' : 'contacts', String(row['subject'])]) },
  { name: 'probability', description: 'Calibrated probability of an opportunity within the horizon.' },
  { name: 'fit', description: 'Probability from the fit features alone.' },
  { name: 'fit_band', description: 'strong: the fit model\'s top 20 %; moderate: the next 40 %; weak.' },
  { name: 'in_market_band', description: 'high: the top 10 % of probabilities; medium: the next 20 %; low.' },
  { name: 'buying_stage', description: 'Read off behaviour: purchase (an open deal), decision, consideration, awareness, target.' },
  { name: 'qualified', description: 'Fit at least moderate and in-market probability at least high.' },
  { name: 'reasons', title: 'top reasons', description: 'The largest positive contributions to the in-market score, largest first.' },
];

const scoreRow = (s: PredictiveScore): Row => ({
  subject: s.subjectId,
  probability: s.probability,
  fit: s.fit,
  fit_band: s.fitBand,
  in_market_band: s.inMarketBand,
  buying_stage: s.buyingStage,
  qualified: s.qualified ? 'yes' : 'no',
  reasons: s.reasons.map((r) => r.words).join('; '),
});

function Scores({ level, round }: { level: Level; round: number }) {
  const { session } = useWorkspace();
  const [fit, inMarket, stage, qualified] = CHOICES.slice(1).map(useChoice);
  const query = new URLSearchParams({ level, limit: String(SHOWN) });
  for (const band of [fit, inMarket]) if (band) query.append('band', band);
  if (stage) query.set('stage', stage);
  if (qualified) query.set('qualified', qualified);
  const page = useLoad(`scores?${query.toString()}#${round}`, () => apiGet<ScoresPage>('/scores', query));
  return (
    <Loaded load={page} what="scores">
      {(p) =>
        p.run === null ? (
          <Empty>
            No {level} model has been trained yet, so nobody is scored. {TRAINERS.includes(session.role) ? 'Train one above.' : 'An admin or revops trains one here (or: revline score train --level ' + level + ').'}
          </Empty>
        ) : (
          <DataTable
            title={`${p.total.toLocaleString('en-US')} ${level}s most likely to buy (model v${p.run.version}, as of ${day(p.run.scoredAt)})${p.total > p.rows.length ? `: the first ${p.rows.length}` : ''}`}
            name="scoring-scores"
            columns={SCORE_COLUMNS(level)}
            rows={p.rows.map(scoreRow)}
          />
        )
      }
    </Loaded>
  );
}

const SCORER_COLUMNS: readonly Column[] = [
  { name: 'scorer' },
  { name: 'auc', title: 'AUC', description: 'How well it ranks the subjects that open an opportunity within the horizon above those that do not (0.5: chance).' },
  { name: 'lift_top_decile', title: 'lift top 10 %', description: 'The opportunity rate in its top tenth over the rate in all test rows.' },
  { name: 'precision_at_k', title: 'precision at 50', description: 'Share of its 50 best-scored subjects of each test moment that opened an opportunity, averaged.' },
  { name: 'buyers_flagged', description: 'Buyers it flagged at a test moment within the horizon before their opportunity (a ranking flags its top tenth).' },
  { name: 'median_days_early', description: 'Median days from the earliest flag to the opportunity.' },
  { name: 'log_loss', description: 'For probabilities only.' },
  { name: 'true_in_market_auc', title: 'AUC vs true in-market', description: 'On the demo world: AUC against its true in-market periods.' },
];

/**
 * Horizontal bars of buyers flagged. The scorers' names lose the "(top tenth)" every ranking shares
 * (the table beside says it), so the axis shows them whole.
 */
function buyersOption(rows: readonly Row[]): ChartOption {
  const named = rows.map((r) => ({ ...r, scorer: String(r['scorer']).replace(' (top tenth)', '') }));
  return barsOption(named, 'scorer', [{ figure: 'buyers_flagged', name: 'Buyers flagged' }], true);
}

function Backtest({ level }: { level: Level }) {
  const load = useLoad(`scores-evaluation:${level}`, () => apiGet<Evaluation>('/scores/evaluation', new URLSearchParams({ level })));
  return (
    <Loaded load={load} what="the backtest (models trained on the history before the split, then tested after it)">
      {(e) => {
        const rows: Row[] = e.scorers.map((s) => ({
          scorer: s.scorer,
          auc: s.auc,
          lift_top_decile: s.liftTopDecile,
          precision_at_k: s.precisionAtK,
          buyers_flagged: s.buyersFlagged,
          median_days_early: s.medianDaysEarly,
          log_loss: s.logLoss,
          true_in_market_auc: s.trueInMarketAuc,
        }));
        return (
          <>
            <p className="hint" data-backtest={level}>
              Trained before {day(e.split)} on {e.train.rows.toLocaleString('en-US')} snapshots ({e.train.moments} moments); tested on {e.test.rows.toLocaleString('en-US')} snapshots at {e.test.moments} moments from {day(e.split)} until {day(e.until)}, with{' '}
              {e.test.buyers.toLocaleString('en-US')} buyers ({e.label} within {e.horizonDays} days).
            </p>
            <section className="panel">
              <h3>Buyers flagged in time, of {e.test.buyers.toLocaleString('en-US')}</h3>
              <Chart name="Buyers flagged per scorer" option={buyersOption(rows)} height={60 + 36 * rows.length} />
            </section>
            <DataTable title="Every scorer on the same test rows" name="scoring-backtest" columns={SCORER_COLUMNS} rows={rows} />
            <DataTable
              title="Calibration: predicted against observed, per tenth of the test rows"
              name="scoring-calibration"
              columns={[{ name: 'tenth' }, { name: 'rows' }, { name: 'predicted_rate', title: 'mean predicted' }, { name: 'observed_rate', title: 'observed' }]}
              rows={e.calibration.map((b) => ({ tenth: b.decile, rows: b.count, predicted_rate: b.meanPredicted, observed_rate: b.observedRate }))}
            />
          </>
        );
      }}
    </Loaded>
  );
}

export function Scoring() {
  const { params } = usePlace();
  const level = (useChoice(CHOICES[0]!) ?? 'account') as Level;
  const [round, setRound] = useState(0);
  const [backtest, setBacktest] = useState<Level | undefined>(undefined);
  const filtered = GLOBAL_FILTERS.some((f) => params.getAll(f).some((v) => v !== ''));
  return (
    <>
      {filtered ? (
        <p className="note" role="note">
          Scores do not take the global filters: each subject is scored as of the end of the workspace's history.
        </p>
      ) : null}
      <Models trained={() => setRound((r) => r + 1)} />
      <PageOptions choices={CHOICES} />
      <Scores level={level} round={round} />
      <section className="panel" aria-label="Backtest">
        <header className="panel-head">
          <h3>Backtest: predictive scores against the rule score and the MQL definition</h3>
          {backtest !== level ? (
            <button type="button" data-backtest-run={level} onClick={() => setBacktest(level)}>
              Run the {level} backtest
            </button>
          ) : null}
        </header>
        {backtest === level ? (
          <Backtest level={level} />
        ) : (
          <p className="hint">Trains on the history before a split and tests every scorer on the moments after it: trees, qualified flag, logistic baseline, fit only, rule score, MQL definition. It takes seconds.</p>
        )}
      </section>
    </>
  );
}
