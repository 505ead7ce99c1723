import type { IncomingMessage, ServerResponse } from "node:http";
import type { ModuleLoader } from "../loader.ts";
import {
  type ConsoleOwner,
  captureConsole,
  currentInvocation,
  prefixLines,
  printRuntimeLine,
} from "./invocation-console.ts";
import type { Recorder } from "./recorder.ts";
import { redactTarget } from "./redact.ts";
import { newRequestId, REQUEST_ID_HEADER } from "./request-id.ts";

/** The runtime's own pages: neither logged nor recorded (the dashboard polls them). */
export const RUNTIME_PREFIX = "/__runtime";

const STATE = Symbol("observed");
type ObservedResponse = ServerResponse & { [STATE]?: Observed };

/** What is known of one request while it runs; becomes an Invocation if a function answered it. */
class Observed implements ConsoleOwner {
  fn = "";
  id = "";
  cold = false;
  cpuStart: NodeJS.CpuUsage | null = null;
  /** The observer's count of invocation starts when this one started. */
  startsBefore = 0;
  logs: string[] | null = null;
  droppedLogs = 0;
  /** Output held to print under the invocation's line; null once it streams (or before any). */
  held: string[] | null = null;
  streaming = false;
  /** Its response is done; output after that (work the function left running) prints as it comes. */
  ended = false;
  timer: NodeJS.Timeout | undefined;
  constructor(
    readonly observer: Observer,
    /**
     * Let go when the response ends (onEnd): the invocation's async context outlives it in
     * resources made during the request (a keep-alive socket's timer), and through them this
     * object, and it would keep the whole request and response alive with it (issue 15: a third
     * of what survived each scavenge under load).
     */
    public req: IncomingMessage | null,
    readonly started: number,
    readonly startedAt: number,
    readonly print: boolean,
  ) {}

  /**
   * The function's output is printed under its invocation's line, which is printed when it ends;
   * an invocation still running after STREAM_AFTER_MS (or with many lines held) says so in a line
   * of its own and prints its output as it comes from then on.
   */
  say(line: string): void {
    if (this.streaming || this.ended) {
      printRuntimeLine(prefixLines(this.id, line));
      return;
    }
    if (!this.held) {
      this.held = [];
      this.timer = setTimeout(() => this.stream(), STREAM_AFTER_MS);
      this.timer.unref();
    }
    this.held.push(line);
    if (this.held.length >= HOLD_MAX) this.stream();
  }

  stream(): void {
    clearTimeout(this.timer);
    if (this.streaming) return;
    this.streaming = true;
    printRuntimeLine(
      `[runtime] ${this.fn} ${this.req?.method} ${redactTarget(this.req?.url ?? "/", this.fn)} running… ${this.id}`,
    );
    this.printHeld();
  }

  printHeld(): void {
    clearTimeout(this.timer);
    if (!this.held) return;
    for (const line of this.held) printRuntimeLine(prefixLines(this.id, line));
    this.held = null;
  }
}

/** How long an invocation's output is held to print under its line, and how many lines at most. */
const STREAM_AFTER_MS = 1000;
const HOLD_MAX = 200;

export interface ObserverOptions {
  recorder: Recorder;
  /** One line per request on stdout, and the functions' output with their request ids. */
  log: boolean;
}

/**
 * Watches requests for the runtime: every request is timed (and logged when asked); one that a
 * function answers gets a request id (`x-vercel-id` both ways, as on Vercel), runs with its console
 * output attributed to it, and is recorded when its response closes. Per request: one object, one
 * listener (shared functions, no closures), two `process.cpuUsage()` calls and one RSS read.
 *
 * @example
 * const observer = new Observer({ recorder, log: true });
 * observer.request(req, res); // at the start of every request
 * observer.invoke(req, res, "api/health.ts", serve); // when it is routed to a function
 */
export class Observer {
  readonly recorder: Recorder;
  readonly log: boolean;
  /** Function invocations under way, and invocations started since this observer was made. */
  inflight = 0;
  starts = 0;
  /** Module objects that have run once: the next invocation of a new (or reloaded) one is cold. */
  readonly #started = new WeakSet<object>();
  /** The load each file last answered with, once its module has run: the same promise again is warm. */
  readonly #warmLoads = new Map<string, Promise<unknown>>();
  #cpuAt = Number.NEGATIVE_INFINITY;

  constructor(options: ObserverOptions) {
    this.recorder = options.recorder;
    this.log = options.log;
    captureConsole();
  }

  /** At the start of every request. */
  request(req: IncomingMessage, res: ServerResponse): void {
    if (req.url?.startsWith(RUNTIME_PREFIX)) return;
    (res as ObservedResponse)[STATE] = new Observed(this, req, performance.now(), Date.now(), this.log);
    watchEnd(res);
  }

  /**
   * When a request is routed to a function: gives the request its id and runs `serve` (which
   * answers it) with the console attributed to this invocation. `serve` puts the id on the
   * response (`x-vercel-id`), with the headers it writes (request-handler.ts).
   */
  invoke<T>(req: IncomingMessage, res: ServerResponse, file: string, serve: (id: string) => T): T {
    let observed = (res as ObservedResponse)[STATE];
    if (!observed) {
      observed = new Observed(this, req, performance.now(), Date.now(), this.log);
      (res as ObservedResponse)[STATE] = observed;
      watchEnd(res);
    }
    observed.fn = functionName(file);
    observed.id = newRequestId();
    // The process's CPU time is one invocation's only while no other runs, so it is measured only
    // then; and at most every CPU_EVERY_MS (two getrusage calls, ~5 µs, are a fifth of a warm
    // invocation's CPU here), which under load is a sample and at a person's pace is every one.
    if (this.inflight === 0 && observed.started - this.#cpuAt >= CPU_EVERY_MS) {
      this.#cpuAt = observed.started;
      observed.cpuStart = process.cpuUsage();
    }
    this.inflight++;
    observed.startsBefore = ++this.starts;
    setRequestId(req, observed.id);
    return currentInvocation.run(observed, serve, observed.id);
  }

