import type { IncomingMessage, ServerResponse } from "node:http";
import type { ModuleLoader } from "../loader.ts";
import {
  type ConsoleOwner,
  captureConsole,
  currentInvocation,
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
  logs: string[] | null = null;
  droppedLogs = 0;
  constructor(
    readonly observer: Observer,
    readonly req: IncomingMessage,
    readonly started: number,
    readonly startedAt: number,
    readonly print: boolean,
  ) {}
}

export interface ObserverOptions {
  recorder: Recorder;
  /** One line per request on stdout, and the functions' output with their request ids. */
  log: boolean;
}

/**
 * Watches requests for the runtime: every request is timed (and logged when asked); one that a
 * function answers gets a request id (`x-vercel-id` both ways, as on Vercel), runs with its console
 * output attributed to it, and is recorded when its response closes. Per request: one object, two
 * listeners (shared functions, no closures), two `process.cpuUsage()` calls and one RSS read.
 *
 * @example
 * const observer = new Observer({ recorder, log: true });
 * observer.request(req, res); // at the start of every request
 * observer.invoke(req, res, "api/health.ts", serve); // when it is routed to a function
 */
export class Observer {
  readonly recorder: Recorder;
  readonly log: boolean;
  /** Module objects that have run once: the next invocation of a new (or reloaded) one is cold. */
  readonly #started = new WeakSet<object>();

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
   * When a request is routed to a function: gives it its request id and runs `serve` (which
   * answers it) with the console attributed to this invocation.
   */
  invoke<T>(req: IncomingMessage, res: ServerResponse, file: string, serve: () => T): T {
    let observed = (res as ObservedResponse)[STATE];
    if (!observed) {
      observed = new Observed(this, req, performance.now(), Date.now(), this.log);
      (res as ObservedResponse)[STATE] = observed;
      watchEnd(res);
    }
    observed.fn = file.replace(/\.[cm]?[jt]sx?$/, "");
    observed.id = newRequestId();
    observed.cpuStart = process.cpuUsage();
    setRequestId(req, observed.id);
    res.setHeader(REQUEST_ID_HEADER, observed.id);
    return currentInvocation.run(observed, serve);
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
        return currentInvocation.getStore() ? loading.then(markCold) : loading;
      },
      onChange: (listener) => loader.onChange(listener),
      close: () => loader.close(),
    };
  }
}

/**
 * Vercel sets `x-vercel-id` on the request a function gets, replacing any the client sent. The
 * function's `Request` reads node's raw headers (lazily), so the id goes there and in `headers`.
 */
function setRequestId(req: IncomingMessage, id: string): void {
  const raw = req.rawHeaders;
  for (let i = raw.length - 2; i >= 0; i -= 2) {
    if (raw[i]?.toLowerCase() === REQUEST_ID_HEADER) raw.splice(i, 2);
  }
  raw.push(REQUEST_ID_HEADER, id);
  req.headers[REQUEST_ID_HEADER] = id;
}

/**
 * Recorded at `finish` (the response handed whole to the socket: before the client can read it, so
 * a client that then asks /__runtime finds it), or at `close` when the client went away first.
 */
function watchEnd(res: ServerResponse): void {
  res.once("finish", onEnd);
  res.once("close", onEnd);
}

function onEnd(this: ObservedResponse): void {
  const observed = this[STATE];
  if (!observed) return;
  this[STATE] = undefined;
  const durationMs = performance.now() - observed.started;
  const { req } = observed;
  const target = redactTarget(req.url ?? "/");
  const status = this.statusCode;
  const aborted = !this.writableFinished;
  if (!observed.fn) {
    if (observed.print)
      printRuntimeLine(`[runtime] ${req.method} ${target} ${status} ${durationMs.toFixed(1)}ms`);
    return;
  }
  const cpu = observed.cpuStart ? process.cpuUsage(observed.cpuStart) : null;
  const logs = observed.logs;
  if (logs && observed.droppedLogs > 0) logs.push(`… ${observed.droppedLogs} more lines not kept`);
  observed.observer.recorder.record({
    id: observed.id,
    function: observed.fn,
    method: req.method ?? "GET",
    path: target,
    status,
    durationMs,
    cpuMs: cpu ? (cpu.user + cpu.system) / 1000 : 0,
    cold: observed.cold,
    startedAt: observed.startedAt,
    rssBytes: process.memoryUsage.rss(),
    logs,
    aborted,
  });
  if (observed.print) {
    const ended = aborted ? " (client went away)" : "";
    printRuntimeLine(
      `[runtime] ${observed.fn} ${req.method} ${target} ${status} ${durationMs.toFixed(1)}ms ${observed.cold ? "cold" : "warm"} ${observed.id}${ended}`,
    );
  }
}
