import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBytes } from "./bytes.ts";
import {
  BlobAlreadyExistsError,
  BlobError,
  BlobInvalidPathError,
  BlobNotFoundError,
  BlobPreconditionFailedError,
  BlobRangeNotSatisfiableError,
  BlobTooLargeError,
} from "./errors.ts";
import type { BlobMetadata, BlobStore } from "./types.ts";

/**
 * The one behaviour every BlobStore must have, as a vitest suite. Call it from an implementation's
 * test file:
 *
 *   blobStoreContract("filesystem", async () => ({ store: new FilesystemBlobStore({ root }), cleanup }));
 *
 * `setup` runs once for the suite; every test writes under its own random prefix, so the store may
 * hold other blobs. Nothing here assumes a `url`, a particular etag format or more list consistency
 * than "a blob written before list() is called shows up within a few seconds".
 */

export interface ContractSetup {
  store: BlobStore;
  cleanup?: () => Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Hashes a stream without keeping it, returning its size and SHA-256 hex. */
export async function digestStream(
  stream: ReadableStream<Uint8Array>,
): Promise<{ size: number; sha256: string }> {
  const hash = createHash("sha256");
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hash.update(value);
    size += value.byteLength;
  }
  return { size, sha256: hash.digest("hex") };
}

/** A stream of `total` deterministic bytes in `chunkSize` pieces, generated as the reader pulls. */
export function generatedStream(total: number, chunkSize = 64 * 1024, seed = 1): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (sent >= total) {
          controller.close();
          return;
        }
        const size = Math.min(chunkSize, total - sent);
        const chunk = new Uint8Array(size);
        for (let i = 0; i < size; i++) chunk[i] = ((sent + i) * 31 + seed) & 0xff;
        sent += size;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
}

function streamOf(...parts: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });
}

async function text(store: BlobStore, path: string): Promise<string> {
  const { body } = await store.get(path);
  return decoder.decode(await readBytes(body));
}

