/*
 * Deterministic, plausible weather for the stand-in server (internal; the `./standin` entry serves it).
 * Nothing here is a forecast: numbers come from a smooth climate-like model (latitude, season, time of
 * day) plus hash noise seeded by the rounded coordinates and the date, so that the same place and day
 * always give the same charts, and different places look different.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Variables the stand-in can produce, per block, as Open-Meteo names them. */
export const STANDIN_VARIABLES = {
  current: [
    "temperature_2m",
    "apparent_temperature",
    "relative_humidity_2m",
    "precipitation",
    "cloud_cover",
    "wind_speed_10m",
    "wind_gusts_10m",
    "wind_direction_10m",
    "weather_code",
    "is_day",
  ],
  hourly: [
    "temperature_2m",
    "apparent_temperature",
    "relative_humidity_2m",
    "precipitation_probability",
    "precipitation",
    "cloud_cover",
    "wind_speed_10m",
    "wind_gusts_10m",
    "wind_direction_10m",
    "weather_code",
    "is_day",
  ],
  daily: [
    "weather_code",
    "temperature_2m_max",
    "temperature_2m_min",
    "precipitation_probability_max",
    "precipitation_sum",
    "wind_speed_10m_max",
    "sunrise",
    "sunset",
  ],
} as const;

export type TemperatureUnit = "celsius" | "fahrenheit";
export type WindSpeedUnit = "kmh" | "ms" | "mph" | "kn";
export type PrecipitationUnit = "mm" | "inch";

export interface GenerateRequest {
  latitude: number;
  longitude: number;
  now: Date;
  /** IANA zone; its offset at `now` is applied to the whole series, as Open-Meteo does. */
  timeZone: string;
  forecastDays: number;
  /** null: hourly covers whole days from local midnight, as Open-Meteo does without forecast_hours. */
  forecastHours: number | null;
  current: readonly string[];
  hourly: readonly string[];
  daily: readonly string[];
  temperatureUnit: TemperatureUnit;
  windSpeedUnit: WindSpeedUnit;
  precipitationUnit: PrecipitationUnit;
}

/**
 * FNV-1a of a string → [0, 1). Stable across runs and platforms.
 *
 * @example hashUnit("42.73,-84.48:2025-08-07") === hashUnit("42.73,-84.48:2025-08-07") // true
 */
export function hashUnit(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // A final avalanche so that seeds differing in the last character spread over the whole range.
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) / 2 ** 32;
}

/**
 * The UTC offset of a zone at an instant, from the ICU data Node ships with.
 *
 * @example offsetSecondsAt("Asia/Kolkata", new Date()) // 19800
 */
export function offsetSecondsAt(timeZone: string, at: Date): number {
  const name = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" })
    .formatToParts(at)
    .find((part) => part.type === "timeZoneName")?.value;
  const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name ?? "");
  if (!match) throw new RangeError(`cannot read the offset of ${timeZone} (${name})`);
  if (!match[1]) return 0;
  const seconds = Number(match[2]) * 3600 + Number(match[3]) * 60;
  return match[1] === "-" ? -seconds : seconds;
}

/**
 * True when Intl knows the zone.
 *
 * @example isTimeZone("America/Detroit") // true
 */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * A rough `timezone=auto`: US zones by longitude band (Michigan → America/Detroit), a few
 * territories, and elsewhere a whole-hour zone from the longitude. Good enough for test data; it is
 * not a time zone lookup.
 *
 * @example zoneForCoordinates(42.73, -84.48) // "America/Detroit"
 */
