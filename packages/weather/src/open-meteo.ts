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

/** The unit system a caller asks for; the unit strings themselves are defined in `./forecast`. */
export type Units = "imperial" | "metric";

export interface ForecastQuery {
  latitude: number;
  longitude: number;
  units: Units;
  /** Days of daily forecast starting today (local), 1 to 16. */
  days: number;
  /** Hours of hourly forecast starting at the current hour, 0 to 168; 0 asks for no hourly data. */
  hours: number;
}

/**
 * baseUrl e.g. "https://api.open-meteo.com". Each attempt's budget defaults to 4000 ms; a 5xx, a
 * network failure or a timeout is retried.
 */
export type OpenMeteoOptions = UpstreamOptions;

export const DEFAULT_OPEN_METEO_TIMEOUT_MS = 4000;
export const MAX_FORECAST_DAYS = 16;
export const MAX_FORECAST_HOURS = 168;

/** Variables requested; the normaliser in `./forecast` reads exactly these. */
export const CURRENT_VARIABLES = [
  "temperature_2m",
  "apparent_temperature",
  "relative_humidity_2m",
  "wind_speed_10m",
  "wind_gusts_10m",
  "wind_direction_10m",
  "weather_code",
  "is_day",
] as const;
export const HOURLY_VARIABLES = ["temperature_2m", "precipitation_probability", "weather_code"] as const;
export const DAILY_VARIABLES = [
  "weather_code",
  "temperature_2m_max",
  "temperature_2m_min",
  "precipitation_probability_max",
  "sunrise",
  "sunset",
] as const;

/** Open-Meteo's unit parameters per system; its defaults are the metric ones. */
export const UNIT_PARAMETERS: Readonly<
  Record<Units, { temperature_unit: string; wind_speed_unit: string; precipitation_unit: string }>
> = {
  imperial: { temperature_unit: "fahrenheit", wind_speed_unit: "mph", precipitation_unit: "inch" },
  metric: { temperature_unit: "celsius", wind_speed_unit: "kmh", precipitation_unit: "mm" },
};

// Open-Meteo's iso8601 time format: local time to the minute, no offset.
const localDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, "expected a local date-time like 2025-08-07T14:00");
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date like 2025-08-07");
// Every value may be null (a model without the variable for that hour); absence of the key is not ok.
const value = z.number().nullable();
const series = z.array(value);

function sameLengthAsTime(
  block: { time: readonly unknown[] } & Record<string, unknown>,
  context: z.RefinementCtx,
): void {
  for (const [key, values] of Object.entries(block)) {
    if (Array.isArray(values) && values.length !== block.time.length) {
      context.addIssue({
        code: "custom",
        path: [key],
        message: `has ${values.length} values for ${block.time.length} times`,
      });
    }
  }
}

const currentSchema = z.object({
  time: localDateTime,
  interval: z.number().optional(),
  temperature_2m: value,
  apparent_temperature: value,
  relative_humidity_2m: value,
  wind_speed_10m: value,
  wind_gusts_10m: value,
  wind_direction_10m: value,
  weather_code: value,
  is_day: value,
});

const hourlySchema = z
  .object({
    time: z.array(localDateTime),
    temperature_2m: series,
    precipitation_probability: series,
    weather_code: series,
  })
  .superRefine(sameLengthAsTime);

const dailySchema = z
  .object({
    time: z.array(localDate),
    weather_code: series,
    temperature_2m_max: series,
    temperature_2m_min: series,
    precipitation_probability_max: series,
    sunrise: z.array(localDateTime.nullable()),
    sunset: z.array(localDateTime.nullable()),
  })
  .superRefine(sameLengthAsTime);

/**
 * The part of an Open-Meteo `/v1/forecast` answer this package uses, for the variables
 * `fetchForecast` requests. Extra keys are ignored; a requested block or variable that is missing,
 * or series whose lengths disagree with `time`, fail validation.
 */
export const openMeteoForecastSchema = z.object({
  latitude: z.number(),
  longitude: z.number(),
  elevation: z.number().nullable().optional(),
  // Whole minutes: every zone in use today is; anything else could not be written as ±hh:mm.
  utc_offset_seconds: z
    .number()
    .int()
    .min(-18 * 3600)
    .max(18 * 3600)
    .refine((s) => s % 60 === 0, "must be whole minutes"),
  timezone: z.string().min(1),
  timezone_abbreviation: z.string().optional(),
  current_units: z.record(z.string(), z.string()).optional(),
  current: currentSchema,
  hourly_units: z.record(z.string(), z.string()).optional(),
  hourly: hourlySchema.optional(),
  daily_units: z.record(z.string(), z.string()).optional(),
  daily: dailySchema,
});

export type OpenMeteoForecast = z.output<typeof openMeteoForecastSchema>;

/** What `fetchForecast` returns. */
export interface ForecastFetch {
  /** The validated answer, still in Open-Meteo's shape; `normalizeForecast` turns it into ours. */
  forecast: OpenMeteoForecast;
  /** Requests made (2 when the retry was needed). */
  attempts: number;
  /** True when the answer carried `x-standin: 1`: generated test data, never to be shown as real. */
  standin: boolean;
}

