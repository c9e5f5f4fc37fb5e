/**
 * A report table: every column sorts (click its header; again to reverse), the whole table exports
 * to CSV with the raw values, and a header's tooltip is the figure's description from the report spec.
 */

import { useMemo, useState } from 'react';
import type { Cell, Row } from '../api.js';
import { formatCell, isPercentFigure, toCsv } from '../format.js';

export interface Column {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  /** A link for the cell (e.g. to an account's timeline). */
  readonly href?: (row: Row) => string | undefined;
}

function compare(a: Cell | undefined, b: Cell | undefined): number {
  // Missing values sort last whichever the direction, so a sort never hides the figures under blanks.
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

export function download(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

export function DataTable({ title, name, columns, rows, empty = 'No rows for these filters.' }: { title: string; name: string; columns: readonly Column[]; rows: readonly Row[]; empty?: string }) {
  const [sort, setSort] = useState<{ column: string; descending: boolean } | undefined>(undefined);
  const sorted = useMemo(() => {
    if (!sort) return rows;
    const sign = sort.descending ? -1 : 1;
    return [...rows].sort((a, b) => {
      const order = compare(a[sort.column], b[sort.column]);
      const missing = a[sort.column] == null || b[sort.column] == null;
      return missing ? order : sign * order;
    });
  }, [rows, sort]);
  const toggle = (column: string) =>
    // Numbers are most often read largest first, names from A.
    setSort((s) => (s?.column === column ? { column, descending: !s.descending } : { column, descending: rows.some((r) => typeof r[column] === 'number') }));

  return (
    <section className="panel table-panel" data-table={name}>
      <header className="panel-head">
        <h3>{title}</h3>
        <button
          type="button"
          className="quiet"
          onClick={() =>
            download(
              `${name}.csv`,
              toCsv(
                columns.map((c) => c.name),
                sorted,
              ),
            )
          }
          disabled={rows.length === 0}
        >
          Export CSV
        </button>
      </header>
      {rows.length === 0 ? (
        <p className="state empty">{empty}</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th
                    key={c.name}
                    title={c.description}
                    className={rows.some((r) => typeof r[c.name] === 'number') ? 'numeric' : undefined}
                    aria-sort={sort?.column === c.name ? (sort.descending ? 'descending' : 'ascending') : 'none'}
                  >
                    <button type="button" onClick={() => toggle(c.name)}>
                      {c.title ?? c.name.replaceAll('_', ' ')}
                      <span className="sort-mark" aria-hidden="true">
                        {sort?.column === c.name ? (sort.descending ? '▼' : '▲') : ''}
                      </span>
                    </button>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {sorted.map((row, i) => (
                <tr key={i}>
                  {columns.map((c) => {
                    const value = row[c.name] ?? null;
                    const href = c.href?.(row);
                    const text = formatCell(c.name, value);
                    return (
                      <td key={c.name} className={typeof value === 'number' ? (isPercentFigure(c.name) ? 'numeric percent' : 'numeric') : undefined}>
                        {href ? <a href={href}>{text}</a> : text}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
