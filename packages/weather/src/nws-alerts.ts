import { z } from "zod";
import { UpstreamError } from "./errors.ts";
import {
  defaultSleep,
  fetchText,
  joinUrl,
  nonNegativeInteger,
  positiveMs,
  type RawAnswer,
  retryAfterHeader,
  snippet,
  TransportError,
  tryParseJson,
  type UpstreamOptions,
  withRetry,
} from "./http.ts";

export interface AlertPoint {
  latitude: number;
  longitude: number;
}

/** baseUrl e.g. "https://api.weather.gov". */
export interface NwsOptions extends UpstreamOptions {
  /**
   * Required by NWS (it answers 403 without one): name the app and a contact,
   * e.g. "(weather.example.com, ops@example.com)".
   */
  userAgent: string;
  /** Budget of each attempt, headers and body. Default 3000 ms: alerts must not slow the answer. */
  timeoutMs?: number;
  /**
   * Extra attempts after a 5xx or a network failure. Default 1, because NWS answers intermittent
   * 500/503 that succeed on a second try. Timeouts are NOT retried: the budget is already spent.
   */
  retries?: number;
}

export const DEFAULT_NWS_TIMEOUT_MS = 3000;

/** CAP severities, most severe first; NWS also sends "Unknown". */
export const SEVERITY_ORDER = ["Extreme", "Severe", "Moderate", "Minor", "Unknown"] as const;

/** One active watch, warning or advisory, as our API answers it. */
export interface Alert {
  /** CAP identifier, e.g. "urn:oid:2.49.0.1.840.0.…". */
  id: string;
  /** e.g. "Heat Advisory". */
  event: string;
  headline: string | null;
  /** "Extreme" | "Severe" | "Moderate" | "Minor" | "Unknown" (kept as sent). */
  severity: string;
  /** "Immediate" | "Expected" | "Future" | "Past" | "Unknown". */
  urgency: string;
  /** "Observed" | "Likely" | "Possible" | "Unlikely" | "Unknown". */
  certainty: string;
  /** Counties or zones covered, as NWS words them. */
  areaDesc: string;
  /** ISO 8601 with offset, as NWS sends them; null when not given. */
  onset: string | null;
  ends: string | null;
  expires: string | null;
  description: string | null;
  instruction: string | null;
  senderName: string | null;
  /** The alert's own API URL, when NWS gives one. */
  url?: string;
}

export interface AlertsAnswer {
  alerts: Alert[];
}

const optionalText = z.string().nullable().optional();

const alertFeatureSchema = z.object({
  id: z.string().optional(),
  properties: z.object({
    "@id": z.string().optional(),
    id: z.string(),
    event: z.string(),
    headline: optionalText,
    severity: z.string().default("Unknown"),
    urgency: z.string().default("Unknown"),
    certainty: z.string().default("Unknown"),
    areaDesc: z.string().default(""),
    onset: optionalText,
    ends: optionalText,
    expires: optionalText,
    description: optionalText,
    instruction: optionalText,
    senderName: optionalText,
  }),
});

/** The GeoJSON FeatureCollection of `/alerts/active`, reduced to what `Alert` needs. */
export const nwsAlertsSchema = z.object({
  type: z.literal("FeatureCollection"),
  features: z.array(alertFeatureSchema),
});

// RFC 7807 problem details, which NWS sends for every error.
const problemSchema = z.object({
  title: z.string().optional(),
  detail: z.string().optional(),
  type: z.string().optional(),
});

/**
 * The `point` parameter: NWS wants at most 4 decimals (about 11 m).
 *
 * @example formatPoint({ latitude: 42.72514, longitude: -84.47912 }) // "42.7251,-84.4791"
 */
export function formatPoint(point: AlertPoint): string {
  const fix = (n: number) => {
    const text = n.toFixed(4);
    return /^-0\.0+$/.test(text) ? text.slice(1) : text;
  };
  return `${fix(point.latitude)},${fix(point.longitude)}`;
}

function severityRank(severity: string): number {
  const index = (SEVERITY_ORDER as readonly string[]).indexOf(severity);
  return index === -1 ? SEVERITY_ORDER.length : index;
}

function toAlert(feature: z.output<typeof alertFeatureSchema>): Alert {
  const p = feature.properties;
  const url = [feature.id, p["@id"]].find((u) => u?.startsWith("https://") || u?.startsWith("http://"));
  return {
    id: p.id,
    event: p.event,
    headline: p.headline ?? null,
    severity: p.severity,
    urgency: p.urgency,
    certainty: p.certainty,
    areaDesc: p.areaDesc,
    onset: p.onset ?? null,
    ends: p.ends ?? null,
    expires: p.expires ?? null,
    description: p.description ?? null,
    instruction: p.instruction ?? null,
    senderName: p.senderName ?? null,
    ...(url ? { url } : {}),
  };
}