/** Retries `check` until it passes or `ms` elapse: list() may lag writes on remote stores. */
async function eventually(check: () => Promise<void>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Every page of a listing, in order, `limit` at a time: for tests of the paging itself. */
export async function listPages(store: BlobStore, prefix: string, limit: number): Promise<BlobMetadata[][]> {
  const pages: BlobMetadata[][] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = await store.list({ prefix, limit, ...(cursor ? { cursor } : {}) });
    pages.push(page.blobs);
    if (page.cursor === null) return pages;
    cursor = page.cursor;
  }
  throw new Error("list() never returned a null cursor");
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

export const INVALID_PATHS: readonly string[] = [
  "",
  "../x",
  "/abs",
  "a/../b",
  "a/./b",
  "%2e%2e/x",
  "a/%2E%2e/b",
  "a\\b",
  "a\u0000b",
  "a\u001fb",
  "a//b",
  "a/",
  " a",
  `${"x".repeat(256)}`,
  `${"a/".repeat(450)}b`,
];

export function blobStoreContract(name: string, setup: () => Promise<ContractSetup>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let store: BlobStore;
    let cleanup: (() => Promise<void>) | undefined;
    const run = `contract-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
    let counter = 0;
    /** A fresh folder for one test. */
    const folder = () => `${run}/t${++counter}`;

    beforeAll(async () => {
      ({ store, cleanup } = await setup());
    });
    afterAll(async () => {
      await cleanup?.();
    });

    describe("put and get", () => {
      it("round-trips bytes, strings and streams", async () => {
        const dir = folder();
        const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);
        const bytes = await store.put(`${dir}/bytes.bin`, allBytes);
        expect(bytes.size).toBe(256);
        expect(bytes.path).toBe(`${dir}/bytes.bin`);
        expect(await readBytes((await store.get(`${dir}/bytes.bin`)).body)).toEqual(allBytes);

        const textMeta = await store.put(`${dir}/text.txt`, "héllo wörld ✓");
        expect(textMeta.size).toBe(encoder.encode("héllo wörld ✓").byteLength);
        expect(await text(store, `${dir}/text.txt`)).toBe("héllo wörld ✓");

        const reversed = allBytes.slice().reverse();
        const streamed = await store.put(
          `${dir}/stream.bin`,
          streamOf(reversed.slice(0, 100), reversed.slice(100)),
        );
        expect(streamed.size).toBe(256);
        const got = await store.get(`${dir}/stream.bin`);
        expect(await readBytes(got.body)).toEqual(reversed);
        expect(got.metadata.size).toBe(256);
        expect(got.metadata.etag).toBe(streamed.etag);
        expect(got.range).toBeNull();
      });

      it("round-trips an empty blob", async () => {
        const path = `${folder()}/empty`;
        expect((await store.put(path, new Uint8Array(0))).size).toBe(0);
        expect((await readBytes((await store.get(path)).body)).byteLength).toBe(0);
      });

      it("returns metadata that head and get agree with", async () => {
        const path = `${folder()}/doc.json`;
        const before = Date.now();
        const put = await store.put(path, "{}", { contentType: "application/json" });
        expect(put.contentType).toBe("application/json");
        expect(put.uploadedAt).toBeInstanceOf(Date);
        expect(put.uploadedAt.getTime()).toBeGreaterThan(before - 5 * 60_000);
        expect(typeof put.etag).toBe("string");
        expect(put.etag.length).toBeGreaterThan(0);
        const head = await store.head(path);
        expect(head).toMatchObject({ path, size: 2, contentType: "application/json", etag: put.etag });
        expect((await store.get(path)).metadata).toMatchObject({ path, size: 2, etag: put.etag });
      });

      it("defaults the content type to application/octet-stream", async () => {
        const put = await store.put(`${folder()}/noextension`, "x");
        expect(put.contentType).toBe("application/octet-stream");
      });

      it("changes the etag with the content and keeps it for equal content", async () => {
        const dir = folder();
        const a = await store.put(`${dir}/a`, "same");
        const b = await store.put(`${dir}/b`, "same");
        const c = await store.put(`${dir}/c`, "different");
        expect(a.etag).toBe(b.etag);
        expect(c.etag).not.toBe(a.etag);
        const a2 = await store.put(`${dir}/a`, "changed", { overwrite: true });
        expect(a2.etag).not.toBe(a.etag);
      });

      it("round-trips meta", async () => {
        const path = `${folder()}/with-meta`;
        const meta = { uploadedBy: "user-42", derivedFrom: "uploads/original.png", note: "ünïcode ✓" };
        const put = await store.put(path, "x", { meta });
        expect(put.meta).toEqual(meta);
        expect((await store.head(path))?.meta).toEqual(meta);
        expect((await store.get(path)).metadata.meta).toEqual(meta);
        const plain = await store.put(`${folder()}/plain`, "x");
        expect(plain.meta).toEqual({});
      });

      it("streams a 5 MB body in and out", { timeout: 60_000 }, async () => {
        const path = `${folder()}/five-mb.bin`;
        const total = 5 * 1024 * 1024 + 123;
        const expected = await digestStream(generatedStream(total, 64 * 1024, 7));
        const put = await store.put(path, generatedStream(total, 64 * 1024, 7));
        expect(put.size).toBe(total);
        expect(await digestStream((await store.get(path)).body)).toEqual(expected);
      });
    });

    describe("overwrite and preconditions", () => {
      it("refuses to overwrite by default and leaves the blob unchanged", async () => {
        const path = `${folder()}/taken.txt`;
        const first = await store.put(path, "first");
        await expect(store.put(path, "second")).rejects.toBeInstanceOf(BlobAlreadyExistsError);
        await expect(
          store.put(path, streamOf(encoder.encode("second")), { overwrite: false }),
        ).rejects.toMatchObject({ code: "already_exists" });
        expect(await text(store, path)).toBe("first");
        expect((await store.head(path))?.etag).toBe(first.etag);
      });

      it("replaces with overwrite: true", async () => {
        const path = `${folder()}/replace.txt`;
        await store.put(path, "first", { contentType: "text/plain" });
        const second = await store.put(path, "second!", { overwrite: true, contentType: "application/json" });
        expect(second.size).toBe(7);
        expect(await text(store, path)).toBe("second!");
        expect(await store.head(path)).toMatchObject({
          size: 7,
          contentType: "application/json",
          etag: second.etag,
        });
      });

      it("writes when ifMatch matches and refuses when it does not", async () => {
        const path = `${folder()}/cas.txt`;
        const v1 = await store.put(path, "v1");
        const v2 = await store.put(path, "v2", { overwrite: true, ifMatch: v1.etag });
        expect(await text(store, path)).toBe("v2");
        const stale = store.put(path, "v3", { overwrite: true, ifMatch: v1.etag });
        await expect(stale).rejects.toBeInstanceOf(BlobPreconditionFailedError);
        await expect(store.put(path, "v3", { overwrite: true, ifMatch: v1.etag })).rejects.toMatchObject({
          code: "precondition_failed",
        });
        expect(await text(store, path)).toBe("v2");
        expect((await store.head(path))?.etag).toBe(v2.etag);
      });

      it("fails ifMatch on a missing blob", async () => {
        const path = `${folder()}/missing.txt`;
        const other = await store.put(`${folder()}/other.txt`, "x");
        await expect(store.put(path, "x", { overwrite: true, ifMatch: other.etag })).rejects.toBeInstanceOf(
          BlobPreconditionFailedError,
        );
        expect(await store.head(path)).toBeNull();
      });

      it("refuses bodies over maxBytes and keeps nothing", async () => {
        const dir = folder();
        await expect(
          store.put(`${dir}/big.bin`, new Uint8Array(1001), { maxBytes: 1000 }),
        ).rejects.toBeInstanceOf(BlobTooLargeError);
        await expect(
          store.put(`${dir}/big-stream.bin`, generatedStream(256 * 1024, 16 * 1024), { maxBytes: 100_000 }),
        ).rejects.toMatchObject({ code: "too_large" });
        expect(await store.head(`${dir}/big.bin`)).toBeNull();
        expect(await store.head(`${dir}/big-stream.bin`)).toBeNull();

        const exact = await store.put(`${dir}/exact.bin`, new Uint8Array(1000), { maxBytes: 1000 });
        expect(exact.size).toBe(1000);

        const kept = await store.put(`${dir}/kept.txt`, "old");
        await expect(
          store.put(`${dir}/kept.txt`, generatedStream(4096, 512), { overwrite: true, maxBytes: 1000 }),
        ).rejects.toBeInstanceOf(BlobTooLargeError);
        expect(await text(store, `${dir}/kept.txt`)).toBe("old");
        expect((await store.head(`${dir}/kept.txt`))?.etag).toBe(kept.etag);
      });

      it("rejects a put whose signal is already aborted and writes nothing", async () => {
        const path = `${folder()}/aborted.txt`;
        const controller = new AbortController();
        controller.abort();
        await expect(store.put(path, "x", { signal: controller.signal })).rejects.toBeDefined();
        expect(await store.head(path)).toBeNull();
      });
    });

    describe("missing blobs", () => {
      it("head returns null and get throws BlobNotFoundError", async () => {
        const path = `${folder()}/nothing-here`;
        expect(await store.head(path)).toBeNull();
        await expect(store.get(path)).rejects.toBeInstanceOf(BlobNotFoundError);
        await expect(store.get(path)).rejects.toMatchObject({ code: "not_found" });
      });
    });

    describe("ranges", () => {
      let path: string;
      beforeAll(async () => {
        path = `${folder()}/digits.txt`;
        await store.put(path, "0123456789");
      });

      it.each([
        [{ start: 0, end: 3 }, "0123", { start: 0, end: 3 }],
        [{ start: 3, end: 6 }, "3456", { start: 3, end: 6 }],
        [{ start: 9, end: 9 }, "9", { start: 9, end: 9 }],
        [{ start: 7 }, "789", { start: 7, end: 9 }],
        [{ start: 7, end: 100 }, "789", { start: 7, end: 9 }],
        [{ start: 0 }, "0123456789", { start: 0, end: 9 }],
      ])("serves %j", async (range, expected, sent) => {
        const result = await store.get(path, { range });
        expect(decoder.decode(await readBytes(result.body))).toBe(expected);
        expect(result.range).toEqual(sent);
        expect(result.metadata.size).toBe(10);
      });

      it.each([{ start: 10 }, { start: 11, end: 20 }, { start: 1000 }])("refuses %j", async (range) => {
        await expect(store.get(path, { range })).rejects.toBeInstanceOf(BlobRangeNotSatisfiableError);
        await expect(store.get(path, { range })).rejects.toMatchObject({ code: "range_not_satisfiable" });
      });
    });

    describe("list", () => {
      it("pages through 25 blobs in path order with a prefix, limit and cursor", {
        timeout: 60_000,
      }, async () => {
        const dir = folder();
        const prefix = `${dir}/items/`;
        const names = Array.from({ length: 22 }, (_, i) => `item-${String(i).padStart(2, "0")}`);
        // "a" < "a-b" < "a/c" in byte order: a folder does not sort as a unit.
        names.push("a", "a-b", "a/c");
        const expected = names.map((n) => `${prefix}${n}`).sort(byteOrder);
        await Promise.all(expected.map((p) => store.put(p, p)));
        await store.put(`${dir}/items-not/x`, "outside the prefix");
        await store.put(`${dir}/item`, "outside the prefix");

        await eventually(async () => {
          const pages = await listPages(store, prefix, 10);
          for (const page of pages) expect(page.length).toBeLessThanOrEqual(10);
          expect(pages[0]?.length).toBe(10);
          const paths = pages.flat().map((b) => b.path);
          expect(paths).toEqual(expected);
          expect(new Set(paths).size).toBe(25);
        });

        const one = (await store.list({ prefix, limit: 10 })).blobs.find((b) => b.path === `${prefix}a-b`);
        expect(one).toMatchObject({ size: encoder.encode(`${prefix}a-b`).byteLength, path: `${prefix}a-b` });
        expect(typeof one?.etag).toBe("string");
        expect(one?.uploadedAt).toBeInstanceOf(Date);
      });

      it("matches prefixes that end inside a segment", async () => {
        const dir = folder();
        const paths = [
          `${dir}/report-2025.csv`,
          `${dir}/report-2026.csv`,
          `${dir}/summary.csv`,
          `${dir}/reports/x`,
        ];
        await Promise.all(paths.map((p) => store.put(p, "x")));
        await eventually(async () => {
          const { blobs, cursor } = await store.list({ prefix: `${dir}/report` });
          expect(blobs.map((b) => b.path)).toEqual([
            `${dir}/report-2025.csv`,
            `${dir}/report-2026.csv`,
            `${dir}/reports/x`,
          ]);
          expect(cursor).toBeNull();
        });
      });

      it("lists nothing for a prefix nothing has", async () => {
        const { blobs, cursor } = await store.list({ prefix: `${folder()}/none/` });
        expect(blobs).toEqual([]);
        expect(cursor).toBeNull();
      });
    });

    describe("delete", () => {
      it("returns true, then false once the blob is gone", async () => {
        const dir = folder();
        const path = `${dir}/gone.txt`;
        await store.put(path, "x");
        await store.put(`${dir}/gone.txt/child`, "a blob under the deleted path stays");
        expect(await store.delete(path)).toBe(true);
        expect(await store.head(path)).toBeNull();
        await expect(store.get(path)).rejects.toBeInstanceOf(BlobNotFoundError);
        expect(await store.delete(path)).toBe(false);
        expect(await store.delete(`${dir}/never-was`)).toBe(false);
        expect(await text(store, `${dir}/gone.txt/child`)).toBe("a blob under the deleted path stays");
        // The path can be used again.
        await store.put(path, "again");
        expect(await text(store, path)).toBe("again");
      });
    });

    describe("copy", () => {
      it("copies content, content type and meta", async () => {
        const dir = folder();
        const source = await store.put(`${dir}/source.txt`, "copy me", {
          contentType: "text/plain",
          meta: { by: "contract" },
        });
        const copy = await store.copy(`${dir}/source.txt`, `${dir}/copy.txt`);
        expect(copy).toMatchObject({
          path: `${dir}/copy.txt`,
          size: 7,
          contentType: "text/plain",
          etag: source.etag,
        });
        expect(await text(store, `${dir}/copy.txt`)).toBe("copy me");
        expect(await text(store, `${dir}/source.txt`)).toBe("copy me");
        expect((await store.head(`${dir}/copy.txt`))?.meta).toEqual({ by: "contract" });
        // The copy is independent of its source.
        await store.delete(`${dir}/source.txt`);
        expect(await text(store, `${dir}/copy.txt`)).toBe("copy me");
      });

      it("refuses to copy onto an existing blob unless overwrite is set", async () => {
        const dir = folder();
        await store.put(`${dir}/from`, "new");
        await store.put(`${dir}/to`, "old");
        await expect(store.copy(`${dir}/from`, `${dir}/to`)).rejects.toBeInstanceOf(BlobAlreadyExistsError);
        expect(await text(store, `${dir}/to`)).toBe("old");
        await store.copy(`${dir}/from`, `${dir}/to`, { overwrite: true });
        expect(await text(store, `${dir}/to`)).toBe("new");
      });

      it("throws BlobNotFoundError for a missing source", async () => {
        const dir = folder();
        await expect(store.copy(`${dir}/absent`, `${dir}/to`)).rejects.toBeInstanceOf(BlobNotFoundError);
        expect(await store.head(`${dir}/to`)).toBeNull();
      });
    });

    describe("paths", () => {
      it("treats NFC and NFD forms of a name as the same blob", async () => {
        const dir = folder();
        const nfc = `${dir}/caf\u00e9.txt`;
        const nfd = `${dir}/cafe\u0301.txt`;
        expect(nfc).not.toBe(nfd);
        const put = await store.put(nfd, "accent");
        expect(put.path).toBe(nfc);
        expect((await store.head(nfc))?.etag).toBe(put.etag);
        expect(await text(store, nfd)).toBe("accent");
        await expect(store.put(nfc, "again")).rejects.toBeInstanceOf(BlobAlreadyExistsError);
        await eventually(async () => {
          const { blobs } = await store.list({ prefix: `${dir}/` });
          expect(blobs.map((b) => b.path)).toEqual([nfc]);
        });
        expect(await store.delete(nfc)).toBe(true);
        expect(await store.head(nfd)).toBeNull();
      });

      it("keeps paths with spaces, unicode and punctuation", async () => {
        const path = `${folder()}/Ünïcødé dir/ファイル (1) #?&=+.txt`;
        await store.put(path, "ok");
        expect(await text(store, path)).toBe("ok");
        expect((await store.head(path))?.path).toBe(path);
      });

      it.each(INVALID_PATHS.map((p) => [JSON.stringify(p).slice(0, 40), p]))(
        "rejects %s in every method",
        async (_, bad) => {
          const good = `${folder()}/good.txt`;
          await store.put(good, "x");
          const attempts: [string, () => Promise<unknown>][] = [
            ["put", () => store.put(bad, "x")],
            ["put stream", () => store.put(bad, streamOf(encoder.encode("x")))],
            ["get", () => store.get(bad)],
            ["head", () => store.head(bad)],
            ["delete", () => store.delete(bad)],
            ["copy from", () => store.copy(bad, `${folder()}/to`)],
            ["copy to", () => store.copy(good, bad)],
          ];
          for (const [method, attempt] of attempts) {
            const error = await attempt().then(
              () => null,
              (err: unknown) => err,
            );
            expect(error, method).toBeInstanceOf(BlobInvalidPathError);
            expect(error, method).toBeInstanceOf(BlobError);
            expect((error as BlobError).code, method).toBe("invalid_path");
          }
        },
      );
    });
  });
}
