import { describe, expect, it } from "vitest";
import { describeWeatherCode, isWmoCode, WMO_WEATHER_CODES } from "./wmo.ts";

describe("describeWeatherCode", () => {
  it.each([
    [0, "Clear sky"],
    [3, "Overcast"],
    [45, "Fog"],
    [61, "Rain: slight"],
    [75, "Snow fall: heavy"],
    [95, "Thunderstorm: slight or moderate"],
    [99, "Thunderstorm with heavy hail"],
  ])("describes %i as %s", (code, text) => {
    expect(describeWeatherCode(code)).toBe(text);
  });

  it.each([4, 42, 100, -1, 2.5, Number.NaN])("answers null for the undocumented code %d", (code) => {
    expect(describeWeatherCode(code)).toBeNull();
  });

  it("answers null for a missing code instead of describing code 0", () => {
    expect(describeWeatherCode(null)).toBeNull();
    expect(describeWeatherCode(undefined)).toBeNull();
  });

  it("holds the 28 codes Open-Meteo documents", () => {
    expect(Object.keys(WMO_WEATHER_CODES)).toHaveLength(28);
    expect(isWmoCode(77)).toBe(true);
    expect(isWmoCode(78)).toBe(false);
  });
});
