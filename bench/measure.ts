/**
 * What every benchmark area shares: peak memory sampling around a piece of work, and a table printer.
 */

/** Samples the resident set size while `work` runs; returns its result, seconds and peak MiB. */
export async function measured<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; peakMiB: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 25);
  const started = performance.now();
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, seconds: (performance.now() - started) / 1000, peakMiB: peak / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

/**
 * The fastest of three runs: the machine is shared, and one slow run of a 0.2 s scan would flatter
 * every ratio to it.
 */
export async function bestOf3<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; peakMiB: number }> {
  const runs = [await measured(work), await measured(work), await measured(work)];
  return runs.reduce((best, r) => (r.seconds < best.seconds ? r : best));
}

/** The columns a journey reads, scanned over the whole touchpoints table: the baseline of reports and attribution. */
export const TOUCHPOINTS_SCAN_SQL = 'SELECT count(*) AS n, count(DISTINCT account_id) AS accounts, max(occurred_at) AS last, count(channel) AS channels FROM touchpoints';

/**
 * A collector of result rows that also writes each row to stderr as it ends, so a long run that
 * fails keeps what it measured.
 */
export function stepRows(digits: number): { rows: (string | number)[][]; push(row: (string | number)[]): void } {
  const rows: (string | number)[][] = [];
  return {
    rows,
    push(row) {
      rows.push(row);
      console.error(`  ${row.map((v) => (typeof v === 'number' ? fmt(v, Number.isInteger(v) ? 0 : digits) : v)).join(' · ')}`);
    },
  };
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function printTable(columns: string[], rows: (string | number)[][]): void {
  const cells = rows.map((r) => r.map((v) => (typeof v === 'number' ? fmt(v, Number.isInteger(v) ? 0 : 2) : v)));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (vs: string[]) => vs.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  console.log(line(columns));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const r of cells) console.log(line(r));
}

