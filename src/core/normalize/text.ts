/**
 * Text normalisation shared by every field.
 *
 * Invariants:
 * - Only ASCII white space (space, tab, LF, CR, FF, VT) is trimmed, because that is what both engines'
 *   SQL can trim identically; other characters are kept as written.
 * - An empty value after trimming is null: import treats "" and a missing value the same.
 */

const EDGE_SPACE = /^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g;

/** The regular expression (RE2 syntax, shared with the SQL form) that trimming removes. */
export const EDGE_SPACE_PATTERN = '^[ \\t\\n\\r\\f\\v]+|[ \\t\\n\\r\\f\\v]+$';

export function trimToNull(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const trimmed = raw.replace(EDGE_SPACE, '');
  return trimmed === '' ? null : trimmed;
}

/** Lower-cases ASCII letters only, so the result is the same in every engine whatever its locale. */
export function asciiLower(value: string): string {
  return value.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/**
 * A vocabulary key: trimmed, ASCII-lower-cased, runs of spaces, dashes and underscores folded to
 * one underscore. "Paid Search", "paid-search" and "PAID_SEARCH" all become "paid_search".
 */
export function vocabularyKey(raw: string | null | undefined): string | null {
  const trimmed = trimToNull(raw);
  if (trimmed === null) return null;
  return asciiLower(trimmed).replace(/[ \t\n\r\f\v_-]+/g, '_');
}

/** The characters whose runs `vocabularyKey` folds to one `_`, shared with the SQL form. */
export const VOCABULARY_FOLD_CHARACTERS = ' \t\n\r\f\v_-';
/** The pattern `vocabularyKey` folds (RE2 syntax). */
export const VOCABULARY_FOLD_PATTERN = '[ \\t\\n\\r\\f\\v_-]+';
