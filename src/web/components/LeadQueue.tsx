/**
 * The acceptance queue: open MQLs oldest first with their SLA state; sales accepts one, or rejects
 * it with a reason from the workspace's list (and a note). Shown to sales, revops and admins — the
 * roles the API lets decide.
 */

import { useState } from 'react';
import { apiGet, apiSend, ApiError, type Row } from '../api.js';
import { useLoad, usePlace, hrefOf } from '../hooks.js';
import { DataTable } from './DataTable.js';
import { Failure, Loaded } from './States.js';

interface Queue {
  leads: { contact_id: string; email: string | null; owner_id: string | null; account_id: string | null; mql_at: string; age_hours: number; due_at: string | null; sla: string }[];
  sla: { stage: string; withinHours: number } | null;
  rejectReasons: string[];
}

export const DECIDERS = ['sales', 'revops', 'admin'] as const;

export function LeadQueue() {
  const { params } = usePlace();
  const query = new URLSearchParams();
  for (const name of ['owner', 'segment']) for (const v of params.getAll(name)) query.append(name, v);
  const queue = useLoad(`queue?${query.toString()}`, () => apiGet<Queue>('/leads/queue', query));
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const [outcome, setOutcome] = useState<{ error?: ApiError; done?: string } | undefined>(undefined);

  const decide = async (action: 'accept' | 'reject') => {
    if (!chosen) return;
    setOutcome(undefined);
    try {
      await apiSend('POST', `/leads/${encodeURIComponent(chosen)}/${action}`, action === 'reject' ? { reason, ...(note ? { note } : {}) } : undefined);
      setOutcome({ done: `${chosen} ${action === 'accept' ? 'accepted' : `rejected (${reason})`}.` });
      setChosen(undefined);
      setNote('');
      queue.reload();
    } catch (e) {
      setOutcome({ error: e instanceof ApiError ? e : new ApiError(0, 'network', String(e)) });
    }
  };

  return (
    <Loaded load={queue} what="the acceptance queue">
      {(q) => {
        const rows: Row[] = q.leads.map((l) => ({ ...l, contact: l.email ?? l.contact_id }));
        return (
          <>
            <section className="panel" aria-label="Decide a lead">
              <h3>Decide an MQL {q.sla ? <span className="hint">— SLA: a decision within {q.sla.withinHours} hours</span> : null}</h3>
              {outcome?.error ? <Failure error={outcome.error} /> : null}
              {outcome?.done ? <p className="success">{outcome.done}</p> : null}
              <div className="page-options">
                <label className="filter">
                  <span>Lead</span>
                  <select name="lead" value={chosen ?? ''} onChange={(e) => setChosen(e.target.value || undefined)}>
                    <option value="">Pick an open MQL</option>
                    {q.leads.map((l) => (
                      <option key={l.contact_id} value={l.contact_id}>
                        {l.email ?? l.contact_id} ({Math.round(l.age_hours)} h, {l.sla})
                      </option>
                    ))}
                  </select>
                </label>
                <button type="button" disabled={!chosen} onClick={() => decide('accept')}>
                  Accept
                </button>
                <label className="filter">
                  <span>Reason</span>
                  <select name="reason" value={reason} onChange={(e) => setReason(e.target.value)}>
                    <option value="">Pick a reason</option>
                    {q.rejectReasons.map((r) => (
                      <option key={r} value={r}>
                        {r.replaceAll('_', ' ')}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="filter">
                  <span>Note</span>
                  <input name="note" value={note} onChange={(e) => setNote(e.target.value)} placeholder="optional" />
                </label>
                <button type="button" className="danger" disabled={!chosen || !reason} onClick={() => decide('reject')}>
                  Reject
                </button>
              </div>
            </section>
            <DataTable
              title={`Acceptance queue (${q.leads.length} open MQLs, oldest first)`}
              name="lead-queue"
              empty="No MQL is waiting for a decision."
              columns={[
                { name: 'contact', href: (r) => hrefOf(['contacts', String(r['contact_id'])]) },
                { name: 'owner_id', title: 'owner' },
                { name: 'account_id', title: 'account', href: (r) => (r['account_id'] ? hrefOf(['accounts', String(r['account_id'])]) : undefined) },
                { name: 'mql_at', title: 'MQL since' },
                { name: 'age_hours', title: 'age (hours)' },
                { name: 'due_at', title: 'due' },
                { name: 'sla', title: 'SLA' },
              ]}
              rows={rows}
            />
          </>
        );
      }}
    </Loaded>
  );
}
