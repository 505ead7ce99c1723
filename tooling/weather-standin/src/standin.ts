import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { formatUtcOffset } from "@repo/weather/forecast";
import {
  generateForecast,
  hashUnit,
  isTimeZone,
  offsetSecondsAt,
  type PrecipitationUnit,
  STANDIN_VARIABLES,
  type TemperatureUnit,
  type WindSpeedUnit,
  zoneForCoordinates,
} from "./standin-data.ts";

/*
 * A local stand-in for Open-Meteo and api.weather.gov: same paths, formats and error bodies, made-up
 * numbers, and failure modes on demand. For tests and offline demos only: every answer carries
 * `x-standin: 1`, and its alerts say in their text that they are not real.
 */

/** How `/v1/forecast` behaves. */
export const OPEN_METEO_MODES = [
  /** Plausible generated data. */
  "ok",
  /** Like ok, with some values null (gusts, feels-like, an hour's and a day's precipitation, a sunrise). */
  "nulls",
  /** 500 with Open-Meteo's JSON error body. */
  "error500",
  /** 400 with Open-Meteo's error body for an invalid variable. */
  "error400",
  /** 429 with Open-Meteo's minutely-limit body and, like Open-Meteo, no Retry-After. */
  "rate_limited",
  /** Answers ok only after `slowMs` (default 10 s): longer than any client timeout. */
  "slow",
  /** Declares the full Content-Length, sends half the JSON, then drops the connection. */
  "truncated",
  /** 200 with an HTML page, as a captive portal or misrouted proxy would send. */
  "not_json",
  /** 200 with JSON that is not the forecast shape (a string temperature, a short series). */
  "wrong_shape",
  /** The first forecast request after entering this mode gets a 503, every later one is ok. */
  "flaky",
] as const;

/** How `/alerts/active` behaves. */
export const NWS_MODES = [
  /** No active alerts: an empty FeatureCollection. */
  "nws_ok",
  /**
   * Two active (stand-in) alerts, Moderate then Severe: a Heat Advisory and a Severe Thunderstorm
   * Watch, or in the cold season a Winter Weather Advisory and a Winter Storm Watch.
   */
  "nws_alerts",
  /** 503 problem+json, as NWS's intermittent "Forecast Grid Expired". */
  "nws_error",
  /** Answers nws_ok only after `slowMs`. */
  "nws_slow",
] as const;

export type OpenMeteoMode = (typeof OPEN_METEO_MODES)[number];
export type NwsMode = (typeof NWS_MODES)[number];
export type StandinMode = OpenMeteoMode | NwsMode;

export const STANDIN_MODES: readonly StandinMode[] = [...OPEN_METEO_MODES, ...NWS_MODES];

/**
 * @example isStandinMode("flaky") // true
 */
export function isStandinMode(value: unknown): value is StandinMode {
  return typeof value === "string" && (STANDIN_MODES as readonly string[]).includes(value);
}

export interface StandinOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /** Clock for the generated data. Default: the system clock. */
  now?: () => Date;
  /** Force one IANA zone for every place (e.g. "Asia/Kolkata" to see +05:30); default: by coordinates. */
  timezone?: string;
  /** Delay of the slow modes. Default 10 000 ms. */
  slowMs?: number;
  /** Initial modes. */
  mode?: StandinMode | StandinMode[];
}

export interface RecordedRequest {
  provider: "open-meteo" | "nws" | "unknown";
  method: string;
  /** Path without the query. */
  path: string;
  query: Record<string, string>;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The mode that answered. */
  mode: StandinMode | null;
  status: number;
  /** ISO time the request arrived (real clock). */
  at: string;
}

export interface StandinState {
  openMeteo: OpenMeteoMode;
  nws: NwsMode;
  counts: { openMeteo: number; nws: number };
  modes: readonly StandinMode[];
}

export interface Standin {
  /** e.g. "http://127.0.0.1:41235"; use it as both base URLs. */
  url: string;
  port: number;
  /** An Open-Meteo mode changes `/v1/forecast`, an `nws_*` mode changes `/alerts/active`. */
  setMode(mode: StandinMode): void;
  state(): StandinState;
  /** Every provider request so far (control requests excluded), oldest first. */
  requests(): RecordedRequest[];
  /** Requests so far, for one provider or all. */
  count(provider?: "open-meteo" | "nws"): number;
  /** Back to ok / nws_ok and an empty request log. */
  reset(): void;
  close(): Promise<void>;
}

