import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { cookieClient } from "@repo/test-support/cookie-client";
import { type Standin, startStandin } from "@repo/weather-standin/standin";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { register } from "./_lib/instrumentation.js";
import { route } from "./_lib/route.js";
import { ORIGIN } from "./_test/accounts.js";

// Production telemetry, run for real in this process: @vercel/otel registered as on Vercel but
// exporting to memory, JSON logs as on Vercel, and real requests through the functions (accounts
// in PGlite, the filesystem blob store, the workflow engine, the weather stand-in). Then every span
// attribute, event and log line is searched for the secrets the requests carried.

const exporter = new InMemorySpanExporter();
const lines: string[] = [];
const PASSWORD = `pw-${randomBytes(9).toString("hex")}`;
const CARD = "4111 1111 1111 1111";
const SIGNING_TOKEN = `vercel_blob_rw_telemetrystore_${randomBytes(12).toString("hex")}`;
const secrets: Record<string, string> = {
  password: PASSWORD,
  "card number": CARD.replaceAll(" ", ""),
  "card number as typed": CARD,
  "blob signing token": SIGNING_TOKEN,
};

let standin: Standin;
let dir: string;
const api = {} as {
  auth: typeof import("./auth.js");
  weather: typeof import("./weather.js");
  card: typeof import("./validate/card.js");
  clientUpload: typeof import("./blobs/client-upload.js");
  upload: typeof import("./blobs/upload.js");
  result: typeof import("./blobs/result.js");
};
const client = cookieClient(ORIGIN, (request) => api.auth.POST(request));
/** A request from the signed-in browser: its session cookie and the app's Origin. */
const asUser = (path: string, init: RequestInit) => {
  const headers = new Headers(init.headers);
  headers.set("cookie", client.cookieHeader());
  headers.set("origin", ORIGIN);
  return new Request(`${ORIGIN}${path}`, { ...init, headers });
};

/** What the test sends: each request's x-vercel-id, as Vercel (and the local runtime) set it. */
const id = (name: string) => `iad1::${name}-${randomBytes(4).toString("hex")}`;
const ids = {
  signUp: id("sign-up"),
  badSignIn: id("bad-sign-in"),
  weather: id("weather"),
  card: id("card"),
  token: id("client-token"),
  upload: id("upload"),
  careless: id("careless"),
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "telemetry-"));
  standin = await startStandin();
  Object.assign(process.env, {
    LOG_FORMAT: "json",
    BLOB_DIR: dir,
    BLOB_LOCAL_READ_WRITE_TOKEN: SIGNING_TOKEN,
    OPEN_METEO_BASE_URL: standin.url,
    NWS_BASE_URL: standin.url,
  });
  delete process.env.BLOB_READ_WRITE_TOKEN;
  // The console the JSON logger writes through: captured, so every line can be read back.
  for (const method of ["debug", "log", "info", "warn", "error"] as const) {
    console[method] = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
  }
  await register({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  Object.assign(api, {
    auth: await import("./auth.js"),
    weather: await import("./weather.js"),
    card: await import("./validate/card.js"),
    clientUpload: await import("./blobs/client-upload.js"),
    upload: await import("./blobs/upload.js"),
    result: await import("./blobs/result.js"),
  });

  // Sign up and in with a password: a session cookie comes back.
  const signUp = await client.call(
    "POST",
    "/api/auth/sign-up/email",
    { email: `t-${randomBytes(4).toString("hex")}@example.com`, name: "Tele Metry", password: PASSWORD },
    { "x-vercel-id": ids.signUp },
  );
  expect(signUp.status).toBe(200);
  const userId: string = signUp.json.user.id;
  const session = client.cookies.get("better-auth.session_token") ?? "";
  expect(session).not.toBe("");
  secrets["session cookie"] = session;
  secrets["session token"] = decodeURIComponent(session).split(".")[0] ?? "";
  const wrong = await client.call(
    "POST",
    "/api/auth/sign-in/email",
    { email: "nobody@example.com", password: PASSWORD },
    { "x-vercel-id": ids.badSignIn },
  );
  expect(wrong.status).toBe(401);

  const weather = await api.weather.GET(
    new Request("http://localhost/api/weather?zipcode=48824", {
      headers: { "x-vercel-id": ids.weather },
    }),
  );
  expect(weather.status).toBe(200);

  const card = await api.card.POST(
    new Request("http://localhost/api/validate/card", {
      method: "POST",
      body: JSON.stringify({ number: CARD }),
      headers: { "content-type": "application/json", "x-vercel-id": ids.card },
    }),
  );
  expect((await card.json()).valid).toBe(true);

  const token = await api.clientUpload.POST(
    asUser("/api/blobs/client-upload", {
      method: "POST",
      body: JSON.stringify({
        type: "blob.generate-client-token",
        payload: { pathname: `users/${userId}/uploads/photo.png`, clientPayload: null, multipart: false },
      }),
      headers: { "content-type": "application/json", "x-vercel-id": ids.token },
    }),
  );
  const tokenBody = await token.json();
  expect(token.status, JSON.stringify(tokenBody)).toBe(200);
  secrets["client token"] = tokenBody.clientToken;
  expect(secrets["client token"]).toMatch(/^vercel_blob_client_/);

  // A server-side upload: blob writes in the function, then the blob trigger's workflow steps.
  const put = await api.upload.POST(
    asUser("/api/blobs/upload?path=uploads/people.csv", {
      method: "POST",
      body: `name,card\nAda,${CARD}\n`,
      headers: { "content-type": "text/csv", "x-vercel-id": ids.upload },
    }),
  );
  expect(put.status).toBe(201);
  for (let i = 0; i < 600; i++) {
    const res = await api.result.GET(asUser("/api/blobs/result?path=uploads/people.csv", {}));
    const status = res.status === 200 ? (await res.json()).result?.status : undefined;
    if (status === "done" || status === "failed") break;
    await new Promise((r) => setTimeout(r, 50));
  }

  // A careless handler that logs what it was sent, secrets and all: the logger's net catches them.
  const careless = route({
    POST: async (request) => {
      console.log("received", await request.text(), "with", request.headers.get("authorization"));
      console.error(new Error(`could not charge ${CARD}`));
      return new Response(null, { status: 204 });
    },
  });
  const logged = await careless.POST(
    new Request("http://localhost/api/careless", {
      method: "POST",
      body: JSON.stringify({ password: PASSWORD, card: CARD, token: secrets["client token"] }),
      headers: {
        authorization: `Bearer ${secrets["client token"]}`,
        cookie: `better-auth.session_token=${session}`,
        "x-vercel-id": ids.careless,
      },
    }),
  );
  expect(logged.status).toBe(204);
}, 60_000);

