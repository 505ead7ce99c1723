/*
 * Internal plumbing shared by the Open-Meteo and NWS clients: one request with a time budget, and a
 * retry loop with jitter. Not an `exports` entry: the clients are the public surface.
 */
import { inSpan, packageTracer, SpanKind } from "@repo/telemetry/span";

const tracer = packageTracer("@repo/weather");

/** The `fetch` signature the clients need; the global one fits, and tests may pass their own. */
export type FetchLike = (input: URL | string, init?: RequestInit) => Promise<Response>;

/** What both clients take: where the provider is, and how hard to try. Each states its defaults. */
export interface UpstreamOptions {
  /** The provider's origin, or a stand-in's URL. A path prefix is kept. */
  baseUrl: string;
  /** Defaults to the global fetch. */
  fetch?: FetchLike;
  /** Budget of each attempt, headers and body together. */
  timeoutMs?: number;
  /** Extra attempts after a retryable failure. Default 1; 4xx are never retried. */
  retries?: number;
  /** Midpoint of the jittered pause before a retry. Default 200 ms. */
  retryDelayMs?: number;
  /** Source of jitter in [0, 1). Default Math.random. */
  random?: () => number;
  /** Default: a setTimeout promise. Tests pass a recorder. */
  sleep?: (ms: number) => Promise<void>;
  /** The clock, for retry hints and dates. Default: the system clock. */
  now?: () => Date;
}

/** What a single request produced when an answer (of any status) fully arrived. */
export interface RawAnswer {
  status: number;
  headers: Headers;
  body: string;
}

/**
 * A request that produced no complete answer. `cut_off` means headers came but the body broke off,
 * which is a broken answer rather than an unreachable host.
 */
export class TransportError extends Error {
  override readonly name = "TransportError";
  constructor(
    readonly kind: "timeout" | "unreachable" | "cut_off",
    cause: unknown,
  ) {
    super(`${kind}: ${describeCause(cause)}`, { cause });
  }
}

/** Which upstream a request goes to, and which try it is, for its span. */
export interface RequestLabel {
  /** "open-meteo" or "nws": the span is named `GET <provider>`. */
  provider: string;
  /** 1 for the first try; a retry's span says how many came before it. */
  attempt?: number;
}

/**
 * Runs one GET with a time budget that covers the headers AND the body: a server that sends headers
 * promptly and then trickles the body must not hold a serverless function past its budget.
 * Each call is one CLIENT span (a no-op until an SDK is registered) naming the host and path but
 * not the query: coordinates of the caller's ZIP code are theirs, not the trace store's.
 */
export function fetchText(
  url: URL,
  headers: Record<string, string>,
  options: { fetch: FetchLike; timeoutMs: number } & RequestLabel,
): Promise<RawAnswer> {
  const attributes = {
    "http.request.method": "GET",
    "server.address": url.hostname,
    "url.path": url.pathname,
    "weather.provider": options.provider,
    ...(options.attempt && options.attempt > 1 ? { "http.request.resend_count": options.attempt - 1 } : {}),
  };
  return inSpan(tracer, `GET ${options.provider}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    const answer = await fetchOnce(url, headers, options);
    span.setAttribute("http.response.status_code", answer.status);
    return answer;
  });
}

async function fetchOnce(
  url: URL,
  headers: Record<string, string>,
  options: { fetch: FetchLike; timeoutMs: number },
): Promise<RawAnswer> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  try {
    let response: Response;
    try {
      response = await options.fetch(url, { headers, signal: controller.signal, redirect: "follow" });
    } catch (cause) {
      throw new TransportError(timedOut ? "timeout" : "unreachable", cause);
    }
    try {
      const body = await response.text();
      return { status: response.status, headers: response.headers, body };
    } catch (cause) {
      throw new TransportError(timedOut ? "timeout" : "cut_off", cause);
    }
  } finally {
    clearTimeout(timer);
  }
}

export interface RetryPolicy {
  /** Extra attempts after the first. */
  retries: number;
  /** Midpoint of the pause before a retry; the actual pause is 0.5× to 1.5× of it. */
  baseDelayMs: number;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
  shouldRetry: (error: unknown) => boolean;
}

/**
 * Calls `run(attempt)` until it succeeds, the error is not retryable or the retries are used up.
 * The pause is jittered so that many function instances failing together do not retry in lockstep.
 */
export async function withRetry<T>(run: (attempt: number) => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run(attempt);
    } catch (error) {
      if (attempt > policy.retries || !policy.shouldRetry(error)) throw error;
      await policy.sleep(policy.baseDelayMs * (0.5 + policy.random()));
    }
  }
}

/** setTimeout as a promise; the default `sleep` of the clients. */
export function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Checks a non-negative integer option early, so a typo fails loudly instead of never retrying. */
export function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  return value;
}

/** Checks a positive, finite time budget. */
export function positiveMs(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be > 0 ms, got ${value}`);
  return value;
}

/** Joins a base URL that may or may not end in "/" (and may carry a path prefix) with a path. */
export function joinUrl(baseUrl: string, path: string): URL {
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  return new URL(path.replace(/^\//, ""), base);
}

/**
 * The useful part of a fetch failure: undici wraps the system error ("ECONNREFUSED", "ENOTFOUND")
 * in a generic "fetch failed", so look one level down.
 */
export function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = cause.cause;
    if (inner && typeof inner === "object" && "code" in inner && typeof inner.code === "string") {
      return inner.code;
    }
    if (inner instanceof Error && inner.message) return `${cause.message} (${inner.message})`;
    return cause.message || cause.name;
  }
  return String(cause);
}

/** The start of a body on one line, to quote in an error message without flooding logs. */
export function snippet(body: string, max = 80): string {
  const flat = body.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** Parses JSON without throwing; `undefined` means "not JSON". */
export function tryParseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date); null when absent or unreadable. */
export function retryAfterHeader(headers: Headers, now: Date): number | null {
  const value = headers.get("retry-after");
  if (value === null) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}
