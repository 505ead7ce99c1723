import { AsyncLocalStorage } from "node:async_hooks";
import { format } from "node:util";
import { trace } from "@opentelemetry/api";
import { redact } from "./redact.js";

/** Vercel keeps 4 KB of a log line; a longer message is cut here, with a mark, rather than there. */
const MAX_MESSAGE = 3800;

const requestIds = new AsyncLocalStorage<string>();

/** Runs `fn` with `id` as the request id every log line it writes carries. */
export function withRequestId<T>(id: string, fn: () => T): T {
  return requestIds.run(id, fn);
}

type Level = "debug" | "info" | "warn" | "error";

/**
 * One log line as one JSON object: level, message (formatted as console.log would, then passed
 * through `redact`), the request id, and the trace and span ids when a span is active, so a line in
 * Vercel's logs or a drain leads to its trace.
 *
 * @example jsonLine("info", ["saved", 3], "fra1::abc") // {"level":"info","message":"saved 3","requestId":"fra1::abc"}
 */
export function jsonLine(level: Level, args: unknown[], requestId: string | undefined): string {
  let message = redact(format(...args));
  if (message.length > MAX_MESSAGE) message = `${message.slice(0, MAX_MESSAGE)}… [cut]`;
  const line: Record<string, string> = { level, message };
  if (requestId) line.requestId = requestId;
  const span = trace.getActiveSpan()?.spanContext();
  if (span && span.traceId !== "00000000000000000000000000000000") {
    line.traceId = span.traceId;
    line.spanId = span.spanId;
  }
  return JSON.stringify(line);
}

let installed = false;

/**
 * Replaces console.debug/log/info/warn/error so that everything the functions and the packages
 * print — ours, Better Auth's, the Workflow SDK's — comes out as `jsonLine`s, each through the
 * console method it was written to (stdout or stderr, which Vercel keeps as the line's type).
 * Installed only where logs are collected as data (see invocation.ts); locally the console is
 * left as written, which reads better and which the local runtime groups by invocation.
 */
export function installJsonConsole(): void {
  if (installed) return;
  installed = true;
  const methods: [(keyof Console & Level) | "log", Level][] = [
    ["debug", "debug"],
    ["log", "info"],
    ["info", "info"],
    ["warn", "warn"],
    ["error", "error"],
  ];
  for (const [method, level] of methods) {
    const original = console[method].bind(console) as (line: string) => void;
    console[method] = (...args: unknown[]) => original(jsonLine(level, args, requestIds.getStore()));
  }
}
