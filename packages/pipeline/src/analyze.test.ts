import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FilesystemBlobStore } from "@repo/blob-store/filesystem";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { analyzeVersion, inspectVersion, kindOf, UnprocessableError } from "./analyze.ts";
import { thumbnailPath } from "./result.ts";

let dir: string;
let store: FilesystemBlobStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "pipeline-analyze-"));
  store = new FilesystemBlobStore({ root: dir });
});
afterEach(() => rm(dir, { recursive: true, force: true, maxRetries: 10 }));

const png = () =>
  sharp({ create: { width: 40, height: 20, channels: 3, background: { r: 10, g: 200, b: 30 } } })
    .png()
    .toBuffer();

describe("kindOf", () => {
  it("goes by the bytes first", () => {
    expect(kindOf("image/png", "text/csv", "a.csv")).toBe("image");
    expect(kindOf("text/csv", "text/plain", "notes.txt")).toBe("csv");
    expect(kindOf("text/tab-separated-values", "application/octet-stream", "x")).toBe("csv");
  });
  it("takes a one-column text file for a CSV when its name or claimed type says so", () => {
    expect(kindOf("text/plain", "text/plain", "names.csv")).toBe("csv");
    expect(kindOf("text/plain", "text/csv; charset=utf-8", "names")).toBe("csv");
    expect(kindOf("text/plain", "text/plain", "names.txt")).toBe("file");
  });
  it("never believes a name over binary bytes", () => {
    expect(kindOf("application/zip", "text/csv", "data.csv")).toBe("file");
    expect(kindOf("application/pdf", "image/png", "scan.png")).toBe("file");
  });
});

describe("analyzeVersion", () => {
  it("a CSV: statistics, size, sha256 and the sniffed type in one pass", async () => {
    const meta = await store.put("d/a.csv", 'x,y\r\n1,a\r\n2,"b, c"\r\n', { contentType: "text/csv" });
    const seen: number[] = [];
    const out = await analyzeVersion(store, meta, "csv", { onProgress: (b) => seen.push(b) });
    expect(out.csv?.rows).toBe(2);
    expect(out.csv?.columns.map((c) => c.name)).toEqual(["x", "y"]);
    expect(out.file).toMatchObject({ size: meta.size, sniffedType: "text/csv", mismatch: false });
    expect(`"sha256:${out.file.sha256}"`).toBe(meta.etag);
    expect(seen.at(-1)).toBe(meta.size);
  });

  it("a large CSV on worker threads gives the same statistics as on one thread", async () => {
    let text = "id,price,tag\n";
    for (let i = 0; i < 400_000; i++) text += `${i},${(i % 977) / 4},"t${i % 13}, x"\n`;
    const meta = await store.put("d/big.csv", text, { contentType: "text/csv" });
    const one = await analyzeVersion(store, meta, "csv", { csvWorkers: 1 });
    const two = await analyzeVersion(store, meta, "csv", { csvWorkers: 2 });
    expect(two.csv?.rows).toBe(400_000);
    expect(two.csv?.columns.map((c) => [c.name, c.type, c.count, c.nulls])).toEqual(
      one.csv?.columns.map((c) => [c.name, c.type, c.count, c.nulls]),
    );
    // Exact sums: the same bits however the file was cut between threads.
    expect(two.csv?.columns[1]?.numeric).toEqual(one.csv?.columns[1]?.numeric);
    expect(two.file.sha256).toBe(one.file.sha256);
  });

  it("an image: metadata, palette and a WebP thumbnail written as a derived blob", async () => {
    const meta = await store.put("pics/p.png", await png(), { contentType: "image/png" });
    const out = await analyzeVersion(store, meta, "image");
    expect(out.image).toMatchObject({ format: "png", width: 40, height: 20 });
    expect(out.image?.thumbnail.path).toBe(thumbnailPath("pics/p.png", meta.etag));
    const thumb = await store.head(out.image?.thumbnail.path ?? "");
    expect(thumb?.contentType).toBe("image/webp");
    expect(thumb?.meta.derivedFrom).toBe("pics/p.png");
  });

  it("a truncated image is unprocessable (corrupt), not a crash", async () => {
    const bytes = await png();
    const meta = await store.put("pics/cut.png", bytes.subarray(0, 30), { contentType: "image/png" });
    const inspection = await inspectVersion(store, meta);
    expect(inspection.kind).toBe("image");
    await expect(analyzeVersion(store, meta, "image")).rejects.toMatchObject({
      name: "UnprocessableError",
      code: "corrupt",
    });
  });

  it("zero bytes: a file with its size and hash", async () => {
    const meta = await store.put("empty.bin", new Uint8Array(0));
    const inspection = await inspectVersion(store, meta);
    expect(inspection).toMatchObject({ kind: "file", size: 0 });
    const out = await analyzeVersion(store, meta, inspection.kind);
    expect(out.file).toMatchObject({
      size: 0,
      sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    });
  });

  it("a PNG with a .csv name is processed as an image, and the mismatch is reported", async () => {
    const meta = await store.put("wrong.csv", await png(), { contentType: "text/csv" });
    const inspection = await inspectVersion(store, meta);
    expect(inspection.kind).toBe("image");
    const out = await analyzeVersion(store, meta, inspection.kind);
    expect(out.file).toMatchObject({ sniffedType: "image/png", claimedType: "text/csv", mismatch: true });
  });

  it("refuses a version that was replaced or deleted", async () => {
    const first = await store.put("v.txt", "one");
    await store.put("v.txt", "two", { overwrite: true });
    await expect(inspectVersion(store, first)).rejects.toMatchObject({ code: "replaced" });
    await store.delete("v.txt");
    const error = await inspectVersion(store, first).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessableError);
    expect(error).toMatchObject({ code: "gone" });
  });
});
