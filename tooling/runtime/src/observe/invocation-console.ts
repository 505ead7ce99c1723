import { AsyncLocalStorage } from "node:async_hooks";
import { formatWithOptions } from "node:util";
import { maskCardNumbers } from "./redact.ts";

/** What the console needs of the invocation it runs in. */
export interface ConsoleOwner {
  readonly id: string;
  /** Print the function's lines through `say`, grouped under its request id (else as they come). */
  readonly print: boolean;
  logs: string[] | null;
  droppedLogs: number;
  /** Prints (or holds, to print under the invocation's line) one line of the function's output. */
  say(line: string): void;
}

/**
 * Lines kept per invocation, characters per line, and characters in all: a chatty function cannot
 * grow the runtime. The last bounds the ring (500 invocations) at ~10 M characters of logs, where
 * 50 full lines each would be 50 M, a fifth of pnpm start's 256 MB heap. The console still prints
 * every line (each cut at MAX_LINE_CHARS).
 */
export const MAX_LINES = 50;
export const MAX_LINE_CHARS = 2000;
export const MAX_KEPT_CHARS = 20_000;

/**
 * The invocation the current async context belongs to. One per process, as the console is: every
 * runtime in the process shares it, each invocation carrying its own settings.
 */
export const currentInvocation = new AsyncLocalStorage<ConsoleOwner>();

const METHODS = ["log", "info", "warn", "error", "debug"] as const;
let installed = false;
/** Set while the runtime prints a line of its own, so that the capture passes it through. */
let own = false;

/**
 * The runtime's lines not yet written: they go out together (issue 15: a console.log per
 * invocation was a tenth of a light request's CPU under load, its formatting and its write; one
 * write per batch costs the same as one per line). A line that comes after a quiet spell goes out
 * at the end of its turn of the event loop; under load, the lines of many turns go out together, at
 * most FLUSH_EVERY_MS after the last write or once PENDING_MAX are waiting.
 */
let pending: string[] = [];
let flushing: NodeJS.Immediate | undefined;
let flushTimer: NodeJS.Timeout | undefined;
let flushedAt = Number.NEGATIVE_INFINITY;
/** Past this many lines a batch goes out at once: memory stays bounded whatever the load. */
const PENDING_MAX = 256;
/**
 * The longest a line waits while others keep coming: below what a person watching the terminal
 * notices, and under load one write for every few hundred requests rather than one per turn (a
 * turn there serves one or two requests).
 */
export const FLUSH_EVERY_MS = 50;

/**
 * Prints a line of the runtime's own through console.log, never attributed to an invocation (a
 * response's `close` event may fire inside the invocation's async context). The line is written
 * with the others of its batch (above), in the order they came; any other console output (outside
 * an invocation) and the process's exit, a crash included, write the pending lines first, so
 * nothing is reordered or lost.
 */
export function printRuntimeLine(line: string): void {
  pending.push(line);
  if (pending.length >= PENDING_MAX) flushRuntimeLines();
  else if (!flushing && !flushTimer) {
    watchExit();
    const wait = flushedAt + FLUSH_EVERY_MS - performance.now();
    if (wait <= 0) flushing = setImmediate(flushRuntimeLines);
    else {
      // Unref'd: a process about to exit writes them on its way out (watchExit).
      flushTimer = setTimeout(flushRuntimeLines, wait);
      flushTimer.unref();
    }
  }
}

/** Writes the pending runtime lines now, as one console.log of their lines. */
export function flushRuntimeLines(): void {
  if (flushing) {
    clearImmediate(flushing);
    flushing = undefined;
  }
  if (flushTimer) {
    clearTimeout(flushTimer);
    flushTimer = undefined;
  }
  if (pending.length === 0) return;
  const text = pending.length === 1 ? (pending[0] as string) : pending.join("\n");
  pending = [];
  flushedAt = performance.now();
  own = true;
  try {
    console.log(text);
  } finally {
    own = false;
  }
}

let exitWatched = false;
function watchExit(): void {
  if (exitWatched) return;
  exitWatched = true;
  // Before a crash's own report (the monitor runs first), and at any exit: lines already due are
  // written, and in the order they would have been.
  process.on("uncaughtExceptionMonitor", flushRuntimeLines);
  process.on("exit", flushRuntimeLines);
}

/**
 * Routes the console of this process through the invocation that is running: a line written by a
 * function (or by the runtime on its behalf) is kept with its invocation, card numbers masked, and
 * printed with the request id in front (by the invocation: see observer.ts), so the output of
 * concurrent invocations stays told apart.
 * Outside an invocation the console is untouched. Installed once; later calls do nothing.
 */
export function captureConsole(): void {
  if (installed) return;
  installed = true;
  for (const method of METHODS) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      const owner = own ? undefined : currentInvocation.getStore();
      if (!owner) {
        // The runtime's pending lines came first (a flush in progress is `own` and passes).
        if (!own) flushRuntimeLines();
        original.apply(console, args);
        return;
      }
      let line = maskCardNumbers(formatWithOptions({ colors: false }, ...args));
      if (line.length > MAX_LINE_CHARS) line = `${line.slice(0, MAX_LINE_CHARS)}… (${line.length} chars)`;
      const tagged = method === "log" || method === "info" ? line : `${method}: ${line}`;
      keep(owner, tagged);
      // Without the runtime's log lines to group under, the line goes out alone (masked all the same).
      if (owner.print) owner.say(tagged);
      else {
        flushRuntimeLines();
        original.call(console, line);
      }
    };
  }
}

function keep(owner: ConsoleOwner, line: string): void {
  if (!owner.logs) owner.logs = [];
  if (owner.logs.length < MAX_LINES && keptChars(owner.logs) + line.length <= MAX_KEPT_CHARS) {
    owner.logs.push(ownCopy(line));
  } else owner.droppedLogs++;
}

function keptChars(logs: string[]): number {
  let chars = 0;
  for (const line of logs) chars += line.length;
  return chars;
}

/**
 * The line as a string of its own. A slice in V8 points into the string it was cut from: a line
 * cut to MAX_LINE_CHARS, or a function's `console.log(body.slice(0, 100))`, would keep the whole
 * body alive for as long as the ring keeps its invocation (500 × 50 lines of up to 4.5 MB bodies;
 * measured: 40 lines cut from 1 MB strings held 40 MB). Joining makes a flat copy, and the slice
 * of that copy points into the copy (~40 ns a line).
 */
const ownCopy = (line: string): string => ` ${line}`.slice(1);

/** "  dev1::… │ text", on every line of a multi-line text. */
export function prefixLines(id: string, text: string): string {
  const prefix = `  ${id} │ `;
  return prefix + text.replaceAll("\n", `\n${prefix}`);
}
