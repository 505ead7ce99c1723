import type { IncomingMessage, ServerResponse } from "node:http";

export interface IdleCollectorOptions {
  /** How long nothing must happen (no request in flight, none started or ended) before `collect`. */
  idleMs: number;
  /** What to run once per idle spell (reduce-memory.ts's `reduceMemory` in the runtime). */
  collect: () => void;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Runs `collect` once each time the server goes quiet: after a full `idleMs` window in which no
 * request started or ended and none is in flight, so between `idleMs` and twice that after the
 * last response. Never while a request is in flight (a response not yet closed), not again until
 * a request comes, never after `close()`. Its one timer is unref'd: it never keeps the process up.
 *
 * Per request it costs two integer increments and one `close` listener (the same function for
 * every response, so nothing is allocated): no clock read and no timer touched per request.
 *
 * @example
 * const idle = new IdleCollector({ idleMs: 10_000, collect: reduceMemory });
 * const server = createServer(idle.watch(handler));
 * server.listen(3000, () => idle.start());
 * // on shutdown: idle.close();
 */
export class IdleCollector {
  readonly #idleMs: number;
  readonly #collect: () => void;
  #inFlight = 0;
  /** Requests started plus requests ended: changes whenever anything happens. */
  #events = 0;
  /** `#events` when the timer was armed: unchanged at its end means a quiet window. */
  #seen = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: IdleCollectorOptions) {
    this.#idleMs = options.idleMs;
    this.#collect = options.collect;
  }

  /**
   * Starts a window now, as a request would: a server that has just started is idle too, and what
   * its start-up allocated is collected as well. Without it the first request starts the first.
   */
  start(): void {
    if (this.#timer === undefined) this.#arm();
  }

  /** The `request` listener: counts each request in and out around `listener`. */
  watch(listener: Listener): Listener {
    return (req, res) => {
      this.begin();
      res.on("close", this.end);
      listener(req, res);
    };
  }

  /** A request started. */
  begin(): void {
    this.#inFlight++;
    this.#events++;
    if (this.#timer === undefined) this.#arm();
  }

  /** A request ended (its response closed: written whole or cut off). Bound: pass it as is. */
  readonly end = (): void => {
    this.#inFlight--;
    this.#events++;
  };

  /** No more collections; the timer is cleared. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    if (this.#closed) return;
    this.#seen = this.#events;
    this.#timer = setTimeout(this.#check, this.#idleMs);
    this.#timer.unref();
  }

  readonly #check = (): void => {
    this.#timer = undefined;
    if (this.#closed) return;
    if (this.#inFlight > 0 || this.#events !== this.#seen) {
      this.#arm();
      return;
    }
    // Quiet for a whole window: collect, then wait for the next request to arm again.
    try {
      this.#collect();
    } catch (error) {
      // A saving, not a duty: a failure here must not take the server down with it.
      this.close();
      console.error("[runtime] idle memory collection failed; not tried again:", error);
    }
  };
}
