/**
 * One error type for everything Revline tells a user.
 *
 * Invariants:
 * - Every error a user can cause carries a kebab-case `code` from {@link ErrorCode}; the message says
 *   what happened and how to fix it. `at` names the file, row and field when there is one.
 * - Internal bugs use the code `internal` and say so, so a user never mistakes one for their input.
 * - Codes map to CLI exit codes (here) and HTTP statuses (src/http/errors.ts) in one exhaustive switch each.
 */

export type ErrorCode =
  | 'usage'
  | 'config-invalid'
  | 'engine-unknown'
  | 'engine-failed'
  | 'engine-unavailable'
  | 'migration-failed'
  | 'file-not-found'
  | 'file-unreadable'
  | 'file-format-unknown'
  | 'file-empty'
  | 'header-invalid'
  | 'delimiter-wrong'
  | 'paths-invalid'
  | 'mapping-invalid'
  | 'entity-unknown'
  | 'preset-unknown'
  | 'timezone-unknown'
  | 'contact-not-found'
  | 'definition-invalid'
  | 'definition-not-found'
  | 'approval-refused'
  | 'user-unknown'
  | 'transition-refused'
  | 'query-not-read-only'
  | 'demo-size-unknown'
  | 'account-invalid'
  | 'key-not-found'
  | 'sign-in-required'
  | 'sign-in-failed'
  | 'forbidden'
  | 'csrf-failed'
  | 'route-not-found'
  | 'record-not-found'
  | 'request-invalid'
  | 'request-too-large'
  | 'bind-refused'
  | 'internal';

/** Where an error is: any of file, row (1-based, as an editor counts lines), field. */
export interface ErrorLocation {
  file?: string;
  row?: number;
  field?: string;
}

export interface RevlineErrorOptions {
  hint?: string;
  at?: ErrorLocation;
  cause?: unknown;
}

/**
 * @example
 * throw new RevlineError('timezone-unknown', 'Unknown time zone "Europe/Berln" given to --timezone.', {
 *   hint: 'Use an IANA name such as Europe/Berlin or UTC.',
 * });
 */
export class RevlineError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly at: ErrorLocation | undefined;

  constructor(code: ErrorCode, message: string, options: RevlineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RevlineError';
    this.code = code;
    this.hint = options.hint;
    this.at = options.at;
  }

  /** The message with its location and hint, as a person reads it. */
  describe(): string {
    const where = formatLocation(this.at);
    const lines = [where ? `${where}: ${this.message}` : this.message];
    if (this.hint) lines.push(`hint: ${this.hint}`);
    return lines.join('\n');
  }
}

export function formatLocation(at: ErrorLocation | undefined): string {
  if (!at) return '';
  const parts: string[] = [];
  if (at.file !== undefined) parts.push(at.file);
  if (at.row !== undefined) parts.push(`row ${at.row}`);
  if (at.field !== undefined) parts.push(`field "${at.field}"`);
  return parts.join(', ');
}

/** A bug in Revline, not in the user's input: says so plainly. */
export function internalError(message: string, cause?: unknown): RevlineError {
  return new RevlineError('internal', `Internal error (a bug in Revline, please report it): ${message}`, { cause });
}

/** CLI exit code per error code: 2 for usage mistakes, 1 for everything else. */
export function exitCodeFor(code: ErrorCode): 1 | 2 {
  switch (code) {
    case 'usage':
    case 'entity-unknown':
    case 'preset-unknown':
    case 'demo-size-unknown':
    case 'bind-refused':
    case 'request-invalid':
      return 2;
    case 'config-invalid':
    case 'engine-unknown':
    case 'engine-failed':
    case 'engine-unavailable':
    case 'migration-failed':
    case 'file-not-found':
    case 'file-unreadable':
    case 'file-format-unknown':
    case 'file-empty':
    case 'header-invalid':
    case 'delimiter-wrong':
    case 'paths-invalid':
    case 'mapping-invalid':
    case 'timezone-unknown':
    case 'contact-not-found':
    case 'definition-invalid':
    case 'definition-not-found':
    case 'approval-refused':
    case 'user-unknown':
    case 'transition-refused':
    case 'query-not-read-only':
    case 'account-invalid':
    case 'key-not-found':
    case 'sign-in-required':
    case 'sign-in-failed':
    case 'forbidden':
    case 'csrf-failed':
    case 'route-not-found':
    case 'record-not-found':
    case 'request-too-large':
    case 'internal':
      return 1;
  }
}