type Send = (status: number, headers: Record<string, string>, body: string) => void;

const JSON_TYPE = "application/json; charset=utf-8";

// The bodies Open-Meteo really sends (open-meteo-website docs; RateLimiter.swift).
const OPEN_METEO_400 = {
  error: true,
  reason: "Cannot initialize WeatherVariable from invalid String value tempeture_2m for key hourly",
};
const OPEN_METEO_429 = {
  error: true,
  reason: "Minutely API request limit exceeded. Please try again in one minute.",
};

function firstValue(params: URLSearchParams, key: string): string | null {
  const value = params.get(key);
  return value === null || value === "" ? null : value;
}

/** Parses and checks /v1/forecast parameters with Open-Meteo's error wording; a string is a 400 reason. */
function forecastParameters(
  params: URLSearchParams,
  forcedZone: string | undefined,
): Omit<Parameters<typeof generateForecast>[0], "now"> | string {
  const latitude = Number(firstValue(params, "latitude") ?? Number.NaN);
  const longitude = Number(firstValue(params, "longitude") ?? Number.NaN);
  if (!(latitude >= -90 && latitude <= 90)) {
    return `Latitude must be in range of -90 to 90°. Given: ${Number.isNaN(latitude) ? "nan" : latitude}.`;
  }
  if (!(longitude >= -180 && longitude <= 180)) {
    return `Longitude must be in range of -180 to 180°. Given: ${Number.isNaN(longitude) ? "nan" : longitude}.`;
  }
  const lists = { current: [] as string[], hourly: [] as string[], daily: [] as string[] };
  for (const block of ["current", "hourly", "daily"] as const) {
    const names = (firstValue(params, block) ?? "").split(",").filter(Boolean);
    const known: readonly string[] = STANDIN_VARIABLES[block];
    const unknown = names.find((name) => !known.includes(name));
    if (unknown !== undefined) {
      const type = block === "daily" ? "DailyWeatherVariable" : "WeatherVariable";
      return `Cannot initialize ${type} from invalid String value ${unknown} for key ${block}`;
    }
    lists[block] = names;
  }
  const forecastDays = Number(firstValue(params, "forecast_days") ?? 7);
  if (!Number.isInteger(forecastDays) || forecastDays < 0 || forecastDays > 16) {
    return "Forecast days is invalid. Allowed range 0 to 16.";
  }
  const hoursText = firstValue(params, "forecast_hours");
  const forecastHours = hoursText === null ? null : Number(hoursText);
  if (forecastHours !== null && (!Number.isInteger(forecastHours) || forecastHours < 0)) {
    return "Forecast hours is invalid.";
  }
  const temperatureUnit = firstValue(params, "temperature_unit") ?? "celsius";
  if (temperatureUnit !== "celsius" && temperatureUnit !== "fahrenheit") {
    return `Cannot initialize TemperatureUnit from invalid String value ${temperatureUnit} for key temperature_unit`;
  }
  const windSpeedUnit = firstValue(params, "wind_speed_unit") ?? "kmh";
  if (!["kmh", "ms", "mph", "kn"].includes(windSpeedUnit)) {
    return `Cannot initialize WindspeedUnit from invalid String value ${windSpeedUnit} for key wind_speed_unit`;
  }
  const precipitationUnit = firstValue(params, "precipitation_unit") ?? "mm";
  if (precipitationUnit !== "mm" && precipitationUnit !== "inch") {
    return `Cannot initialize PrecipitationUnit from invalid String value ${precipitationUnit} for key precipitation_unit`;
  }
  const zoneParam = firstValue(params, "timezone") ?? "GMT";
  let timeZone: string;
  if (forcedZone) timeZone = forcedZone;
  else if (zoneParam === "auto") timeZone = zoneForCoordinates(latitude, longitude);
  else if (isTimeZone(zoneParam)) timeZone = zoneParam === "UTC" ? "GMT" : zoneParam;
  else return "Invalid timezone";
  return {
    latitude,
    longitude,
    timeZone,
    forecastDays,
    forecastHours,
    current: lists.current,
    hourly: lists.hourly,
    daily: lists.daily,
    temperatureUnit: temperatureUnit as TemperatureUnit,
    windSpeedUnit: windSpeedUnit as WindSpeedUnit,
    precipitationUnit: precipitationUnit as PrecipitationUnit,
  };
}