/**
 * NWS alerts answer → our alerts, most severe first (stable within a severity, so NWS's order is kept).
 *
 * @example parseAlerts({ type: "FeatureCollection", features: [] }) // { alerts: [] }
 * @throws ZodError when the body is not an alerts FeatureCollection.
 */
export function parseAlerts(json: unknown): AlertsAnswer {
  const collection = nwsAlertsSchema.parse(json);
  const alerts = collection.features.map(toAlert);
  alerts.sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
  return { alerts };
}

function problemText(body: string): string | null {
  const parsed = problemSchema.safeParse(tryParseJson(body));
  if (!parsed.success) return null;
  const { title, detail } = parsed.data;
  if (title && detail) return `${title}: ${detail}`;
  return detail ?? title ?? null;
}

function classify(answer: RawAnswer, attempt: number, now: Date): AlertsAnswer {
  const { status, body } = answer;
  const tries = `${attempt} attempt${attempt === 1 ? "" : "s"}`;
  if (status === 429) {
    const retryAfterSeconds = retryAfterHeader(answer.headers, now) ?? 5;
    throw new UpstreamError({
      provider: "nws",
      kind: "rate_limited",
      status,
      reason: problemText(body),
      retryAfterSeconds,
      attempts: attempt,
      message: `The National Weather Service is rate limiting us (HTTP 429); retry in ${retryAfterSeconds} s. Cache alerts longer if this repeats.`,
    });
  }
  if (status >= 400 && status < 500) {
    const reason = problemText(body);
    throw new UpstreamError({
      provider: "nws",
      kind: "bad_request",
      status,
      reason,
      attempts: attempt,
      message:
        status === 403
          ? `The National Weather Service refused the request (HTTP 403: ${reason ?? snippet(body)}). NWS requires a User-Agent naming the app and a contact; check the userAgent option.`
          : `The National Weather Service rejected our request (HTTP ${status}: ${reason ?? snippet(body)}). NWS only covers US locations and rejects unknown query parameters; check the point and the client.`,
    });
  }
  if (status >= 500) {
    throw new UpstreamError({
      provider: "nws",
      kind: "upstream_error",
      status,
      reason: problemText(body),
      attempts: attempt,
      message: `The National Weather Service failed with HTTP ${status} (${problemText(body) ?? snippet(body)}; ${tries}). NWS has intermittent outages; alerts will return on a later request.`,
    });
  }
  const json = tryParseJson(body);
  let problem: string | null = null;
  if (status < 200 || status >= 300) problem = `HTTP ${status} carries no alerts`;
  else if (json === undefined) problem = `the body is not JSON (starts "${snippet(body, 40)}")`;
  if (problem === null) {
    try {
      return parseAlerts(json);
    } catch (error) {
      throw new UpstreamError({
        provider: "nws",
        kind: "bad_response",
        status,
        attempts: attempt,
        cause: error,
        message: `The National Weather Service answered JSON that is not an alerts FeatureCollection. The API may have changed; compare a live /alerts/active answer with nwsAlertsSchema.`,
      });
    }
  }
  throw new UpstreamError({
    provider: "nws",
    kind: "bad_response",
    status,
    attempts: attempt,
    message: `The National Weather Service answered, but ${problem}. Check the base URL.`,
  });
}

function transportToUpstream(
  error: TransportError,
  attempt: number,
  timeoutMs: number,
  url: URL,
): UpstreamError {
  const tries = `${attempt} attempt${attempt === 1 ? "" : "s"}`;
  switch (error.kind) {
    case "timeout":
      return new UpstreamError({
        provider: "nws",
        kind: "timeout",
        attempts: attempt,
        cause: error.cause,
        message: `The National Weather Service did not answer within ${timeoutMs} ms (${tries}).`,
      });
    case "cut_off":
      return new UpstreamError({
        provider: "nws",
        kind: "bad_response",
        attempts: attempt,
        cause: error.cause,
        message: `The National Weather Service's answer broke off before the body was complete (${error.message}).`,
      });
    case "unreachable":
      return new UpstreamError({
        provider: "nws",
        kind: "unreachable",
        attempts: attempt,
        cause: error.cause,
        message: `Could not connect to the National Weather Service at ${url.origin} (${error.message}; ${tries}). Check the base URL and outbound network access.`,
      });
  }
}

