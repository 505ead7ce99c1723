import { get } from "node:http";
import { buildForecastUrl, type ForecastQuery } from "@repo/weather/open-meteo";
import { describeWeatherCode } from "@repo/weather/wmo";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isStandinMode, STANDIN_MODES, type Standin, startStandin } from "./standin.ts";
import { generateForecast, offsetSecondsAt, zoneForCoordinates } from "./standin-data.ts";

const NOW = new Date("2025-08-07T17:15:00Z");
const QUERY: ForecastQuery = { latitude: 42.73, longitude: -84.48, units: "imperial", days: 7, hours: 24 };

let standin: Standin;

beforeAll(async () => {
  standin = await startStandin({ now: () => NOW, slowMs: 2000 });
});
afterAll(() => standin.close());
beforeEach(() => standin.reset());

type Json = Record<string, unknown> & {
  current: Record<string, number | string | null>;
  current_units: Record<string, string>;
  hourly: Record<string, (number | string | null)[]>;
  daily: Record<string, (number | string | null)[]>;
  utc_offset_seconds: number;
  timezone: string;
  timezone_abbreviation: string;
};

async function forecastJson(query: ForecastQuery = QUERY): Promise<Json> {
  const response = await fetch(buildForecastUrl(query, standin.url));
  expect(response.status).toBe(200);
  return (await response.json()) as Json;
}

function postMode(body: string): Promise<Response> {
  return fetch(`${standin.url}/__standin/mode`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
}

describe("the stand-in's forecast", () => {
  it("marks every answer as stand-in data", async () => {
    for (const path of [
      "/v1/forecast?latitude=1&longitude=1",
      "/alerts/active?point=1,1",
      "/nope",
      "/__standin",
    ]) {
      const response = await fetch(`${standin.url}${path}`);
      expect(response.headers.get("x-standin"), path).toBe("1");
    }
  });

  it("honours forecast_days, forecast_hours, the units and timezone=auto", async () => {
    const json = await forecastJson();
    expect(json.timezone).toBe("America/Detroit");
    expect(json.utc_offset_seconds).toBe(-14400);
    expect(json.timezone_abbreviation).toBe("GMT-4");
    expect(json.current.time).toBe("2025-08-07T13:15");
    expect(json.hourly.time).toHaveLength(24);
    expect(json.hourly.time?.[0]).toBe("2025-08-07T13:00");
    expect(json.daily.time).toEqual([
      "2025-08-07",
      "2025-08-08",
      "2025-08-09",
      "2025-08-10",
      "2025-08-11",
      "2025-08-12",
      "2025-08-13",
    ]);
    expect(json.current_units).toMatchObject({ temperature_2m: "°F", wind_speed_10m: "mp/h" });
    const metric = await forecastJson({ ...QUERY, units: "metric" });
    expect(metric.current_units).toMatchObject({ temperature_2m: "°C", wind_speed_10m: "km/h" });
    const f = json.current.temperature_2m as number;
    const c = metric.current.temperature_2m as number;
    expect(Math.abs(f - (c * 9) / 5 - 32)).toBeLessThan(0.2);
  });

  it("is deterministic per place and time, and differs between places", async () => {
    expect(await forecastJson()).toEqual(await forecastJson());
    const elsewhere = await forecastJson({ ...QUERY, latitude: 33.75, longitude: -84.39 });
    expect(elsewhere.hourly.temperature_2m).not.toEqual((await forecastJson()).hourly.temperature_2m);
  });

  it("gives plausible numbers everywhere and all year", () => {
    for (const latitude of [-60, -33.9, 0, 21.3, 42.7, 64.8]) {
      for (const month of [0, 3, 6, 9]) {
        const answer = generateForecast({
          latitude,
          longitude: latitude * 2,
          now: new Date(Date.UTC(2025, month, 15, 12)),
          timeZone: zoneForCoordinates(latitude, latitude * 2),
          forecastDays: 3,
          forecastHours: 48,
          current: [],
          hourly: ["temperature_2m", "precipitation_probability", "weather_code", "relative_humidity_2m"],
          daily: ["temperature_2m_max", "temperature_2m_min", "sunrise", "sunset"],
          temperatureUnit: "celsius",
          windSpeedUnit: "kmh",
          precipitationUnit: "mm",
        }) as Json;
        const { hourly, daily } = answer;
        for (const t of hourly.temperature_2m as number[]) expect(t).toBeGreaterThan(-45);
        for (const t of hourly.temperature_2m as number[]) expect(t).toBeLessThan(45);
        for (const p of hourly.precipitation_probability as number[]) expect(p >= 0 && p <= 100).toBe(true);
        for (const h of hourly.relative_humidity_2m as number[]) expect(h >= 0 && h <= 100).toBe(true);
        for (const code of hourly.weather_code as number[]) expect(describeWeatherCode(code)).not.toBeNull();
        (daily.temperature_2m_max as number[]).forEach((max, i) => {
          expect(max).toBeGreaterThanOrEqual(daily.temperature_2m_min?.[i] as number);
        });
        (daily.sunrise as (string | null)[]).forEach((rise, i) => {
          const set = daily.sunset?.[i];
          if (rise !== null && typeof set === "string") expect(rise < set).toBe(true);
        });
      }
    }
  });

  it("puts sunrise and sunset near the real times (East Lansing, 7 Aug 2025: 06:38 and 20:48 EDT)", async () => {
    const json = await forecastJson();
    const minutes = (t: unknown) => Number(String(t).slice(11, 13)) * 60 + Number(String(t).slice(14, 16));
    expect(Math.abs(minutes(json.daily.sunrise?.[0]) - (6 * 60 + 38))).toBeLessThan(15);
    expect(Math.abs(minutes(json.daily.sunset?.[0]) - (20 * 60 + 48))).toBeLessThan(15);
  });

  it("answers Open-Meteo's 400 for an unknown variable or a bad range", async () => {
    const unknown = await fetch(`${standin.url}/v1/forecast?latitude=1&longitude=1&hourly=tempeture_2m`);
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({
      error: true,
      reason: "Cannot initialize WeatherVariable from invalid String value tempeture_2m for key hourly",
    });
    const days = await fetch(`${standin.url}/v1/forecast?latitude=1&longitude=1&forecast_days=17`);
    expect(await days.json()).toEqual({
      error: true,
      reason: "Forecast days is invalid. Allowed range 0 to 16.",
    });
  });

  it("uses a forced zone, half-hour offsets included", async () => {
    const india = await startStandin({ now: () => NOW, timezone: "Asia/Kolkata" });
    try {
      const json = (await (await fetch(buildForecastUrl(QUERY, india.url))).json()) as Json;
      expect(json.utc_offset_seconds).toBe(19800);
      expect(json.timezone_abbreviation).toBe("GMT+5:30");
      expect(json.current.time).toBe("2025-08-07T22:45");
    } finally {
      await india.close();
    }
    expect(offsetSecondsAt("America/St_Johns", NOW)).toBe(-9000);
  });
});

describe("the stand-in's control API", () => {
  it("switches modes over HTTP for a separate process", async () => {
    const response = await postMode('{"mode":"error500"}');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ openMeteo: "error500", nws: "nws_ok" });
    expect((await fetch(buildForecastUrl(QUERY, standin.url))).status).toBe(500);
    await postMode('{"mode":"nws_error"}');
    expect(standin.state()).toMatchObject({ openMeteo: "error500", nws: "nws_error" });
  });

  it("rejects an unknown mode and lists the valid ones", async () => {
    const response = await postMode('{"mode":"sunny"}');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { modes: string[] }).modes).toEqual([...STANDIN_MODES]);
    expect(() => standin.setMode("sunny" as never)).toThrow(RangeError);
  });

  it("counts provider requests, not control requests, and resets", async () => {
    await fetch(buildForecastUrl(QUERY, standin.url));
    await fetch(`${standin.url}/alerts/active?point=42.7,-84.5`, { headers: { "user-agent": "t" } });
    const state = (await (await fetch(`${standin.url}/__standin`)).json()) as { counts: unknown };
    expect(state.counts).toEqual({ openMeteo: 1, nws: 1 });
    const log = (await (await fetch(`${standin.url}/__standin/requests`)).json()) as { provider: string }[];
    expect(log.map((r) => r.provider)).toEqual(["open-meteo", "nws"]);
    await fetch(`${standin.url}/__standin/reset`, { method: "POST" });
    expect(standin.count()).toBe(0);
  });

  it("knows its modes", () => {
    expect(STANDIN_MODES).toContain("flaky");
    expect(isStandinMode("nws_alerts")).toBe(true);
    expect(isStandinMode("nws_sunny")).toBe(false);
  });
});

