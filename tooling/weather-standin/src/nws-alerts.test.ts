import { UpstreamError } from "@repo/weather/errors";
import {
  alertsOrReason,
  alertsUnavailableReason,
  fetchAlerts,
  formatPoint,
  type NwsOptions,
  parseAlerts,
} from "@repo/weather/nws-alerts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Standin, startStandin } from "./standin.ts";

// The client against the stand-in's real HTTP answers; here rather than beside the client because
// this package depends on @repo/weather (a test dependency back would be a workspace cycle).

const POINT = { latitude: 42.72514, longitude: -84.47912 };
const USER_AGENT = "(weather.test, ops@weather.test)";

let standin: Standin;

beforeAll(async () => {
  standin = await startStandin({ now: () => new Date("2025-08-07T17:15:00Z"), slowMs: 2000 });
});
afterAll(() => standin.close());
beforeEach(() => standin.reset());

function options(extra: Partial<NwsOptions> = {}): NwsOptions {
  return { baseUrl: standin.url, userAgent: USER_AGENT, timeoutMs: 4000, sleep: async () => {}, ...extra };
}

/** A small answer in NWS's /alerts/active format, with the nulls NWS really sends. */
const RECORDED_STYLE = {
  "@context": ["https://geojson.org/geojson-ld/geojson-context.jsonld", { "@version": "1.1" }],
  type: "FeatureCollection",
  features: [
    {
      id: "https://api.weather.gov/alerts/urn:oid:2.49.0.1.840.0.aaa.001.1",
      type: "Feature",
      geometry: null,
      properties: {
        "@id": "https://api.weather.gov/alerts/urn:oid:2.49.0.1.840.0.aaa.001.1",
        "@type": "wx:Alert",
        id: "urn:oid:2.49.0.1.840.0.aaa.001.1",
        areaDesc: "Ingham; Eaton",
        sent: "2025-08-07T12:51:00-04:00",
        onset: null,
        expires: "2025-08-07T20:00:00-04:00",
        ends: null,
        status: "Actual",
        messageType: "Alert",
        severity: "Minor",
        certainty: "Observed",
        urgency: "Expected",
        event: "Special Weather Statement",
        senderName: "NWS Grand Rapids MI",
        headline: null,
        description: "A strong thunderstorm will impact portions of Ingham County.",
        instruction: null,
      },
    },
    {
      id: "https://api.weather.gov/alerts/urn:oid:2.49.0.1.840.0.bbb.001.1",
      type: "Feature",
      geometry: null,
      properties: {
        id: "urn:oid:2.49.0.1.840.0.bbb.001.1",
        areaDesc: "Ingham",
        onset: "2025-08-07T13:00:00-04:00",
        expires: "2025-08-07T14:00:00-04:00",
        ends: "2025-08-07T14:00:00-04:00",
        severity: "Extreme",
        certainty: "Observed",
        urgency: "Immediate",
        event: "Tornado Warning",
        senderName: "NWS Grand Rapids MI",
        headline:
          "Tornado Warning issued August 7 at 1:00PM EDT until August 7 at 2:00PM EDT by NWS Grand Rapids MI",
        description:
          "At 1:00 PM EDT, a severe thunderstorm capable of producing a tornado was located near Mason.",
        instruction: "TAKE COVER NOW!",
      },
    },
  ],
  title: "Current watches, warnings, and advisories for 42.7251 N, 84.4791 W",
  updated: "2025-08-07T17:00:00+00:00",
};

describe("parseAlerts", () => {
  it("keeps NWS nulls as null and puts the most severe alert first", () => {
    const { alerts } = parseAlerts(RECORDED_STYLE);
    expect(alerts.map((a) => a.event)).toEqual(["Tornado Warning", "Special Weather Statement"]);
    expect(alerts[1]).toEqual({
      id: "urn:oid:2.49.0.1.840.0.aaa.001.1",
      event: "Special Weather Statement",
      headline: null,
      severity: "Minor",
      urgency: "Expected",
      certainty: "Observed",
      areaDesc: "Ingham; Eaton",
      onset: null,
      ends: null,
      expires: "2025-08-07T20:00:00-04:00",
      description: "A strong thunderstorm will impact portions of Ingham County.",
      instruction: null,
      senderName: "NWS Grand Rapids MI",
      url: "https://api.weather.gov/alerts/urn:oid:2.49.0.1.840.0.aaa.001.1",
    });
  });

  it("answers no alerts for an empty collection", () => {
    expect(parseAlerts({ type: "FeatureCollection", features: [] })).toEqual({ alerts: [] });
  });

  it("refuses something that is not an alerts collection", () => {
    expect(() => parseAlerts({ type: "Feature", properties: {} })).toThrow();
  });
});

