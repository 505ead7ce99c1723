import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { UpstreamError } from "@repo/weather/errors";
import {
  buildForecastUrl,
  type ForecastQuery,
  fetchForecast,
  type OpenMeteoOptions,
  retryAfterFromReason,
} from "@repo/weather/open-meteo";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type Standin, type StandinMode, startStandin } from "./standin.ts";

// The client against the stand-in's real HTTP answers; here rather than beside the client because
// this package depends on @repo/weather (a test dependency back would be a workspace cycle).

const EAST_LANSING: ForecastQuery = {
  latitude: 42.73,
  longitude: -84.48,
  units: "imperial",
  days: 7,
  hours: 24,
};
const NOW = new Date("2025-08-07T17:15:00Z");

let standin: Standin;
let pauses: number[];

beforeAll(async () => {
  standin = await startStandin({ now: () => NOW, slowMs: 2000 });
});
afterAll(() => standin.close());
beforeEach(() => {
  standin.reset();
  pauses = [];
});

/** Options pointing at the stand-in, with a small timeout and a sleep that records instead of waiting. */
function options(extra: Partial<OpenMeteoOptions> = {}): OpenMeteoOptions {
  return {
    baseUrl: standin.url,
    timeoutMs: 4000,
    random: () => 0.5,
    sleep: async (ms) => {
      pauses.push(ms);
    },
    now: () => NOW,
    ...extra,
  };
}

async function failure(mode: StandinMode, extra: Partial<OpenMeteoOptions> = {}): Promise<UpstreamError> {
  standin.setMode(mode);
  const error = await fetchForecast(EAST_LANSING, options(extra)).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof UpstreamError)) throw new Error(`expected an UpstreamError, got ${String(error)}`);
  expect(error.provider).toBe("open-meteo");
  expect(error.providerName).toBe("Open-Meteo");
  expect(error.message).toContain("Open-Meteo");
  return error;
}

describe("buildForecastUrl", () => {
  it("asks for exactly the variables, ranges and units of the query", () => {
    const url = buildForecastUrl(EAST_LANSING, "https://api.open-meteo.com");
    expect(url.origin + url.pathname).toBe("https://api.open-meteo.com/v1/forecast");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      latitude: "42.73",
      longitude: "-84.48",
      current:
        "temperature_2m,apparent_temperature,relative_humidity_2m,wind_speed_10m,wind_gusts_10m,wind_direction_10m,weather_code,is_day",
      hourly: "temperature_2m,precipitation_probability,weather_code",
      daily:
        "weather_code,temperature_2m_max,temperature_2m_min,precipitation_probability_max,sunrise,sunset",
      timezone: "auto",
      forecast_days: "7",
      forecast_hours: "24",
      temperature_unit: "fahrenheit",
      wind_speed_unit: "mph",
      precipitation_unit: "inch",
    });
  });

  it("uses metric units and leaves hourly out when hours is 0", () => {
    const params = buildForecastUrl({ ...EAST_LANSING, units: "metric", hours: 0 }, "http://x").searchParams;
    expect(params.has("hourly")).toBe(false);
    expect(params.has("forecast_hours")).toBe(false);
    expect([
      params.get("temperature_unit"),
      params.get("wind_speed_unit"),
      params.get("precipitation_unit"),
    ]).toEqual(["celsius", "kmh", "mm"]);
  });

  it("keeps a path prefix of the base URL", () => {
    expect(buildForecastUrl(EAST_LANSING, "http://proxy.local/open-meteo/").pathname).toBe(
      "/open-meteo/v1/forecast",
    );
  });

  it.each([
    { days: 0 },
    { days: 17 },
    { days: 1.5 },
    { hours: -1 },
    { hours: 169 },
    { latitude: 91 },
    { longitude: Number.NaN },
  ])("refuses %j before any request", (bad) => {
    expect(() => buildForecastUrl({ ...EAST_LANSING, ...bad }, "http://x")).toThrow(RangeError);
  });
});