/** Sets a few values to null, the way Open-Meteo does when a model lacks a variable. */
function withNulls(answer: Record<string, unknown>): Record<string, unknown> {
  const blank = (block: unknown, key: string, index?: number) => {
    if (!block || typeof block !== "object" || !(key in block)) return;
    const record = block as Record<string, unknown>;
    const values = record[key];
    if (index === undefined) record[key] = null;
    else if (Array.isArray(values) && values.length > 0) {
      values[Math.min(index, values.length - 1)] = null;
    }
  };
  blank(answer.current, "wind_gusts_10m");
  blank(answer.current, "apparent_temperature");
  blank(answer.hourly, "precipitation_probability", 1);
  blank(answer.hourly, "temperature_2m", 2);
  blank(answer.daily, "precipitation_probability_max", Number.MAX_SAFE_INTEGER);
  blank(answer.daily, "sunrise", 1);
  return answer;
}

/** Valid JSON, wrong shape: what a changed or misrouted API could send with a 200. */
function wrongShape(answer: Record<string, unknown>): Record<string, unknown> {
  const current = { ...(answer.current as Record<string, unknown> | undefined) };
  current.temperature_2m = String(current.temperature_2m ?? "n/a");
  const daily = { ...(answer.daily as Record<string, unknown[]> | undefined) };
  if (Array.isArray(daily.temperature_2m_max)) daily.temperature_2m_max = daily.temperature_2m_max.slice(1);
  return { ...answer, current, daily };
}

function isoWithOffset(ms: number, offsetSeconds: number): string {
  const local = new Date(ms + offsetSeconds * 1000).toISOString().slice(0, 19);
  return `${local}${formatUtcOffset(offsetSeconds)}`;
}

/** Stand-in alerts in NWS's GeoJSON format, times relative to now; their text says they are not real. */
function alertFeatures(
  baseUrl: string,
  latitude: number,
  longitude: number,
  now: Date,
  timeZone: string,
): unknown[] {
  const offset = offsetSecondsAt(timeZone, now);
  const hour = now.getTime() - (now.getTime() % 3_600_000);
  const at = (hours: number) => isoWithOffset(hour + hours * 3_600_000, offset);
  const place = `${latitude.toFixed(2)}, ${longitude.toFixed(2)}`;
  const day = now.toISOString().slice(0, 10);
  const disclaimer = "[STAND-IN TEST DATA: generated by @repo/weather's local stand-in; not a real alert.]";
  const make = (
    n: number,
    p: {
      event: string;
      severity: string;
      certainty: string;
      urgency: string;
      onset: number;
      ends: number;
      expires: number;
      headline: string;
      description: string;
      instruction: string | null;
      response: string;
    },
  ) => {
    const id = `urn:oid:2.49.0.1.840.0.${Math.floor(hashUnit(`${place}:${day}:${n}`) * 1e12)}.00${n}.1`;
    const url = `${baseUrl}/alerts/${id}`;
    return {
      id: url,
      type: "Feature",
      geometry: null,
      properties: {
        "@id": url,
        "@type": "wx:Alert",
        id,
        areaDesc: `Area around ${place} (stand-in)`,
        geocode: { SAME: [], UGC: [] },
        affectedZones: [],
        references: [],
        sent: at(p.onset - 1),
        effective: at(p.onset - 1),
        onset: at(p.onset),
        expires: at(p.expires),
        ends: at(p.ends),
        // CAP's own way to say "not real"; clients here do not filter on it.
        status: "Test",
        messageType: "Alert",
        category: "Met",
        severity: p.severity,
        certainty: p.certainty,
        urgency: p.urgency,
        event: p.event,
        sender: "standin@localhost",
        senderName: "NWS Stand-in (test data)",
        headline: p.headline,
        description: `${disclaimer}\n\n${p.description}`,
        instruction: p.instruction,
        response: p.response,
        parameters: { NWSheadline: [p.headline.toUpperCase()] },
      },
    };
  };
  // Winter hazards in the cold half of the year (by hemisphere), summer hazards otherwise, so that a
  // demo does not show a heat advisory over a snow forecast.
  const month = now.getUTCMonth();
  const winter = latitude >= 0 ? month >= 10 || month <= 2 : month >= 4 && month <= 8;
  const advisory = winter
    ? {
        event: "Winter Weather Advisory",
        description:
          "* WHAT...Snow expected. Total snow accumulations of 2 to 4 inches.\n\n* WHERE...The stand-in's test area.\n\n* WHEN...Until this evening.",
        instruction: "Slow down and use caution while traveling.",
      }
    : {
        event: "Heat Advisory",
        description:
          "* WHAT...Heat index values up to 104 expected.\n\n* WHERE...The stand-in's test area.\n\n* WHEN...Until this evening.",
        instruction: "Drink plenty of fluids, stay in an air-conditioned room, stay out of the sun.",
      };
  const watch = winter
    ? {
        event: "Winter Storm Watch",
        description: "Heavy snow possible. Total snow accumulations of 6 to 10 inches possible.",
      }
    : {
        event: "Severe Thunderstorm Watch",
        description: "Conditions are favorable for severe thunderstorms in and close to the watch area.",
      };
  return [
    make(1, {
      ...advisory,
      severity: "Moderate",
      certainty: "Likely",
      urgency: "Expected",
      onset: -1,
      ends: 8,
      expires: 3,
      headline: `${advisory.event} until ${at(8)} by NWS Stand-in (test data)`,
      response: "Execute",
    }),
    make(2, {
      ...watch,
      severity: "Severe",
      certainty: "Possible",
      urgency: "Future",
      onset: 2,
      ends: 10,
      expires: 10,
      headline: `${watch.event} until ${at(10)} (stand-in test data)`,
      instruction: null,
      response: "Monitor",
    }),
  ];
}

