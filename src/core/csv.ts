/**
 * One CSV field as RFC 4180 writes it: quoted only when it holds a quote, comma or line break,
 * with quotes doubled. Used by every CSV Revline writes for people (reports, rejected rows).
 */
export function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
