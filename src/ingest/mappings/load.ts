/**
 * Reads a user mapping file (YAML or JSON, chosen by extension) and checks it, naming the file and
 * line of every problem.
 *
 * Invariants:
 * - Both formats go through the `yaml` parser (JSON is a subset of YAML 1.2), so JSON problems get
 *   line numbers too; a file that does not parse reports each syntax error with its line.
 * - Duplicate keys are an error, not "last one wins": a silently shadowed column would import the
 *   wrong data.
 * - This is the only module of `ingest/mappings` that touches the file system.
 */

import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { RevlineError } from '../../core/errors.js';
import { checkMapping, mappingError, type Mapping, type MappingCheck, type MappingProblem, type PathSegment } from './mapping.js';

export type MappingFormat = 'yaml' | 'json';

const FORMATS: Readonly<Record<string, MappingFormat>> = { '.yaml': 'yaml', '.yml': 'yaml', '.json': 'json' };

/** Format of a mapping file by its extension, or undefined. */
export function mappingFormatOf(path: string): MappingFormat | undefined {
  return FORMATS[extname(path).toLowerCase()];
}

/**
 * Parses mapping text and checks it (against `header` when given). Problems carry `at.file`,
 * `at.row` (the line) and `at.field`.
 *
 * @example
 * const { mapping, problems } = parseMappingText(text, 'mappings/web.yaml', 'yaml', header);
 */
export function parseMappingText(text: string, file: string, format: MappingFormat, header?: readonly string[]): MappingCheck {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const problems: MappingProblem[] = doc.errors.map((e) => ({
      code: 'mapping-shape',
      message: `The file is not valid ${format === 'json' ? 'JSON' : 'YAML'}: ${firstLine(e.message)}${e.code === 'DUPLICATE_KEY' ? ' Remove the repeated key.' : ''}`,
      at: { file, row: lineCounter.linePos(e.pos[0]).line },
    }));
    return { mapping: undefined, problems, skipped: [] };
  }
  const data: unknown = doc.toJS();
  const lineOf = (path: readonly PathSegment[]) => lineOfPath(doc, lineCounter, path);
  return checkMapping(data, header, { file, lineOf });
}

/**
 * Reads and checks a mapping file; throws `mapping-invalid` listing every problem with its line.
 *
 * @example
 * const mapping = await loadMappingFile('examples/mappings/custom-touchpoints.yaml', header);
 */
export async function loadMappingFile(path: string, header?: readonly string[]): Promise<Mapping> {
  const format = mappingFormatOf(path);
  if (!format) {
    throw new RevlineError('file-format-unknown', `Cannot tell the format of mapping file ${path} from its extension.`, {
      hint: 'Name it .yaml, .yml or .json.',
      at: { file: path },
    });
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'file-not-found' : 'file-unreadable';
    throw new RevlineError(code, code === 'file-not-found' ? `Mapping file ${path} does not exist.` : `Mapping file ${path} cannot be read.`, {
      hint: code === 'file-not-found' ? 'Check the path given to --mapping.' : 'Check its permissions.',
      at: { file: path },
      cause,
    });
  }
  const { mapping, problems } = parseMappingText(text, path, format, header);
  if (problems.length > 0 || !mapping) throw mappingError(problems, path);
  return mapping;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

/**
 * Line of the node at `path`; for a path that does not exist (a missing key), the line of the
 * deepest ancestor that does, so "required column missing" points at the `columns:` block.
 */
function lineOfPath(doc: Document, lineCounter: LineCounter, path: readonly PathSegment[]): number | undefined {
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