export function zoneForCoordinates(latitude: number, longitude: number): string {
  const within = (lat0: number, lat1: number, lon0: number, lon1: number) =>
    latitude >= lat0 && latitude <= lat1 && longitude >= lon0 && longitude <= lon1;
  if (within(18, 23, -161, -154)) return "Pacific/Honolulu";
  if (within(51, 72, -180, -129)) return "America/Anchorage";
  if (within(12, 16, 144, 146)) return "Pacific/Guam";
  if (within(17, 19, -68, -65)) return "America/Puerto_Rico";
  if (within(24, 50, -125, -66)) {
    if (longitude < -114.5) return "America/Los_Angeles";
    if (within(31, 37, -114.8, -109)) return "America/Phoenix";
    if (longitude < -102) return "America/Denver";
    if (within(41.7, 48.3, -90.4, -82.4)) return "America/Detroit";
    if (longitude < -86.5) return "America/Chicago";
    return "America/New_York";
  }
  const hours = Math.round(longitude / 15);
  // The Etc zones' signs are inverted on purpose (POSIX): Etc/GMT+5 is UTC−5.
  return hours === 0 ? "GMT" : `Etc/GMT${hours > 0 ? "-" : "+"}${Math.abs(hours)}`;
}

/**
 * Open-Meteo's `timezone_abbreviation` style for an offset.
 *
 * @example gmtAbbreviation(19800) // "GMT+5:30"
 */
export function gmtAbbreviation(offsetSeconds: number): string {
  if (offsetSeconds === 0) return "GMT";
  const sign = offsetSeconds < 0 ? "-" : "+";
  const minutes = Math.abs(offsetSeconds) / 60;
  const rest = minutes % 60;
  return `GMT${sign}${Math.trunc(minutes / 60)}${rest ? `:${String(rest).padStart(2, "0")}` : ""}`;
}

/** Shifted epoch ms (UTC + offset) → Open-Meteo's "YYYY-MM-DDTHH:MM". */
function localDateTime(localMs: number): string {
  return new Date(localMs).toISOString().slice(0, 16);
}