// Query parameters /alerts/active accepts; NWS answers 400 to any other.
const NWS_ALERT_PARAMETERS = new Set([
  "point",
  "area",
  "zone",
  "region",
  "region_type",
  "status",
  "message_type",
  "event",
  "code",
  "urgency",
  "severity",
  "certainty",
  "limit",
]);

function problem(status: number, title: string, detail: string, baseUrl: string, type: string): string {
  const correlationId = `standin-${Math.floor(hashUnit(`${title}:${detail}`) * 1e12).toString(16)}`;
  return JSON.stringify({
    correlationId,
    title,
    type: `https://api.weather.gov/problems/${type}`,
    status,
    detail,
    instance: `${baseUrl}/requests/${correlationId}`,
  });
}

function readBody(request: IncomingMessage, limit = 64 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      body += chunk;
      if (body.length > limit) {
        reject(new Error("body too large"));
        request.destroy();
      }
    });
    request.on("end", () => resolve(body));
    request.on("error", reject);
  });
}

/**
 * Starts the stand-in on 127.0.0.1 (a free port unless `port` is given). Drive it in-process with
 * `setMode`, or from another process with `POST /__standin/mode` `{"mode": "error500"}`,
 * `POST /__standin/reset`, `GET /__standin` (state) and `GET /__standin/requests`.
 *
 * @example
 * const standin = await startStandin();
 * standin.setMode("flaky");
 * await fetchForecast(query, { baseUrl: standin.url }); // succeeds on the retry
 * standin.count("open-meteo"); // 2
 * await standin.close();
 */
