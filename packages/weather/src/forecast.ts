import type { OpenMeteoForecast, Units } from "./open-meteo.ts";
import { describeWeatherCode } from "./wmo.ts";

/**
 * Unit strings as this API defines them. They come from the requested system, not from Open-Meteo's
 * `*_units`, which are display strings of its own (it writes miles per hour as "mp/h").
 */
export interface UnitLabels {
  system: Units;
  temperature: "°F" | "°C";
  windSpeed: "mph" | "km/h";
  precipitation: "inch" | "mm";
  humidity: "%";
  precipitationProbability: "%";
  windDirection: "°";
}

export const UNIT_LABELS: Readonly<Record<Units, UnitLabels>> = {
  imperial: {
    system: "imperial",
    temperature: "°F",
    windSpeed: "mph",
    precipitation: "inch",
    humidity: "%",
    precipitationProbability: "%",
    windDirection: "°",
  },
  metric: {
    system: "metric",
    temperature: "°C",
    windSpeed: "km/h",
    precipitation: "mm",
    humidity: "%",
    precipitationProbability: "%",
    windDirection: "°",
  },
};

export interface CurrentConditions {
  /** ISO 8601 with the place's UTC offset, e.g. "2025-08-07T13:15:00-04:00". */
  time: string;
  temperature: number | null;
  /** Apparent temperature: what wind and humidity make it feel like. */
  feelsLike: number | null;
  /** Relative humidity, percent. */
  humidity: number | null;
  windSpeed: number | null;
  windGust: number | null;
  /** Degrees the wind comes FROM, 0 = north. */
  windDirection: number | null;
  /** WMO weather code; see `./wmo`. */
  weatherCode: number | null;
  description: string | null;
  isDay: boolean | null;
}

export interface HourlyPoint {
  /** Start of the hour, ISO 8601 with offset. */
  time: string;
  temperature: number | null;
  /** Percent, 0 to 100. */
  precipitationProbability: number | null;
  weatherCode: number | null;
}

export interface DailyPoint {
  /** Local calendar date, "YYYY-MM-DD". */
  date: string;
  high: number | null;
  low: number | null;
  /** The day's highest hourly precipitation probability, percent. */
  precipitationProbability: number | null;
  /** The day's most severe weather code. */
  weatherCode: number | null;
  description: string | null;
  /** ISO 8601 with offset; null when the provider has none (polar day or night). */
  sunrise: string | null;
  sunset: string | null;
}

export interface Forecast {
  /** IANA zone Open-Meteo resolved for the coordinates, e.g. "America/Detroit". */
  timezone: string;
  /** The offset every time in this forecast carries (see `withUtcOffset` on DST). */
  utcOffsetSeconds: number;
  units: UnitLabels;
  current: CurrentConditions;
  hourly: HourlyPoint[];
  daily: DailyPoint[];
}

/**
 * An offset in seconds as ISO 8601 writes it: sign, hours, minutes.
 *
 * @example formatUtcOffset(-14400) // "-04:00"
 * @example formatUtcOffset(19800) // "+05:30"
 */
export function formatUtcOffset(seconds: number): string {
  const sign = seconds < 0 ? "-" : "+";
  const minutes = Math.trunc(Math.abs(seconds) / 60);
  const hh = String(Math.trunc(minutes / 60)).padStart(2, "0");
  const mm = String(minutes % 60).padStart(2, "0");
  return `${sign}${hh}:${mm}`;
}

/**
 * Turns Open-Meteo's offset-less local time into an unambiguous ISO 8601 instant. Open-Meteo applies
 * ONE offset (the one valid when the request is made) to the whole series, even across a DST change,
 * so attaching that same offset to every time gives the correct instants; only the wall-clock hour
 * shown after a DST change differs from what a local clock would read then.
 *
 * @example withUtcOffset("2025-08-07T14:00", -14400) // "2025-08-07T14:00:00-04:00"
 */
export function withUtcOffset(localTime: string, offsetSeconds: number): string {
  const withSeconds = localTime.length === 16 ? `${localTime}:00` : localTime;
  return `${withSeconds}${formatUtcOffset(offsetSeconds)}`;
}

/** Index access that keeps "missing" as null; `?? null` alone would also be fine, this names the intent. */
function at<T>(values: readonly (T | null)[] | undefined, index: number): T | null {
  return values?.[index] ?? null;
}

