import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { VercelBlobStore } from "@repo/blob-store/vercel";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configurePipeline } from "./context.ts";
import { reconcile } from "./reconcile.ts";
import { thumbnailPath } from "./result.ts";
import { settled as settledIn } from "./test-support/settled.ts";
import { startVercelBlob } from "./test-support/vercel-blob.ts";
import { listRuns } from "./testing.ts";
import { triggerBlob } from "./trigger.ts";

// The production store: the pipeline on VercelBlobStore, i.e. the real @vercel/blob SDK speaking the
// Vercel Blob protocol (to the repo's server of it). Claims, compare-and-swap writes and derived
// blobs must hold there exactly as on the filesystem store.
let dir: string;
let blob: { store: VercelBlobStore; close: () => Promise<void> };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pipeline-vercel-"));
  blob = await startVercelBlob(dir);
  configurePipeline({ store: blob.store });
});
afterAll(async () => {
  await blob?.close();
  await rm(dir, { recursive: true, force: true, maxRetries: 10 });
});

const settled = (path: string, etag: string) => settledIn(blob.store, path, etag);

describe("the pipeline on Vercel Blob", () => {
  it("processes a CSV once however often its event arrives", async () => {
    const { store } = blob;
    const meta = await store.put("v/sales.csv", "city,amount\nParis,10\nRome,12.5\n", {
      contentType: "text/csv",
    });
    const before = (await listRuns()).length;
    const outcomes = await Promise.all([1, 2, 3, 4].map(() => triggerBlob({ store }, meta, "upload")));
    expect(outcomes.filter((o) => o.started)).toHaveLength(1);
    const doc = await settled(meta.path, meta.etag);
    expect(doc).toMatchObject({ status: "done", kind: "csv", attempt: 1 });
    expect(doc.csv?.columns[1]?.numeric).toMatchObject({ min: 10, max: 12.5 });
    expect((await listRuns()).length - before).toBe(1);
  });

  it("writes an image's thumbnail as a derived blob", async () => {
    const { default: sharp } = await import("sharp");
    const png = await sharp({ create: { width: 30, height: 60, channels: 3, background: "#118844" } })
      .png()
      .toBuffer();
    const meta = await blob.store.put("v/leaf.png", png, { contentType: "image/png" });
    await triggerBlob({ store: blob.store }, meta, "server-put");
    const doc = await settled(meta.path, meta.etag);
    expect(doc.image?.dominantColors[0]?.hex).toBe("#118844");
    const thumb = await blob.store.head(thumbnailPath(meta.path, meta.etag));
    expect(thumb?.contentType).toBe("image/webp");
  });

  it("analyses a large CSV in chunks through ranged reads, the same as in one pass", async () => {
    const { store } = blob;
    const lines = ["id,word,note"];
    for (let i = 0; i < 300; i++) lines.push(`${i},mot-${i % 17}-é,"a ""q""\nb ${i % 5}"`);
    const text = `${lines.join("\n")}\n`;
    const one = await store.put("v/one.csv", text, { contentType: "text/csv" });
    const many = await store.put("v/many.csv", text, { contentType: "text/csv" });
    configurePipeline({ store, chunkBytes: 1 << 30 });
    await triggerBlob({ store }, one, "upload");
    const single = await settled(one.path, one.etag);
    configurePipeline({ store, chunkBytes: 700, chunkParallel: 3 });
    await triggerBlob({ store }, many, "upload");
    const chunked = await settled(many.path, many.etag);
    configurePipeline({ store });
    expect(chunked.chunks?.count).toBe(Math.ceil(Buffer.byteLength(text) / 700));
    expect(chunked.csv?.rows).toBe(300);
    expect(chunked.csv).toEqual(single.csv);
    // No chunk sees the whole file: the hash is the etag's when the etag is a SHA-256 (this
    // protocol server's are), else unknown (Vercel Blob's own).
    const hashEtag = /sha256:/.test(many.etag);
    expect(chunked.file?.sha256).toBe(hashEtag ? single.file?.sha256 : null);
    expect({ ...chunked.file, sha256: null }).toEqual({ ...single.file, sha256: null });
  });

  it("the timer finds a file with no result", async () => {
    const meta = await blob.store.put("v/quiet.csv", "x\n1\n");
    const report = await reconcile({ store: blob.store });
    expect(report.started).toContainEqual({ path: "v/quiet.csv", why: "no result" });
    expect(await settled(meta.path, meta.etag)).toMatchObject({ status: "done", trigger: "cron" });
  });
});
