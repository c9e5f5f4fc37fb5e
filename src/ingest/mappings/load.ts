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
import { RevlineError } from '../../core/errors.js';
import { parseLocated, type LocatedFormat } from '../located-yaml.js';
import { checkMapping, mappingError, type Mapping, type MappingCheck, type MappingProblem } from './mapping.js';

export type MappingFormat = LocatedFormat;

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
  const located = parseLocated(text, format);
  if (located.syntaxErrors.length > 0) {
    const problems: MappingProblem[] = located.syntaxErrors.map((e) => ({ code: 'mapping-shape', message: e.message, at: { file, row: e.line } }));
    return { mapping: undefined, problems, skipped: [] };
  }
  return checkMapping(located.data, header, { file, lineOf: located.lineOf });
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