describe("formatPoint", () => {
  it("writes 4 decimals and no negative zero", () => {
    expect(formatPoint(POINT)).toBe("42.7251,-84.4791");
    expect(formatPoint({ latitude: -0.00001, longitude: 13.4 })).toBe("0.0000,13.4000");
  });
});

describe("fetchAlerts against the stand-in", () => {
  it("sends the User-Agent, the GeoJSON Accept header and a 4-decimal point", async () => {
    expect(await fetchAlerts(POINT, options())).toEqual({ alerts: [] });
    const [request] = standin.requests();
    expect(request?.path).toBe("/alerts/active");
    expect(request?.query).toEqual({ point: "42.7251,-84.4791" });
    expect(request?.headers["user-agent"]).toBe(USER_AGENT);
    expect(request?.headers.accept).toBe("application/geo+json");
  });

  it("returns active alerts, most severe first", async () => {
    standin.setMode("nws_alerts");
    const { alerts } = await fetchAlerts(POINT, options());
    expect(alerts.map((a) => [a.event, a.severity])).toEqual([
      ["Severe Thunderstorm Watch", "Severe"],
      ["Heat Advisory", "Moderate"],
    ]);
    const watch = alerts[0];
    expect(watch?.instruction).toBeNull();
    expect(watch?.onset).toBe("2025-08-07T15:00:00-04:00");
    expect(watch?.url?.startsWith(standin.url)).toBe(true);
    expect(alerts[1]?.description).toContain("not a real alert");
  });

  it("retries a 503 once, then fails with a typed NWS error carrying the problem title", async () => {
    standin.setMode("nws_error");
    const error = await fetchAlerts(POINT, options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ provider: "nws", kind: "upstream_error", status: 503, attempts: 2 });
    expect((error as UpstreamError).reason).toMatch(/^Forecast Grid Expired: /);
    expect(standin.count("nws")).toBe(2);
  });

  it("does not retry a timeout: the alerts budget is spent", async () => {
    standin.setMode("nws_slow");
    const error = await fetchAlerts(POINT, options({ timeoutMs: 100 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ provider: "nws", kind: "timeout", attempts: 1 });
    expect(standin.count("nws")).toBe(1);
  });

  it("requires a User-Agent before sending anything", async () => {
    await expect(fetchAlerts(POINT, options({ userAgent: " " }))).rejects.toThrow(TypeError);
    expect(standin.count("nws")).toBe(0);
  });

  it("reports a 403 as our mistake, naming the User-Agent", async () => {
    const error = await fetchAlerts(
      POINT,
      options({
        fetch: async () =>
          new Response('{"title":"Forbidden","detail":"Access denied","status":403}', { status: 403 }),
      }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "bad_request", status: 403, reason: "Forbidden: Access denied" });
    expect((error as Error).message).toContain("User-Agent");
  });
});

describe("alertsOrReason", () => {
  it("passes alerts through with no reason", async () => {
    standin.setMode("nws_alerts");
    const result = await alertsOrReason(POINT, options());
    expect(result.alerts).toHaveLength(2);
    expect(result.alertsUnavailableReason).toBeNull();
  });

  it("turns a failure into null alerts and a reason, never a rejection", async () => {
    standin.setMode("nws_error");
    const result = await alertsOrReason(POINT, options());
    expect(result.alerts).toBeNull();
    expect(result.alertsUnavailableReason).toBe(
      "The National Weather Service is having trouble (HTTP 503: Forecast Grid Expired: " +
        "The requested forecast grid was issued 2025-08-07T17:15:00+00:00 and has expired.).",
    );
    expect(result.error).toBeInstanceOf(UpstreamError);
  });

  it("words every failure without URLs", () => {
    for (const kind of ["timeout", "unreachable", "rate_limited", "bad_request", "bad_response"] as const) {
      const reason = alertsUnavailableReason(new UpstreamError({ provider: "nws", kind, message: "x" }));
      expect(reason).toMatch(/National Weather Service/);
      expect(reason).not.toMatch(/https?:/);
    }
    expect(alertsUnavailableReason(new Error("bug"))).toMatch(/internal error/);
  });
});
