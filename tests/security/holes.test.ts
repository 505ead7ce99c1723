import { mkdtemp, rm } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FilesystemBlobStore } from "@repo/blob-store/filesystem";
import { createRuntime, type Runtime } from "@repo/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Account, signUp } from "../support/accounts.js";
import { clientTokenPayload } from "../support/client-token.js";
import { REPO_ROOT } from "../support/paths.js";
import { settledResult } from "../support/results.js";

// The holes an attacker found from outside, each tried again: every one must now be closed.
let dir: string;
let runtime: Runtime;
let store: FilesystemBlobStore;
let victim: Account;
let attacker: Account;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "holes-"));
  process.env.BLOB_DIR = dir;
  delete process.env.BLOB_READ_WRITE_TOKEN;
  runtime = await createRuntime({ root: REPO_ROOT, mode: "dev", port: 0, app: false, crons: false });
  store = new FilesystemBlobStore({ root: dir });
  victim = await signUp(runtime.url, "Victim");
  attacker = await signUp(runtime.url, "Attacker");
  const put = await victim.client.fetch("/api/blobs/upload?path=report.csv", {
    method: "POST",
    body: "a,b\n1,2\n",
    headers: { "content-type": "text/csv" },
  });
  expect(put.status).toBe(201);
  await settledResult(victim, "report.csv");
});
afterAll(async () => {
  await runtime?.close();
  await rm(dir, { recursive: true, force: true, maxRetries: 10 });
});

const tokenFor = async (account: Account, name: string) => {
  const res = await account.client.call("POST", "/api/blobs/client-upload", {
    type: "blob.generate-client-token",
    payload: { pathname: `${account.space}${name}`, clientPayload: null, multipart: true },
  });
  expect(res.status).toBe(200);
  return res.json.clientToken as string;
};

