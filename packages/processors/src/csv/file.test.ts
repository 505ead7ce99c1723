// These tests start worker threads from dist/csv/worker.js: the package's test script builds first.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyzeCsvFile } from "./index.ts";
import { single } from "./test-support.ts";

const enc = new TextEncoder();
const dir = mkdtempSync(join(tmpdir(), "csv-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): { path: string; bytes: Uint8Array } {
  const bytes = enc.encode(text);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

function rows(n: number, quotedBreaks: boolean): string {
  const lines = ["\ufeffid,name,price,when,note"];
  for (let i = 0; i < n; i++) {
    const note = i % 5 === 0 ? `"a, ""b""${quotedBreaks ? "\nc" : ""}"` : i % 7 === 0 ? "" : `n${i % 13}`;
    const ragged = i % 97 === 3 ? ",extra" : "";
    lines.push(
      `${i},user${i % 101},${(i * 1.25).toFixed(2)},2024-0${1 + (i % 9)}-1${i % 10},${note}${ragged}`,
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}

describe("analyzeCsvFile", () => {
  it("equals the single-threaded summary, each thread reading its own pieces", async () => {
    const { path, bytes } = file("plain.csv", rows(3000, false));
    const expected = single(bytes);
    for (const segmentBytes of [100, 4096, 1 << 20]) {
      const progress: number[] = [];
      const s = await analyzeCsvFile(path, {
        workers: 2,
        minParallelBytes: 0,
        segmentBytes,
        onProgress: (n) => progress.push(n),
      });
      expect(s).toEqual(expected);
      // Per piece (the last may be empty), up to the size: cut by offset, not read as a stream.
      expect(progress).toHaveLength(Math.ceil(bytes.length / segmentBytes));
      expect(progress.every((n, i) => i === 0 || n >= (progress[i - 1] as number))).toBe(true);
      expect(progress.at(-1)).toBe(bytes.length);
    }
    expect(single(bytes).malformed.rows).toBeGreaterThan(20);
  });

  it("parses the file again as a stream when a cut falls inside a quoted line break", async () => {
    // 10 KB of quoted lines: some cut every 4 KiB finds its first line feed inside the quotes.
    const text = rows(400, true).replace("n1\r\n", `"${"line\n".repeat(2000)}"\r\n`);
    const { path, bytes } = file("quoted.csv", text);
    const progress: number[] = [];
    const segmentBytes = 4096;
    const s = await analyzeCsvFile(path, {
      workers: 3,
      minParallelBytes: 0,
      segmentBytes,
      onProgress: (n) => progress.push(n),
    });
    expect(s).toEqual(single(bytes));
    expect(s.rows).toBe(400);
    // Once per piece, then once more for the stream (one chunk) that parsed it again.
    expect(progress).toHaveLength(Math.ceil(bytes.length / segmentBytes) + 1);
  });

  it("parses small files and workers: 1 in this thread; an empty file has no rows", async () => {
    const { path, bytes } = file("small.csv", rows(50, true));
    expect(await analyzeCsvFile(path)).toEqual(single(bytes));
    expect(await analyzeCsvFile(path, { workers: 1, minParallelBytes: 0 })).toEqual(single(bytes));
    expect((await analyzeCsvFile(file("empty.csv", "").path, { minParallelBytes: 0 })).rows).toBe(0);
  });

  it("cuts a file with no line feed nowhere (CR-only line breaks)", async () => {
    const { path, bytes } = file("cr.csv", rows(500, false).replaceAll("\r\n", "\r"));
    const s = await analyzeCsvFile(path, { workers: 2, minParallelBytes: 0, segmentBytes: 64 });
    expect(s).toEqual(single(bytes));
    expect(s.rows).toBe(500);
  });

  it("stops on abort", async () => {
    const { path } = file("abort.csv", rows(3000, false));
    const controller = new AbortController();
    const run = analyzeCsvFile(path, {
      workers: 2,
      minParallelBytes: 0,
      segmentBytes: 256,
      signal: controller.signal,
      onProgress: () => controller.abort(new Error("stop")),
    });
    await expect(run).rejects.toThrow("stop");
  });
});
