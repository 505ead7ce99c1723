import { createHmac } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FilesystemBlobStore } from "@repo/blob-store/filesystem";
import { listRuns } from "@repo/pipeline/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signedIn, type TestUser } from "../_test/accounts.js";

// The blob trigger through the functions: uploads start processing (the workflow runs in this process,
// see vitest.setup.ts), results and reprocessing are answered, and the timer trigger reconciles.
let dir: string;
let store: FilesystemBlobStore;
const SECRET = "test-cron-secret-0123456789";
const TOKEN = "vercel_blob_rw_local_testtoken0123456789";

const load = async () => ({
  list: await import("./index.js"),
  upload: await import("./upload.js"),
  result: await import("./result.js"),
  reprocess: await import("./reprocess.js"),
  clientUpload: await import("./client-upload.js"),
  cron: await import("../cron/reconcile.js"),
});
let api: Awaited<ReturnType<typeof load>>;
let user: TestUser;
/** Where the store keeps one of the user's files. */
const stored = (path: string) => `users/${user.id}/${path}`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "blobs-pipeline-"));
  process.env.BLOB_DIR = dir;
  process.env.CRON_SECRET = SECRET;
  process.env.BLOB_LOCAL_READ_WRITE_TOKEN = TOKEN;
  delete process.env.BLOB_READ_WRITE_TOKEN;
  store = new FilesystemBlobStore({ root: dir });
  api = await load();
  user = await signedIn();
});
afterAll(() => rm(dir, { recursive: true, force: true, maxRetries: 10 }));

const at = (path: string, query: Record<string, string> = {}) =>
  `http://localhost${path}?${new URLSearchParams(query)}`;

async function upload(path: string, body: BodyInit, type = "text/csv") {
  return api.upload.POST(
    user.request(at("/api/blobs/upload", { path }), {
      method: "POST",
      body,
      headers: { "content-type": type },
    }),
  );
}

async function result(path: string) {
  const res = await api.result.GET(user.request(at("/api/blobs/result", { path })));
  return { status: res.status, body: await res.json() };
}

