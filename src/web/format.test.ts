import { describe, expect, it } from 'vitest';
import { formatCell, formatCompact, toCsv } from './format.js';

describe('dashboard figures', () => {
  it('shows rates and shares as percentages and other numbers with separators', () => {
    expect(formatCell('win_rate', 0.4536)).toBe('45.36 %');
    expect(formatCell('step_conversion', 1)).toBe('100 %');
    expect(formatCell('pipeline', 6803900)).toBe('6,803,900');
    expect(formatCell('median_days_to_close', 81.354)).toBe('81.35');
    expect(formatCell('probability', 0.2345)).toBe('23.45 %');
    expect(formatCell('stage', 'mql')).toBe('mql');
    expect(formatCell('step_conversion', null)).toBe('—');
    expect(formatCompact(6803900)).toBe('6.8 M');
  });

  it('exports raw values as CSV, quoting what needs it', () => {
    const csv = toCsv(['name', 'pipeline'], [
      { name: 'Webinar, "Q1"', pipeline: 1200.5 },
      { name: 'Ebook', pipeline: null },
    ]);
    expect(csv).toBe('name,pipeline\r\n"Webinar, ""Q1""",1200.5\r\nEbook,\r\n');
  });
});
