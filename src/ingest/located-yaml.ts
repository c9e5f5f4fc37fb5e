/**
 * YAML and JSON files read with the line of every node, so a checker can name file and line for
 * each problem it finds (mapping files, definition files).
 *
 * Invariants:
 * - Both formats go through the `yaml` parser (JSON is a subset of YAML 1.2), so JSON problems get
 *   line numbers too; a file that does not parse reports each syntax error with its line.
 * - Duplicate keys are a syntax error, not "last one wins": a silently shadowed key would apply
 *   something other than what the reader of the file sees.
 */

import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';

export type LocatedFormat = 'yaml' | 'json';
export type LocatedPath = readonly (string | number)[];

export interface Located {
  readonly data: unknown;
  readonly syntaxErrors: readonly { readonly line: number; readonly message: string }[];
  /** Line (1-based) of the node at a path; for a path that does not exist, of its deepest existing ancestor. */
  lineOf(path: LocatedPath): number | undefined;
}

export function parseLocated(text: string, format: LocatedFormat): Located {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const syntaxErrors = doc.errors.map((e) => ({
    line: lineCounter.linePos(e.pos[0]).line,
    message: `The file is not valid ${format === 'json' ? 'JSON' : 'YAML'}: ${firstLine(e.message)}${e.code === 'DUPLICATE_KEY' ? ' Remove the repeated key.' : ''}`,
  }));
  return {
    data: syntaxErrors.length > 0 ? undefined : (doc.toJS() as unknown),
    syntaxErrors,
    lineOf: (path) => lineOfPath(doc, lineCounter, path),
  };
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

/**
 * Line of the node at `path`; for a path that does not exist (a missing key), the line of the
 * deepest ancestor that does, so "required column missing" points at the `columns:` block.
 */
function lineOfPath(doc: Document, lineCounter: LineCounter, path: LocatedPath): number | undefined {
  let node: unknown = doc.contents;
  let line = offsetLine(node, lineCounter);
  for (const seg of path) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      // Why the key's line: a block value (a nested map) starts on the next line, the key names the field.
      if (pair) {
        line = offsetLine(pair.key, lineCounter) ?? line;
        next = pair.value;
        if (isScalar(next)) line = offsetLine(next, lineCounter) ?? line;
      }
    } else if (isSeq(node) && typeof seg === 'number') {
      next = node.items[seg];
      line = offsetLine(next, lineCounter) ?? line;
    }
    if (next === undefined) break;
    node = next;
  }
  return line;
}

function offsetLine(node: unknown, lineCounter: LineCounter): number | undefined {
  if (!isNode(node) || !node.range) return undefined;
  return lineCounter.linePos(node.range[0]).line;
}