describe("fetchForecast against the stand-in", () => {
  it("returns the validated forecast, marked as stand-in data, in one request", async () => {
    const result = await fetchForecast(EAST_LANSING, options());
    expect(result.attempts).toBe(1);
    expect(result.standin).toBe(true);
    expect(result.forecast.timezone).toBe("America/Detroit");
    expect(result.forecast.utc_offset_seconds).toBe(-14400);
    expect(result.forecast.hourly?.time).toHaveLength(24);
    expect(result.forecast.hourly?.time[0]).toBe("2025-08-07T13:00");
    expect(result.forecast.daily.time).toHaveLength(7);
    expect(result.forecast.current_units?.temperature_2m).toBe("°F");
    const [request] = standin.requests();
    expect(request?.query).toMatchObject({
      timezone: "auto",
      forecast_days: "7",
      temperature_unit: "fahrenheit",
    });
    expect(request?.headers.accept).toBe("application/json");
  });

  it("answers without hourly data when hours is 0", async () => {
    const result = await fetchForecast({ ...EAST_LANSING, hours: 0, days: 1 }, options());
    expect(result.forecast.hourly).toBeUndefined();
    expect(result.forecast.daily.time).toEqual(["2025-08-07"]);
  });

  it("retries a 500 exactly once, after a jittered pause, then reports upstream_error", async () => {
    const error = await failure("error500", { random: () => 0 });
    expect(error.kind).toBe("upstream_error");
    expect(error.status).toBe(500);
    expect(error.attempts).toBe(2);
    expect(standin.count("open-meteo")).toBe(2);
    expect(pauses).toEqual([100]);
  });

  it("does not retry when retries is 0", async () => {
    const error = await failure("error500", { retries: 0 });
    expect(error.attempts).toBe(1);
    expect(standin.count("open-meteo")).toBe(1);
  });

  it("recovers from one 503 with the retry (flaky)", async () => {
    standin.setMode("flaky");
    const result = await fetchForecast(EAST_LANSING, options({ random: () => 0.999 }));
    expect(result.attempts).toBe(2);
    expect(standin.requests().map((r) => r.status)).toEqual([503, 200]);
    expect(pauses).toHaveLength(1);
    expect(pauses[0]).toBeCloseTo(299.8, 0);
  });

  it("never retries a 400 and carries Open-Meteo's reason", async () => {
    const error = await failure("error400");
    expect(error.kind).toBe("bad_request");
    expect(error.status).toBe(400);
    expect(error.reason).toBe(
      "Cannot initialize WeatherVariable from invalid String value tempeture_2m for key hourly",
    );
    expect(standin.count("open-meteo")).toBe(1);
    expect(pauses).toEqual([]);
  });

  it("never retries a 429 and derives Retry-After from the reason", async () => {
    const error = await failure("rate_limited");
    expect(error.kind).toBe("rate_limited");
    expect(error.status).toBe(429);
    expect(error.reason).toBe("Minutely API request limit exceeded. Please try again in one minute.");
    expect(error.retryAfterSeconds).toBe(60);
    expect(standin.count("open-meteo")).toBe(1);
  });

  it("times out each attempt, retries once, and stays within the budget", async () => {
    const started = Date.now();
    const error = await failure("slow", { timeoutMs: 100 });
    expect(error.kind).toBe("timeout");
    expect(error.attempts).toBe(2);
    // Two 100 ms attempts, each cut off before the stand-in's 2 s answer: waiting for both answers would
    // take 4 s. The bound is that loose because a loaded CI machine can stall a process for a second.
    expect(Date.now() - started).toBeLessThan(3900);
    // An aborted attempt can reach the stand-in after the client gave up: wait for it to be counted.
    await vi.waitFor(() => expect(standin.count("open-meteo")).toBe(2));
  });

  it.each([
    ["truncated", /broke off/],
    ["not_json", /not JSON \(text\/html/],
    ["wrong_shape", /unexpected shape \(current\.temperature_2m/],
  ] as const)("reports %s as bad_response without retrying", async (mode, message) => {
    const error = await failure(mode);
    expect(error.kind).toBe("bad_response");
    expect(error.message).toMatch(message);
    expect(standin.count("open-meteo")).toBe(1);
  });

  it("accepts nulls in the answer", async () => {
    standin.setMode("nulls");
    const { forecast } = await fetchForecast(EAST_LANSING, options());
    expect(forecast.current.wind_gusts_10m).toBeNull();
    expect(forecast.current.apparent_temperature).toBeNull();
    expect(forecast.hourly?.precipitation_probability[1]).toBeNull();
    expect(forecast.daily.sunrise[1]).toBeNull();
  });
});

describe("fetchForecast without the stand-in", () => {
  it("reports a refused connection as unreachable after one retry", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await fetchForecast(EAST_LANSING, options({ baseUrl: `http://127.0.0.1:${port}` })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ kind: "unreachable", attempts: 2, status: null });
    expect((error as UpstreamError).message).toContain(`127.0.0.1:${port}`);
  });

  it("refuses an answer in the wrong temperature unit", async () => {
    standin.setMode("ok");
    const metricAnswer = await fetch(
      buildForecastUrl({ ...EAST_LANSING, units: "metric" }, standin.url),
    ).then((r) => r.text());
    const error = await fetchForecast(
      EAST_LANSING,
      options({ fetch: async () => new Response(metricAnswer, { status: 200 }) }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "bad_response" });
    expect((error as Error).message).toContain("°C although °F was requested");
  });

  it("prefers a Retry-After header if Open-Meteo ever sends one", async () => {
    const error = await fetchForecast(
      EAST_LANSING,
      options({
        fetch: async () =>
          new Response('{"error":true,"reason":"Too many concurrent requests"}', {
            status: 429,
            headers: { "retry-after": "7" },
          }),
      }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: "rate_limited",
      retryAfterSeconds: 7,
      reason: "Too many concurrent requests",
    });
  });
});

describe("retryAfterFromReason", () => {
  const now = new Date("2025-08-07T22:00:00Z");

  it.each([
    ["Minutely API request limit exceeded. Please try again in one minute.", 60],
    ["Hourly API request limit exceeded. Please try again in the next hour.", 3600],
    ["Daily API request limit exceeded. Please try again tomorrow.", 7200],
    ["Too many concurrent requests", 5],
    ["Something new", 60],
  ])("%s → %i s", (reason, seconds) => {
    expect(retryAfterFromReason(reason, now)).toBe(seconds);
  });
});
