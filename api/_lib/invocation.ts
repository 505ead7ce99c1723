import {
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  trace,
} from "@opentelemetry/api";
import { env } from "./env.js";
import { isRegistered, register } from "./instrumentation.js";
import { installJsonConsole, withRequestId } from "./log.js";

type Run = (request: Request) => Promise<Response>;

const tracer = trace.getTracer("@repo/api");

const headerGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => {
    const keys: string[] = [];
    headers.forEach((_value, key) => {
      keys.push(key);
    });
    return keys;
  },
};

interface Mode {
  tracing: boolean;
  json: boolean;
}

/** What this instance does per invocation; decided on the first one, when the env is in place. */
let mode: Mode | undefined;
let deciding: Promise<Mode> | undefined;
let cold = true;

async function decide(): Promise<Mode> {
  const config = env();
  const onVercel = Boolean(config.VERCEL);
  // Traces go where someone collects them: Vercel's drains, or a collector named in the env.
  // Anywhere else registering would only spend time making spans nobody reads.
  if (onVercel || config.OTEL_EXPORTER_OTLP_ENDPOINT) {
    try {
      await register();
    } catch (error) {
      // Telemetry that cannot start must not take the function down with it.
      console.error("Tracing could not be registered:", (error as Error).message);
    }
  }
  // JSON on Vercel, whose Runtime Logs and drains parse it into fields; readable text elsewhere.
  const json = (config.LOG_FORMAT ?? (onVercel ? "json" : "text")) === "json";
  if (json) installJsonConsole();
  return { tracing: isRegistered(), json };
}

/**
 * A path fit for a span: segments that look like a secret or an identifier — 16 characters or
 * more (session and reset tokens, ids), or six digits or more (a card number) — become `{id}`.
 */
export function safePath(pathname: string): string {
  return pathname
    .split("/")
    .map((segment) => (segment.length >= 16 || /\d{6}/.test(segment) ? "{id}" : segment))
    .join("/");
}

/**
 * Runs one invocation of a function: inside a SERVER span (a child of the caller's or Vercel's
 * trace context) when tracing is registered, and with its request id — Vercel's `x-vercel-id`
 * header, which the local runtime sets too — on every log line when logs are JSON. With neither,
 * it is one branch and a call: the local default costs nothing per request.
 *
 * The span carries the method, the path (`safePath`; never the query, which may hold a
 * sensitive endpoint's values), the request id, cold or warm, and the status; a 5xx marks it
 * failed.
 */
export function observe(method: string, request: Request, run: Run): Promise<Response> {
  if (mode === undefined) {
    deciding ??= decide().then((decided) => (mode = decided));
    return deciding.then(() => observe(method, request, run));
  }
  if (!mode.tracing && !mode.json) return run(request);
  const requestId = request.headers.get("x-vercel-id") ?? crypto.randomUUID();
  const invoke = mode.tracing ? () => traced(method, request, requestId, run) : () => run(request);
  return mode.json ? withRequestId(requestId, invoke) : invoke();
}

function traced(method: string, request: Request, requestId: string, run: Run): Promise<Response> {
  const path = safePath(new URL(request.url).pathname);
  const parent = propagation.extract(ROOT_CONTEXT, request.headers, headerGetter);
  const coldStart = cold;
  cold = false;
  return tracer.startActiveSpan(
    `${method} ${path}`,
    {
      kind: SpanKind.SERVER,
      attributes: {
        "http.request.method": method,
        "url.path": path,
        "http.route": path,
        "request.id": requestId,
        "faas.coldstart": coldStart,
      },
    },
    parent,
    async (span) => {
      try {
        const response = await run(request);
        span.setAttribute("http.response.status_code", response.status);
        if (response.status >= 500) {
          span.setAttribute("error.type", String(response.status));
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        return response;
      } finally {
        span.end();
      }
    },
  );
}
