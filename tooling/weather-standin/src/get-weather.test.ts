import { LruCache } from "@repo/weather/cache";
import { UpstreamError } from "@repo/weather/errors";
import {
  type CachedForecast,
  getWeather,
  type WeatherDependencies,
  type WeatherRequest,
} from "@repo/weather/get-weather";
import type { Alert } from "@repo/weather/nws-alerts";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type Standin, startStandin } from "./standin.ts";

// getWeather end to end against the stand-in's real HTTP answers. It lives here, not beside
// get-weather.ts, because this package depends on @repo/weather: a test dependency back would be a
// workspace cycle (symlink loops that break `vercel build`'s file tracing).

const NOW = new Date("2025-08-07T17:15:00Z"); // 13:15 in East Lansing (EDT)
const MINUTE = 60_000;
const REQUEST: WeatherRequest = {
  place: { zipcode: "48824", city: "East Lansing", state: "MI", latitude: 42.7251, longitude: -84.4791 },
  units: "imperial",
  days: 7,
  hours: 24,
};

let standin: Standin;
let clock: number;

beforeAll(async () => {
  standin = await startStandin({ now: () => NOW, slowMs: 2000 });
});
afterAll(() => standin.close());
beforeEach(() => {
  standin.reset();
  clock = NOW.getTime();
});

function deps(extra: Partial<WeatherDependencies> = {}): WeatherDependencies {
  return {
    openMeteo: { baseUrl: standin.url, timeoutMs: 4000, sleep: async () => {} },
    nws: {
      baseUrl: standin.url,
      userAgent: "(weather.test, ops@weather.test)",
      timeoutMs: 4000,
      sleep: async () => {},
    },
    cache: new LruCache<CachedForecast>({ now: () => clock }),
    now: () => new Date(clock),
    ...extra,
  };
}

