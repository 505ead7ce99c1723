import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime, type Runtime } from "@repo/runtime";
import { cookieClient } from "@repo/test-support/cookie-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD } from "../support/accounts.js";
import { REPO_ROOT } from "../support/paths.js";

// Served over https (APP_URL, as on Vercel), session cookies are Secure and __Secure- prefixed, and
// the origin allowed to change state is that https origin.
const APP = "https://app.example.test";
let dir: string;
let runtime: Runtime;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "security-https-"));
  process.env.BLOB_DIR = dir;
  process.env.APP_URL = APP;
  runtime = await createRuntime({ root: REPO_ROOT, mode: "dev", port: 0, app: false, crons: false });
});
afterAll(async () => {
  await runtime?.close();
  delete process.env.APP_URL;
  await rm(dir, { recursive: true, force: true, maxRetries: 10 });
});

describe("over https", () => {
  it("sets a Secure, __Secure- prefixed, HttpOnly, SameSite=Lax session cookie that the API accepts", async () => {
    // Requests reach this test server over plain http, but carry the app's https origin.
    const client = cookieClient(APP, (request) => {
      const url = new URL(request.url);
      return fetch(new Request(`${runtime.url}${url.pathname}${url.search}`, request));
    });
    const res = await client.fetch("/api/auth/sign-up/email", {
      method: "POST",
      body: JSON.stringify({ email: "secure@example.com", name: "S", password: PASSWORD }),
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.includes("session_token="));
    expect(cookie).toMatch(/^__Secure-better-auth\.session_token=/);
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect((await client.call("GET", "/api/blobs?prefix=")).status).toBe(200);
    // The plain-http origin of the same host is another site.
    const insecure = await client.call("POST", "/api/blobs/upload?path=a.csv", undefined, {
      origin: "http://app.example.test",
    });
    expect(insecure.status).toBe(403);
  });
});
