/**
 * A subject's predictive in-market score as the API gives it (GET /scores/{level}/{id}, and the
 * `predictive` of a contact's or account's record): the probability, the fit and in-market bands,
 * the buying stage, the qualified flag and the reasons in words. Shown beside the rule scores on
 * the record views; the Scoring page lists the same rows.
 */

import { hrefOf } from '../hooks.js';
import { Kpi } from './Kpi.js';

export interface Reason {
  feature: string;
  words: string;
  contribution: number;
}

export interface PredictiveScore {
  level: 'account' | 'contact';
  subjectId: string;
  version: number;
  scoredAt: string;
  probability: number;
  fit: number;
  fitBand: 'strong' | 'moderate' | 'weak';
  inMarketBand: 'high' | 'medium' | 'low';
  buyingStage: 'target' | 'awareness' | 'consideration' | 'decision' | 'purchase';
  qualified: boolean;
  reasons: Reason[];
}

const BAND_TONE: Record<string, string> = { strong: 'ok', high: 'ok', moderate: 'warn', medium: 'warn', weak: '', low: '' };

export function Band({ band }: { band: string }) {
  return <span className={`badge ${BAND_TONE[band] ?? ''}`}>{band}</span>;
}

export function PredictiveScorePanel({ score, level }: { score: PredictiveScore | null; level: 'account' | 'contact' }) {
  return (
    <section className="panel" data-predictive={level}>
      <h3>Predictive score</h3>
      {score === null ? (
        <p className="hint">
          No predictive {level} score yet: a {level} model is trained (and everyone scored) on the <a href={hrefOf(['scoring'], new URLSearchParams({ level }))}>Scoring</a> page.
        </p>
      ) : (
        <>
          <div className="kpis">
            <Kpi name="probability" label="Likely to open an opportunity" value={score.probability} description="Calibrated probability of an opportunity within the model's horizon." />
            <Kpi name="fit" label="Fit (who they are)" value={score.fit} description="Probability from the fit features alone." />
          </div>
          <p>
            Fit <Band band={score.fitBand} /> · in market <Band band={score.inMarketBand} /> · buying stage <span className="badge">{score.buyingStage}</span>
            {score.qualified ? (
              <>
                {' '}
                · <span className="badge ok">qualified</span>
              </>
            ) : null}
          </p>
          {score.reasons.length ? (
            <ul className="reasons" aria-label="Reasons">
              {score.reasons.map((r) => (
                <li key={r.feature} title={`${r.feature}: +${r.contribution} log-odds`}>
                  {r.words}
                </li>
              ))}
            </ul>
          ) : null}
          <p className="hint">
            Model v{score.version}, as of {score.scoredAt.replace('T', ' ').slice(0, 16)} UTC.
          </p>
        </>
      )}
    </section>
  );
}
