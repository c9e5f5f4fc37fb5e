/**
 * Receiving a file in a request body: streamed to a temporary file, never held whole in memory, and
 * refused once it passes the size cap.
 *
 * Invariants:
 * - At most one read buffer of the body is in JS memory at a time; the bytes go straight to disk.
 * - The cap holds whether or not the client declared a Content-Length (a declared length over the
 *   cap is refused before a byte is read; an undeclared or false one is counted as it streams).
 * - The temporary folder is the caller's to remove (`remove()`), also when receiving failed.
 * - Error messages never name the temporary path: the caller's file name stands in for it.
 */

import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import { RevlineError } from '../core/errors.js';

/** Default cap of an upload: a large CRM export, well under what one machine imports comfortably. */
export const DEFAULT_MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

export interface ReceivedFile {
  /** Where the body is on disk. */
  readonly path: string;
  readonly bytes: number;
  remove(): Promise<void>;
}

function tooLarge(limit: number): RevlineError {
  return new RevlineError('request-too-large', `The upload is larger than this server takes (${limit} bytes).`, {
    hint: 'Split the file, or import it on the server with `revline import`; `revline serve --max-upload-bytes` raises the cap.',
  });
}

/** Streams `request`'s body into `<temporary folder>/<fileName>`. */
export async function receiveFile(request: Request, fileName: string, limit: number): Promise<ReceivedFile> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  if (request.body === null) throw new RevlineError('file-empty', 'The request has no body: send the file as the body.', { hint: 'curl --data-binary @contacts.csv …' });
  const dir = await mkdtemp(path.join(tmpdir(), 'revline-upload-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  const target = path.join(dir, fileName);
  let bytes = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(bytes > limit ? tooLarge(limit) : null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(request.body as unknown as NodeReadableStream<Uint8Array>), counted, createWriteStream(target));
  } catch (error) {
    await remove();
    if (error instanceof RevlineError) throw error;
    throw new RevlineError('file-unreadable', 'The upload was cut off before its end.', { hint: 'Send it again.', cause: error });
  }
  return { path: target, bytes, remove };
}

/** `error` with every mention of `where` (a temporary path) replaced by `label` (the caller's name for it). */
export function relabel(error: unknown, where: string, label: string): unknown {
  if (!(error instanceof RevlineError)) return error;
  const swap = (text: string) => text.split(where).join(label);
  return new RevlineError(error.code, swap(error.message), {
    ...(error.hint !== undefined ? { hint: swap(error.hint) } : {}),
    ...(error.at !== undefined ? { at: { ...error.at, ...(error.at.file !== undefined ? { file: swap(error.at.file) } : {}) } } : {}),
    cause: error,
  });
}
