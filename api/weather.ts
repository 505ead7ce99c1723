import type { WeatherAnswer } from "@repo/validation/api/weather";
import { weatherQuerySchema, ZIPCODE_HINT } from "@repo/validation/weather";
import { cdnCacheControl, LruCache } from "@repo/weather/cache";
import { type CachedForecast, getWeather } from "@repo/weather/get-weather";
import type { Alert } from "@repo/weather/nws-alerts";
import { ATTRIBUTION as ZIP_ATTRIBUTION, zipIndex } from "@repo/zipcodes/lookup";
import { env, requireValidEnv } from "./_lib/env.js";
import { HttpError } from "./_lib/http-error.js";
import { parseQuery } from "./_lib/query.js";
import { jsonText } from "./_lib/respond.js";
import { route } from "./_lib/route.js";
import { weatherJsonBytes } from "./_lib/weather-json.js";

// One cache per function instance: warm invocations share it, so a popular ZIP costs Open-Meteo one
// call per 10 minutes per instance, and the CDN headers below spare most of those too.
const forecasts = new LruCache<CachedForecast>({ maxEntries: 500 });
const alerts = new LruCache<Alert[]>({ maxEntries: 500, ttlMs: 2 * 60_000, staleIfErrorMs: 10 * 60_000 });

/**
 * GET /api/weather?zipcode=48824&units=imperial&days=7&hours=24 — the seed's `getweather`: a short
 * function triggered by HTTP with its data in the query string.
 */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({
  GET: async (request) => {
    const { zipcode, units, days, hours } = parseQuery(request, weatherQuerySchema);
    const found = zipIndex().lookup(zipcode);
    if (found === null) {
      throw new HttpError(
        404,
        "unknown_zipcode",
        `${zipcode} is not a ZIP code this service knows. Check the digits: a ZIP code is ${ZIPCODE_HINT}.`,
        { zipcode },
      );
    }
    if (found.kind === "military") {
      throw new HttpError(
        422,
        "military_zipcode",
        `${zipcode} is a military (APO/FPO/DPO) ZIP code: mail is routed through it, but it has no fixed place to forecast. Use the ZIP code of the base's location instead.`,
        { zipcode, state: found.state },
      );
    }
    requireValidEnv("OPEN_METEO_BASE_URL", "OPEN_METEO_TIMEOUT_MS", "NWS_BASE_URL", "NWS_USER_AGENT");
    const config = env();
    const answer = await getWeather(
      { place: found, units, days, hours },
      {
        openMeteo: { baseUrl: config.OPEN_METEO_BASE_URL, timeoutMs: config.OPEN_METEO_TIMEOUT_MS },
        nws: { baseUrl: config.NWS_BASE_URL, userAgent: config.NWS_USER_AGENT },
        cache: forecasts,
        alertsCache: alerts,
        onHiddenError: (error, context) =>
          console.warn(`[weather] ${context} failed, answer still served:`, (error as Error).message),
      },
    );
    const body: WeatherAnswer = { ...answer, source: { ...answer.source, places: ZIP_ATTRIBUTION } };
    return jsonText(weatherJsonBytes(body), {
      headers: { "cache-control": answer.stale ? "public, s-maxage=60" : cdnCacheControl() },
    });
  },
});
