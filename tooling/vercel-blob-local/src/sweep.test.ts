import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FilesystemBlobStore } from "@repo/blob-store/filesystem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MULTIPART_STAGING_PREFIX } from "./protocol.ts";
import { sweepStagedUploads } from "./sweep.ts";

let root: string;
let store: FilesystemBlobStore;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "sweep-staged-"));
  store = new FilesystemBlobStore({ root });
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe("sweepStagedUploads", () => {
  it("removes uploads left open longer than the age given, and nothing else", async () => {
    for (const file of ["manifest.json", "part-1", "part-2"]) {
      await store.put(`${MULTIPART_STAGING_PREFIX}old-upload-0000000001/${file}`, "x");
    }
    await store.put(`${MULTIPART_STAGING_PREFIX}new-upload-0000000002/part-1`, "x");
    await store.put("users/u/keep.csv", "a\n1\n");
    const hour = 60 * 60 * 1000;
    // Seen from two hours on, the first upload is abandoned; the second was touched at the same time.
    expect(await sweepStagedUploads(store, hour, Date.now() + 2 * hour)).toBe(2);
    expect((await store.list({ prefix: MULTIPART_STAGING_PREFIX })).blobs).toEqual([]);
    expect(await store.head("users/u/keep.csv")).not.toBeNull();
  });

  it("leaves an upload that is still being written", async () => {
    await store.put(`${MULTIPART_STAGING_PREFIX}live-upload-0000000003/part-1`, "x");
    expect(await sweepStagedUploads(store, 60 * 60 * 1000)).toBe(0);
    expect((await store.list({ prefix: MULTIPART_STAGING_PREFIX })).blobs).toHaveLength(1);
  });
});
