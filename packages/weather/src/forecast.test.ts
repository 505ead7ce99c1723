import { describe, expect, it } from "vitest";
import { dropPastHours, formatUtcOffset, normalizeForecast, withUtcOffset } from "./forecast.ts";
import { type OpenMeteoForecast, openMeteoForecastSchema } from "./open-meteo.ts";

/**
 * An answer in the shape of the reference Open-Meteo responses (Atlanta, 2025-08-07, fahrenheit):
 * local times without offset, columnar series, Open-Meteo's own unit strings ("mp/h").
 */
function atlanta(overrides: Partial<Record<string, unknown>> = {}): OpenMeteoForecast {
  return openMeteoForecastSchema.parse({
    latitude: 33.759865,
    longitude: -84.39587,
    generationtime_ms: 0.12,
    utc_offset_seconds: -14400,
    timezone: "America/New_York",
    timezone_abbreviation: "GMT-4",
    elevation: 327,
    current_units: { time: "iso8601", temperature_2m: "°F", wind_speed_10m: "mp/h", wind_gusts_10m: "mp/h" },
    current: {
      time: "2025-08-07T13:15",
      interval: 900,
      temperature_2m: 75.4,
      apparent_temperature: 83.1,
      relative_humidity_2m: 78,
      wind_speed_10m: 4.2,
      wind_gusts_10m: 11.6,
      wind_direction_10m: 135,
      weather_code: 2,
      is_day: 1,
    },
    hourly: {
      time: ["2025-08-07T12:00", "2025-08-07T13:00", "2025-08-07T14:00", "2025-08-07T15:00"],
      temperature_2m: [72.3, 74.5, 77.2, 78.7],
      precipitation_probability: [10, 15, 35, 55],
      weather_code: [1, 2, 3, 80],
    },
    daily: {
      time: ["2025-08-07", "2025-08-08"],
      weather_code: [80, 95],
      temperature_2m_max: [79.7, 84.1],
      temperature_2m_min: [69, 70.2],
      precipitation_probability_max: [55, 80],
      sunrise: ["2025-08-07T06:54", "2025-08-08T06:55"],
      sunset: ["2025-08-07T20:31", "2025-08-08T20:30"],
    },
    ...overrides,
  });
}

describe("formatUtcOffset / withUtcOffset", () => {
  it.each([
    [-14400, "-04:00"],
    [-21600, "-06:00"],
    [0, "+00:00"],
    [19800, "+05:30"],
    [-12600, "-03:30"],
    [20700, "+05:45"],
    [50400, "+14:00"],
  ])("writes %i s as %s", (seconds, text) => {
    expect(formatUtcOffset(seconds)).toBe(text);
  });

  it("adds seconds and the offset to Open-Meteo's local minute", () => {
    expect(withUtcOffset("2025-08-07T14:00", -14400)).toBe("2025-08-07T14:00:00-04:00");
    expect(withUtcOffset("2025-08-07T14:00:30", 19800)).toBe("2025-08-07T14:00:30+05:30");
  });

  it("yields the right instant", () => {
    expect(new Date(withUtcOffset("2025-08-07T14:00", -14400)).toISOString()).toBe(
      "2025-08-07T18:00:00.000Z",
    );
    expect(new Date(withUtcOffset("2025-08-07T14:00", 19800)).toISOString()).toBe("2025-08-07T08:30:00.000Z");
  });
});

