/**
 * What a command may touch of the outside world, passed in so tests run the CLI in-process with
 * captured output (`main(argv, io)`), as STYLE.md asks.
 */

export interface OutputStream {
  write(text: string): void;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths are resolved against. */
  readonly cwd: string;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Captures output in strings: for tests and for programs embedding the CLI. */
export function memoryIo(env: Record<string, string | undefined> = {}, cwd = process.cwd()): CliIo & { out(): string; err(): string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (t: string) => void (out += t), isTTY: false },
    stderr: { write: (t: string) => void (err += t), isTTY: false },
    env,
    cwd,
    out: () => out,
    err: () => err,
  };
}
