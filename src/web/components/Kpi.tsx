/** A headline figure: its value large, what it is small, the exact value and meaning on hover. */

import type { Cell } from '../api.js';
import { formatCell, formatCompact, isPercentFigure } from '../format.js';

export function Kpi({ label, name, value, description }: { label: string; name: string; value: Cell | undefined; description?: string }) {
  const shown = value === undefined || value === null ? '—' : typeof value === 'number' && !isPercentFigure(name) ? formatCompact(value) : formatCell(name, value);
  return (
    <div className="kpi" title={description ? `${description}\n${formatCell(name, value ?? null)}` : formatCell(name, value ?? null)} data-kpi={name}>
      <div className="kpi-value">{shown}</div>
      <div className="kpi-label">{label}</div>
    </div>
  );
}
