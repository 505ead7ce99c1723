import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime, type Runtime } from "@repo/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Account, PASSWORD, signUp } from "../support/accounts.js";
import { clientTokenPayload } from "../support/client-token.js";
import { REPO_ROOT } from "../support/paths.js";
import { settledResult } from "../support/results.js";

// Abuse limits, tried from outside: how often one may ask for tokens, upload, reprocess and try a
// password, and how much one may store. Low limits, set before the runtime starts.
const KiB = 1024;
let dir: string;
let runtime: Runtime;
let user: Account;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "limits-"));
  Object.assign(process.env, {
    BLOB_DIR: dir,
    STORAGE_QUOTA_BYTES: String(64 * KiB),
    RATE_LIMIT_UPLOAD_TOKENS_PER_MINUTE: "20",
    RATE_LIMIT_UPLOADS_PER_MINUTE: "6",
    RATE_LIMIT_REPROCESS_PER_MINUTE: "2",
    REPROCESS_MAX_ATTEMPTS: "2",
    RATE_LIMIT_SIGN_IN_PER_MINUTE: "5",
  });
  runtime = await createRuntime({ root: REPO_ROOT, mode: "dev", port: 0, app: false, crons: false });
  user = await signUp(runtime.url, "Limited");
});
afterAll(async () => {
  await runtime?.close();
  await rm(dir, { recursive: true, force: true, maxRetries: 10 });
});

const tokenRequest = (account: Account, name: string, size?: number) =>
  account.client.call("POST", "/api/blobs/client-upload", {
    type: "blob.generate-client-token",
    payload: {
      pathname: `${account.space}uploads/${name}`,
      clientPayload: size === undefined ? null : JSON.stringify({ size }),
      multipart: false,
    },
  });

describe("rate limits", () => {
  it("lets 20 of 300 token requests sent in a second through; the rest get 429 with Retry-After", async () => {
    const greedy = await signUp(runtime.url, "Greedy");
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) => tokenRequest(greedy, `f${i}.csv`, 10)),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(280);
    const refused = answers.find((a) => a.status === 429);
    expect(refused?.json.error.code).toBe("rate_limited");
    expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThan(0);
    // The limit is the user's: someone else still gets a token.
    expect((await tokenRequest(user, "other.csv", 10)).status).toBe(200);
  });

  it("limits server-side uploads per user", async () => {
    const uploader = await signUp(runtime.url, "Uploader");
    const statuses = [];
    for (let i = 0; i < 8; i++) {
      const res = await uploader.client.fetch(`/api/blobs/upload?path=uploads/u${i}.txt`, {
        method: "POST",
        body: "x",
        headers: { "content-type": "text/plain" },
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201, 201, 429, 429]);
  });

  it("caps reprocessing of a version, and limits how often one may ask", async () => {
    const worker = await signUp(runtime.url, "Worker");
    const put = await worker.client.fetch("/api/blobs/upload?path=r.csv", {
      method: "POST",
      body: "a\n1\n",
      headers: { "content-type": "text/csv" },
    });
    expect(put.status).toBe(201);
    await settledResult(worker, "r.csv");
    const again = await worker.client.call("POST", "/api/blobs/reprocess?path=r.csv");
    expect(again.status).toBe(202);
    await settledResult(worker, "r.csv");
    const capped = await worker.client.call("POST", "/api/blobs/reprocess?path=r.csv");
    expect(capped.status).toBe(409);
    expect(capped.json.error).toMatchObject({
      code: "attempt_limit",
      details: { attempts: 2, maxAttempts: 2 },
    });
    const limited = await worker.client.call("POST", "/api/blobs/reprocess?path=r.csv");
    expect(limited.status).toBe(429);
  });

  it("limits password guesses per client address", async () => {
    const guesses = [];
    for (let i = 0; i < 7; i++) {
      const res = await user.client.call("POST", "/api/auth/sign-in/email", {
        email: user.email,
        password: `guess ${i}`,
      });
      guesses.push(res.status);
    }
    expect(guesses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(guesses.slice(5)).toEqual([429, 429]);
    const refused = await user.client.fetch("/api/auth/sign-in/email", {
      method: "POST",
      body: JSON.stringify({ email: user.email, password: PASSWORD }),
      headers: { "content-type": "application/json" },
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("the storage quota", () => {
  let saver: Account;
  beforeAll(async () => {
    saver = await signUp(runtime.url, "Saver");
  });
  const upload = (path: string, bytes: number) =>
    saver.client.fetch(`/api/blobs/upload?path=${path}`, {
      method: "POST",
      body: "x".repeat(bytes),
      headers: { "content-type": "text/plain" },
    });

  it("takes files up to the quota, then refuses with 413 saying what is left, and keeps nothing", async () => {
    expect((await upload("a.txt", 40 * KiB)).status).toBe(201);
    const over = await upload("b.txt", 30 * KiB);
    expect(over.status).toBe(413);
    const { error } = await over.json();
    expect(error).toMatchObject({
      code: "quota_exceeded",
      details: { quotaBytes: 64 * KiB, usedBytes: 40 * KiB, remainingBytes: 24 * KiB },
    });
    expect((await saver.client.fetch("/api/blobs/info?path=b.txt")).status).toBe(404);
    // Streamed without a length, it is cut off where the room ends, and nothing of it stays.
    const streamed = await saver.client.fetch("/api/blobs/upload?path=s.txt", {
      method: "POST",
      body: new Blob(["x".repeat(30 * KiB)]).stream(),
      headers: { "content-type": "text/plain" },
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await streamed.json()).error.code).toBe("quota_exceeded");
    expect((await saver.client.fetch("/api/blobs/info?path=s.txt")).status).toBe(404);
    expect((await saver.client.call("GET", "/api/blobs/config")).json.quota.usedBytes).toBe(40 * KiB);
  });

  it("sizes client tokens to the file and to what is left", async () => {
    const fits = await tokenRequest(saver, "c.csv", 10 * KiB);
    expect(fits.status).toBe(200);
    expect(clientTokenPayload(fits.json.clientToken).maximumSizeInBytes).toBe(10 * KiB);
    const undeclared = await tokenRequest(saver, "d.csv");
    expect(clientTokenPayload(undeclared.json.clientToken).maximumSizeInBytes).toBe(24 * KiB);
    const tooBig = await tokenRequest(saver, "e.csv", 30 * KiB);
    expect(tooBig.status).toBe(413);
    expect(tooBig.json.error.details.remainingBytes).toBe(24 * KiB);
  });

  it("gives the room back when a file is deleted, and shows the quota in the config", async () => {
    expect((await saver.client.fetch("/api/blobs?path=a.txt", { method: "DELETE" })).status).toBe(204);
    const config = await saver.client.call("GET", "/api/blobs/config");
    expect(config.json.quota).toEqual({ quotaBytes: 64 * KiB, usedBytes: 0, remainingBytes: 64 * KiB });
    expect((await upload("b.txt", 30 * KiB)).status).toBe(201);
  });
});
