/**
 * The global filters: date range, segment, channel, campaign and owner. They live in the URL, so
 * changing one changes the address (and a shared address opens the same view).
 */

import { CHANNELS } from '../../core/vocabulary.js';
import { go, usePlace } from '../hooks.js';
import { GLOBAL_FILTERS, withParam } from '../location.js';
import { TextInput } from './TextInput.js';

function TextFilter({ name, label, placeholder, value, apply }: { name: string; label: string; placeholder: string; value: string; apply: (value: string) => void }) {
  return (
    <label className="filter">
      <span>{label}</span>
      <TextInput name={name} value={value} placeholder={placeholder} apply={apply} />
    </label>
  );
}

export function FilterBar() {
  const { path, params } = usePlace();
  const set = (name: string, values: string | readonly string[] | undefined) => go(path, withParam(params, name, values));
  const list = (text: string, separator = ',') =>
    text
      .split(separator)
      .map((v) => v.trim())
      .filter((v) => v !== '');
  const active = GLOBAL_FILTERS.some((f) => params.has(f));
  return (
    <form className="filter-bar" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      <label className="filter">
        <span>From</span>
        <input name="from" type="date" value={params.get('from') ?? ''} onChange={(e) => set('from', e.target.value)} />
      </label>
      <label className="filter">
        <span>To</span>
        <input name="to" type="date" value={params.get('to') ?? ''} onChange={(e) => set('to', e.target.value)} />
      </label>
      <label className="filter">
        <span>Channel</span>
        <select name="channel" value={params.get('channel') ?? ''} onChange={(e) => set('channel', e.target.value)}>
          <option value="">Every channel</option>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {c.replaceAll('_', ' ')}
            </option>
          ))}
        </select>
      </label>
      {/* A segment condition lists values with commas (industry=software,fintech), so conditions are separated by ";". */}
      <TextFilter name="segment" label="Segment" placeholder="employees>=200; icp=true" value={params.getAll('segment').join('; ')} apply={(t) => set('segment', list(t, ';'))} />
      <TextFilter name="owner" label="Owner" placeholder="user ids" value={params.getAll('owner').join(', ')} apply={(t) => set('owner', list(t))} />
      <TextFilter name="campaign" label="Campaign" placeholder="campaign ids" value={params.getAll('campaign').join(', ')} apply={(t) => set('campaign', list(t))} />
      {active ? (
        <button
          type="button"
          className="quiet"
          onClick={() => {
            let next = params;
            for (const f of GLOBAL_FILTERS) next = withParam(next, f, undefined);
            go(path, next);
          }}
        >
          Clear filters
        </button>
      ) : null}
    </form>
  );
}
