/**
 * Reads a definition file (YAML or JSON) and checks it, naming file, line and field of every
 * problem at once.
 *
 * Invariants:
 * - A file that does not parse, or does not check, throws `definition-invalid` listing every
 *   problem; nothing half-checked reaches the store.
 * - The source text is kept as written: it is what people read and approve.
 */

import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { RevlineError } from '../core/errors.js';
import { checkArtefact, type Artefact, type ArtefactContext } from '../core/lifecycle/language.js';
import { parseLocated, type LocatedFormat } from '../ingest/located-yaml.js';

export interface DefinitionProblem {
  readonly file: string;
  readonly line: number | undefined;
  /** Dotted path of the node, like `when.all.1.touches.at_least`. */
  readonly field: string | undefined;
  readonly message: string;
}

export interface CheckedFile {
  readonly artefact: Artefact | undefined;
  readonly problems: readonly DefinitionProblem[];
  readonly source: string;
}

const FORMATS: Readonly<Record<string, LocatedFormat>> = { '.yaml': 'yaml', '.yml': 'yaml', '.json': 'json' };

/** Checks definition text; never throws for the user's mistakes. */
export function checkDefinitionText(text: string, file: string, context: ArtefactContext, format: LocatedFormat = 'yaml'): CheckedFile {
  const located = parseLocated(text, format);
  if (located.syntaxErrors.length > 0) {
    return { artefact: undefined, source: text, problems: located.syntaxErrors.map((e) => ({ file, line: e.line, field: undefined, message: e.message })) };
  }
  const { artefact, problems } = checkArtefact(located.data, context);
  return {
    artefact,
    source: text,
    problems: problems.map((p) => ({ file, line: located.lineOf(p.path), field: p.path.length ? p.path.join('.') : undefined, message: p.message })),
  };
}

/** One error listing every problem of a file. */
export function definitionError(problems: readonly DefinitionProblem[], file: string): RevlineError {
  const lines = problems.map((p) => `- ${[p.file, p.line !== undefined ? `line ${p.line}` : undefined, p.field].filter(Boolean).join(', ')}: ${p.message}`);
  return new RevlineError('definition-invalid', `The definition in ${file} has ${problems.length === 1 ? '1 problem' : `${problems.length} problems`}:\n${lines.join('\n')}`, {
    hint: 'Fix every listed problem; docs/lifecycle.md describes the format.',
    at: { file },
  });
}

/** Reads and checks a definition file; throws `definition-invalid` with every problem, naming the file as `label` (as the user gave it). */
export async function loadDefinitionFile(path: string, context: ArtefactContext, label = path): Promise<{ artefact: Artefact; source: string }> {
  const format = FORMATS[extname(path).toLowerCase()];
  if (!format) {
    throw new RevlineError('file-format-unknown', `Cannot tell the format of definition file ${path} from its extension.`, { hint: 'Name it .yaml, .yml or .json.', at: { file: path } });
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new RevlineError(missing ? 'file-not-found' : 'file-unreadable', missing ? `Definition file ${path} does not exist.` : `Definition file ${path} cannot be read.`, {
      hint: missing ? 'Check the path.' : 'Check its permissions.',
      at: { file: path },
      cause,
    });
  }
  const checked = checkDefinitionText(text, label, context, format);
  if (checked.problems.length > 0 || !checked.artefact) throw definitionError(checked.problems, label);
  return { artefact: checked.artefact, source: text };
}