/** A raw request to the local Vercel Blob endpoint, as the SDK sends it. */
const protocol = (
  path: string,
  token: string,
  init: RequestInit & { headers?: Record<string, string> } = {},
) =>
  fetch(`${runtime.url}/__vercel_blob/api${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      "x-api-version": "12",
      "x-vercel-blob-access": "public",
      ...init.headers,
    },
  });

describe("1. multipart staging forgery", () => {
  it("cannot plant a staging record through the API: it lands in the caller's own space", async () => {
    const res = await attacker.client.fetch(
      "/api/blobs/upload?path=.vercel-blob-protocol/multipart/forged0123456789abcdef/manifest.json",
      { method: "POST", body: "{}", headers: { "content-type": "application/json" } },
    );
    expect(res.status).toBe(201);
    expect(
      await store.head(".vercel-blob-protocol/multipart/forged0123456789abcdef/manifest.json"),
    ).toBeNull();
  });

  it("refuses a manifest this server did not sign, so a client token cannot complete into another path", async () => {
    const token = await tokenFor(attacker, "uploads/attacker.csv");
    const uploadId = "forgedUploadId0123456789";
    const victimResult = (await store.list({ prefix: `_results/${victim.space}report.csv/` })).blobs[0];
    expect(victimResult).toBeDefined();
    // Planted by any means other than the protocol (here: straight into the store).
    await store.put(
      `.vercel-blob-protocol/multipart/${uploadId}/manifest.json`,
      JSON.stringify({
        requestedPathname: `${attacker.space}uploads/attacker.csv`,
        pathname: victimResult?.path,
        write: {
          access: "public",
          contentType: "application/json",
          addRandomSuffix: false,
          allowOverwrite: true,
          cacheControlMaxAge: 60,
        },
        mac: "0".repeat(64),
      }),
      { contentType: "application/json" },
    );
    const headers = {
      "x-mpu-key": encodeURIComponent(victimResult?.path ?? ""),
      "x-mpu-upload-id": uploadId,
      "x-content-type": "text/csv",
    };
    const pathname = encodeURIComponent(`${attacker.space}uploads/attacker.csv`);
    const part = await protocol(`/mpu?pathname=${pathname}`, token, {
      method: "POST",
      body: '{"status":"done","forged":true}',
      headers: { ...headers, "x-mpu-action": "upload", "x-mpu-part-number": "1" },
    });
    expect(part.status).toBe(400);
    const complete = await protocol(`/mpu?pathname=${pathname}`, token, {
      method: "POST",
      body: JSON.stringify([{ partNumber: 1, etag: "x" }]),
      headers: { ...headers, "x-mpu-action": "complete", "content-type": "application/json" },
    });
    expect(complete.status).toBe(400);
    const after = await settledResult(victim, "report.csv");
    expect(after.status).toBe("done");
    expect(JSON.stringify(after)).not.toContain("forged");
  });

  it("counts multipart parts against the token's size as they arrive", async () => {
    const res = await attacker.client.call("POST", "/api/blobs/client-upload", {
      type: "blob.generate-client-token",
      payload: {
        pathname: `${attacker.space}uploads/big.bin`,
        clientPayload: JSON.stringify({ size: 1000 }),
        multipart: true,
      },
    });
    const token = res.json.clientToken as string;
    const pathname = encodeURIComponent(`${attacker.space}uploads/big.bin`);
    const created = await protocol(`/mpu?pathname=${pathname}`, token, {
      method: "POST",
      headers: { "x-mpu-action": "create", "x-content-type": "application/octet-stream" },
    });
    expect(created.status).toBe(200);
    const { key, uploadId } = await created.json();
    const part = (n: number, bytes: number) =>
      protocol(`/mpu?pathname=${pathname}`, token, {
        method: "POST",
        body: new Uint8Array(bytes),
        headers: {
          "x-mpu-action": "upload",
          "x-mpu-key": encodeURIComponent(key),
          "x-mpu-upload-id": uploadId,
          "x-mpu-part-number": String(n),
          "x-content-type": "application/octet-stream",
        },
      });
    expect((await part(1, 600)).status).toBe(200);
    const second = await part(2, 600);
    expect(second.status).toBe(413);
  });
});

describe("2. stored files never run on the app's origin", () => {
  it("refuses HTML and SVG as upload types", async () => {
    for (const type of ["text/html", "image/svg+xml"]) {
      const res = await attacker.client.fetch("/api/blobs/upload?path=evil.html", {
        method: "POST",
        body: "<script>alert(document.cookie)</script>",
        headers: { "content-type": type },
      });
      expect(res.status, type).toBe(415);
    }
  });

  it("serves whatever is stored sandboxed, unsniffed, and as a download unless it cannot run", async () => {
    const token = await tokenFor(attacker, "evil.bin");
    const put = await protocol(`/?pathname=${encodeURIComponent(`${attacker.space}evil.bin`)}`, token, {
      method: "PUT",
      body: "<html><script>alert(document.cookie)</script></html>",
      headers: { "x-content-type": "application/octet-stream" },
    });
    expect(put.status).toBe(200);
    const { url } = await put.json();
    const res = await fetch(url);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toMatch(/^sandbox;.*default-src 'none'/);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment;/);
  });
});

describe("3. the completion callback", () => {
  it("goes to the app's own URL whatever Host the token request names", async () => {
    const body = JSON.stringify({
      type: "blob.generate-client-token",
      payload: { pathname: `${attacker.space}host.csv`, clientPayload: null, multipart: false },
    });
    const { port } = new URL(runtime.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(
        {
          host: "127.0.0.1",
          port,
          path: "/api/blobs/client-upload",
          method: "POST",
          headers: {
            host: "127.0.0.1:4399",
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            cookie: attacker.client.cookieHeader(),
          },
        },
        (res) => {
          let text = "";
          res.on("data", (c) => (text += c));
          res.on("end", () => resolve(text));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    const { clientToken } = JSON.parse(answer);
    expect(clientTokenPayload(clientToken).onUploadCompleted?.callbackUrl).toBe(
      `${runtime.url}/api/blobs/client-upload`,
    );
  });
});

describe("5. the workflow engine's queue endpoints", () => {
  it.each(["flow", "step"])("refuse a crafted delivery to %s with 403, never a 500", async (kind) => {
    const res = await fetch(`${runtime.url}/.well-known/workflow/v1/${kind}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-vqs-queue-name": "__wkf_workflow_x",
        "x-vqs-message-id": "msg_x",
        "x-vqs-message-attempt": "1",
      },
      body: JSON.stringify({
        runId: "wrun_made_up",
        traceCarrier: {},
        requestedAt: new Date().toISOString(),
      }),
    });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("forbidden");
  });
});

