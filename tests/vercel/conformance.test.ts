import { connectPostgres } from "@repo/db/database";
import { migrateToLatest } from "@repo/db/migrate";
import { createRuntime, type Runtime } from "@repo/runtime";
import { createTestDatabase, type TestDatabase } from "@repo/test-support/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../bench/measure.js";
import { copyProject, startVercelDev, type VercelDev } from "../support/vercel-project.js";

// One set of requests to Vercel's own local runtime (`vercel dev --local`) and to ours
// (`pnpm dev`); they must agree on what a client sees. Both reach the same PostgreSQL database
// (vercel dev runs each request in a new process, which the embedded PGlite does not allow).
let project: Awaited<ReturnType<typeof copyProject>>;
let vercel: VercelDev;
let ours: Runtime;
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase("conformance");
  const migrating = connectPostgres(database.url);
  await migrateToLatest(migrating.db);
  await migrating.destroy();
  process.env.DATABASE_URL = database.url;
  process.env.APP_URL = "http://localhost:3000";
  project = await copyProject();
  vercel = await startVercelDev(project.dir, await freePort());
  ours = await createRuntime({ root: project.dir, mode: "dev", port: 0, app: false });
});
afterAll(async () => {
  await ours?.close();
  await vercel?.stop();
  await project?.remove();
  await database?.drop();
});

const json = { "content-type": "application/json" };
const card = "/api/validate/card";

interface Case {
  name: string;
  path: string;
  init?: RequestInit;
  /** Compare the body (JSON deep-equal, else text). */
  body?: boolean;
}

const CASES: Case[] = [
  {
    name: "good card",
    path: card,
    init: { method: "POST", headers: json, body: '{"number":"4242 4242 4242 4242"}' },
    body: true,
  },
  {
    name: "invalid card",
    path: card,
    init: { method: "POST", headers: json, body: '{"number":"4242 4242 4242 4241"}' },
    body: true,
  },
  {
    name: "malformed JSON",
    path: card,
    init: { method: "POST", headers: json, body: '{"number":' },
    body: true,
  },
  {
    name: "field error",
    path: card,
    init: { method: "POST", headers: json, body: '{"number":"12"}' },
    body: true,
  },
  {
    name: "wrong content type",
    path: card,
    init: { method: "POST", headers: { "content-type": "text/plain" }, body: "4242" },
    body: true,
  },
  { name: "GET with a number in the URL", path: `${card}?number=4242424242424242`, body: true },
  { name: "HEAD", path: card, init: { method: "HEAD" } },
  { name: "OPTIONS", path: card, init: { method: "OPTIONS" } },
  { name: "PUT", path: card, init: { method: "PUT", headers: json, body: "{}" }, body: true },
  { name: "PATCH", path: card, init: { method: "PATCH", headers: json, body: "{}" }, body: true },
  { name: "DELETE", path: card, init: { method: "DELETE" }, body: true },
  { name: "rewrite", path: "/healthz", body: true },
  { name: "dynamic segment", path: "/api/card-brands/visa", body: true },
  { name: "a query parameter named like the segment", path: "/api/card-brands/visa?brand=amex", body: true },
  { name: "unknown segment", path: "/api/card-brands/nope", body: true },
  { name: "index route", path: "/api/card-brands", body: true },
  { name: "redirect", path: "/validate", init: { redirect: "manual" } },
  { name: "clean URL redirect", path: "/card.html", init: { redirect: "manual" } },
  { name: "no such function", path: "/api/nope" },
  { name: "Better Auth behind the /api/auth/* rewrite", path: "/api/auth/ok", body: true },
  { name: "no session", path: "/api/auth/get-session", body: true },
  {
    name: "a wrong password",
    path: "/api/auth/sign-in/email",
    init: {
      method: "POST",
      headers: json,
      body: '{"email":"nobody@example.com","password":"not the password"}',
    },
    body: true,
  },
  { name: "an unknown auth path", path: "/api/auth/no-such-endpoint" },
  { name: "the sign-in methods", path: "/api/auth-methods", body: true },
  { name: "files without a session", path: "/api/blobs?prefix=", body: true },
];

const HEADERS = [
  "allow",
  "cache-control",
  "location",
  "x-content-type-options",
  "referrer-policy",
  "content-security-policy",
  "x-frame-options",
  "accept-post",
];

async function view(base: string, c: Case) {
  const res = await fetch(base + c.path, { redirect: "manual", ...c.init });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return {
    status: res.status,
    type: (res.headers.get("content-type") ?? "").replace(/\s+/g, "").toLowerCase() || null,
    headers: Object.fromEntries(HEADERS.map((h) => [h, res.headers.get(h)])),
    body: c.body ? body : undefined,
  };
}

describe("pnpm dev agrees with vercel dev", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const [theirs, mine] = [await view(vercel.url, c), await view(ours.url, c)];
    const redirect = theirs.status >= 300 && theirs.status < 400;
    // A redirect's body and type are the platform's filler text; what counts is status and Location.
    if (redirect) {
      expect(mine.status).toBe(theirs.status);
      expect(mine.headers.location).toBe(theirs.headers.location);
      return;
    }
    if (theirs.status === 404 && !c.body) {
      expect(mine.status).toBe(404);
      expect(mine.type).toBe(theirs.type);
      return;
    }
    expect(mine).toEqual(theirs);
  });

  it("differs where vercel dev differs from production: bodies over 4.5 MB", async () => {
    // Production answers 413 FUNCTION_PAYLOAD_TOO_LARGE before the function runs; vercel dev
    // passes the body on (here to a function that then answers 405). We follow production.
    const big = { method: "POST", body: "x".repeat(5 * 1024 * 1024) };
    const theirs = await fetch(`${vercel.url}/api/health`, big);
    const mine = await fetch(`${ours.url}/api/health`, big);
    expect(theirs.status).toBe(405);
    expect(mine.status).toBe(413);
    expect(mine.headers.get("x-vercel-error")).toBe("FUNCTION_PAYLOAD_TOO_LARGE");
  });
});
