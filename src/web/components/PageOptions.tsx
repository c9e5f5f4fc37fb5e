/**
 * A page's own choices (a report option such as the attribution model), kept in the URL beside the
 * global filters. A choice with a closed list of values is a select; the spec's default is shown.
 */

import type { ReportSpec } from '../api.js';
import { go, usePlace } from '../hooks.js';
import { withParam } from '../location.js';
import { TextInput } from './TextInput.js';

export interface Choice {
  readonly name: string;
  readonly label: string;
  /** The closed list of values (a select); absent: free text, applied on Enter. */
  readonly values?: readonly string[];
  readonly default?: string;
  readonly placeholder?: string;
}

/** The report option `name` of `spec` as a choice (its values and default from the API's spec). */
export function choiceOf(spec: ReportSpec, name: string, label: string, placeholder?: string): Choice {
  const option = spec.options.find((o) => o.name === name);
  if (!option) throw new Error(`Report ${spec.name} has no option ${name}`);
  return {
    name,
    label,
    ...(option.values ? { values: option.values } : {}),
    ...(option.default !== undefined ? { default: option.default } : {}),
    ...(placeholder !== undefined ? { placeholder } : {}),
  };
}

/** The value of a choice in the current view (its default when the URL has none). */
export function useChoice(choice: Choice): string | undefined {
  const { params } = usePlace();
  return params.get(choice.name) ?? choice.default;
}

export function PageOptions({ choices }: { choices: readonly Choice[] }) {
  const { path, params } = usePlace();
  return (
    <div className="page-options">
      {choices.map((choice) => {
        const set = (value: string) => go(path, withParam(params, choice.name, value === choice.default ? undefined : value));
        return (
          <label className="filter" key={choice.name}>
            <span>{choice.label}</span>
            {choice.values ? (
              <select name={choice.name} value={params.get(choice.name) ?? choice.default ?? ''} onChange={(e) => set(e.target.value)}>
                {choice.default === undefined ? <option value="">—</option> : null}
                {choice.values.map((v) => (
                  <option key={v} value={v}>
                    {v.replaceAll('_', ' ')}
                  </option>
                ))}
              </select>
            ) : (
              <TextInput name={choice.name} value={params.get(choice.name) ?? choice.default ?? ''} placeholder={choice.placeholder ?? ''} apply={set} />
            )}
          </label>
        );
      })}
    </div>
  );
}