function checkQuery(query: ForecastQuery): void {
  const { latitude, longitude, days, hours, units } = query;
  if (!Number.isFinite(latitude) || latitude < -90 || latitude > 90) {
    throw new RangeError(`latitude must be between -90 and 90, got ${latitude}`);
  }
  if (!Number.isFinite(longitude) || longitude < -180 || longitude > 180) {
    throw new RangeError(`longitude must be between -180 and 180, got ${longitude}`);
  }
  if (!Number.isInteger(days) || days < 1 || days > MAX_FORECAST_DAYS) {
    throw new RangeError(`days must be an integer from 1 to ${MAX_FORECAST_DAYS}, got ${days}`);
  }
  if (!Number.isInteger(hours) || hours < 0 || hours > MAX_FORECAST_HOURS) {
    throw new RangeError(`hours must be an integer from 0 to ${MAX_FORECAST_HOURS}, got ${hours}`);
  }
  if (units !== "imperial" && units !== "metric") {
    throw new RangeError(`units must be "imperial" or "metric", got ${String(units)}`);
  }
}

/**
 * The request URL for a query. Exposed so logs and tests can show exactly what is asked.
 *
 * @example
 * buildForecastUrl({ latitude: 42.73, longitude: -84.48, units: "imperial", days: 7, hours: 24 },
 *   "https://api.open-meteo.com").pathname // "/v1/forecast"
 */
export function buildForecastUrl(query: ForecastQuery, baseUrl: string): URL {
  checkQuery(query);
  const url = joinUrl(baseUrl, "v1/forecast");
  const params = url.searchParams;
  params.set("latitude", String(query.latitude));
  params.set("longitude", String(query.longitude));
  params.set("current", CURRENT_VARIABLES.join(","));
  if (query.hours > 0) params.set("hourly", HOURLY_VARIABLES.join(","));
  params.set("daily", DAILY_VARIABLES.join(","));
  params.set("timezone", "auto");
  params.set("forecast_days", String(query.days));
  if (query.hours > 0) params.set("forecast_hours", String(query.hours));
  for (const [key, unit] of Object.entries(UNIT_PARAMETERS[query.units])) params.set(key, unit);
  return url;
}

/**
 * How long to wait after a 429, from the reason text: Open-Meteo sends no Retry-After header, but
 * its RateLimiter names the window that was exceeded.
 *
 * @example retryAfterFromReason("Minutely API request limit exceeded. Please try again in one minute.", new Date()) // 60
 */
export function retryAfterFromReason(reason: string | null, now: Date): number {
  const text = (reason ?? "").toLowerCase();
  if (text.includes("minutely")) return 60;
  if (text.includes("hourly")) return 3600;
  if (text.includes("daily")) {
    const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
    return Math.max(1, Math.ceil((midnight - now.getTime()) / 1000));
  }
  if (text.includes("concurrent")) return 5;
  // Unknown wording: the shortest window is the safest guess that still backs off.
  return 60;
}

/** Open-Meteo's error body, `{"error": true, "reason": "..."}`; null when the body is not that. */
function errorReason(body: string): string | null {
  const parsed = z.object({ reason: z.string() }).safeParse(tryParseJson(body));
  return parsed.success ? parsed.data.reason : null;
}

const RETRYABLE = new Set(["timeout", "unreachable", "upstream_error"]);

// What `current_units.temperature_2m` must say for each system; anything else means the unit
// parameters were ignored and every number would be silently wrong.
const EXPECTED_TEMPERATURE_UNIT: Readonly<Record<Units, string>> = { imperial: "°F", metric: "°C" };