describe("getWeather against the stand-in", () => {
  it("answers the whole weather object", async () => {
    standin.setMode("nws_alerts");
    const answer = await getWeather(REQUEST, deps());
    expect(answer).toMatchObject({
      zipcode: "48824",
      place: { city: "East Lansing", state: "MI", latitude: 42.7251, longitude: -84.4791 },
      units: { system: "imperial", temperature: "°F", windSpeed: "mph", precipitation: "inch" },
      timezone: "America/Detroit",
      utcOffsetSeconds: -14400,
      source: {
        provider: "Open-Meteo",
        attribution: "Weather data by Open-Meteo.com (CC BY 4.0)",
        url: "https://open-meteo.com/",
        alerts: { provider: "National Weather Service", url: "https://www.weather.gov/" },
        standin: true,
      },
      fetchedAt: NOW.toISOString(),
      cached: false,
      stale: false,
    });
    expect(answer.current.time).toBe("2025-08-07T13:15:00-04:00");
    expect(typeof answer.current.temperature).toBe("number");
    expect(answer.current.description).not.toBeNull();
    expect(answer.hourly).toHaveLength(24);
    expect(answer.hourly[0]?.time).toBe("2025-08-07T13:00:00-04:00");
    expect(answer.daily).toHaveLength(7);
    expect(answer.daily[0]?.date).toBe("2025-08-07");
    expect(answer.alerts?.map((a) => a.event)).toEqual(["Severe Thunderstorm Watch", "Heat Advisory"]);
    expect("alertsUnavailableReason" in answer).toBe(false);
    // JSON-safe: what the handler sends is what it built.
    expect(JSON.parse(JSON.stringify(answer))).toEqual(answer);
  });

  it("asks Open-Meteo with the rounded coordinates and NWS with the exact point", async () => {
    await getWeather(REQUEST, deps());
    const [forecast] = standin.requests().filter((r) => r.provider === "open-meteo");
    const [alerts] = standin.requests().filter((r) => r.provider === "nws");
    expect(forecast?.query).toMatchObject({ latitude: "42.73", longitude: "-84.48" });
    expect(alerts?.query).toEqual({ point: "42.7251,-84.4791" });
  });

  it("serves repeats and nearby places from the cache", async () => {
    const d = deps();
    await getWeather(REQUEST, d);
    clock += 5 * MINUTE;
    const again = await getWeather(
      { ...REQUEST, place: { ...REQUEST.place, zipcode: "48823", latitude: 42.7279, longitude: -84.4821 } },
      d,
    );
    expect(again).toMatchObject({
      zipcode: "48823",
      cached: true,
      stale: false,
      fetchedAt: NOW.toISOString(),
    });
    expect(standin.count("open-meteo")).toBe(1);
  });

  it("makes one Open-Meteo request for 10 concurrent requests", async () => {
    const d = deps();
    const answers = await Promise.all(Array.from({ length: 10 }, () => getWeather(REQUEST, d)));
    expect(standin.count("open-meteo")).toBe(1);
    expect(new Set(answers.map((a) => a.current.temperature)).size).toBe(1);
  });

  it("still answers when alerts fail, with null alerts and a reason", async () => {
    standin.setMode("nws_error");
    const onHiddenError = vi.fn();
    const answer = await getWeather(REQUEST, deps({ onHiddenError }));
    expect(answer.alerts).toBeNull();
    expect(answer.alertsUnavailableReason).toMatch(
      /^The National Weather Service is having trouble \(HTTP 503/,
    );
    expect(answer.hourly).toHaveLength(24);
    expect(onHiddenError).toHaveBeenCalledWith(expect.any(UpstreamError), "alerts");
  });

  it("reports an alerts failure as hidden only when the answer is served", async () => {
    standin.setMode("nws_error");
    standin.setMode("error500");
    const onHiddenError = vi.fn();
    const error = await getWeather(REQUEST, deps({ onHiddenError })).catch((e: unknown) => e);
    expect(error).toMatchObject({ provider: "open-meteo", kind: "upstream_error" });
    expect(onHiddenError).not.toHaveBeenCalled();
  });

  it("does not wait past the alerts timeout", async () => {
    standin.setMode("nws_slow");
    const started = Date.now();
    const base = deps();
    const answer = await getWeather(REQUEST, { ...base, nws: { ...base.nws, timeoutMs: 150 } });
    expect(answer.alerts).toBeNull();
    expect(answer.alertsUnavailableReason).toBe("The National Weather Service did not answer in time.");
    expect(Date.now() - started).toBeLessThan(1800);
  });

  it("throws the typed error when Open-Meteo fails and nothing is cached", async () => {
    standin.setMode("error500");
    const error = await getWeather(REQUEST, deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ provider: "open-meteo", kind: "upstream_error", attempts: 2 });
  });

  it("serves the last forecast as stale when Open-Meteo fails after the TTL", async () => {
    const onHiddenError = vi.fn();
    const d = deps({ onHiddenError });
    const first = await getWeather(REQUEST, d);
    clock += 20 * MINUTE;
    standin.setMode("rate_limited");
    const second = await getWeather(REQUEST, d);
    expect(second).toMatchObject({ cached: true, stale: true, fetchedAt: first.fetchedAt });
    expect(second.current).toEqual(first.current);
    expect(onHiddenError).toHaveBeenCalledWith(
      expect.objectContaining({ kind: "rate_limited" }),
      "forecast-stale",
    );
    // Served 20 minutes later, the hourly forecast still starts at the current hour.
    expect(second.hourly[0]?.time).toBe("2025-08-07T13:00:00-04:00");
    clock += 30 * MINUTE;
    const third = await getWeather(REQUEST, d);
    expect(third.hourly[0]?.time).toBe("2025-08-07T14:00:00-04:00");
    expect(third.hourly).toHaveLength(23);
  });

  it("caches alerts separately when given an alerts cache", async () => {
    standin.setMode("nws_alerts");
    const d = deps({ alertsCache: new LruCache<Alert[]>({ ttlMs: 2 * MINUTE, now: () => clock }) });
    await getWeather(REQUEST, d);
    standin.setMode("nws_error");
    clock += MINUTE;
    expect((await getWeather(REQUEST, d)).alerts).toHaveLength(2);
    expect(standin.count("nws")).toBe(1);
    clock += 5 * MINUTE; // past the alerts TTL, within stale-if-error: old alerts beat none
    expect((await getWeather(REQUEST, d)).alerts).toHaveLength(2);
  });

  it("honours days, hours 0 and metric units", async () => {
    const answer = await getWeather({ ...REQUEST, units: "metric", days: 3, hours: 0 }, deps());
    expect(answer.daily).toHaveLength(3);
    expect(answer.hourly).toEqual([]);
    expect(answer.units).toMatchObject({ temperature: "°C", windSpeed: "km/h", precipitation: "mm" });
    expect(standin.requests()[0]?.query.hourly).toBeUndefined();
  });

  it("refuses ranges outside the documented ones", async () => {
    await expect(getWeather({ ...REQUEST, days: 17 }, deps())).rejects.toThrow(RangeError);
    expect(standin.count("open-meteo")).toBe(0);
  });
});