afterAll(async () => {
  await standin?.close();
  await rm(dir, { recursive: true, force: true, maxRetries: 10 });
});

const spans = () => exporter.getFinishedSpans();
const serverSpan = (requestId: string) => {
  const found = spans().filter((s) => s.kind === SpanKind.SERVER && s.attributes["request.id"] === requestId);
  expect(found, requestId).toHaveLength(1);
  return found[0] as ReadableSpan;
};
/** Every span under `root`, at any depth. */
const descendants = (root: ReadableSpan) => {
  const all = spans();
  const under = new Set([root.spanContext().spanId]);
  const out: ReadableSpan[] = [];
  for (let grew = true; grew; ) {
    grew = false;
    for (const span of all) {
      const parent = span.parentSpanContext?.spanId;
      if (parent && under.has(parent) && !under.has(span.spanContext().spanId)) {
        under.add(span.spanContext().spanId);
        out.push(span);
        grew = true;
      }
    }
  }
  return out;
};

describe("spans", () => {
  it("make one SERVER span per invocation, named by method and path, with the request id", () => {
    for (const requestId of Object.values(ids)) {
      const span = serverSpan(requestId);
      expect(span.attributes).toMatchObject({ "request.id": requestId });
      expect(span.attributes["http.request.method"]).toMatch(/^(GET|POST)$/);
      expect(span.attributes["http.response.status_code"]).toBeTypeOf("number");
      expect(span.parentSpanContext?.spanId).toBeUndefined();
    }
    expect(serverSpan(ids.weather).name).toBe("GET /api/weather");
    expect(serverSpan(ids.card).name).toBe("POST /api/validate/card");
    expect(serverSpan(ids.badSignIn).attributes["http.response.status_code"]).toBe(401);
  });

  it("nest the Open-Meteo and NWS calls under the weather invocation", () => {
    const children = descendants(serverSpan(ids.weather));
    const names = children.map((s) => s.name);
    expect(names).toContain("GET open-meteo");
    expect(names).toContain("GET nws");
    for (const span of children) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.attributes["http.response.status_code"]).toBe(200);
      expect(String(span.attributes["url.path"])).not.toContain("?");
    }
  });

  it("nest database queries under the invocations that run them", () => {
    const queries = descendants(serverSpan(ids.signUp)).filter((s) => s.attributes["db.system.name"]);
    expect(queries.map((s) => s.name)).toEqual(expect.arrayContaining(["INSERT user", "INSERT session"]));
    expect(queries.every((s) => s.kind === SpanKind.CLIENT)).toBe(true);
  });

  it("nest blob operations under the upload, and the workflow's steps run with theirs", () => {
    const upload = descendants(serverSpan(ids.upload)).map((s) => s.name);
    expect(upload).toContain("blob.put");
    const steps = spans().filter((s) => s.name.startsWith("STEP "));
    expect(steps.length).toBeGreaterThanOrEqual(2);
    const underSteps = steps.flatMap(descendants).map((s) => s.name);
    expect(underSteps).toEqual(expect.arrayContaining(["blob.get", "blob.put"]));
  });

  it("put each workflow step in the trace of the upload that started its run, linked to its invocation", () => {
    // The SDK carries the trace context through its queue: the run's steps (openRun, analyzeBlob,
    // finishProcessing) are under the upload's span, each linked to the step function's invocation
    // that ran it (its own SERVER span, as on Vercel where every step is an invocation).
    const underUpload = descendants(serverSpan(ids.upload));
    const steps = underUpload.filter((s) => s.name.startsWith("STEP "));
    expect(steps.map((s) => s.name.split("//").pop())).toEqual(
      expect.arrayContaining(["openRun", "analyzeBlob", "finishProcessing"]),
    );
    const invocations = new Map(
      spans()
        .filter((s) => s.kind === SpanKind.SERVER && s.name === "POST /.well-known/workflow/v1/step")
        .map((s) => [s.spanContext().spanId, s]),
    );
    for (const step of steps) {
      expect(step.attributes["step.name"], step.name).toBeTruthy();
      expect(step.attributes["workflow.run.id"], step.name).toMatch(/^wrun_/);
      const linked = step.links.map((link) => invocations.get(link.context.spanId)).filter(Boolean);
      expect(linked, step.name).toHaveLength(1);
    }
  });

  it("mark our failed spans by error type, not by what the error said", () => {
    const failed = spans().filter(
      (s) => s.status.code === SpanStatusCode.ERROR && s.instrumentationScope.name.startsWith("@repo/"),
    );
    for (const span of failed) {
      expect(span.status.message).toBe("");
      expect(span.attributes["error.type"]).toBeTruthy();
    }
  });
});