const RETRYABLE = new Set(["unreachable", "upstream_error"]);

/**
 * Active NWS alerts for a point: `GET /alerts/active?point={lat},{lon}`. NWS covers the US and its
 * territories only.
 *
 * @throws UpstreamError (provider "nws") on every upstream failure; TypeError without a userAgent.
 * @example
 * const { alerts } = await fetchAlerts({ latitude: 42.7251, longitude: -84.4791 },
 *   { baseUrl: "https://api.weather.gov", userAgent: "(weather.example.com, ops@example.com)" });
 */
export async function fetchAlerts(point: AlertPoint, options: NwsOptions): Promise<AlertsAnswer> {
  if (!options.userAgent?.trim()) {
    throw new TypeError(
      'NWS requires a User-Agent: pass userAgent, e.g. "(weather.example.com, ops@example.com)"',
    );
  }
  if (!Number.isFinite(point.latitude) || !Number.isFinite(point.longitude)) {
    throw new RangeError(`point must have finite coordinates, got ${point.latitude},${point.longitude}`);
  }
  const url = joinUrl(options.baseUrl, "alerts/active");
  url.searchParams.set("point", formatPoint(point));
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = positiveMs("timeoutMs", options.timeoutMs ?? DEFAULT_NWS_TIMEOUT_MS);
  const now = options.now ?? (() => new Date());
  const headers = { "User-Agent": options.userAgent, Accept: "application/geo+json" };
  return withRetry(
    async (attempt) => {
      let answer: RawAnswer;
      try {
        answer = await fetchText(url, headers, {
          fetch: fetchImpl,
          timeoutMs,
          provider: "nws",
          attempt,
        });
      } catch (error) {
        if (error instanceof TransportError) throw transportToUpstream(error, attempt, timeoutMs, url);
        throw error;
      }
      return classify(answer, attempt, now());
    },
    {
      retries: nonNegativeInteger("retries", options.retries ?? 1),
      baseDelayMs: options.retryDelayMs ?? 200,
      random: options.random ?? Math.random,
      sleep: options.sleep ?? defaultSleep,
      shouldRetry: (error) => error instanceof UpstreamError && RETRYABLE.has(error.kind),
    },
  );
}

export interface AlertsOrReason {
  /** null when alerts could not be fetched: unknown, which is NOT the same as "no alerts" ([]). */
  alerts: Alert[] | null;
  /** Why `alerts` is null, in words fit for the answer; null when alerts are present. */
  alertsUnavailableReason: string | null;
  /** The failure itself, for logs; never put it in an answer. */
  error?: unknown;
}

/**
 * A short, user-facing reason for a failed alerts lookup. It names no URLs or internals: it is sent to
 * browsers, while the full `UpstreamError` message is for logs.
 *
 * @example alertsUnavailableReason(new UpstreamError({ provider: "nws", kind: "timeout", message: "" }))
 * // "The National Weather Service did not answer in time."
 */
export function alertsUnavailableReason(error: unknown): string {
  if (!(error instanceof UpstreamError)) return "Alerts could not be loaded because of an internal error.";
  switch (error.kind) {
    case "timeout":
      return "The National Weather Service did not answer in time.";
    case "unreachable":
      return "The National Weather Service could not be reached.";
    case "rate_limited":
      return `The National Weather Service is limiting requests; try again in ${error.retryAfterSeconds ?? 5} s.`;
    case "upstream_error":
      return `The National Weather Service is having trouble (HTTP ${error.status ?? "error"}${error.reason ? `: ${error.reason}` : ""}).`;
    case "bad_request":
      return error.status === 403
        ? "The National Weather Service refused this site's request."
        : "The National Weather Service has no alerts for this location (it covers the US only).";
    case "bad_response":
      return "The National Weather Service sent an answer that could not be read.";
  }
}

/**
 * `fetchAlerts` for callers that must never fail because of alerts: a failure becomes
 * `alerts: null` plus a reason. It never rejects.
 *
 * @example
 * const { alerts, alertsUnavailableReason } = await alertsOrReason(point, nwsOptions);
 * // alerts === null → show "alerts unavailable: {alertsUnavailableReason}", not "no alerts"
 */
export async function alertsOrReason(point: AlertPoint, options: NwsOptions): Promise<AlertsOrReason> {
  try {
    const { alerts } = await fetchAlerts(point, options);
    return { alerts, alertsUnavailableReason: null };
  } catch (error) {
    return { alerts: null, alertsUnavailableReason: alertsUnavailableReason(error), error };
  }
}
