import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FilesystemBlobStore } from "@repo/blob-store/filesystem";
import type { BlobStore, ByteRange } from "@repo/blob-store/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configurePipeline } from "./context.ts";
import { removeDerived } from "./derived.ts";
import { readResult } from "./documents.ts";
import { type BlobResult, type ChunkProgress, chunkPartialPath, resultPath } from "./result.ts";
import { settled } from "./test-support/settled.ts";
import { triggerBlob } from "./trigger.ts";

// The real workflow with tiny chunks: every chunk its own step, run concurrently by the local world.

let dir: string;
let store: FilesystemBlobStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "pipeline-chunks-"));
  store = new FilesystemBlobStore({ root: dir });
});
afterEach(() => rm(dir, { recursive: true, force: true, maxRetries: 10 }));

/**
 * A store that records the reads of `path` and fails the first `failures` reads of the range starting
 * at `failAt`.
 */
function watched(inner: BlobStore, path: string, failAt = -1, failures = 1) {
  const reads: (ByteRange | null)[] = [];
  const wrapped = Object.create(inner) as BlobStore;
  let failed = 0;
  wrapped.get = async (p, options) => {
    if (p === path) {
      reads.push(options?.range ?? null);
      if (options?.range?.start === failAt && failed < failures) {
        failed++;
        const error = new Error("connection reset by the store") as Error & { code: string };
        error.name = "BlobError";
        error.code = "store_error";
        throw error;
      }
    }
    return inner.get(p, options);
  };
  return { store: wrapped, reads };
}

/** Rows with quoted line breaks (cuts land in them), CRLF line ends and multi-byte characters. */
function csv(rows: number, quotedBreaks = true): string {
  const lines = ["id,city,amount,when,note"];
  const cities = ["Zürich", "東京", "São Paulo", "Kraków", "Oslo"];
  for (let i = 0; i < rows; i++) {
    const note =
      i % 4 === 0
        ? `"multi${quotedBreaks ? "\n" : " "}line ""quoted"", ${i % 9}"`
        : i % 6 === 0
          ? ""
          : `n${i % 11}`;
    lines.push(`${i},${cities[i % 5]},${(i * 0.75).toFixed(2)},2025-0${1 + (i % 9)}-2${i % 8},${note}`);
  }
  return `${lines.join("\r\n")}\r\n`;
}

async function analyse(
  text: string,
  path: string,
  chunkBytes: number,
  failAt = -1,
  failures = 1,
): Promise<{ doc: BlobResult; reads: (ByteRange | null)[] }> {
  const blob = await store.put(path, text, { contentType: "text/csv" });
  const seen = watched(store, blob.path, failAt, failures);
  configurePipeline({ store: seen.store, csvWorkers: 1, chunkBytes, chunkParallel: 3 });
  await triggerBlob({ store: seen.store }, blob, "upload");
  return { doc: await settled(store, blob.path, blob.etag), reads: seen.reads };
}

describe("a large CSV in chunks", () => {
  it("gives the single pass's result, each chunk step reading only its own range", async () => {
    const text = csv(400);
    const one = await analyse(text, "in/one.csv", 1 << 30);
    const { doc, reads } = await analyse(text, "in/many.csv", 1000);
    const size = Buffer.byteLength(text);
    const count = Math.ceil(size / 1000);
    expect(doc).toMatchObject({ status: "done", kind: "csv", error: null });
    // Every figure, means and standard deviations included, to the bit (toEqual compares with Object.is).
    expect(doc.csv).toEqual(one.doc.csv);
    expect(doc.csv?.rows).toBe(400);
    expect({ ...doc.file }).toEqual({ ...one.doc.file });
    expect(doc.chunks).toEqual({ count, done: count, bytes: size } satisfies ChunkProgress);
    expect(one.doc.chunks).toBeNull();
    // Never the whole file in one read: the sniff, the plan's head, then a range per chunk (and one
    // per redo of a cut that fell inside a quoted line break).
    expect(reads.every((r) => r !== null)).toBe(true);
    expect(reads.length).toBeGreaterThanOrEqual(2 + count);
    // The chunks' partials, stored for the merge, go in the step after the result is written.
    const left = async () => (await store.list({ prefix: "_results/in/many.csv/" })).blobs.map((b) => b.path);
    await expect.poll(left, { timeout: 10_000 }).toEqual([resultPath(doc.path, doc.etag)]);
  });

  it("retries a failed chunk alone and does not analyse finished chunks again", async () => {
    // No quoted line breaks: no cut is redone, so each chunk's range is read exactly once.
    const text = csv(300, false);
    const chunkBytes = 800;
    // Chunk 3's read starts one byte before its nominal offset.
    const failAt = 3 * chunkBytes - 1;
    const { doc, reads } = await analyse(text, "in/flaky.csv", chunkBytes, failAt);
    expect(doc.status).toBe("done");
    expect(doc.csv?.rows).toBe(300);
    const starts = reads.map((r) => r?.start);
    expect(starts.filter((s) => s === failAt)).toHaveLength(2);
    const chunks = starts.filter((s) => s !== undefined && s > 0 && s % chunkBytes === chunkBytes - 1);
    expect(chunks).toHaveLength(Math.ceil(Buffer.byteLength(text) / chunkBytes));
    expect(new Set(chunks).size).toBe(chunks.length - 1);
  });

  it("shows the chunks in the document while it runs", async () => {
    const text = csv(200);
    const size = Buffer.byteLength(text);
    const blob = await store.put("in/live.csv", text, { contentType: "text/csv" });
    configurePipeline({ store, csvWorkers: 1, chunkBytes: 1000, chunkParallel: 2 });
    await triggerBlob({ store }, blob, "upload");
    const seen: ChunkProgress[] = [];
    for (;;) {
      const doc = (await readResult(store, blob.path, blob.etag))?.doc;
      if (doc?.chunks && doc.status === "processing") seen.push(doc.chunks);
      if (doc?.status === "done" || doc?.status === "failed") break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(seen.length).toBeGreaterThan(0);
    const count = Math.ceil(size / 1000);
    for (const c of seen) {
      expect(c.count).toBe(count);
      expect(c.done).toBe(c.finished?.length);
      expect(c.bytes).toBeLessThanOrEqual(size);
    }
    expect(seen.some((c) => c.done > 0 && c.done < count)).toBe(true);
  });

  it("a chunk that keeps failing fails the run, which leaves no partials behind", async () => {
    const { doc } = await analyse(csv(200, false), "in/down.csv", 800, 2 * 800 - 1, 1000);
    expect(doc.status).toBe("failed");
    expect(doc.error?.message).toMatch(/connection reset/);
    const left = async () =>
      (await store.list({ prefix: "_results/in/down.csv/" })).blobs.filter((b) => b.path.endsWith(".bin"));
    await expect.poll(left, { timeout: 10_000 }).toEqual([]);
    // A leftover (a crash between merge and removal) goes with the file's other derived blobs.
    await store.put(chunkPartialPath(doc.path, doc.etag, { attempt: 7, first: 0, last: 0 }), "x");
    expect(await removeDerived(store, doc.path)).toBe(2);
  });
});
