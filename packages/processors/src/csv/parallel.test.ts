// These tests start worker threads from dist/csv/worker.js: the package's test script builds first.
import { describe, expect, it } from "vitest";
import { RowCutter } from "./boundary.ts";
import { analyzeCsvParallel, analyzeCsvStream, type CsvParallelOptions } from "./index.ts";
import { HLL_P, hllMergeInto, selectKth } from "./sketches.ts";
import { single } from "./test-support.ts";

const enc = new TextEncoder();

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The bytes in chunks of random sizes (1..max), as an async iterable. */
async function* chunked(bytes: Uint8Array, seed: number, max: number) {
  const r = rng(seed);
  for (let i = 0; i < bytes.length; ) {
    const n = 1 + Math.floor(r() * max);
    yield bytes.slice(i, i + n);
    i += n;
  }
}

async function parallel(bytes: Uint8Array, options: CsvParallelOptions, seed = 1, maxChunk = 50) {
  return analyzeCsvParallel(chunked(bytes, seed, maxChunk), { minParallelBytes: 0, workers: 2, ...options });
}

/** A messy file: BOM, CRLF, quoted delimiters, quoted CR/LF line breaks, escaped quotes, stray quotes, ragged rows, blank lines. */
function messy(rows: number, seed: number, eol = "\r\n"): Uint8Array {
  const r = rng(seed);
  const lines = ["\ufeffid,name,score,when,ok"];
  for (let i = 0; i < rows; i++) {
    const x = r();
    const name =
      x < 0.2
        ? `"multi${eol}line ""${i % 7}"" ${eol}end"`
        : x < 0.3
          ? `"a, b${i % 5}"`
          : x < 0.35
            ? `bad"q${i % 3}`
            : x < 0.4
              ? `"x""${i % 4}"""`
              : `n${i % 50}`;
    const score = r() < 0.1 ? "" : (r() * 100 - 50).toFixed(2);
    const day = `2024-0${1 + (i % 9)}-1${i % 10}`;
    if (r() < 0.03) lines.push(`${i},${name}`);
    else if (r() < 0.02) lines.push("");
    else lines.push(`${i},${name},${score},${day},${r() < 0.5 ? "true" : "FALSE"}`);
  }
  return enc.encode(`${lines.join(eol)}${eol}`);
}

describe("RowCutter", () => {
  it("cuts exactly where the accumulator's rows end, whatever the quotes", () => {
    const r = rng(5);
    const alphabet = ['"', '"', ",", "\n", "\r", "a", "b", "\r\n"];
    for (let t = 0; t < 500; t++) {
      let text = "";
      const n = 1 + Math.floor(r() * 60);
      for (let i = 0; i < n; i++) text += alphabet[Math.floor(r() * alphabet.length)];
      const bytes = enc.encode(text);
      const ends = rowEnds(bytes);
      for (let target = 0; target < bytes.length; target++) {
        const cut = new RowCutter(44, 34).find(bytes, null, bytes.length, target);
        const expected = ends.find((e) => e - 1 >= target) ?? -1;
        if (cut !== expected) expect({ text, target, cut }).toEqual({ text, target, cut: expected });
      }
    }
  });

  it("selects the median like a sort", () => {
    const r = rng(9);
    for (let t = 0; t < 200; t++) {
      const n = 1 + Math.floor(r() * 600);
      const a = Float64Array.from({ length: n }, () => Math.floor(r() * (t % 2 ? 5 : 1000)));
      const sorted = a.slice().sort();
      const k = Math.floor(r() * n);
      expect(selectKth(a, n, k)).toBe(sorted[k]);
    }
  });

  it("merges HyperLogLog registers as their maximum, four at a time or not", () => {
    const r = rng(10);
    const m = 1 << HLL_P;
    for (const offset of [0, 1]) {
      const a = new Uint8Array(m + 1).subarray(offset, offset + m);
      const b = new Uint8Array(m);
      for (let i = 0; i < m; i++) {
        a[i] = r() < 0.3 ? 0 : Math.floor(r() * 20);
        b[i] = r() < 0.3 ? 0 : Math.floor(r() * 20);
      }
      const expected = a.map((x, i) => Math.max(x, b[i] as number));
      hllMergeInto(a, b);
      expect(a).toEqual(expected);
    }
  });
});

/**
 * Where rows end in `b`, field by field as the accumulator parses (a quote opens a field only at its
 * start; after the closing quote, anything up to the delimiter is stray text); a reference for the
 * quote-jumping {@link RowCutter}. Stops where more input would be needed.
 */