function toBoolean(flag: number | null): boolean | null {
  return flag === null ? null : flag !== 0;
}

export interface NormalizeOptions {
  /** The unit system that was requested; decides the unit strings. */
  units: Units;
  /** Keep at most this many hours. Default: all that start at or after the current hour. */
  hours?: number;
}

/**
 * Open-Meteo's columnar answer → our row-shaped parts. Missing values stay null (a 0 °F that was
 * really "no data" would be a lie on a chart); times gain the place's offset; hourly starts at the
 * hour containing `current.time`, which `forecast_hours` already does, and which also trims answers
 * that start at local midnight.
 *
 * @example
 * const { forecast } = await fetchForecast(query, options);
 * normalizeForecast(forecast, { units: "imperial" }).units.windSpeed // "mph"
 */
export function normalizeForecast(raw: OpenMeteoForecast, options: NormalizeOptions): Forecast {
  const offset = raw.utc_offset_seconds;
  const c = raw.current;
  const current: CurrentConditions = {
    time: withUtcOffset(c.time, offset),
    temperature: c.temperature_2m,
    feelsLike: c.apparent_temperature,
    humidity: c.relative_humidity_2m,
    windSpeed: c.wind_speed_10m,
    windGust: c.wind_gusts_10m,
    windDirection: c.wind_direction_10m,
    weatherCode: c.weather_code,
    description: describeWeatherCode(c.weather_code),
    isDay: toBoolean(c.is_day),
  };

  // Same format and same offset on both sides, so comparing the strings compares the instants.
  const currentHour = `${c.time.slice(0, 13)}:00`;
  const hourly: HourlyPoint[] = [];
  const h = raw.hourly;
  if (h) {
    h.time.forEach((time, i) => {
      if (time < currentHour) return;
      hourly.push({
        time: withUtcOffset(time, offset),
        temperature: at(h.temperature_2m, i),
        precipitationProbability: at(h.precipitation_probability, i),
        weatherCode: at(h.weather_code, i),
      });
    });
  }

  const d = raw.daily;
  const daily: DailyPoint[] = d.time.map((date, i) => {
    const weatherCode = at(d.weather_code, i);
    const sunrise = at(d.sunrise, i);
    const sunset = at(d.sunset, i);
    return {
      date,
      high: at(d.temperature_2m_max, i),
      low: at(d.temperature_2m_min, i),
      precipitationProbability: at(d.precipitation_probability_max, i),
      weatherCode,
      description: describeWeatherCode(weatherCode),
      sunrise: sunrise === null ? null : withUtcOffset(sunrise, offset),
      sunset: sunset === null ? null : withUtcOffset(sunset, offset),
    };
  });

  return {
    timezone: raw.timezone,
    utcOffsetSeconds: offset,
    units: UNIT_LABELS[options.units],
    current,
    hourly: options.hours === undefined ? hourly : hourly.slice(0, options.hours),
    daily,
  };
}

interface KeptHours {
  /** The answer holds for any `now` from `from` (inclusive) to `until` (exclusive). */
  from: number;
  until: number;
  kept: HourlyPoint[];
}

/** The last answer per cached series: every warm request asks again within the same hour. */
const lastKept = new WeakMap<readonly HourlyPoint[], KeptHours>();

/**
 * Drops hours that ended before `now`: a forecast served from cache 40 minutes after it was fetched
 * must still start at the current hour. The same array is handed out again while no hour has
 * ended since (so it must not be changed): parsing every hour's time on every request was a tenth
 * of a warm weather request's CPU (issue 15).
 *
 * @example dropPastHours(forecast.hourly, new Date()).length <= forecast.hourly.length // true
 */
export function dropPastHours(hourly: readonly HourlyPoint[], now: Date): HourlyPoint[] {
  const at = now.getTime();
  const last = lastKept.get(hourly);
  if (last && at >= last.from && at < last.until) return last.kept;
  // Comparing the END of each hour with now works for any offset, half and quarter hours included.
  const kept: HourlyPoint[] = [];
  let from = Number.NEGATIVE_INFINITY;
  let until = Number.POSITIVE_INFINITY;
  for (const point of hourly) {
    const end = Date.parse(point.time) + 3_600_000;
    if (end > at) {
      kept.push(point);
      until = Math.min(until, end);
    } else {
      from = Math.max(from, end);
    }
  }
  lastKept.set(hourly, { from, until, kept });
  return kept;
}
