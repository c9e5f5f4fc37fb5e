/**
 * Contacts and accounts as records: search contacts, open a contact or an account, and read its
 * timeline — every touch, score change, stage change, SLA breach and opportunity event in time order,
 * the story marketing and sales tell about the same person or company. A contact's rule scores and
 * a contact's or account's predictive score stand side by side.
 */

import { apiGet, type Cell, type Row } from '../api.js';
import { DataTable } from '../components/DataTable.js';
import { Kpi } from '../components/Kpi.js';
import { PredictiveScorePanel, type PredictiveScore } from '../components/PredictiveScore.js';
import { TextInput } from '../components/TextInput.js';
import { Loaded } from '../components/States.js';
import { go, hrefOf, useLoad, usePlace } from '../hooks.js';
import { withParam } from '../location.js';

interface TimelineEntry {
  at: string;
  kind: 'touch' | 'score' | 'stage' | 'sla' | 'opportunity';
  what: string;
  detail: string;
  contactId: string | null;
  opportunityId: string | null;
}
type Fields = Record<string, Cell | boolean>;
interface ContactRecord {
  contact: Fields;
  account: Fields | null;
  currentStage: string | null;
  owner: Fields | null;
  scores: Record<string, number>;
  predictive: PredictiveScore | null;
}
interface AccountRecord {
  account: Fields;
  contacts: Row[];
  opportunities: Row[];
  engagement: { engagement: number; halfLifeDays: number; peopleEngaged: number; touches3w: number; touchesPrior3w: number; daysSinceLastTouch: number | null; stage: string; openPipeline: number };
  predictive: PredictiveScore | null;
}

const text = (v: Cell | boolean | undefined) => (v === null || v === undefined ? '—' : String(v));

function Facts({ fields, names }: { fields: Fields; names: readonly string[] }) {
  return (
    <dl className="facts">
      {names
        .filter((n) => fields[n] !== undefined)
        .map((n) => (
          <div key={n} style={{ display: 'contents' }}>
            <dt>{n.replaceAll('_', ' ')}</dt>
            <dd>{text(fields[n])}</dd>
          </div>
        ))}
    </dl>
  );
}