describe("the stand-in's NWS", () => {
  it("answers 403 without a User-Agent, like NWS", async () => {
    // node:http sends no User-Agent unless told to (fetch always sends one).
    const status = await new Promise<number>((resolve, reject) => {
      get(`${standin.url}/alerts/active?point=42.7,-84.5`, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      }).on("error", reject);
    });
    expect(status).toBe(403);
  });

  it("answers 400 problem+json to an unknown query parameter", async () => {
    const response = await fetch(`${standin.url}/alerts/active?point=42.7,-84.5&units=us`, {
      headers: { "user-agent": "t" },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({
      status: 400,
      detail: 'Query parameter "units" is not recognized',
    });
  });

  it("shows winter hazards in winter", async () => {
    const winter = await startStandin({ now: () => new Date("2026-01-14T21:00:00Z"), mode: "nws_alerts" });
    try {
      const json = (await (
        await fetch(`${winter.url}/alerts/active?point=41.7159,-87.6370`, { headers: { "user-agent": "t" } })
      ).json()) as { features: { properties: { event: string; status: string } }[] };
      expect(json.features.map((f) => f.properties.event)).toEqual([
        "Winter Weather Advisory",
        "Winter Storm Watch",
      ]);
      expect(json.features.every((f) => f.properties.status === "Test")).toBe(true);
    } finally {
      await winter.close();
    }
  });
});
