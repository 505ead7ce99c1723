import type { WeatherAnswer } from "@repo/validation/api/weather";
import { describe, expect, it } from "vitest";
import { weatherJson, weatherJsonBytes } from "./weather-json.js";

const hour = (time: string) => ({ time }) as WeatherAnswer["hourly"][number];

function answer(overrides: Partial<WeatherAnswer> = {}): WeatherAnswer {
  return {
    zipcode: "48824",
    place: { city: "East Lansing", state: "MI", latitude: 42.7, longitude: -84.5 },
    current: { temperature: 1 },
    hourly: [hour("2026-12-06T19:00:00Z"), hour("2026-12-06T20:00:00Z")],
    alerts: [],
    cached: true,
    stale: false,
    fetchedAt: "2026-12-06T18:55:00.000Z",
    source: { provider: "Open-Meteo" },
    ...overrides,
  } as unknown as WeatherAnswer;
}

describe("weatherJson", () => {
  it("is JSON.stringify, reused while nothing in the answer changed", () => {
    const first = answer();
    const text = weatherJson(first);
    expect(text).toBe(JSON.stringify(first));
    const same = answer({ current: first.current, alerts: first.alerts, hourly: [...first.hourly] });
    expect(weatherJson(same)).toBe(text);
  });

  it("serialises again when the hours, the place, the flags, the alerts or the forecast change", () => {
    const base = answer();
    weatherJson(base);
    const { current, alerts } = base;
    const changes: Partial<WeatherAnswer>[] = [
      { hourly: base.hourly.slice(1) },
      { zipcode: "48823" },
      { cached: false },
      { stale: true },
      { fetchedAt: "2026-12-06T19:05:00.000Z" },
      { alerts: [] },
      { alerts: null, alertsUnavailableReason: "down" },
    ];
    for (const change of changes) {
      const next = answer({ current, alerts, ...change });
      expect(weatherJson(next)).toBe(JSON.stringify(next));
    }
    const refetched = answer({ current: { ...current }, alerts });
    (refetched.current as unknown as { temperature: number }).temperature = 2;
    expect(weatherJson(refetched)).toBe(JSON.stringify(refetched));
  });

  it("gives the same text as UTF-8 bytes, one array while the text stays, a new one when it changes", () => {
    const first = answer({ place: { city: "Île-à-la-Crosse", state: "SK", latitude: 55, longitude: -108 } });
    const bytes = weatherJsonBytes(first);
    expect(new TextDecoder().decode(bytes)).toBe(JSON.stringify(first));
    expect(
      weatherJsonBytes(answer({ current: first.current, alerts: first.alerts, place: first.place })),
    ).toBe(bytes);
    const next = answer({ current: first.current, alerts: first.alerts, place: first.place, cached: false });
    expect(new TextDecoder().decode(weatherJsonBytes(next))).toBe(JSON.stringify(next));
  });
});
