import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FilesystemBlobStore } from "@repo/blob-store/filesystem";
import type { BlobStore } from "@repo/blob-store/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configurePipeline } from "./context.ts";
import { removeDerived } from "./derived.ts";
import { createResult, readResult } from "./documents.ts";
import { reconcile } from "./reconcile.ts";
import { type BlobResult, queuedResult, resultPath, thumbnailPath } from "./result.ts";
import { settled } from "./test-support/settled.ts";
import { listRuns } from "./testing.ts";
import { restartBlob, triggerBlob } from "./trigger.ts";

// These run the real workflow: @workflow/vitest compiles process-blob.ts and steps.ts and the local
// world runs them in this process, persisting every step as it would in `pnpm dev`.

let dir: string;
let store: FilesystemBlobStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "pipeline-run-"));
  store = new FilesystemBlobStore({ root: dir });
  configurePipeline({ store, csvWorkers: 1 });
});
afterEach(() => rm(dir, { recursive: true, force: true, maxRetries: 10 }));

/** A store whose full reads of one path fail `times` times with a transient store error. */
function flaky(inner: BlobStore, path: string, times: number): BlobStore & { failures: number } {
  const wrapped = Object.create(inner) as BlobStore & { failures: number };
  wrapped.failures = 0;
  wrapped.get = async (p, options) => {
    if (p === path && !options?.range && wrapped.failures < times) {
      wrapped.failures++;
      const error = new Error("connection reset by the store") as Error & { code: string };
      error.name = "BlobError";
      error.code = "store_error";
      throw error;
    }
    return inner.get(p, options);
  };
  return wrapped;
}

describe("processBlob", () => {
  it("takes a CSV from queued to done, with timings and statistics", async () => {
    const blob = await store.put("in/sales.csv", "region,amount\nnorth,10\nsouth,32.5\nnorth,\n", {
      contentType: "text/csv",
    });
    const outcome = await triggerBlob({ store }, blob, "server-put");
    expect(outcome).toMatchObject({ started: true, reason: "started" });
    expect(outcome.result?.status).toBe("queued");
    const doc = await settled(store, blob.path, blob.etag);
    expect(doc).toMatchObject({
      status: "done",
      kind: "csv",
      attempt: 1,
      trigger: "server-put",
      error: null,
    });
    expect(doc.runId).toMatch(/^wrun_/);
    expect(doc.csv?.rows).toBe(3);
    const amount = doc.csv?.columns.find((c) => c.name === "amount");
    expect(amount?.numeric).toMatchObject({ min: 10, max: 32.5 });
    expect(amount?.nulls).toBe(1);
    expect(doc.progress).toEqual({ bytes: blob.size, total: blob.size });
    expect(Date.parse(doc.timings.finishedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(doc.timings.queuedAt));
    expect(doc.timings.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("the same event delivered ten times at once starts one run", async () => {
    const blob = await store.put("in/once.csv", "a\n1\n2\n");
    const before = (await listRuns()).length;
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => triggerBlob({ store }, blob, "upload")),
    );
    expect(outcomes.filter((o) => o.started)).toHaveLength(1);
    expect(outcomes.filter((o) => o.reason === "duplicate")).toHaveLength(9);
    const doc = await settled(store, blob.path, blob.etag);
    expect(doc.status).toBe("done");
    expect((await listRuns()).length - before).toBe(1);
    // Delivered again later, still nothing new.
    expect(await triggerBlob({ store }, blob, "upload")).toMatchObject({
      started: false,
      reason: "duplicate",
    });
    expect((await listRuns()).length - before).toBe(1);
  });

  it("never processes derived blobs", async () => {
    const at = resultPath("x.csv", '"e1"');
    const outcome = await triggerBlob({ store }, { path: at, etag: '"e2"' }, "server-put");
    expect(outcome).toEqual({ started: false, reason: "derived", result: null });
    expect(await store.head(resultPath(at, '"e2"'))).toBeNull();
  });

  it("an image gets its thumbnail, palette and metadata", async () => {
    const { default: sharp } = await import("sharp");
    const png = await sharp({ create: { width: 64, height: 32, channels: 4, background: "#3366ff" } })
      .png()
      .toBuffer();
    const blob = await store.put("pics/blue.png", png, { contentType: "image/png" });
    await triggerBlob({ store }, blob, "upload");
    const doc = await settled(store, blob.path, blob.etag);
    expect(doc).toMatchObject({ status: "done", kind: "image" });
    expect(doc.image?.dominantColors[0]?.hex).toBe("#3366ff");
    expect(await store.head(thumbnailPath(blob.path, blob.etag))).not.toBeNull();
  });

  it("a transient read failure is retried by the step, and the result still arrives once", async () => {
    const blob = await store.put("in/flaky.csv", "n\n1\n2\n3\n");
    const shaky = flaky(store, blob.path, 2);
    configurePipeline({ store: shaky, csvWorkers: 1 });
    await triggerBlob({ store: shaky }, blob, "upload");
    const doc = await settled(store, blob.path, blob.etag);
    expect(shaky.failures).toBe(2);
    expect(doc).toMatchObject({ status: "done", attempt: 1 });
    expect(doc.csv?.rows).toBe(3);
  });

  it("a failure that outlasts the retries ends as failed, with the reason", async () => {
    const blob = await store.put("in/down.csv", "n\n1\n");
    const down = flaky(store, blob.path, 1000);
    configurePipeline({ store: down, csvWorkers: 1 });
    await triggerBlob({ store: down }, blob, "upload");
    const doc = await settled(store, blob.path, blob.etag);
    expect(doc.status).toBe("failed");
    expect(doc.error?.code).toBe("processing_failed");
    expect(doc.error?.message).toMatch(/connection reset/);
    expect(down.failures).toBe(3); // analyzeBlob.maxRetries = 2: three tries in all
  });

  it("a corrupt image fails at once with a reason a person can act on", async () => {
    const blob = await store.put(
      "pics/cut.png",
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0, 0]),
    );
    await triggerBlob({ store }, blob, "upload");
    const doc = await settled(store, blob.path, blob.etag);
    expect(doc).toMatchObject({ status: "failed", kind: "image", error: { code: "corrupt" } });
    expect(doc.error?.message).toMatch(/truncated or damaged/);
  });

  it("a version replaced before its run starts is not processed as the new one", async () => {
    const first = await store.put("in/v.csv", "a\n1\n");
    await store.put("in/v.csv", "a\n1\n2\n", { overwrite: true });
    await triggerBlob({ store }, first, "upload");
    const doc = await settled(store, first.path, first.etag);
    expect(doc).toMatchObject({ status: "failed", error: { code: "replaced" } });
  });
});

