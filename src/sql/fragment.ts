/**
 * SQL text with typed parameters, independent of any engine.
 *
 * Invariants:
 * - User values only ever travel as parameters, never spliced into text. `raw()` is for text the
 *   program itself owns (identifiers it validated, SQL it compiled).
 * - A parameter carries its logical type, because ClickHouse needs it in the placeholder
 *   (`{p1:String}`) while DuckDB infers it (`$p1`); the dialect renders both.
 *
 * @example
 * const q = sql`SELECT count(*) AS n FROM touchpoints WHERE channel = ${param.string('email')}`;
 * const { sql: text, params } = printSql(q, dialect);
 */

export type ParamType = 'string' | 'integer' | 'float' | 'boolean' | 'timestamp' | 'date' | 'string[]';

export type ParamValue = string | number | boolean | null | readonly string[];

export interface TypedParam {
  readonly type: ParamType;
  readonly value: ParamValue;
}

export const param = {
  string: (value: string | null): TypedParam => ({ type: 'string', value }),
  integer: (value: number | null): TypedParam => ({ type: 'integer', value }),
  float: (value: number | null): TypedParam => ({ type: 'float', value }),
  boolean: (value: boolean | null): TypedParam => ({ type: 'boolean', value }),
  /** A UTC instant: an ISO-8601 string with zone, or epoch milliseconds. */
  timestamp: (value: string | number | null): TypedParam => ({
    type: 'timestamp',
    value: typeof value === 'number' ? new Date(value).toISOString() : value,
  }),
  /** A calendar day, `YYYY-MM-DD`. */
  date: (value: string | null): TypedParam => ({ type: 'date', value }),
  strings: (value: readonly string[]): TypedParam => ({ type: 'string[]', value }),
};

type Part = { kind: 'text'; text: string } | { kind: 'param'; param: TypedParam } | { kind: 'ident'; name: string };

export class SqlFragment {
  constructor(readonly parts: readonly Part[]) {}

  append(other: SqlFragment | string): SqlFragment {
    const tail = typeof other === 'string' ? [{ kind: 'text' as const, text: other }] : other.parts;
    return new SqlFragment([...this.parts, ...tail]);
  }
}

export function isParam(value: unknown): value is TypedParam {
  return typeof value === 'object' && value !== null && 'type' in value && 'value' in value && !(value instanceof SqlFragment);
}

/** Tagged template: interpolated fragments are inlined, typed params become placeholders. */
export function sql(strings: TemplateStringsArray, ...values: (SqlFragment | TypedParam)[]): SqlFragment {
  const parts: Part[] = [];
  strings.forEach((text, i) => {
    if (text) parts.push({ kind: 'text', text });
    if (i < values.length) {
      const value = values[i]!;
      if (value instanceof SqlFragment) parts.push(...value.parts);
      else if (isParam(value)) parts.push({ kind: 'param', param: value });
      else throw new TypeError('sql`...` takes SqlFragment or TypedParam values only; wrap user values with param.*()');
    }
  });
  return new SqlFragment(parts);
}

/** Program-owned SQL text. Never pass user input here. */
export function raw(text: string): SqlFragment {
  return new SqlFragment([{ kind: 'text', text }]);
}

/** An identifier (table or column name), quoted by the dialect. */
export function ident(name: string): SqlFragment {
  return new SqlFragment([{ kind: 'ident', name }]);
}

export function joinSql(fragments: readonly SqlFragment[], separator: string): SqlFragment {
  const parts: Part[] = [];
  fragments.forEach((f, i) => {
    if (i > 0) parts.push({ kind: 'text', text: separator });
    parts.push(...f.parts);
  });
  return new SqlFragment(parts);
}

/** What a dialect needs to print a fragment. */
export interface FragmentPrinter {
  quoteIdentifier(name: string): string;
  renderParam(name: string, type: ParamType): string;
}

export interface PrintedSql {
  readonly sql: string;
  readonly params: Readonly<Record<string, TypedParam>>;
}

/** Print a fragment for one dialect; params are named p1, p2, … in order of appearance. */
export function printSql(fragment: SqlFragment | string, printer: FragmentPrinter): PrintedSql {
  if (typeof fragment === 'string') return { sql: fragment, params: {} };
  let text = '';
  const params: Record<string, TypedParam> = {};
  let n = 0;
  for (const part of fragment.parts) {
    if (part.kind === 'text') text += part.text;
    else if (part.kind === 'ident') text += printer.quoteIdentifier(part.name);
    else {
      const name = `p${++n}`;
      params[name] = part.param;
      text += printer.renderParam(name, part.param.type);
    }
  }
  return { sql: text, params };
}

/** `(p1, p2, …)` for an IN list of strings; `(NULL)` when empty, which matches nothing. */
export function inStrings(values: readonly string[]): SqlFragment {
  if (values.length === 0) return raw('(NULL)');
  return sql`(${joinSql(values.map((v) => sql`${param.string(v)}`), ', ')})`;
}
