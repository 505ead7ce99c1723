import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { BODY_LIMIT_BYTES, createRuntime, type Runtime } from "@repo/runtime";
import { SERVER_UPLOAD_MAX_BYTES } from "@repo/validation/api/blobs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/paths.js";

// The whole app as `pnpm dev` serves it: the real vercel.json, api/ and Next's dev server.
let runtime: Runtime;
beforeAll(async () => {
  runtime = await createRuntime({ root: REPO_ROOT, mode: "dev", port: 0 });
});
afterAll(async () => {
  await runtime?.close();
});

const url = (path: string) => `${runtime.url}${path}`;
const postCard = (body: string, headers: Record<string, string> = { "content-type": "application/json" }) =>
  fetch(url("/api/validate/card"), { method: "POST", body, headers });

describe("the card function over HTTP", () => {
  it("validates a number", async () => {
    const res = await postCard(JSON.stringify({ number: "4242 4242 4242 4242" }));
    expect(res.status).toBe(200);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await res.json()).toMatchObject({ valid: true, brand: "visa", masked: "•••• 4242" });
  });

  it("answers bad input with the JSON error shape", async () => {
    const cases: [string, Record<string, string>, number, string][] = [
      ["{", { "content-type": "application/json" }, 400, "invalid_json"],
      ['{"number":"12"}', { "content-type": "application/json" }, 400, "invalid_request"],
      ['{"number":"4242424242424242"}', { "content-type": "text/plain" }, 415, "unsupported_media_type"],
    ];
    for (const [body, headers, status, code] of cases) {
      const res = await postCard(body, headers);
      expect(res.status, body).toBe(status);
      expect((await res.json()).error.code).toBe(code);
    }
  });

  it("refuses a number in the URL with 405 and Allow", async () => {
    const res = await fetch(url("/api/validate/card?number=4242424242424242"));
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST, OPTIONS");
    expect((await res.json()).error.message).toMatch(/URLs/);
  });

  it("refuses a body over 4.5 MB with Vercel's 413, as production does", async () => {
    const res = await postCard("x".repeat(5 * 1024 * 1024));
    expect(res.status).toBe(413);
    expect(res.headers.get("x-vercel-error")).toBe("FUNCTION_PAYLOAD_TOO_LARGE");
  });

  it("emulates the same body limit the API contract promises for server uploads", () => {
    // Two statements of one platform fact: the runtime's (it emulates Vercel) and the contract's
    // (the product promises it). The runtime is tooling and must not import the product.
    expect(BODY_LIMIT_BYTES).toBe(SERVER_UPLOAD_MAX_BYTES);
  });
});

describe("routing from vercel.json and the api/ folder", () => {
  it("rewrites /healthz to the health function", async () => {
    const res = await fetch(url("/healthz"));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok" });
  });

  it("passes a dynamic segment in the query", async () => {
    expect(await (await fetch(url("/api/card-brands/jcb"))).json()).toMatchObject({ brand: "jcb" });
  });

  it("redirects /validate to /card", async () => {
    const res = await fetch(url("/validate"), { redirect: "manual" });
    expect(res.status).toBe(307);
    expect(res.headers.get("location")).toBe("/card");
  });

  it("serves the web app's pages from the same origin", async () => {
    const res = await fetch(url("/card"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(await res.text()).toContain("Card number check");
  });

  it("answers an unknown path with 404", async () => {
    expect((await fetch(url("/api/nope"))).status).toBe(404);
  });

  it("starts Next's dev server on loopback only (vercel.json's devCommand), never on every interface", async () => {
    const { devCommand } = JSON.parse(await readFile(join(REPO_ROOT, "vercel.json"), "utf8"));
    expect(devCommand).toMatch(/--hostname 127\.0\.0\.1\b/);
  });

  it("keeps Next's dev-only editor launcher away from the browser, and allows React's dev eval", async () => {
    expect((await fetch(url("/__nextjs_launch-editor?file=package.json&lineNumber=1"))).status).toBe(404);
    const csp = (await fetch(url("/card"))).headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toMatch(/script-src [^;]*'unsafe-eval'/);
  });
});