function rowEnds(b: Uint8Array): number[] {
  const ends: number[] = [];
  const len = b.length;
  const isEnd = (c: number | undefined) => c === 44 || c === 10 || c === 13;
  let p = 0;
  for (;;) {
    if (b[p] === 34) {
      p++;
      for (;;) {
        while (p < len && b[p] !== 34) p++;
        if (p >= len) return ends;
        if (p + 1 < len && b[p + 1] === 34) p += 2;
        else break;
      }
      p++;
    }
    while (p < len && !isEnd(b[p])) p++;
    if (p >= len) return ends;
    if (b[p] === 44) {
      p++;
      continue;
    }
    if (b[p] === 13) {
      if (p + 1 >= len) return ends;
      p += b[p + 1] === 10 ? 2 : 1;
    } else p++;
    ends.push(p);
  }
}

describe("analyzeCsvParallel", () => {
  it("equals the single-threaded summary on a messy CRLF file cut into tiny pieces", async () => {
    const bytes = messy(600, 1);
    const expected = single(bytes);
    for (const segmentBytes of [16, 37, 100, 1000, 1 << 20]) {
      const s = await parallel(bytes, { segmentBytes }, segmentBytes);
      expect(s).toEqual(expected);
    }
    expect(single(bytes).malformed.rows).toBeGreaterThan(10);
  });

  it("equals it with worker threads only, and with this thread parsing most pieces", async () => {
    const bytes = messy(600, 5);
    const expected = single(bytes);
    for (const segmentBytes of [37, 1000]) {
      const workersOnly = await parallel(bytes, { segmentBytes, parseHere: false }, segmentBytes);
      expect(workersOnly).toEqual(expected);
      const mostlyHere = await parallel(bytes, { segmentBytes, maxInFlight: 1 }, segmentBytes + 1);
      expect(mostlyHere).toEqual(expected);
    }
  });

  it("equals it with LF, CR-only line breaks, no header, tabs and bigger chunks", async () => {
    for (const [i, bytes] of [
      messy(400, 2, "\n"),
      messy(300, 3, "\r"),
      enc.encode(
        Array.from({ length: 500 }, (_, i) => `${i}\t${i % 3 ? `"t\n${i % 9}"` : "x"}\t${i / 4}`).join("\n"),
      ),
    ].entries()) {
      const expected = single(bytes);
      for (const segmentBytes of [8, 64, 333]) {
        const s = await parallel(bytes, { segmentBytes, workers: 3 }, i * 10 + segmentBytes, 400);
        expect(s).toEqual(expected);
      }
    }
  });

  it("keeps line numbers of malformed rows across pieces", async () => {
    const lines = ["a,b"];
    for (let i = 0; i < 200; i++) lines.push(i % 37 === 5 ? `${i}` : `${i},"v\n${i % 4}"`);
    const bytes = enc.encode(`${lines.join("\n")}\n`);
    const s = await parallel(bytes, { segmentBytes: 20, maxExamples: 3 });
    expect(s.malformed.examples).toEqual(single(bytes).malformed.examples.slice(0, 3));
    expect(s.malformed.examples.map((e) => e.line)).toEqual([12, 85, 158]);
  });

  it("carries a quoted field longer than a whole buffer to the same worker", async () => {
    const long = "z".repeat(5000);
    const bytes = enc.encode(`k,v\n1,"${long}\n${long}"\n2,x\n3,"y""\r\n"\n`);
    const s = await parallel(bytes, { segmentBytes: 64 }, 3, 700);
    expect(s).toEqual(single(bytes));
    expect(s.rows).toBe(3);
  });

  it("reads a web ReadableStream, runs small inputs and workers: 1 in this thread, reports progress", async () => {
    const bytes = messy(200, 4, "\n");
    const progress: number[] = [];
    const web = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += 1000) c.enqueue(bytes.slice(i, i + 1000));
        c.close();
      },
    });
    const s = await analyzeCsvParallel(web, {
      minParallelBytes: 0,
      segmentBytes: 512,
      onProgress: (n) => progress.push(n),
    });
    const expected = await analyzeCsvStream(chunked(bytes, 1, 100));
    expect(s).toEqual(expected);
    expect(progress.at(-1)).toBe(bytes.length);
    expect(await analyzeCsvParallel(chunked(bytes, 2, 100))).toEqual(expected);
    expect(await analyzeCsvParallel(chunked(bytes, 3, 100), { workers: 1, minParallelBytes: 0 })).toEqual(
      expected,
    );
    expect((await analyzeCsvParallel(chunked(new Uint8Array(0), 1, 1))).rows).toBe(0);
  });

  it("stops on abort and cancels the source", async () => {
    const controller = new AbortController();
    let cancelled = false;
    let sent = 0;
    const row = enc.encode("1,2,3\n".repeat(1000));
    const web = new ReadableStream<Uint8Array>({
      pull(c) {
        sent++;
        if (sent === 20) controller.abort(new Error("stop"));
        c.enqueue(row.slice());
      },
      cancel() {
        cancelled = true;
      },
    });
    await expect(
      analyzeCsvParallel(web, { signal: controller.signal, minParallelBytes: 0, segmentBytes: 4096 }),
    ).rejects.toThrow("stop");
    expect(cancelled).toBe(true);
  });
});