function localDate(localMs: number): string {
  return new Date(localMs).toISOString().slice(0, 10);
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

interface Sample {
  temperature_2m: number;
  apparent_temperature: number;
  relative_humidity_2m: number;
  precipitation_probability: number;
  precipitation: number;
  cloud_cover: number;
  wind_speed_10m: number;
  wind_gusts_10m: number;
  wind_direction_10m: number;
  weather_code: number;
  is_day: number;
}

/** Metric model of one place; `sample(localMs)` is continuous in time except for hourly noise. */
class PlaceModel {
  readonly #seed: string;
  readonly #lat: number;
  readonly #lon: number;
  readonly #offsetSeconds: number;
  readonly elevation: number;

  constructor(latitude: number, longitude: number, offsetSeconds: number) {
    this.#lat = latitude;
    this.#lon = longitude;
    this.#offsetSeconds = offsetSeconds;
    this.#seed = `${latitude.toFixed(2)},${longitude.toFixed(2)}`;
    this.elevation = Math.round(20 + hashUnit(`${this.#seed}:elevation`) * 380);
  }

  /** Per-day noise, interpolated with a cosine so curves have no kinks at midnight. */
  #smooth(localMs: number, salt: string): number {
    const t = localMs / DAY_MS;
    const day = Math.floor(t);
    const a = hashUnit(`${this.#seed}:${day}:${salt}`);
    const b = hashUnit(`${this.#seed}:${day + 1}:${salt}`);
    const f = (1 - Math.cos((t - day) * Math.PI)) / 2;
    return a + (b - a) * f;
  }

  #hourNoise(localMs: number, salt: string): number {
    return hashUnit(`${this.#seed}:${Math.floor(localMs / HOUR_MS)}:${salt}`);
  }

  /** Sunrise and sunset as shifted ms of the local day starting at `dayStartMs`; null in polar day/night. */
  sun(dayStartMs: number): { rise: number; set: number } | { polar: "day" | "night" } {
    const date = new Date(dayStartMs);
    const dayOfYear = (dayStartMs - Date.UTC(date.getUTCFullYear(), 0, 1)) / DAY_MS + 1;
    const declination = ((23.44 * Math.PI) / 180) * Math.sin((2 * Math.PI * (284 + dayOfYear)) / 365);
    // -0.833° accounts for refraction and the sun's radius, like published sunrise tables.
    const phi = (this.#lat * Math.PI) / 180;
    const h0 = (-0.833 * Math.PI) / 180;
    const cosH =
      (Math.sin(h0) - Math.sin(phi) * Math.sin(declination)) / (Math.cos(phi) * Math.cos(declination));
    if (cosH >= 1) return { polar: "night" };
    if (cosH <= -1) return { polar: "day" };
    const halfDayHours = (Math.acos(cosH) * 12) / Math.PI;
    // The equation of time moves solar noon by up to ±16 minutes over the year.
    const b = (2 * Math.PI * (dayOfYear - 81)) / 364;
    const equationOfTimeMinutes = 9.87 * Math.sin(2 * b) - 7.53 * Math.cos(b) - 1.5 * Math.sin(b);
    const solarNoonHours = 12 - this.#lon / 15 - equationOfTimeMinutes / 60 + this.#offsetSeconds / 3600;
    return {
      rise: dayStartMs + (solarNoonHours - halfDayHours) * HOUR_MS,
      set: dayStartMs + (solarNoonHours + halfDayHours) * HOUR_MS,
    };
  }

  sample(localMs: number): Sample {
    const latAbs = Math.abs(this.#lat);
    const date = new Date(localMs);
    const dayOfYear = (localMs - Date.UTC(date.getUTCFullYear(), 0, 1)) / DAY_MS;
    const hourOfDay = (((localMs % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;

    const annualMean = 29 - 0.6 * Math.max(0, latAbs - 12);
    const seasonAmplitude = Math.min(20, 0.3 * latAbs);
    const hemisphere = this.#lat >= 0 ? 1 : -1;
    const season = -hemisphere * seasonAmplitude * Math.cos((2 * Math.PI * (dayOfYear - 20)) / 365.25);
    const anomaly = (this.#smooth(localMs, "temperature") - 0.5) * 8;
    const diurnal = 5 * Math.cos((2 * Math.PI * (hourOfDay - 15)) / 24);
    const temperature = annualMean + season + anomaly + diurnal - 0.0065 * this.elevation;

    const dayWetness = this.#smooth(localMs, "precipitation") ** 1.6;
    const precipitationProbability = Math.round(
      clamp(dayWetness * 100 + (this.#hourNoise(localMs, "precipitation") - 0.5) * 24, 0, 100),
    );
    const cloudCover = Math.round(
      clamp(precipitationProbability * 0.8 + this.#smooth(localMs, "cloud") * 45, 0, 100),
    );
    const humidity = Math.round(
      clamp(
        66 -
          2.2 * diurnal +
          (precipitationProbability - 40) * 0.25 +
          (this.#smooth(localMs, "humidity") - 0.5) * 20,
        12,
        100,
      ),
    );
    const wind = 5 + this.#smooth(localMs, "wind") * 22 + 3 * Math.cos((2 * Math.PI * (hourOfDay - 14)) / 24);
    const gust = wind * (1.45 + 0.35 * this.#hourNoise(localMs, "gust"));
    const direction = Math.round(
      (((this.#smooth(localMs, "direction") * 360 + (this.#hourNoise(localMs, "direction") - 0.5) * 40) %
        360) +
        360) %
        360,
    );
    // Steadman's apparent temperature (the "feels like" of the Australian Bureau of Meteorology).
    const vapourPressure = (humidity / 100) * 6.105 * Math.exp((17.27 * temperature) / (237.7 + temperature));
    const apparent = temperature + 0.33 * vapourPressure - 0.7 * (wind / 3.6) - 4;

    const dayStart = localMs - (((localMs % DAY_MS) + DAY_MS) % DAY_MS);
    const sun = this.sun(dayStart);
    const isDay = "polar" in sun ? sun.polar === "day" : localMs >= sun.rise && localMs < sun.set;

    return {
      temperature_2m: temperature,
      apparent_temperature: apparent,
      relative_humidity_2m: humidity,
      precipitation_probability: precipitationProbability,
      precipitation: precipitationProbability >= 50 ? ((precipitationProbability - 50) / 50) * 2.5 : 0,
      cloud_cover: cloudCover,
      wind_speed_10m: wind,
      wind_gusts_10m: gust,
      wind_direction_10m: direction,
      weather_code: weatherCode(precipitationProbability, cloudCover, temperature),
      is_day: isDay ? 1 : 0,
    };
  }
}

/** A WMO code consistent with the other numbers: rain or snow by temperature, clouds by cover. */
function weatherCode(precipitationProbability: number, cloudCover: number, temperature: number): number {
  const freezing = temperature <= 0;
  if (precipitationProbability >= 85) return freezing ? 75 : temperature >= 20 ? 95 : 65;
  if (precipitationProbability >= 70) return freezing ? 73 : temperature >= 18 ? 81 : 63;
  if (precipitationProbability >= 55) return freezing ? 71 : temperature >= 18 ? 80 : 61;
  if (precipitationProbability >= 45) return freezing ? 71 : 51;
  if (cloudCover >= 85) return 3;
  if (cloudCover >= 55) return 2;
  if (cloudCover >= 25) return 1;
  return 0;
}

const WIND_FACTORS: Readonly<Record<WindSpeedUnit, { factor: number; label: string }>> = {
  kmh: { factor: 1, label: "km/h" },
  ms: { factor: 1 / 3.6, label: "m/s" },
  // Open-Meteo really labels miles per hour "mp/h".
  mph: { factor: 1 / 1.609344, label: "mp/h" },
  kn: { factor: 1 / 1.852, label: "kn" },
};

interface Converter {
  value(variable: string, metric: number): number;
  label(variable: string): string;
}

function converter(request: GenerateRequest): Converter {
  const fahrenheit = request.temperatureUnit === "fahrenheit";
  const wind = WIND_FACTORS[request.windSpeedUnit];
  const inch = request.precipitationUnit === "inch";
  const kind = (variable: string) => {
    if (variable.startsWith("temperature") || variable.startsWith("apparent")) return "temperature";
    if (variable.startsWith("wind_speed") || variable.startsWith("wind_gusts")) return "wind";
    if (variable.startsWith("precipitation_probability") || variable === "relative_humidity_2m")
      return "percent";
    if (variable === "cloud_cover") return "percent";
    if (variable.startsWith("precipitation")) return "precipitation";
    if (variable.startsWith("wind_direction")) return "degrees";
    if (variable === "weather_code") return "wmo";
    if (variable === "sunrise" || variable === "sunset") return "time";
    return "none";
  };
  return {
    value(variable, metric) {
      switch (kind(variable)) {
        case "temperature":
          return round1(fahrenheit ? (metric * 9) / 5 + 32 : metric);
        case "wind":
          return round1(metric * wind.factor);
        case "precipitation":
          return inch ? Math.round((metric / 25.4) * 1000) / 1000 : round1(metric);
        default:
          return Math.round(metric);
      }
    },
    label(variable) {
      switch (kind(variable)) {
        case "temperature":
          return fahrenheit ? "°F" : "°C";
        case "wind":
          return wind.label;
        case "precipitation":
          return inch ? "inch" : "mm";
        case "percent":
          return "%";
        case "degrees":
          return "°";
        case "wmo":
          return "wmo code";
        case "time":
          return "iso8601";
        default:
          return "";
      }
    },
  };
}

/**
 * An Open-Meteo `/v1/forecast` answer for the request, with the same keys, units strings and
 * conventions (local times without offset, one fixed offset for the whole series).
 *
 * @example
 * generateForecast({ latitude: 42.73, longitude: -84.48, now: new Date(), timeZone: "America/Detroit",
 *   forecastDays: 7, forecastHours: 24, current: ["temperature_2m"], hourly: ["temperature_2m"],
 *   daily: ["sunrise"], temperatureUnit: "fahrenheit", windSpeedUnit: "mph", precipitationUnit: "inch" })
 */
export function generateForecast(request: GenerateRequest): Record<string, unknown> {
  const offsetSeconds = offsetSecondsAt(request.timeZone, request.now);
  const model = new PlaceModel(request.latitude, request.longitude, offsetSeconds);
  const convert = converter(request);
  const localNow = request.now.getTime() + offsetSeconds * 1000;
  const today = localNow - (((localNow % DAY_MS) + DAY_MS) % DAY_MS);

  const answer: Record<string, unknown> = {
    // Open-Meteo snaps to its model grid; a 0.02° grid keeps the echo plausible.
    latitude: Number((Math.round(request.latitude * 50) / 50).toFixed(6)),
    longitude: Number((Math.round(request.longitude * 50) / 50).toFixed(6)),
    generationtime_ms: round1(0.1 + hashUnit(`${request.latitude}:${request.longitude}`) * 0.3),
    utc_offset_seconds: offsetSeconds,
    timezone: request.timeZone,
    timezone_abbreviation: gmtAbbreviation(offsetSeconds),
    elevation: model.elevation,
  };

  if (request.current.length > 0) {
    const time = localNow - (localNow % (15 * 60_000));
    const sample = model.sample(localNow);
    const units: Record<string, string> = { time: "iso8601", interval: "seconds" };
    const values: Record<string, unknown> = { time: localDateTime(time), interval: 900 };
    for (const variable of request.current) {
      units[variable] = convert.label(variable);
      values[variable] = convert.value(variable, sample[variable as keyof Sample]);
    }
    answer.current_units = units;
    answer.current = values;
  }

  if (request.hourly.length > 0) {
    const start = request.forecastHours === null ? today : localNow - (localNow % HOUR_MS);
    const count = request.forecastHours ?? request.forecastDays * 24;
    const times = Array.from({ length: count }, (_, i) => start + i * HOUR_MS);
    const samples = times.map((t) => model.sample(t));
    const units: Record<string, string> = { time: "iso8601" };
    const values: Record<string, unknown[]> = { time: times.map(localDateTime) };
    for (const variable of request.hourly) {
      units[variable] = convert.label(variable);
      values[variable] = samples.map((s) => convert.value(variable, s[variable as keyof Sample]));
    }
    answer.hourly_units = units;
    answer.hourly = values;
  }

  if (request.daily.length > 0) {
    const days = Array.from({ length: request.forecastDays }, (_, i) => today + i * DAY_MS);
    const units: Record<string, string> = { time: "iso8601" };
    const values: Record<string, unknown[]> = { time: days.map(localDate) };
    const perDay = days.map((start) => {
      const samples = Array.from({ length: 24 }, (_, h) => model.sample(start + h * HOUR_MS));
      const of = (key: keyof Sample) => samples.map((s) => s[key]);
      const sun = model.sun(start);
      return {
        weather_code: Math.max(...of("weather_code")),
        temperature_2m_max: Math.max(...of("temperature_2m")),
        temperature_2m_min: Math.min(...of("temperature_2m")),
        precipitation_probability_max: Math.max(...of("precipitation_probability")),
        precipitation_sum: of("precipitation").reduce((a, b) => a + b, 0),
        wind_speed_10m_max: Math.max(...of("wind_speed_10m")),
        sunrise: "polar" in sun ? null : localDateTime(sun.rise),
        sunset: "polar" in sun ? null : localDateTime(sun.set),
      };
    });
    for (const variable of request.daily) {
      units[variable] = convert.label(variable);
      values[variable] = perDay.map((day) => {
        const metric = day[variable as keyof typeof day];
        return typeof metric === "number" ? convert.value(variable, metric) : metric;
      });
    }
    answer.daily_units = units;
    answer.daily = values;
  }
  return answer;
}
