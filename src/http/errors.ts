/**
 * Errors as the API answers them: `{"error": {"code", "message", "hint"}}` with the status the code
 * means. One exhaustive switch, like the CLI's exit codes (core/errors.ts).
 */

import { z } from '@hono/zod-openapi';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { formatLocation, RevlineError, type ErrorCode } from '../core/errors.js';

export function statusFor(code: ErrorCode): ContentfulStatusCode {
  switch (code) {
    case 'usage':
    case 'request-invalid':
    case 'config-invalid':
    case 'entity-unknown':
    case 'preset-unknown':
    case 'demo-size-unknown':
    case 'timezone-unknown':
    case 'file-format-unknown':
    case 'file-empty':
    case 'file-unreadable':
    case 'header-invalid':
    case 'delimiter-wrong':
    case 'paths-invalid':
    case 'mapping-invalid':
    case 'definition-invalid':
    case 'account-invalid':
    case 'query-not-read-only':
    case 'user-unknown':
      return 400;
    case 'sign-in-required':
    case 'sign-in-failed':
      return 401;
    case 'forbidden':
    case 'csrf-failed':
    case 'approval-refused':
      return 403;
    case 'route-not-found':
    case 'record-not-found':
    case 'file-not-found':
    case 'contact-not-found':
    case 'definition-not-found':
    case 'key-not-found':
      return 404;
    case 'transition-refused':
      return 409;
    case 'request-too-large':
      return 413;
    case 'engine-unknown':
    case 'bind-refused':
    case 'internal':
      return 500;
    case 'engine-failed':
    case 'engine-unavailable':
    case 'migration-failed':
      return 503;
  }
}

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'usage' }),
      message: z.string().openapi({ example: 'The funnel report cannot be filtered by --campaign.' }),
      hint: z.string().nullable().openapi({ example: 'It takes --from, --to, --segment, --channel, --owner, --created-by.' }),
    }),
  })
  .openapi('Error');

export type ErrorBody = z.infer<typeof ErrorSchema>;

export function errorBody(error: RevlineError): ErrorBody {
  const where = formatLocation(error.at);
  return { error: { code: error.code, message: where ? `${where}: ${error.message}` : error.message, hint: error.hint ?? null } };
}

/** The responses every route can give besides its own, for the OpenAPI document. */
export const ERROR_RESPONSES = {
  400: { description: 'The request is invalid: the message names the field and the fix.', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'Sign in first (session cookie) or send an API key (Authorization: Bearer rl_…).', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'Signed in, but the role or the key scope does not allow this, or the CSRF token is missing.', content: { 'application/json': { schema: ErrorSchema } } },
} as const;