export function Timeline({ entries, showContact }: { entries: readonly TimelineEntry[]; showContact: boolean }) {
  if (entries.length === 0) return <p className="state empty">Nothing happened here yet.</p>;
  return (
    <ol className="timeline" aria-label="Timeline">
      {entries.map((e, i) => (
        <li key={i} className={`kind-${e.kind}`} data-kind={e.kind}>
          <time dateTime={e.at}>{e.at.replace('T', ' ').slice(0, 16)}</time>
          <span className="badge">{e.kind}</span> <strong>{e.what.replaceAll('_', ' ')}</strong> <span className="hint">{e.detail}</span>
          {showContact && e.contactId ? (
            <>
              {' '}
              · <a href={hrefOf(['contacts', e.contactId])}>{e.contactId}</a>
            </>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

export function ContactView({ id }: { id: string }) {
  const record = useLoad(`contact:${id}`, () => apiGet<ContactRecord>(`/contacts/${encodeURIComponent(id)}`));
  const timeline = useLoad(`contact-timeline:${id}`, () => apiGet<{ entries: TimelineEntry[] }>(`/contacts/${encodeURIComponent(id)}/timeline`));
  return (
    <>
      <Loaded load={record} what="the contact">
        {(r) => (
          <div className="grid two">
            <section className="panel">
              <h3>
                {text(r.contact['email'] ?? r.contact['contact_id'])} <span className="badge ok">{r.currentStage ?? 'no stage'}</span>
              </h3>
              <Facts fields={r.contact} names={['contact_id', 'first_name', 'last_name', 'title', 'job_level', 'department', 'original_source', 'created_by', 'created_at']} />
              {Object.keys(r.scores).length ? (
                <div className="kpis" style={{ marginTop: 12 }}>
                  {Object.entries(r.scores).map(([model, score]) => (
                    <Kpi key={model} name="score" label={`${model} score`} value={score} />
                  ))}
                </div>
              ) : null}
            </section>
            <section className="panel">
              <h3>Account and owner</h3>
              {r.account ? (
                <p>
                  <a href={hrefOf(['accounts', String(r.account['account_id'])])}>{text(r.account['name'] ?? r.account['account_id'])}</a> · {text(r.account['industry'])} · {text(r.account['employees'])} people · {text(r.account['country'])}
                </p>
              ) : (
                <p className="hint">No account.</p>
              )}
              <p>Owner: {r.owner ? `${text(r.owner['name'])} (${text(r.owner['team'])})` : '—'}</p>
            </section>
            <PredictiveScorePanel score={r.predictive} level="contact" />
          </div>
        )}
      </Loaded>
      <section className="panel">
        <h3>Timeline</h3>
        <Loaded load={timeline} what="the timeline">
          {(t) => <Timeline entries={t.entries} showContact={false} />}
        </Loaded>
      </section>
    </>
  );
}

export function AccountView({ id }: { id: string }) {
  const record = useLoad(`account:${id}`, () => apiGet<AccountRecord>(`/accounts/${encodeURIComponent(id)}`));
  const timeline = useLoad(`account-timeline:${id}`, () => apiGet<{ entries: TimelineEntry[] }>(`/accounts/${encodeURIComponent(id)}/timeline`));
  return (
    <>
      <Loaded load={record} what="the account">
        {(r) => (
          <>
            <section className="panel">
              <h3>
                {text(r.account['name'] ?? r.account['account_id'])} <span className="badge ok">{r.engagement.stage}</span>
              </h3>
              <Facts fields={r.account} names={['account_id', 'domain', 'industry', 'employees', 'annual_revenue', 'country', 'technologies', 'is_icp', 'sales_owner_id', 'marketing_owner_id']} />
            </section>
            <div className="kpis">
              <Kpi name="engagement" label={`Engagement (half-life ${r.engagement.halfLifeDays} d)`} value={r.engagement.engagement} />
              <Kpi name="people" label="People engaged (90 d)" value={r.engagement.peopleEngaged} />
              <Kpi name="touches_3w" label="Touches, last 3 weeks" value={r.engagement.touches3w} />
              <Kpi name="touches_prior_3w" label="Touches, 3 weeks before" value={r.engagement.touchesPrior3w} />
              <Kpi name="open_pipeline" label="Open pipeline" value={r.engagement.openPipeline} />
            </div>
            <PredictiveScorePanel score={r.predictive} level="account" />
            <DataTable title="Contacts" name="account-contacts" columns={['contact_id', 'email', 'title', 'stage', 'original_source', 'created_at'].map((name) => ({ name, ...(name === 'contact_id' ? { href: (row: Row) => hrefOf(['contacts', String(row['contact_id'])]) } : {}) }))} rows={r.contacts} />
            <DataTable title="Opportunities" name="account-opportunities" columns={['opportunity_id', 'name', 'stage', 'amount', 'owner_id', 'created_at', 'closed_at', 'is_won'].map((name) => ({ name }))} rows={r.opportunities.map((o) => ({ ...o, is_won: o['is_won'] === null ? null : String(o['is_won']) }))} />
          </>
        )}
      </Loaded>
      <section className="panel">
        <h3>Timeline</h3>
        <Loaded load={timeline} what="the timeline">
          {(t) => <Timeline entries={t.entries} showContact={true} />}
        </Loaded>
      </section>
    </>
  );
}

/** The Contacts page: search by email, name, id or company; a contact opens its record and timeline. */
export function Contacts() {
  const { path, params } = usePlace();
  const q = params.get('q') ?? '';
  const query = new URLSearchParams({ limit: '100', ...(q ? { q } : {}) });
  const page = useLoad(`contacts?${query.toString()}`, () => apiGet<{ total: number; contacts: Row[] }>('/contacts', query));
  return (
    <>
      <div className="page-options">
        <label className="filter">
          <span>Find a contact</span>
          <TextInput name="q" value={q} placeholder="email, name, id or company" apply={(v) => go(path, withParam(params, 'q', v))} />
        </label>
      </div>
      <Loaded load={page} what="contacts">
        {(p) => (
          <DataTable
            title={`${p.total.toLocaleString('en-US')} contacts${p.total > p.contacts.length ? ` (the first ${p.contacts.length})` : ''}`}
            name="contacts"
            columns={['contact_id', 'email', 'first_name', 'last_name', 'title', 'account_name', 'original_source', 'created_at'].map((name) => ({
              name,
              ...(name === 'contact_id' || name === 'email' ? { href: (row: Row) => hrefOf(['contacts', String(row['contact_id'])]) } : {}),
              ...(name === 'account_name' ? { href: (row: Row) => (row['account_id'] ? hrefOf(['accounts', String(row['account_id'])]) : undefined) } : {}),
            }))}
            rows={p.contacts}
            empty="No contact matches."
          />
        )}
      </Loaded>
    </>
  );
}
