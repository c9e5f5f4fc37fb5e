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

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function printTable(columns: string[], rows: (string | number)[][]): void {
  const cells = rows.map((r) => r.map((v) => (typeof v === 'number' ? fmt(v, Number.isInteger(v) ? 0 : 2) : v)));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (vs: string[]) => vs.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  console.log(line(columns));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const r of cells) console.log(line(r));
}

