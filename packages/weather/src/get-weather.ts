import { cacheKey, type LruCache, roundCoordinate } from "./cache.ts";
import {
  type CurrentConditions,
  type DailyPoint,
  dropPastHours,
  type Forecast,
  type HourlyPoint,
  normalizeForecast,
  type UnitLabels,
} from "./forecast.ts";
import { type Alert, alertsUnavailableReason, fetchAlerts, type NwsOptions } from "./nws-alerts.ts";
import { fetchForecast, type OpenMeteoOptions, type Units } from "./open-meteo.ts";

export interface WeatherPlace {
  zipcode: string;
  city: string;
  state: string;
  latitude: number;
  longitude: number;
}

export interface WeatherRequest {
  place: WeatherPlace;
  units: Units;
  /** 1 to 16. */
  days: number;
  /** 0 to 168. */
  hours: number;
}

/** What the forecast cache holds: the normalised forecast and whether it came from the stand-in. */
export interface CachedForecast {
  forecast: Forecast;
  standin: boolean;
}

export interface WeatherDependencies {
  openMeteo: OpenMeteoOptions;
  nws: NwsOptions;
  /** Usually one module-level instance per serverless instance. */
  cache: LruCache<CachedForecast>;
  /** Optional cache for alerts, normally with a shorter TTL (alerts change faster than forecasts). */
  alertsCache?: LruCache<Alert[]>;
  /** Clock used to trim past hours from a cached forecast. Default: the system clock. */
  now?: () => Date;
  /**
   * Called with failures that did NOT fail the answer (alerts errors, a forecast refresh that fell
   * back to a stale entry), so they can be logged. Failures that do fail the answer are thrown.
   */
  onHiddenError?: (error: unknown, context: "alerts" | "forecast-stale") => void;
}

export const ATTRIBUTION = {
  provider: "Open-Meteo",
  attribution: "Weather data by Open-Meteo.com (CC BY 4.0)",
  url: "https://open-meteo.com/",
  alerts: { provider: "National Weather Service", url: "https://www.weather.gov/" },
} as const;

export interface WeatherSource {
  provider: "Open-Meteo";
  attribution: string;
  url: string;
  alerts: { provider: "National Weather Service"; url: string };
  /** Present (true) only when the data came from the local stand-in: generated, not real weather. */
  standin?: true;
}

/** The body of `GET /api/weather`. */
export interface WeatherAnswer {
  zipcode: string;
  place: { city: string; state: string; latitude: number; longitude: number };
  units: UnitLabels;
  /** IANA zone of the place, as Open-Meteo resolved it. */
  timezone: string;
  /** The offset every time in the answer carries. */
  utcOffsetSeconds: number;
  current: CurrentConditions;
  hourly: HourlyPoint[];
  daily: DailyPoint[];
  /** null when alerts could not be fetched (NOT "no alerts", which is []). */
  alerts: Alert[] | null;
  /** Present only when `alerts` is null. */
  alertsUnavailableReason?: string;
  source: WeatherSource;
  /** When the forecast was fetched from Open-Meteo, ISO 8601 UTC. */
  fetchedAt: string;
  /** True when served from this instance's cache. */
  cached: boolean;
  /** True when the forecast is past its TTL and served only because Open-Meteo failed. */
  stale: boolean;
}

async function loadAlerts(
  point: { latitude: number; longitude: number },
  deps: WeatherDependencies,
): Promise<{ alerts: Alert[] | null; reason: string | null; error?: unknown }> {
  try {
    const load = () => fetchAlerts(point, { now: deps.now, ...deps.nws }).then((answer) => answer.alerts);
    const key = `alerts:${roundCoordinate(point.latitude).toFixed(2)},${roundCoordinate(point.longitude).toFixed(2)}`;
    const result = deps.alertsCache
      ? await deps.alertsCache.get(key, load)
      : { value: await load(), error: undefined };
    // Stale alerts served because a refresh failed: the failure is reported with the answer.
    return result.error === undefined
      ? { alerts: result.value, reason: null }
      : { alerts: result.value, reason: null, error: result.error };
  } catch (error) {
    return { alerts: null, reason: alertsUnavailableReason(error), error };
  }
}

/**
 * The whole weather answer for a place: the forecast through the cache (one Open-Meteo call per
 * ~1 km, units and ranges per TTL, shared by concurrent requests) and NWS alerts fetched at the same
 * time. Alerts never fail the answer: on failure `alerts` is null with a reason. A forecast failure
 * with no usable stale entry is thrown as `UpstreamError` for the handler to map to a status.
 *
 * @example
 * const answer = await getWeather(
 *   { place: { zipcode: "48824", city: "East Lansing", state: "MI", latitude: 42.7251, longitude: -84.4791 },
 *     units: "imperial", days: 7, hours: 24 },
 *   { openMeteo: { baseUrl: "https://api.open-meteo.com" },
 *     nws: { baseUrl: "https://api.weather.gov", userAgent: "(weather.example.com, ops@example.com)" },
 *     cache: new LruCache() },
 * );
 */
export async function getWeather(request: WeatherRequest, deps: WeatherDependencies): Promise<WeatherAnswer> {
  const { place, units, days, hours } = request;
  // Fetch with the rounded coordinates so the cache key describes exactly what was fetched.
  const latitude = roundCoordinate(place.latitude);
  const longitude = roundCoordinate(place.longitude);
  const now = deps.now ?? (() => new Date());

  const alertsPromise = loadAlerts({ latitude: place.latitude, longitude: place.longitude }, deps);
  const forecastPromise = deps.cache.get(cacheKey({ latitude, longitude, units, days, hours }), async () => {
    const fetched = await fetchForecast(
      { latitude, longitude, units, days, hours },
      { now: deps.now, ...deps.openMeteo },
    );
    return { forecast: normalizeForecast(fetched.forecast, { units, hours }), standin: fetched.standin };
  });
  // Wait for both even when the forecast fails, so no alerts request outlives the invocation unseen.
  const [forecastResult, alertsResult] = await Promise.allSettled([forecastPromise, alertsPromise]);
  // An alerts failure is "hidden" only when an answer is served: reported after the forecast is in
  // hand, so a failing forecast (thrown, and logged where it is mapped) is the one failure told.
  if (forecastResult.status === "rejected") throw forecastResult.reason;
  const { value, cached, stale, fetchedAt, error } = forecastResult.value;
  if (stale) deps.onHiddenError?.(error, "forecast-stale");
  const alerts =
    alertsResult.status === "fulfilled"
      ? alertsResult.value
      : { alerts: null, reason: alertsUnavailableReason(alertsResult.reason), error: alertsResult.reason };
  if (alerts.error !== undefined) deps.onHiddenError?.(alerts.error, "alerts");

  const { forecast } = value;
  return {
    zipcode: place.zipcode,
    place: { city: place.city, state: place.state, latitude: place.latitude, longitude: place.longitude },
    units: forecast.units,
    timezone: forecast.timezone,
    utcOffsetSeconds: forecast.utcOffsetSeconds,
    current: forecast.current,
    hourly: dropPastHours(forecast.hourly, now()),
    daily: forecast.daily,
    alerts: alerts.alerts,
    ...(alerts.alerts === null
      ? { alertsUnavailableReason: alerts.reason ?? "Alerts are unavailable." }
      : {}),
    source: { ...ATTRIBUTION, ...(value.standin ? { standin: true as const } : {}) },
    fetchedAt: fetchedAt.toISOString(),
    cached,
    stale,
  };
}