async function settled(path: string, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await result(path);
    const status = body.result?.status;
    if (status === "done" || status === "failed") return body;
    if (Date.now() > until) throw new Error(`${path} still ${status ?? "unqueued"}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const cron = (authorization?: string) =>
  api.cron.GET(
    new Request("http://localhost/api/cron/reconcile", {
      headers: authorization ? { authorization, "user-agent": "vercel-cron/1.0" } : {},
    }),
  );

describe("the trigger on a server-side upload", () => {
  it("queues at once and is done soon after, with statistics", async () => {
    const res = await upload("t/sales.csv", "city,amount\nParis,10\nRome,12.5\n");
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.result).toMatchObject({ status: "queued", attempt: 1 });
    const done = await settled("t/sales.csv");
    expect(done.result).toMatchObject({ status: "done", kind: "csv", trigger: "server-put" });
    expect(done.result.csv.columns[1].numeric).toMatchObject({ min: 10, max: 12.5 });
    // The document is written by the run's last step; the engine marks the run completed right after.
    await vi.waitFor(async () => expect((await result("t/sales.csv")).body.run.status).toBe("completed"), {
      timeout: 10_000,
    });
  });

  it("lists files with their status and hides the derived blobs", async () => {
    await settled("t/sales.csv");
    const res = await api.list.GET(user.request(at("/api/blobs", { prefix: "" })));
    const { blobs } = await res.json();
    expect(blobs.map((b: { path: string }) => b.path)).toEqual(["t/sales.csv"]);
    expect(blobs[0].result).toMatchObject({ status: "done", kind: "csv" });
    const derived = await api.list.GET(user.request(at("/api/blobs", { prefix: "_results/" })));
    expect((await derived.json()).blobs).toHaveLength(1);
  });

  it("refuses uploads into the results folder", async () => {
    const res = await upload("_results/fake.json", "{}", "application/json");
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("reserved_path");
  });
});

describe("GET /api/blobs/result", () => {
  it("404 for no such file, 400 without a path", async () => {
    expect((await result("t/none.csv")).status).toBe(404);
    const res = await api.result.GET(user.request("http://localhost/api/blobs/result"));
    expect(res.status).toBe(400);
  });
});

describe("POST /api/blobs/reprocess", () => {
  it("starts a new attempt of a finished file; 409 while it is queued; 404 for none", async () => {
    await upload("t/again.csv", "n\n1\n");
    await settled("t/again.csv");
    const post = (path: string) =>
      api.reprocess.POST(user.request(at("/api/blobs/reprocess", { path }), { method: "POST" }));
    const res = await post("t/again.csv");
    expect(res.status).toBe(202);
    expect((await res.json()).result).toMatchObject({ status: "queued", attempt: 2, trigger: "reprocess" });
    const busy = await post("t/again.csv");
    if (busy.status !== 202) {
      expect(busy.status).toBe(409);
      expect((await busy.json()).error.code).toBe("still_processing");
    }
    const done = await settled("t/again.csv");
    expect(done.result.attempt).toBeGreaterThanOrEqual(2);
    expect((await post("t/nothing.csv")).status).toBe(404);
  });
});

describe("the client-upload completion callback", () => {
  const completion = (pathname: string, tokenPayload: unknown) => {
    const event = JSON.stringify({
      type: "blob.upload-completed",
      payload: {
        blob: { pathname, url: "http://localhost/x", contentType: "text/csv" },
        tokenPayload: JSON.stringify(tokenPayload),
      },
    });
    const signature = createHmac("sha256", TOKEN).update(event).digest("hex");
    return () =>
      api.clientUpload.POST(
        new Request("http://localhost/api/blobs/client-upload", {
          method: "POST",
          body: event,
          headers: { "content-type": "application/json", "x-vercel-signature": signature },
        }),
      );
  };
  const payload = (userId: string, path: string) => ({ userId, path, requestedAt: new Date().toISOString() });

  it("delivered twice starts one run", async () => {
    const blob = await store.put(stored("t/twice.csv"), "a\n1\n", { contentType: "text/csv" });
    const deliver = completion(blob.path, payload(user.id, "t/twice.csv"));
    const before = (await listRuns()).length;
    const answers = await Promise.all([deliver(), deliver()]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    const done = await settled("t/twice.csv");
    expect(done.result).toMatchObject({ status: "done", trigger: "upload", attempt: 1 });
    expect((await listRuns()).length - before).toBe(1);
  });

  it("refuses a completion whose owner is not the space the file landed in", async () => {
    const blob = await store.put(stored("t/mismatch.csv"), "a\n1\n", { contentType: "text/csv" });
    const res = await completion(blob.path, payload("someoneelse", "t/mismatch.csv"))();
    expect(res.status).toBe(400);
    expect((await completion(blob.path, { uploader: "Ada" })()).status).toBe(400);
  });

  it("removes a file that lands after its owner deleted the account", async () => {
    const leaving = await signedIn("Leaving");
    const deleted = await leaving.client.call("POST", "/api/auth/delete-user", {
      password: "correct horse battery",
    });
    expect(deleted.status).toBe(200);
    const late = await store.put(`users/${leaving.id}/late.csv`, "a\n1\n", { contentType: "text/csv" });
    expect((await completion(late.path, payload(leaving.id, "late.csv"))()).status).toBe(200);
    expect(await store.head(late.path)).toBeNull();
  });
});

describe("GET /api/cron/reconcile (the timer trigger)", () => {
  it("refuses callers without the secret", async () => {
    expect((await cron()).status).toBe(401);
    expect((await cron("Bearer wrong-secret-wrong-secret")).status).toBe(401);
  });

  it("finds a file whose trigger never fired and processes it", async () => {
    await store.put(stored("t/missed.csv"), "x\n1\n2\n", { contentType: "text/csv" });
    expect((await result("t/missed.csv")).body.result).toBeNull();
    const res = await cron(`Bearer ${SECRET}`);
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(report.started).toContainEqual({ path: stored("t/missed.csv"), why: "no result" });
    expect((await settled("t/missed.csv")).result).toMatchObject({ status: "done", trigger: "cron" });
  });

  it("is a 503 naming CRON_SECRET when the project has none", async () => {
    vi.resetModules();
    delete process.env.CRON_SECRET;
    const fresh = await import("../cron/reconcile.js");
    const res = await fresh.GET(new Request("http://localhost/api/cron/reconcile"));
    expect(res.status).toBe(503);
    expect((await res.json()).error.message).toMatch(/CRON_SECRET/);
    process.env.CRON_SECRET = SECRET;
  });
});

describe("DELETE /api/blobs", () => {
  it("removes the file's results with it", async () => {
    await upload("t/bye.csv", "a\n1\n");
    await settled("t/bye.csv");
    const res = await api.list.DELETE(
      user.request(at("/api/blobs", { path: "t/bye.csv" }), { method: "DELETE" }),
    );
    expect(res.status).toBe(204);
    const left = await store.list({ prefix: `_results/${stored("t/bye.csv")}/` });
    expect(left.blobs).toEqual([]);
  });
});
