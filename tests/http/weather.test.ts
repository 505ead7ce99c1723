import { createRuntime, type Runtime } from "@repo/runtime";
import { type Standin, startStandin } from "@repo/weather-standin/standin";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/paths.js";

// `curl localhost:3000/api/weather?zipcode=48824` through the dev runtime, the weather coming from
// the local stand-in that OPEN_METEO_BASE_URL and NWS_BASE_URL point at.
let standin: Standin;
let runtime: Runtime;
beforeAll(async () => {
  standin = await startStandin();
  process.env.OPEN_METEO_BASE_URL = standin.url;
  process.env.NWS_BASE_URL = standin.url;
  runtime = await createRuntime({ root: REPO_ROOT, mode: "dev", port: 0, app: false });
});
afterAll(async () => {
  await runtime?.close();
  await standin?.close();
});

const get = (path: string) => fetch(`${runtime.url}${path}`);

describe("GET /api/weather over HTTP", () => {
  it("answers from the stand-in", async () => {
    const res = await get("/api/weather?zipcode=48824");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toMatch(/s-maxage/);
    const body = await res.json();
    expect(body.place).toMatchObject({ city: "East Lansing", state: "MI" });
    expect(body.source.places).toMatch(/zipcodes/);
    expect(standin.count("open-meteo")).toBeGreaterThan(0);
  });

  it("answers the seed's name for it too (a rewrite)", async () => {
    expect((await get("/api/getweather?zipcode=48824")).status).toBe(200);
  });

  it.each([
    ["zipcode=abc", 400],
    ["zipcode=00000", 404],
    ["zipcode=09001", 422],
    ["zipcode=48824&days=99", 400],
  ])("%s → %i", async (query, status) => {
    const res = await get(`/api/weather?${query}`);
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  });
});