describe("normalizeForecast", () => {
  it("maps current conditions with offset times and a WMO description", () => {
    const forecast = normalizeForecast(atlanta(), { units: "imperial" });
    expect(forecast.timezone).toBe("America/New_York");
    expect(forecast.utcOffsetSeconds).toBe(-14400);
    expect(forecast.current).toEqual({
      time: "2025-08-07T13:15:00-04:00",
      temperature: 75.4,
      feelsLike: 83.1,
      humidity: 78,
      windSpeed: 4.2,
      windGust: 11.6,
      windDirection: 135,
      weatherCode: 2,
      description: "Partly cloudy",
      isDay: true,
    });
  });

  it("uses our unit strings, not Open-Meteo's 'mp/h'", () => {
    expect(normalizeForecast(atlanta(), { units: "imperial" }).units).toEqual({
      system: "imperial",
      temperature: "°F",
      windSpeed: "mph",
      precipitation: "inch",
      humidity: "%",
      precipitationProbability: "%",
      windDirection: "°",
    });
    const metric = normalizeForecast(atlanta(), { units: "metric" }).units;
    expect([metric.temperature, metric.windSpeed, metric.precipitation]).toEqual(["°C", "km/h", "mm"]);
  });

  it("starts hourly at the current hour and honours an hours limit", () => {
    const forecast = normalizeForecast(atlanta(), { units: "imperial" });
    expect(forecast.hourly.map((h) => h.time)).toEqual([
      "2025-08-07T13:00:00-04:00",
      "2025-08-07T14:00:00-04:00",
      "2025-08-07T15:00:00-04:00",
    ]);
    expect(forecast.hourly[2]).toEqual({
      time: "2025-08-07T15:00:00-04:00",
      temperature: 78.7,
      precipitationProbability: 55,
      weatherCode: 80,
    });
    expect(normalizeForecast(atlanta(), { units: "imperial", hours: 2 }).hourly).toHaveLength(2);
  });

  it("keeps dates as dates and gives sunrise and sunset the offset", () => {
    const [today, tomorrow] = normalizeForecast(atlanta(), { units: "imperial" }).daily;
    expect(today).toEqual({
      date: "2025-08-07",
      high: 79.7,
      low: 69,
      precipitationProbability: 55,
      weatherCode: 80,
      description: "Rain showers: slight",
      sunrise: "2025-08-07T06:54:00-04:00",
      sunset: "2025-08-07T20:31:00-04:00",
    });
    expect(tomorrow?.description).toBe("Thunderstorm: slight or moderate");
  });

  it("keeps every null as null, never 0", () => {
    const raw = atlanta({
      current: {
        time: "2025-08-07T13:15",
        temperature_2m: null,
        apparent_temperature: null,
        relative_humidity_2m: null,
        wind_speed_10m: null,
        wind_gusts_10m: null,
        wind_direction_10m: null,
        weather_code: null,
        is_day: null,
      },
      hourly: {
        time: ["2025-08-07T13:00", "2025-08-07T14:00"],
        temperature_2m: [null, 0],
        precipitation_probability: [null, 0],
        weather_code: [null, 0],
      },
      daily: {
        time: ["2025-08-07"],
        weather_code: [null],
        temperature_2m_max: [null],
        temperature_2m_min: [null],
        precipitation_probability_max: [null],
        sunrise: [null],
        sunset: [null],
      },
    });
    const forecast = normalizeForecast(raw, { units: "imperial" });
    expect(forecast.current).toEqual({
      time: "2025-08-07T13:15:00-04:00",
      temperature: null,
      feelsLike: null,
      humidity: null,
      windSpeed: null,
      windGust: null,
      windDirection: null,
      weatherCode: null,
      description: null,
      isDay: null,
    });
    // A real 0 stays 0 (and code 0 is "Clear sky"); only the missing value is null.
    expect(forecast.hourly).toEqual([
      {
        time: "2025-08-07T13:00:00-04:00",
        temperature: null,
        precipitationProbability: null,
        weatherCode: null,
      },
      { time: "2025-08-07T14:00:00-04:00", temperature: 0, precipitationProbability: 0, weatherCode: 0 },
    ]);
    expect(forecast.daily).toEqual([
      {
        date: "2025-08-07",
        high: null,
        low: null,
        precipitationProbability: null,
        weatherCode: null,
        description: null,
        sunrise: null,
        sunset: null,
      },
    ]);
  });

  it("reads is_day 0 as night", () => {
    const raw = atlanta();
    raw.current.is_day = 0;
    expect(normalizeForecast(raw, { units: "imperial" }).current.isDay).toBe(false);
  });

  it.each([
    [-21600, "America/Chicago", "-06:00"],
    [19800, "Asia/Kolkata", "+05:30"],
    [-12600, "America/St_Johns", "-03:30"],
    [0, "GMT", "+00:00"],
  ])("writes every time with the offset %i (%s)", (offset, timezone, suffix) => {
    const forecast = normalizeForecast(atlanta({ utc_offset_seconds: offset, timezone }), {
      units: "metric",
    });
    const times = [
      forecast.current.time,
      ...forecast.hourly.map((h) => h.time),
      ...forecast.daily.flatMap((d) => [d.sunrise, d.sunset]),
    ];
    for (const time of times) expect(time?.endsWith(suffix), time ?? "null").toBe(true);
    expect(forecast.daily.map((d) => d.date)).toEqual(["2025-08-07", "2025-08-08"]);
  });

  it("gives no hourly rows when hourly was not requested", () => {
    const raw = atlanta();
    delete raw.hourly;
    expect(normalizeForecast(raw, { units: "imperial" }).hourly).toEqual([]);
  });
});

describe("dropPastHours", () => {
  const hourly = normalizeForecast(atlanta({ utc_offset_seconds: 19800, timezone: "Asia/Kolkata" }), {
    units: "metric",
  }).hourly;

  it("keeps the hour in progress and later ones, also with a half-hour offset", () => {
    // 14:10 +05:30 is 08:40Z: the 13:00 hour has ended, the 14:00 hour is in progress.
    const kept = dropPastHours(hourly, new Date("2025-08-07T08:40:00Z"));
    expect(kept.map((h) => h.time)).toEqual(["2025-08-07T14:00:00+05:30", "2025-08-07T15:00:00+05:30"]);
  });

  it("keeps everything before the first hour ends", () => {
    expect(dropPastHours(hourly, new Date("2025-08-07T07:45:00Z"))).toHaveLength(3);
  });

  it("hands out the same answer until an hour ends, and a right one for any time after or before", () => {
    const first = dropPastHours(hourly, new Date("2025-08-07T08:40:00Z"));
    expect(dropPastHours(hourly, new Date("2025-08-07T09:29:59Z"))).toBe(first);
    const later = dropPastHours(hourly, new Date("2025-08-07T09:30:00Z"));
    expect(later.map((h) => h.time)).toEqual(["2025-08-07T15:00:00+05:30"]);
    expect(dropPastHours(hourly, new Date("2025-08-07T07:45:00Z"))).toHaveLength(3);
    expect(dropPastHours(hourly, new Date("2025-08-07T12:00:00Z"))).toEqual([]);
    expect(dropPastHours(hourly, new Date("2025-08-07T08:40:00Z")).map((h) => h.time)).toEqual(
      first.map((h) => h.time),
    );
  });
});
