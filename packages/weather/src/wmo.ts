/**
 * WMO weather interpretation codes (WW) as Open-Meteo documents them for `weather_code`
 * (open-meteo-website, wmo-codes-table.svelte). Open-Meteo only ever emits these codes; other WMO
 * codes exist but have no description here on purpose, so they come out as null rather than a guess.
 * Codes 96 and 99 (hail) are only forecast in Central Europe.
 */
export const WMO_WEATHER_CODES = {
  0: "Clear sky",
  1: "Mainly clear",
  2: "Partly cloudy",
  3: "Overcast",
  45: "Fog",
  48: "Depositing rime fog",
  51: "Drizzle: light",
  53: "Drizzle: moderate",
  55: "Drizzle: dense",
  56: "Freezing drizzle: light",
  57: "Freezing drizzle: dense",
  61: "Rain: slight",
  63: "Rain: moderate",
  65: "Rain: heavy",
  66: "Freezing rain: light",
  67: "Freezing rain: heavy",
  71: "Snow fall: slight",
  73: "Snow fall: moderate",
  75: "Snow fall: heavy",
  77: "Snow grains",
  80: "Rain showers: slight",
  81: "Rain showers: moderate",
  82: "Rain showers: violent",
  85: "Snow showers: slight",
  86: "Snow showers: heavy",
  95: "Thunderstorm: slight or moderate",
  96: "Thunderstorm with slight hail",
  99: "Thunderstorm with heavy hail",
} as const;

export type WmoCode = keyof typeof WMO_WEATHER_CODES;

/**
 * True when `code` is one of the codes Open-Meteo documents.
 *
 * @example isWmoCode(61) // true
 */
export function isWmoCode(code: number): code is WmoCode {
  return Object.hasOwn(WMO_WEATHER_CODES, code);
}

/**
 * The description of a WMO weather code; null for a missing or unknown code, never a made-up text.
 *
 * @example describeWeatherCode(3) // "Overcast"
 * @example describeWeatherCode(42) // null
 */
export function describeWeatherCode(code: number | null | undefined): string | null {
  if (code === null || code === undefined || !Number.isInteger(code)) return null;
  return isWmoCode(code) ? WMO_WEATHER_CODES[code] : null;
}