describe("restartBlob", () => {
  it("refuses to reprocess while queued, then starts attempt 2 once settled", async () => {
    const blob = await store.put("in/r.csv", "a\n1\n");
    await createResult(store, queuedResult({ ...blob, attempt: 1, trigger: "upload", now: new Date() }));
    await expect(restartBlob({ store }, blob, "reprocess")).rejects.toMatchObject({
      name: "PipelineError",
      code: "busy",
    });
    const stuck = await readResult(store, blob.path, blob.etag);
    await store.put(
      resultPath(blob.path, blob.etag),
      JSON.stringify({ ...stuck?.doc, status: "failed", error: { code: "x", message: "x" } }),
      { overwrite: true },
    );
    const outcome = await restartBlob({ store }, blob, "reprocess");
    expect(outcome).toMatchObject({ started: true, result: { attempt: 2, trigger: "reprocess" } });
    const doc = await settled(store, blob.path, blob.etag);
    expect(doc).toMatchObject({ status: "done", attempt: 2 });
  });
});

describe("reconcile (the timer trigger)", () => {
  it("starts a blob whose trigger was lost, and leaves finished ones alone", async () => {
    const missed = await store.put("in/missed.csv", "a\n1\n");
    const report = await reconcile({ store });
    expect(report.started).toEqual([{ path: "in/missed.csv", why: "no result" }]);
    const doc = await settled(store, missed.path, missed.etag);
    expect(doc).toMatchObject({ status: "done", trigger: "cron" });
    const again = await reconcile({ store });
    expect(again).toMatchObject({ scanned: 1, started: [], problems: [] });
  });

  it("retries a failed result up to the attempt limit", async () => {
    const blob = await store.put("in/f.csv", "a\n1\n");
    const failed = (attempt: number): BlobResult => ({
      ...queuedResult({ ...blob, attempt, trigger: "upload", now: new Date() }),
      status: "failed",
      error: { code: "processing_failed", message: "boom" },
    });
    await store.put(resultPath(blob.path, blob.etag), JSON.stringify(failed(1)));
    const report = await reconcile({ store });
    expect(report.started[0]?.why).toMatch(/failed \(attempt 1 of 3\)/);
    expect(await settled(store, blob.path, blob.etag)).toMatchObject({ status: "done", attempt: 2 });

    await store.put(resultPath(blob.path, blob.etag), JSON.stringify(failed(3)), { overwrite: true });
    expect((await reconcile({ store })).started).toEqual([]);
  });

  it("restarts a queued result whose run never started", async () => {
    const blob = await store.put("in/lost.csv", "a\n1\n");
    const old = new Date(Date.now() - 10 * 60_000);
    await createResult(store, queuedResult({ ...blob, attempt: 1, trigger: "upload", now: old }));
    const report = await reconcile({ store });
    expect(report.started).toEqual([{ path: "in/lost.csv", why: "queued but never started" }]);
    expect(await settled(store, blob.path, blob.etag)).toMatchObject({ status: "done", attempt: 2 });
  });

  it("removes results of deleted files, and removeDerived keeps a folder's own files", async () => {
    const blob = await store.put("gone.csv", "a\n1\n");
    await triggerBlob({ store }, blob, "upload");
    await settled(store, blob.path, blob.etag);
    await store.delete(blob.path);
    const report = await reconcile({ store }, { orphanGraceMs: 0 });
    expect(report.removed).toEqual([resultPath(blob.path, blob.etag)]);

    const inner = await store.put("a.csv/inner.csv", "a\n1\n");
    await triggerBlob({ store }, inner, "upload");
    await settled(store, inner.path, inner.etag);
    expect(await removeDerived(store, "a.csv")).toBe(0);
    expect(await removeDerived(store, "a.csv/inner.csv")).toBe(1);
  });
});