describe("logs", () => {
  const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, string>);

  it("are one JSON object per line, each with its invocation's request id", () => {
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).not.toContain("\n");
    const careless = parsed().filter((l) => l.requestId === ids.careless);
    expect(careless.map((l) => l.level)).toEqual(["info", "error"]);
    const span = serverSpan(ids.careless);
    expect(careless[0]?.traceId).toBe(span.spanContext().traceId);
    for (const line of parsed()) expect(line.requestId, JSON.stringify(line)).toBeTruthy();
  });

  it("mask the secrets a careless line quotes", () => {
    const text = parsed()
      .filter((l) => l.requestId === ids.careless)
      .map((l) => l.message)
      .join("\n");
    expect(text).toContain("[card number]");
    expect(text).toContain("[redacted]");
    expect(text).toContain("could not charge");
  });
});

describe("nothing sensitive", () => {
  it("in any span name, attribute, event, status or resource, nor in any log line", () => {
    const everything = [
      ...spans().map((s) =>
        JSON.stringify({
          name: s.name,
          attributes: s.attributes,
          events: s.events,
          status: s.status,
          links: s.links,
          resource: s.resource.attributes,
        }),
      ),
      ...lines,
    ].join("\n");
    expect(spans().length).toBeGreaterThan(20);
    for (const [what, secret] of Object.entries(secrets)) {
      expect(secret.length, what).toBeGreaterThan(8);
      expect(everything.includes(secret), `${what} found in telemetry`).toBe(false);
    }
    expect(everything).not.toMatch(/cookie|authorization/i);
  });
});