describe("6. the staging area", () => {
  it("is neither listed to users nor processed by the timer", async () => {
    await store.put(".vercel-blob-protocol/multipart/abandoned0123456789/part-1", "city\nParis\n", {
      contentType: "text/csv",
    });
    const listed = await attacker.client.call("GET", "/api/blobs?prefix=.vercel-blob-protocol/");
    expect(listed.json.blobs.map((b: { path: string }) => b.path)).toEqual([
      ".vercel-blob-protocol/multipart/forged0123456789abcdef/manifest.json",
    ]);
    const cron = await runtime.runCron("/api/cron/reconcile");
    expect(cron.status).toBe(200);
    const report = await cron.json();
    expect(JSON.stringify(report.started)).not.toContain(".vercel-blob-protocol");
    expect((await store.list({ prefix: "_results/.vercel-blob-protocol/" })).blobs).toEqual([]);
  });
});

describe("7. names that collide or mislead", () => {
  it.each([
    ["invalid UTF-8", "uploads%2F%FF%FE.csv"],
    ["a bidi override", encodeURIComponent("uploads/a\u202Egpj.exe")],
    ["fullwidth dots", encodeURIComponent("\uFF0E\uFF0E/x.csv")],
  ])("refuses %s with 400 and stores nothing", async (_what, query) => {
    const res = await attacker.client.fetch(`/api/blobs/upload?path=${query}`, {
      method: "POST",
      body: "x",
      headers: { "content-type": "text/plain" },
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("blob_invalid_path");
  });
});

describe("8. ranges on the blob endpoint", () => {
  it("clamps a huge last byte and honours If-Range", async () => {
    const token = await tokenFor(attacker, "digits.txt");
    const put = await protocol(`/?pathname=${encodeURIComponent(`${attacker.space}digits.txt`)}`, token, {
      method: "PUT",
      body: "0123456789",
      headers: { "x-content-type": "text/plain" },
    });
    const { url, etag } = await put.json();
    const huge = await fetch(url, { headers: { range: "bytes=0-9007199254740993" } });
    expect(huge.status).toBe(206);
    expect(huge.headers.get("content-range")).toBe("bytes 0-9/10");
    const stale = await fetch(url, { headers: { range: "bytes=0-1", "if-range": '"another-version"' } });
    expect(stale.status).toBe(200);
    expect(await stale.text()).toBe("0123456789");
    const fresh = await fetch(url, { headers: { range: "bytes=0-1", "if-range": etag } });
    expect(fresh.status).toBe(206);
  });
});

describe("11. versions", () => {
  it("processes the same bytes again under another type, and drops a replaced version's results at once", async () => {
    const send = (type: string, body = "a,b\n1,2\n") =>
      attacker.client.fetch("/api/blobs/upload?path=v.csv&overwrite=true", {
        method: "POST",
        body,
        headers: { "content-type": type },
      });
    expect((await send("text/csv")).status).toBe(201);
    expect((await settledResult(attacker, "v.csv")).file.claimedType).toBe("text/csv");
    expect((await send("text/plain")).status).toBe(201);
    const again = await settledResult(attacker, "v.csv");
    expect(again.file.claimedType).toBe("text/plain");
    expect(again.attempt).toBe(2);
    expect((await send("text/csv", "a,b\n3,4\n")).status).toBe(201);
    await settledResult(attacker, "v.csv");
    const results = await attacker.client.call("GET", "/api/blobs?prefix=_results/v.csv/");
    expect(results.json.blobs.filter((b: { path: string }) => b.path.endsWith(".json"))).toHaveLength(1);
  });
});
