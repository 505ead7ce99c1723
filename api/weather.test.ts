import { type Standin, startStandin } from "@repo/weather-standin/standin";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { GET } from "./weather.js";

// The handler against the local stand-in for Open-Meteo and NWS, which misbehaves on demand.
let standin: Standin;
beforeAll(async () => {
  standin = await startStandin({ slowMs: 6000 });
  process.env.OPEN_METEO_BASE_URL = standin.url;
  process.env.NWS_BASE_URL = standin.url;
  process.env.OPEN_METEO_TIMEOUT_MS = "2500";
});
afterAll(async () => {
  await standin?.close();
});
afterEach(() => {
  standin.setMode("ok");
  standin.setMode("nws_ok");
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const get = (query: string) => GET(new Request(`http://localhost/api/weather?${query}`));
const quiet = () => {
  vi.spyOn(console, "error").mockImplementation(() => {});
  vi.spyOn(console, "warn").mockImplementation(() => {});
};

describe("GET /api/weather", () => {
  it("answers a forecast for a ZIP code", async () => {
    const res = await get("zipcode=48824");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toMatch(/^public, s-maxage=\d+, stale-while-revalidate=\d+$/);
    const body = await res.json();
    expect(body).toMatchObject({
      zipcode: "48824",
      place: { city: "East Lansing", state: "MI" },
      units: { temperature: "°F", windSpeed: "mph", precipitation: "inch" },
      cached: false,
      source: { provider: "Open-Meteo" },
    });
    expect(body.daily).toHaveLength(7);
    expect(body.hourly.length).toBeGreaterThanOrEqual(23);
    expect(body.current.time).toMatch(/[+-]\d{2}:\d{2}$/);
    expect(Date.parse(body.fetchedAt)).not.toBeNaN();
  });

  it("serves a repeat from its cache, and says so", async () => {
    const before = standin.count("open-meteo");
    const body = await (await get("zipcode=48824")).json();
    expect(body.cached).toBe(true);
    expect(standin.count("open-meteo")).toBe(before);
  });

  it("keeps leading zeros and takes the first five digits of ZIP+4", async () => {
    const body = await (await get("zipcode=%2002134-1234%20&units=metric&days=3&hours=6")).json();
    expect(body).toMatchObject({ zipcode: "02134", place: { state: "MA" }, units: { temperature: "°C" } });
    expect(body.daily).toHaveLength(3);
    const pr = await (await get("zipcode=00601")).json();
    expect(pr.place).toMatchObject({ city: "Adjuntas", state: "PR" });
  });

  it.each([
    ["zipcode=4882", 400, "invalid_request", /5 digits like 48824/],
    ["", 400, "invalid_request", /zipcode is required/],
    ["zipcode=48824&zipcode=02134", 400, "invalid_request", /zipcode was given 2 times/],
    ["zipcode=48824&days=17", 400, "invalid_request", /days must be a whole number from 1 to 16/],
    ["zipcode=48824&hours=-1", 400, "invalid_request", /hours/],
    ["zipcode=48824&units=kelvin", 400, "invalid_request", /units/],
    ["zipcode=00000", 404, "unknown_zipcode", /not a ZIP code this service knows/],
    ["zipcode=99999", 404, "unknown_zipcode", /not a ZIP code this service knows/],
    ["zipcode=09001", 422, "military_zipcode", /military/],
    ["zipcode=96201", 422, "military_zipcode", /military/],
  ])("%j → %i %s", async (query, status, code, message) => {
    const res = await get(query);
    expect(res.status).toBe(status);
    const body = await res.json();
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(message);
  });

  it("names the parameter in a 400", async () => {
    const body = await (await get("zipcode=48824&days=0")).json();
    expect(Object.keys(body.error.details.fields)).toEqual(["days"]);
  });
});

describe("when the providers fail", () => {
  it("turns Open-Meteo's 429 into a 503 with Retry-After", async () => {
    quiet();
    standin.setMode("rate_limited");
    const res = await get("zipcode=10001");
    expect(res.status).toBe(503);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await res.json()).error).toMatchObject({
      code: "upstream_rate_limited",
      message: /Try again in/,
    });
  });

  it("turns a timeout into a 504 after one retry", async () => {
    quiet();
    standin.setMode("slow");
    const before = standin.count("open-meteo");
    const res = await get("zipcode=60601");
    expect(res.status).toBe(504);
    expect((await res.json()).error.code).toBe("upstream_timeout");
    // An aborted attempt can reach the stand-in after the client gave up: wait for it to be counted.
    await vi.waitFor(() => expect(standin.count("open-meteo") - before).toBe(2));
  });

  it("retries a 5xx once, then answers 502", async () => {
    quiet();
    standin.setMode("error500");
    const before = standin.count("open-meteo");
    const res = await get("zipcode=94103");
    expect(res.status).toBe(502);
    expect(standin.count("open-meteo") - before).toBe(2);
  });

  it("never retries Open-Meteo's 400, answers 502 and logs it", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    standin.setMode("error400");
    const before = standin.count("open-meteo");
    const res = await get("zipcode=30301");
    expect(res.status).toBe(502);
    expect((await res.json()).error.code).toBe("upstream_rejected_request");
    expect(standin.count("open-meteo") - before).toBe(1);
    expect(log.mock.calls.flat().join(" ")).toMatch(/bad_request/);
  });

  it.each(["not_json", "truncated"] as const)("answers a %s body with 502", async (mode) => {
    quiet();
    standin.setMode(mode);
    const res = await get(`zipcode=${mode === "not_json" ? "98101" : "33101"}`);
    expect(res.status).toBe(502);
    expect((await res.json()).error.code).toBe("upstream_bad_response");
  });

  it("answers 502 when Open-Meteo cannot be reached", async () => {
    quiet();
    const saved = process.env.OPEN_METEO_BASE_URL;
    // The env is read once per instance; a fresh module sees the changed variable.
    vi.resetModules();
    process.env.OPEN_METEO_BASE_URL = "http://127.0.0.1:9";
    const fresh = await import("./weather.js");
    const res = await fresh.GET(new Request("http://localhost/api/weather?zipcode=80202"));
    process.env.OPEN_METEO_BASE_URL = saved;
    expect(res.status).toBe(502);
    expect((await res.json()).error.code).toBe("upstream_unreachable");
  });

  it("serves a stale answer, marked stale, when a refresh fails", async () => {
    quiet();
    expect((await get("zipcode=48201")).status).toBe(200);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 11 * 60_000);
    standin.setMode("error500");
    const res = await get("zipcode=48201");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, s-maxage=60");
    expect(await res.json()).toMatchObject({ stale: true, cached: true });
  });

  it("still answers when NWS fails, with alerts null and a reason", async () => {
    quiet();
    standin.setMode("nws_error");
    const body = await (await get("zipcode=73301")).json();
    expect(body.alerts).toBeNull();
    expect(body.alertsUnavailableReason).toEqual(expect.any(String));
    expect(body.current).not.toBeNull();
  });

  it("shows active alerts", async () => {
    standin.setMode("nws_alerts");
    const body = await (await get("zipcode=35401")).json();
    expect(body.alerts.length).toBeGreaterThan(0);
    expect(body.alerts[0]).toMatchObject({ event: expect.any(String) });
  });

  it("shares one upstream call among concurrent requests for one place", async () => {
    const before = standin.count("open-meteo");
    const answers = await Promise.all(Array.from({ length: 10 }, () => get("zipcode=55401")));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(standin.count("open-meteo") - before).toBe(1);
  });
});
