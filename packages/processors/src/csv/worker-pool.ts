import { Worker } from "node:worker_threads";

/**
 * The worker threads of one analysis, running this package's dist/csv/worker.js: started alike, and
 * watched alike (an error, an exit nobody asked for, or a reply's error becomes the one `failure`
 * the waiting loop rethrows). Streams and files send them different jobs; this is the rest.
 *
 * @example
 * const pool = new CsvWorkerPool<PieceReply>(url, 3, (reply, k) => accept(reply), wakeup.notify);
 * try { ... if (pool.failure) throw pool.failure; } finally { await pool.close(); }
 */
export class CsvWorkerPool<Reply extends { error?: string }> {
  readonly workers: Worker[] = [];
  /** The first failure of any worker, null while all is well. */
  failure: unknown = null;
  private closing = false;

  /**
   * @param onReply called with each reply and the index of the worker that sent it (a reply's
   * `error` is recorded as the failure first)
   * @param notify called after every event, to wake the loop that waits on the workers
   */
  constructor(
    url: URL,
    count: number,
    onReply: (reply: Reply, worker: number) => void,
    private readonly notify: () => void,
  ) {
    for (let k = 0; k < count; k++) {
      // A small young generation: a worker allocates little on the heap, and RSS is the budget.
      const w = new Worker(url, { resourceLimits: { maxYoungGenerationSizeMb: 4 } });
      w.on("message", (reply: Reply) => {
        if (reply.error !== undefined) this.failure ??= new Error(`CSV worker failed: ${reply.error}`);
        onReply(reply, k);
        notify();
      });
      w.on("error", (e) => this.fail(e));
      w.on("exit", (code) => {
        if (!this.closing) this.fail(new Error(`CSV worker exited with code ${code}`));
      });
      this.workers.push(w);
    }
  }

  /** Records a failure (the first one stays) and wakes the waiting loop. */
  fail(error: unknown): void {
    this.failure ??= error;
    this.notify();
  }

  /** Ends every worker; their exits are expected from now on. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
