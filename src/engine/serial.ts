/**
 * Runs async tasks one at a time, in the order they were queued. An engine whose driver connection
 * cannot interleave statements (a DuckDB connection, a multi-statement append) queues through one.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    // The queue continues after a failure; the failure reaches the caller through `result`.
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