  /**
   * The loader, noting which function modules are new: the first invocation of a module object
   * (first load, or a reload after its code changed) is a cold start, counted once.
   */
  watchLoads(loader: ModuleLoader): ModuleLoader {
    const markCold = (mod: object) => {
      const observed = currentInvocation.getStore();
      if (observed instanceof Observed && !this.#started.has(mod)) {
        this.#started.add(mod);
        observed.cold = true;
      }
      return mod as Awaited<ReturnType<ModuleLoader["load"]>>;
    };
    return {
      load: (file) => {
        const loading = loader.load(file);
        // The loader keeps one promise per loaded module; a warm call costs no extra promise.
        if (this.#warmLoads.get(file) === loading || !currentInvocation.getStore()) return loading;
        return loading.then((mod) => {
          this.#warmLoads.set(file, loading);
          return markCold(mod);
        });
      },
      onChange: (listener) => loader.onChange(listener),
      close: () => loader.close(),
    };
  }
}

/** Function files by name without extension, made once per file rather than once per request. */
const functionNames = new Map<string, string>();
function functionName(file: string): string {
  let name = functionNames.get(file);
  if (name === undefined) {
    name = file.replace(/\.[cm]?[jt]sx?$/, "");
    // Bounded all the same: files come from the api/ scan, which a reload can change.
    if (functionNames.size >= 1000) functionNames.clear();
    functionNames.set(file, name);
  }
  return name;
}

/**
 * Vercel sets `x-vercel-id` on the request a function gets, replacing any the client sent. The
 * function's `Request` reads node's raw headers (lazily), so the id goes there and in `headers`.
 */
function setRequestId(req: IncomingMessage, id: string): void {
  const raw = req.rawHeaders;
  // The parsed headers (already read by the handler) say whether the raw ones need a look at all.
  if (req.headers[REQUEST_ID_HEADER] !== undefined) {
    for (let i = raw.length - 2; i >= 0; i -= 2) {
      if (raw[i]?.toLowerCase() === REQUEST_ID_HEADER) raw.splice(i, 2);
    }
  }
  raw.push(REQUEST_ID_HEADER, id);
  req.headers[REQUEST_ID_HEADER] = id;
}

/**
 * The least time between two invocations whose CPU time is measured: a person's clicks are further
 * apart, so each of theirs is measured; under load it is a sample of 20 a second, where every 2 ms
 * made the getrusage calls a few percent of the process's CPU (issue 15's second profile).
 */
const CPU_EVERY_MS = 50;

/** How often the process's RSS is read: each read is a file read of /proc (Linux), ~10 µs. */
const RSS_EVERY_MS = 200;
let rss = 0;
let rssAt = Number.NEGATIVE_INFINITY;

/** The process's resident set size, read at most every RSS_EVERY_MS. */
function sampledRss(): number {
  const now = performance.now();
  if (now - rssAt >= RSS_EVERY_MS) {
    rss = process.memoryUsage.rss();
    rssAt = now;
  }
  return rss;
}

/**
 * Recorded at `close`, which node:http emits for every response: one tick after `finish` (the
 * response handed whole to the socket) when it was sent, at once when the client went away first.
 * Either way before the event loop takes the next request, so a client that then asks /__runtime
 * finds it. One listener, not one for each: `finish` already has node's own, and a second makes an
 * array per response (issue 15).
 */
function watchEnd(res: ServerResponse): void {
  res.on("close", onEnd);
}

function onEnd(this: ObservedResponse): void {
  const observed = this[STATE];
  if (!observed) return;
  this[STATE] = undefined;
  const durationMs = performance.now() - observed.started;
  const { req } = observed;
  if (!req) return;
  observed.req = null;
  const target = redactTarget(req.url ?? "/", observed.fn);
  const status = this.statusCode;
  const aborted = !this.writableFinished;
  observed.ended = true;
  if (!observed.fn) {
    if (observed.print)
      printRuntimeLine(`[runtime] ${req.method} ${target} ${status} ${durationMs.toFixed(1)}ms`);
    return;
  }
  const { observer } = observed;
  observer.inflight--;
  // Alone from start to end: no other invocation started meanwhile (none was running at its start).
  const alone = observed.cpuStart !== null && observer.starts === observed.startsBefore;
  const cpu = alone && observed.cpuStart ? process.cpuUsage(observed.cpuStart) : null;
  const logs = observed.logs;
  if (logs && observed.droppedLogs > 0) logs.push(`… ${observed.droppedLogs} more lines not kept`);
  observer.recorder.record({
    id: observed.id,
    function: observed.fn,
    method: req.method ?? "GET",
    path: target,
    status,
    durationMs,
    cpuMs: cpu ? (cpu.user + cpu.system) / 1000 : Number.NaN,
    cold: observed.cold,
    startedAt: observed.startedAt,
    rssBytes: sampledRss(),
    logs,
    aborted,
  });
  if (observed.print) {
    const ended = aborted ? " (client went away)" : "";
    printRuntimeLine(
      `[runtime] ${observed.fn} ${req.method} ${target} ${status} ${durationMs.toFixed(1)}ms ${observed.cold ? "cold" : "warm"} ${observed.id}${ended}`,
    );
    observed.printHeld();
  }
}
