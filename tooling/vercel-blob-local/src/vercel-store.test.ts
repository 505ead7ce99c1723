import { readBytes } from "@repo/blob-store/bytes";
import { blobStoreContract, digestStream, generatedStream, listPages } from "@repo/blob-store/contract";
import { BlobRateLimitedError, BlobTooLargeError } from "@repo/blob-store/errors";
import { bareEtag } from "@repo/blob-store/http";
import { VercelBlobStore } from "@repo/blob-store/vercel";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MULTIPART_STAGING_PREFIX } from "./protocol.ts";
import { closeEmulator, type Emulator, emulator, RW_TOKEN } from "./testing/emulator.ts";

/**
 * The Vercel store of @repo/blob-store through the real @vercel/blob SDK, against this protocol
 * server (over a FilesystemBlobStore in a temp dir) on 127.0.0.1. It lives here rather than beside
 * vercel.ts because this package depends on @repo/blob-store: a test dependency back would be a
 * workspace cycle (symlink loops that break `vercel build`'s file tracing).
 */
afterAll(closeEmulator);

/** Every blob read of the contract run goes through this fetch: to the emulator's content route. */
const contentReads: string[] = [];

blobStoreContract("vercel-blob", async () => {
  const emu = await emulator();
  const store = new VercelBlobStore({
    token: RW_TOKEN,
    access: "public",
    fetch: async (input, init) => {
      const url = String(input);
      if (!url.startsWith(`${emu.origin}/files/`)) throw new Error(`get() read outside the emulator: ${url}`);
      contentReads.push(url);
      return fetch(input, init);
    },
  });
  return { store };
});

describe("VercelBlobStore on the protocol server", () => {
  let emu: Emulator;
  let store: VercelBlobStore;
  beforeAll(async () => {
    emu = await emulator();
    store = new VercelBlobStore({ token: RW_TOKEN, access: "public" });
  });

  it("reads content by URL with a Range header, from the store's content route", async () => {
    await store.put("routing/range.txt", "0123456789");
    const before = contentReads.length;
    const routed = new VercelBlobStore({
      token: RW_TOKEN,
      access: "public",
      fetch: async (input, init) => {
        contentReads.push(`${String(input)} ${new Headers(init?.headers).get("range")}`);
        return fetch(input, init);
      },
    });
    const result = await routed.get("routing/range.txt", { range: { start: 2, end: 4 } });
    expect(new TextDecoder().decode(await readBytes(result.body))).toBe("234");
    // Asked by version (?v=<etag>), so a CDN copy of an overwritten blob is never the answer.
    const etag = bareEtag(result.metadata.etag);
    expect(contentReads.slice(before)).toContain(
      `${emu.origin}/files/routing/range.txt?v=${encodeURIComponent(etag)} bytes=2-4`,
    );
    expect(result.metadata.url).toBe(`${emu.origin}/files/routing/range.txt`);
  });

  it("uploads ~12 MB as a multipart upload and reads it back", { timeout: 60_000 }, async () => {
    const total = 12 * 1024 * 1024 + 17;
    const expected = await digestStream(generatedStream(total, 256 * 1024, 3));
    const first = emu.requests.length;
    const put = await store.put("multipart/twelve.bin", generatedStream(total, 256 * 1024, 3), {
      meta: { kind: "multipart" },
    });
    expect(put.size).toBe(total);
    const actions = emu.requests.slice(first).flatMap((r) => (r.mpuAction ? [r.mpuAction] : []));
    expect(actions).toEqual(["create", "upload", "upload", "complete"]);
    expect(await digestStream((await store.get("multipart/twelve.bin")).body)).toEqual(expected);
    const tail = await store.get("multipart/twelve.bin", { range: { start: total - 5 } });
    expect((await readBytes(tail.body)).byteLength).toBe(5);
    expect((await store.head("multipart/twelve.bin"))?.meta).toEqual({ kind: "multipart" });
    // Staged parts are gone, and never listed.
    expect((await emu.fsStore.list({ prefix: MULTIPART_STAGING_PREFIX })).blobs).toEqual([]);
  });

  it("enforces maxBytes on a multipart stream and stores nothing", { timeout: 60_000 }, async () => {
    await expect(
      store.put("multipart/too-big.bin", generatedStream(10 * 1024 * 1024, 256 * 1024), {
        maxBytes: 9 * 1024 * 1024,
      }),
    ).rejects.toBeInstanceOf(BlobTooLargeError);
    expect(await store.head("multipart/too-big.bin")).toBeNull();
  });

  it("hides sidecar metadata from list and refuses the reserved prefix", async () => {
    await store.put("sidecar/a.txt", "a", { meta: { m: "1" } });
    await store.put("sidecar/b.txt", "b", { meta: { m: "2" } });
    const pages = await listPages(store, "", 3);
    // Every page is full but the last, though the sidecars between the blobs are skipped.
    for (const page of pages.slice(0, -1)) expect(page).toHaveLength(3);
    const all = pages.flat().map((b) => b.path);
    expect(all).toContain("sidecar/a.txt");
    expect(all.some((p) => p.startsWith(".blob-store-meta/"))).toBe(false);
    await expect(store.put(".blob-store-meta/x.json", "x")).rejects.toMatchObject({ code: "invalid_path" });
  });

  it("drops meta that belongs to a replaced version", async () => {
    await store.put("sidecar/replaced.txt", "v1", { meta: { version: "1" } });
    await store.put("sidecar/replaced.txt", "v2", { overwrite: true });
    expect((await store.head("sidecar/replaced.txt"))?.meta).toEqual({});
    expect(await store.delete("sidecar/replaced.txt")).toBe(true);
  });

  it("maps a rate-limited service to BlobRateLimitedError with retryAfter", async () => {
    emu.fault.next = new BlobRateLimitedError(7);
    const error = await store.head("anything.txt").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlobRateLimitedError);
    expect((error as BlobRateLimitedError).retryAfterSeconds).toBe(7);
  });
});