export async function startStandin(options: StandinOptions = {}): Promise<Standin> {
  const host = options.host ?? "127.0.0.1";
  const now = options.now ?? (() => new Date());
  const slowMs = options.slowMs ?? 10_000;
  if (options.timezone !== undefined && !isTimeZone(options.timezone)) {
    throw new RangeError(`unknown time zone ${options.timezone}`);
  }
  let openMeteoMode: OpenMeteoMode = "ok";
  let nwsMode: NwsMode = "nws_ok";
  let flakyFailed = false;
  let log: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let baseUrl = "";

  const setMode = (mode: StandinMode): void => {
    if (!isStandinMode(mode))
      throw new RangeError(`unknown mode ${String(mode)}; modes: ${STANDIN_MODES.join(", ")}`);
    if ((NWS_MODES as readonly string[]).includes(mode)) nwsMode = mode as NwsMode;
    else {
      openMeteoMode = mode as OpenMeteoMode;
      flakyFailed = false;
    }
  };
  for (const mode of [options.mode ?? []].flat()) setMode(mode);

  const count = (provider?: "open-meteo" | "nws") =>
    log.filter((r) => (provider ? r.provider === provider : r.provider !== "unknown")).length;
  const state = (): StandinState => ({
    openMeteo: openMeteoMode,
    nws: nwsMode,
    counts: { openMeteo: count("open-meteo"), nws: count("nws") },
    modes: STANDIN_MODES,
  });

  const later = (response: ServerResponse, then: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      then();
    }, slowMs);
    timers.add(timer);
    // The client gave up (its timeout): drop the pending answer instead of writing to a dead socket.
    response.on("close", () => {
      clearTimeout(timer);
      timers.delete(timer);
    });
  };

  const forecast = (url: URL, send: Send, response: ServerResponse): OpenMeteoMode => {
    const mode = openMeteoMode;
    const json = (status: number, body: unknown) =>
      send(status, { "content-type": JSON_TYPE }, JSON.stringify(body));
    switch (mode) {
      case "error500":
        json(500, { error: true, reason: "Internal Server Error (stand-in error500 mode)" });
        return mode;
      case "error400":
        json(400, OPEN_METEO_400);
        return mode;
      case "rate_limited":
        json(429, OPEN_METEO_429);
        return mode;
      case "not_json":
        send(
          200,
          { "content-type": "text/html; charset=utf-8" },
          "<!DOCTYPE html>\n<html><head><title>Sign in to the network</title></head>" +
            "<body><h1>Welcome</h1><p>Accept the terms to continue.</p></body></html>\n",
        );
        return mode;
      case "flaky":
        if (!flakyFailed) {
          flakyFailed = true;
          send(
            503,
            { "content-type": "text/html" },
            "<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>\n",
          );
          return mode;
        }
        break;
      default:
        break;
    }
    const parameters = forecastParameters(url.searchParams, options.timezone);
    if (typeof parameters === "string") {
      json(400, { error: true, reason: parameters });
      return mode;
    }
    const answer = generateForecast({ ...parameters, now: now() });
    switch (mode) {
      case "nulls":
        json(200, withNulls(answer));
        break;
      case "wrong_shape":
        json(200, wrongShape(answer));
        break;
      case "slow":
        later(response, () => json(200, answer));
        break;
      case "truncated": {
        const body = Buffer.from(JSON.stringify(answer));
        response.writeHead(200, {
          "content-type": JSON_TYPE,
          "content-length": String(body.length),
          "x-standin": "1",
        });
        // Half the promised bytes, then the connection dies: what a crashed proxy looks like.
        response.write(body.subarray(0, Math.floor(body.length / 2)), () => {
          setTimeout(() => response.socket?.destroy(), 10);
        });
        break;
      }
      default:
        json(200, answer);
    }
    return mode;
  };

  const alerts = (request: IncomingMessage, url: URL, send: Send, response: ServerResponse): number => {
    const geo = (status: number, body: string) =>
      send(
        status,
        { "content-type": status < 400 ? "application/geo+json" : "application/problem+json" },
        body,
      );
    const userAgent = request.headers["user-agent"];
    if (!userAgent) {
      geo(403, problem(403, "Forbidden", "A User-Agent header is required.", baseUrl, "Forbidden"));
      return 403;
    }
    for (const key of url.searchParams.keys()) {
      if (!NWS_ALERT_PARAMETERS.has(key)) {
        geo(
          400,
          problem(400, "Bad Request", `Query parameter "${key}" is not recognized`, baseUrl, "BadRequest"),
        );
        return 400;
      }
    }
    const point = /^(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)$/.exec(url.searchParams.get("point") ?? "");
    if (!point) {
      const detail = `Parameter "point" is invalid: '${url.searchParams.get("point") ?? ""}' does not match 'lat,lon'`;
      geo(400, problem(400, "Bad Request", detail, baseUrl, "BadRequest"));
      return 400;
    }
    const latitude = Number(point[1]);
    const longitude = Number(point[2]);
    if (nwsMode === "nws_error") {
      const detail = `The requested forecast grid was issued ${now().toISOString().slice(0, 19)}+00:00 and has expired.`;
      geo(503, problem(503, "Forecast Grid Expired", detail, baseUrl, "ForecastGridExpired"));
      return 503;
    }
    const zone = options.timezone ?? zoneForCoordinates(latitude, longitude);
    const features = nwsMode === "nws_alerts" ? alertFeatures(baseUrl, latitude, longitude, now(), zone) : [];
    const body = JSON.stringify({
      "@context": [
        "https://geojson.org/geojson-ld/geojson-context.jsonld",
        {
          "@version": "1.1",
          wx: "https://api.weather.gov/ontology#",
          "@vocab": "https://api.weather.gov/ontology#",
        },
      ],
      type: "FeatureCollection",
      features,
      title: `Current watches, warnings, and advisories for ${Math.abs(latitude)} ${latitude >= 0 ? "N" : "S"}, ${Math.abs(longitude)} ${longitude >= 0 ? "E" : "W"}`,
      updated: now()
        .toISOString()
        .replace(/\.\d{3}Z$/, "+00:00"),
    });
    if (nwsMode === "nws_slow") later(response, () => geo(200, body));
    else geo(200, body);
    return 200;
  };

  const control = async (request: IncomingMessage, url: URL, send: Send): Promise<void> => {
    const json = (status: number, body: unknown) =>
      send(status, { "content-type": JSON_TYPE }, `${JSON.stringify(body, null, 2)}\n`);
    if (request.method === "GET" && url.pathname === "/__standin") return json(200, state());
    if (request.method === "GET" && url.pathname === "/__standin/requests") return json(200, log);
    if (request.method === "POST" && url.pathname === "/__standin/reset") {
      standin.reset();
      return json(200, state());
    }
    if (request.method === "POST" && url.pathname === "/__standin/mode") {
      let mode: unknown;
      try {
        const parsed: unknown = JSON.parse(await readBody(request));
        mode = parsed && typeof parsed === "object" && "mode" in parsed ? parsed.mode : undefined;
      } catch {
        mode = undefined;
      }
      if (!isStandinMode(mode)) {
        return json(400, { error: 'send JSON {"mode": "<mode>"}', modes: STANDIN_MODES });
      }
      setMode(mode);
      return json(200, state());
    }
    return json(404, {
      error: "unknown control route",
      routes: ["GET /__standin", "GET /__standin/requests", "POST /__standin/mode", "POST /__standin/reset"],
    });
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://standin.invalid");
    let status = 0;
    const send: Send = (code, headers, body) => {
      status = code;
      if (response.destroyed) return;
      response.writeHead(code, { ...headers, "x-standin": "1", "access-control-allow-origin": "*" });
      response.end(body);
    };
    if (url.pathname.startsWith("/__standin")) {
      control(request, url, send).catch(() =>
        send(500, { "content-type": "text/plain" }, "stand-in error\n"),
      );
      return;
    }
    const record = (provider: RecordedRequest["provider"], mode: StandinMode | null, code: number) => {
      log.push({
        provider,
        method: request.method ?? "GET",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: Object.fromEntries(
          Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]),
        ),
        mode,
        status: code,
        at: new Date().toISOString(),
      });
    };
    if (request.method === "GET" && url.pathname === "/v1/forecast") {
      const mode = forecast(url, send, response);
      record("open-meteo", mode, status || 200);
      return;
    }
    if (request.method === "GET" && url.pathname === "/alerts/active") {
      const mode = nwsMode;
      record("nws", mode, alerts(request, url, send, response));
      return;
    }
    record("unknown", null, 404);
    send(
      404,
      { "content-type": JSON_TYPE },
      JSON.stringify({
        error: true,
        reason: `The stand-in serves /v1/forecast and /alerts/active, not ${url.pathname}`,
      }),
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  const standin: Standin = {
    url: baseUrl,
    port,
    setMode,
    state,
    requests: () => log.map((r) => ({ ...r })),
    count,
    reset() {
      openMeteoMode = "ok";
      nwsMode = "nws_ok";
      flakyFailed = false;
      log = [];
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets and slow answers would otherwise hold close() open.
        server.closeAllConnections();
      });
    },
  };
  return standin;
}