function classify(answer: RawAnswer, attempt: number, now: Date, units: Units): OpenMeteoForecast {
  const { status, body } = answer;
  if (status === 429) {
    const reason = errorReason(body);
    const retryAfterSeconds = retryAfterHeader(answer.headers, now) ?? retryAfterFromReason(reason, now);
    throw new UpstreamError({
      provider: "open-meteo",
      kind: "rate_limited",
      status,
      reason,
      retryAfterSeconds,
      attempts: attempt,
      message:
        `Open-Meteo rate limit reached (HTTP 429: ${reason ?? "no reason given"}); retry in ${retryAfterSeconds} s. ` +
        "Free use allows 600 calls a minute, 5,000 an hour and 10,000 a day per IP, shared by every function on " +
        "the same egress IP: if this repeats, raise the cache TTL or use a commercial API key.",
    });
  }
  if (status >= 400 && status < 500) {
    const reason = errorReason(body);
    throw new UpstreamError({
      provider: "open-meteo",
      kind: "bad_request",
      status,
      reason,
      attempts: attempt,
      message:
        `Open-Meteo rejected our request (HTTP ${status}: ${reason ?? snippet(body)}). The request is built ` +
        "wrongly (a variable, unit or range Open-Meteo does not accept): fix the client, retrying will not help.",
    });
  }
  if (status >= 500) {
    throw new UpstreamError({
      provider: "open-meteo",
      kind: "upstream_error",
      status,
      reason: errorReason(body),
      attempts: attempt,
      message: `Open-Meteo failed with HTTP ${status} (${attempt} attempt${attempt === 1 ? "" : "s"}). The service is having trouble; try again in a minute.`,
    });
  }
  if (status < 200 || status >= 300) {
    // A redirect that was not followed or an informational status: nothing usable, and not a 5xx.
    throw new UpstreamError({
      provider: "open-meteo",
      kind: "bad_response",
      status,
      attempts: attempt,
      message: `Open-Meteo answered HTTP ${status}, which carries no forecast. Check the base URL.`,
    });
  }
  const json = tryParseJson(body);
  if (json === undefined) {
    const type = answer.headers.get("content-type") ?? "no content-type";
    throw new UpstreamError({
      provider: "open-meteo",
      kind: "bad_response",
      status,
      attempts: attempt,
      message: `Open-Meteo answered HTTP ${status} with a body that is not JSON (${type}, ${body.length} bytes, starts "${snippet(body, 40)}"). A proxy or captive portal may be in the way; check the base URL.`,
    });
  }
  const parsed = openMeteoForecastSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
      .join("; ");
    throw new UpstreamError({
      provider: "open-meteo",
      kind: "bad_response",
      status,
      attempts: attempt,
      cause: parsed.error,
      message: `Open-Meteo answered JSON of an unexpected shape (${issues}). The API may have changed; compare a live answer with openMeteoForecastSchema.`,
    });
  }
  const temperatureUnit = parsed.data.current_units?.temperature_2m;
  if (temperatureUnit !== undefined && temperatureUnit !== EXPECTED_TEMPERATURE_UNIT[units]) {
    throw new UpstreamError({
      provider: "open-meteo",
      kind: "bad_response",
      status,
      attempts: attempt,
      message: `Open-Meteo answered in ${temperatureUnit} although ${EXPECTED_TEMPERATURE_UNIT[units]} was requested; the unit parameters were ignored, so no number in the answer can be trusted.`,
    });
  }
  return parsed.data;
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
        provider: "open-meteo",
        kind: "timeout",
        attempts: attempt,
        cause: error.cause,
        message: `Open-Meteo did not answer within ${timeoutMs} ms (${tries}). It may be overloaded; try again shortly.`,
      });
    case "cut_off":
      return new UpstreamError({
        provider: "open-meteo",
        kind: "bad_response",
        attempts: attempt,
        cause: error.cause,
        message: `Open-Meteo's answer broke off before the body was complete (${error.message}). Try again; if it repeats, check proxies between here and ${url.host}.`,
      });
    case "unreachable":
      return new UpstreamError({
        provider: "open-meteo",
        kind: "unreachable",
        attempts: attempt,
        cause: error.cause,
        message: `Could not connect to Open-Meteo at ${url.origin} (${error.message}; ${tries}). Check the base URL, DNS and outbound network access.`,
      });
  }
}

/**
 * Fetches a forecast from Open-Meteo and validates it. Each attempt has `timeoutMs` for headers and
 * body; a 5xx, a network failure or a timeout is retried once (by default) after a jittered pause,
 * so the worst case is about 2 × timeoutMs + 300 ms. A 4xx is never retried: 400 means our request
 * is wrong and 429 means retrying now makes the limit worse.
 *
 * @throws UpstreamError for every upstream failure; RangeError for a query outside the documented ranges.
 * @example
 * const { forecast } = await fetchForecast(
 *   { latitude: 42.73, longitude: -84.48, units: "imperial", days: 7, hours: 24 },
 *   { baseUrl: "https://api.open-meteo.com" },
 * );
 */
export async function fetchForecast(query: ForecastQuery, options: OpenMeteoOptions): Promise<ForecastFetch> {
  const url = buildForecastUrl(query, options.baseUrl);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = positiveMs("timeoutMs", options.timeoutMs ?? DEFAULT_OPEN_METEO_TIMEOUT_MS);
  const retries = nonNegativeInteger("retries", options.retries ?? 1);
  const now = options.now ?? (() => new Date());
  let attempts = 0;
  const result = await withRetry(
    async (attempt) => {
      attempts = attempt;
      let answer: RawAnswer;
      try {
        answer = await fetchText(
          url,
          { accept: "application/json" },
          {
            fetch: fetchImpl,
            timeoutMs,
            provider: "open-meteo",
            attempt,
          },
        );
      } catch (error) {
        if (error instanceof TransportError) throw transportToUpstream(error, attempt, timeoutMs, url);
        throw error;
      }
      return {
        forecast: classify(answer, attempt, now(), query.units),
        standin: answer.headers.get("x-standin") === "1",
      };
    },
    {
      retries,
      baseDelayMs: options.retryDelayMs ?? 200,
      random: options.random ?? Math.random,
      sleep: options.sleep ?? defaultSleep,
      shouldRetry: (error) => error instanceof UpstreamError && RETRYABLE.has(error.kind),
    },
  );
  return { ...result, attempts };
}
