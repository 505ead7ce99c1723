import { createHmac, randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime, type Runtime } from "@repo/runtime";
import { put } from "@vercel/blob";
import { generateClientTokenFromReadWriteToken, upload } from "@vercel/blob/client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type Account, signUp } from "../support/accounts.js";
import { REPO_ROOT } from "../support/paths.js";

// Uploads over HTTP through the dev runtime, as a signed-in user: the functions use the filesystem
// store in BLOB_DIR and the dev origin speaks the Vercel Blob protocol over the same store
// (vercel-local.config.ts).
let dir: string;
let runtime: Runtime;
let account: Account;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "blobs-http-"));
  process.env.BLOB_DIR = dir;
  process.env.VERCEL_BLOB_RETRIES = "0";
  delete process.env.BLOB_READ_WRITE_TOKEN;
  runtime = await createRuntime({ root: REPO_ROOT, mode: "dev", port: 0, app: false, crons: false });
  // The runtime told the functions where its protocol endpoint is; the SDK in this process uses it too.
  process.env.VERCEL_BLOB_API_URL = process.env.BLOB_LOCAL_API_URL;
  account = await signUp(runtime.url);
});
afterAll(async () => {
  if (runtime) await processingIdle();
  await runtime?.close();
  await rm(dir, { recursive: true, force: true, maxRetries: 10 });
});

const api = (path: string, init?: RequestInit) => account.client.fetch(path, init);
/** What the browser's upload() sends with its token request: the session cookie and the page's origin. */
const session = () => ({ cookie: account.client.cookieHeader(), origin: runtime.url });
const listed = async (prefix: string) =>
  (
    (await (await api(`/api/blobs?prefix=${encodeURIComponent(prefix)}`)).json()) as {
      blobs: { path: string }[];
    }
  ).blobs.map((b) => b.path);

/** Uploads start processing in the background; wait until it has written all it will write. */
async function processingIdle() {
  for (let i = 0; i < 600; i++) {
    const { blobs } = (await (await api("/api/blobs?limit=1000")).json()) as {
      blobs: { result: { status: string } | null }[];
    };
    if (blobs.every((b) => b.result?.status === "done" || b.result?.status === "failed")) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("processing did not settle in 30 s");
}

describe("small uploads through a function", () => {
  it("streams the body into the store", async () => {
    const res = await api("/api/blobs/upload?path=uploads/small.csv", {
      method: "POST",
      body: "a,b\n1,2\n",
      headers: { "content-type": "text/csv" },
    });
    expect(res.status).toBe(201);
    expect(await (await api("/api/blobs/content?path=uploads/small.csv")).text()).toBe("a,b\n1,2\n");
  });

  it.each([
    "path=..%2Fescape.txt",
    "path=%252e%252e%2Fescape.txt",
    "path=%2Fetc%2Fpasswd",
    "path=a%00b",
    `path=${"x".repeat(1200)}`,
    "path=uploads%2F%E2%80%AEevil.txt%07",
    "path=a&path=b",
  ])("refuses %s with 400 and writes nothing", async (query) => {
    await processingIdle();
    const before = await readdir(dir, { recursive: true });
    const res = await api(`/api/blobs/upload?${query}`, { method: "POST", body: "evil" });
    expect(res.status).toBe(400);
    expect(await readdir(dir, { recursive: true })).toEqual(before);
  });
});

describe("client uploads: a scoped, expiring token, then straight to storage", () => {
  it("uploads with the SDK's upload(), and the signed completion callback reaches the app", async () => {
    const seen = vi.spyOn(console, "log");
    const body = randomBytes(3 * 1024 * 1024);
    const blob = await upload(`${account.space}uploads/client.bin`, new Blob([body]), {
      access: "public",
      handleUploadUrl: `${runtime.url}/api/blobs/client-upload`,
      headers: session(),
      contentType: "application/octet-stream",
    });
    expect(blob.pathname).toBe(`${account.space}uploads/client.bin`);
    const stored = Buffer.from(await (await api("/api/blobs/content?path=uploads/client.bin")).arrayBuffer());
    expect(stored.equals(body)).toBe(true);
    expect(await listed("uploads/client")).toEqual(["uploads/client.bin"]);
    const logged = seen.mock.calls.flat().join("\n");
    expect(logged).toContain(`[client-upload] completed uploads/client.bin for user ${account.id}`);
    seen.mockRestore();
    // The callback is the blob trigger: the file is processed.
    await vi.waitFor(
      async () => {
        const { result } = await (await api("/api/blobs/result?path=uploads/client.bin")).json();
        expect(result).toMatchObject({ status: "done", trigger: "upload", kind: "file" });
        expect(result.file.size).toBe(body.length);
      },
      { timeout: 20_000, interval: 100 },
    );
  });

  it("refuses a content type the token does not allow", async () => {
    await expect(
      upload(`${account.space}uploads/tool.exe`, new Blob(["MZ"]), {
        access: "public",
        handleUploadUrl: `${runtime.url}/api/blobs/client-upload`,
        headers: session(),
        contentType: "application/x-msdownload",
      }),
    ).rejects.toThrow(/content type/i);
    expect(await listed("uploads/tool")).toEqual([]);
  });

  it("refuses an expired token and stores nothing", async () => {
    const token = await generateClientTokenFromReadWriteToken({
      token: process.env.BLOB_LOCAL_READ_WRITE_TOKEN ?? "",
      pathname: `${account.space}uploads/late.txt`,
      validUntil: Date.now() - 1000,
    });
    await expect(
      put(`${account.space}uploads/late.txt`, "too late", { access: "public", token }),
    ).rejects.toThrow();
    expect(await listed("uploads/late")).toEqual([]);
  });

  it("rejects a completion callback whose signature is wrong", async () => {
    const event = JSON.stringify({
      type: "blob.upload-completed",
      payload: {
        blob: { pathname: `${account.space}uploads/forged.txt`, url: "http://x/forged.txt" },
        tokenPayload: JSON.stringify({
          userId: account.id,
          path: "uploads/forged.txt",
          requestedAt: new Date().toISOString(),
        }),
      },
    });
    const wrong = createHmac("sha256", "not-the-token").update(event).digest("hex");
    // From storage, not a browser: no cookie, no Origin.
    const res = await fetch(`${runtime.url}/api/blobs/client-upload`, {
      method: "POST",
      body: event,
      headers: { "content-type": "application/json", "x-vercel-signature": wrong },
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("invalid_upload_event");
  });
});
