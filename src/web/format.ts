/**
 * How a figure reads on screen, from its name alone (the reports name figures by what they are):
 * rates and shares as percentages, everything else numeric with thousands separators. The CSV
 * export writes the raw values, so a spreadsheet gets the API's numbers, not the rounded ones.
 */

import type { Cell } from './api.js';

// `probability` and `fit` are predictive scores (probabilities of a deal within the horizon).
const PERCENT = /(_rate|share|conversion|attainment|compliance|within_80|within_95)$|^(ape|weight|probability|fit)$/;

export function isPercentFigure(name: string): boolean {
  return PERCENT.test(name);
}

const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const fraction = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export function formatNumber(value: number): string {
  return Math.abs(value) >= 1000 ? whole.format(value) : fraction.format(value);
}

export function formatCell(name: string, value: Cell): string {
  if (value === null) return '—';
  if (typeof value === 'string') return value;
  if (isPercentFigure(name)) return `${fraction.format(value * 100)} %`;
  return formatNumber(value);
}

/** Money and counts in the short form a chart axis can hold: 1.2 M, 340 k. */
export function formatCompact(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${fraction.format(value / 1e9)} B`;
  if (abs >= 1e6) return `${fraction.format(value / 1e6)} M`;
  if (abs >= 1e4) return `${fraction.format(value / 1e3)} k`;
  return formatNumber(value);
}

/** RFC 4180 CSV of the rows' raw values, the columns in the given order. */
export function toCsv(columns: readonly string[], rows: readonly Record<string, Cell>[]): string {
  const field = (value: Cell | undefined) => {
    if (value === null || value === undefined) return '';
    const text = String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [columns.map((c) => field(c)).join(','), ...rows.map((row) => columns.map((c) => field(row[c])).join(','))].join('\r\n') + '\r\n';
}
