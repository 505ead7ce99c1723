import { describe, expect, it } from "vitest";
import {
  analyzeCsvChunks,
  CHUNK_PLAN_HEAD_BYTES,
  type CsvChunkResult,
  type CsvSummary,
  mergeCsvChunks,
  nextRedo,
  planCsvChunks,
  summarizeCsv,
} from "./index.ts";
import { EXACT_CAP } from "./kernel.ts";
import { single } from "./test-support.ts";

const enc = new TextEncoder();

/** The bytes from `from` on, in pieces of `step` bytes: what ranged reads of a store deliver. */
function reader(bytes: Uint8Array, step: number) {
  return async function* (from: number): AsyncGenerator<Uint8Array> {
    for (let at = from; at < bytes.length; at += step)
      yield bytes.subarray(at, Math.min(bytes.length, at + step));
  };
}

/** What the pipeline does with a blob: every chunk on its own, redone where a cut was wrong, merged. */
async function inChunks(bytes: Uint8Array, chunkBytes: number, step = 7) {
  const plan = planCsvChunks(bytes.subarray(0, CHUNK_PLAN_HEAD_BYTES), bytes.length, chunkBytes);
  if (!plan) throw new Error("expected a plan");
  const read = reader(bytes, step);
  const results: CsvChunkResult[] = [];
  for (let i = 0; i < plan.count; i++) results.push(await analyzeCsvChunks(plan, i, i, read));
  const firstPass = results.slice();
  let redos = 0;
  for (let i = nextRedo(results); i >= 0; i = nextRedo(results)) {
    const a = results[i] as CsvChunkResult;
    const b = results[i + 1] as CsvChunkResult;
    results.splice(i, 2, await analyzeCsvChunks(plan, a.first, b.last, read));
    redos++;
  }
  // The ranges tile the file.
  expect(results[0]?.start).toBe(0);
  expect(results.at(-1)?.end).toBe(bytes.length);
  for (let i = 1; i < results.length; i++) expect(results[i]?.start).toBe(results[i - 1]?.end);
  return { plan, summary: summarizeCsv(mergeCsvChunks(results)), redos, firstPass, results };
}

/**
 * Every figure identical to the single pass's, means and standard deviations to the bit: toEqual
 * compares numbers with Object.is, and the numeric figures are checked so once more by name.
 */
function expectSame(actual: CsvSummary, expected: CsvSummary): void {
  expect(actual).toEqual(expected);
  actual.columns.forEach((c, i) => {
    const want = expected.columns[i]?.numeric;
    for (const key of ["mean", "stddev"] as const) {
      if (!Object.is(c.numeric?.[key], want?.[key]))
        expect.fail(`${c.name}.${key}: ${c.numeric?.[key]} chunked, ${want?.[key]} in one pass`);
    }
  });
}

function rows(n: number, eol = "\n"): string {
  const lines = ["id,name,price,when,note"];
  for (let i = 0; i < n; i++) {
    const note = i % 5 === 0 ? `"a, ""b"""` : i % 7 === 0 ? "" : `n${i % 13}`;
    const ragged = i % 97 === 3 ? ",extra" : "";
    lines.push(
      `${i},user${i % 101},${(i * 1.25).toFixed(2)},2024-0${1 + (i % 9)}-1${i % 10},${note}${ragged}`,
    );
  }
  return `${lines.join(eol)}${eol}`;
}

describe("a CSV blob in chunks", () => {
  it("equals the single pass for every chunk size, each chunk reading only from its own offset", async () => {
    const bytes = enc.encode(rows(600));
    const expected = single(bytes);
    for (const chunkBytes of [16, 33, 100, 1000, 4096]) {
      const { summary, plan } = await inChunks(bytes, chunkBytes);
      expect(plan.count).toBe(Math.ceil(bytes.length / chunkBytes));
      expectSame(summary, expected);
    }
    expect(expected.malformed.rows).toBeGreaterThan(5);
  });

  it("plans once from the head: a BOM and a tab-separated dialect reach every chunk", async () => {
    const tsv = enc.encode(`\ufeff${rows(300).replaceAll(",", "\t")}`);
    const expected = single(tsv);
    expect(expected.dialect.delimiter).toBe("\t");
    for (const chunkBytes of [64, 500]) expectSame((await inChunks(tsv, chunkBytes)).summary, expected);
  });

  it("redoes the ranges whose cut fell inside a quoted field, and only those", async () => {
    // Quoted line breaks everywhere: many cuts land in them.
    const text = rows(300).replace(/"a, ""b"""/g, `"line one\nline two\n""three""\n"`);
    const bytes = enc.encode(text);
    const expected = single(bytes);
    let redone = 0;
    for (const chunkBytes of [40, 64, 97, 256, 1000]) {
      const { summary, redos, firstPass } = await inChunks(bytes, chunkBytes);
      expectSame(summary, expected);
      // A redo for each chunk that a correct start showed to end in the middle of a row, no more.
      expect(redos).toBeLessThanOrEqual(firstPass.filter((r) => !r.clean).length);
      redone += redos;
    }
    expect(redone).toBeGreaterThan(0);
    expect(expected.rows).toBe(300);
  });

  it("never splits a CRLF pair, whichever byte a cut lands on", async () => {
    const bytes = enc.encode(rows(200, "\r\n"));
    const expected = single(bytes);
    for (let chunkBytes = 50; chunkBytes < 80; chunkBytes++) {
      expectSame((await inChunks(bytes, chunkBytes, 3)).summary, expected);
    }
  });

  it("keeps multi-byte UTF-8 characters whole across cuts and read pieces", async () => {
    const words = ["café", "日本語", "naïve", "🙂x", "Ωμέγα"];
    const lines = ["n,word"];
    for (let i = 0; i < 400; i++) lines.push(`${i},${words[i % words.length]}${i % 3}`);
    const bytes = enc.encode(`${lines.join("\n")}\n`);
    const expected = single(bytes);
    for (const chunkBytes of [17, 31, 250]) {
      for (const step of [1, 2, 5]) expectSame((await inChunks(bytes, chunkBytes, step)).summary, expected);
    }
    expect(expected.invalidUtf8Fields).toBe(0);
    expect(expected.columns[1]?.values?.distinctExact).toBe(true);
  });

  it("handles an empty last chunk (its cut finds the file's last line feed)", async () => {
    // The last row is longer than a chunk: the last cut's first line feed is the file's last byte.
    const text = `a,b\n1,x\n2,y\n3,${"z".repeat(40)}\n`;
    const bytes = enc.encode(text);
    const chunkBytes = 20;
    const { summary, firstPass } = await inChunks(bytes, chunkBytes);
    const last = firstPass.at(-1) as CsvChunkResult;
    expect(last.start).toBe(bytes.length);
    expect(last.end).toBe(bytes.length);
    expect(last.partial.rows).toBe(0);
    expectSame(summary, single(bytes));
    // And a file without a final line feed, whose last chunk holds only the tail.
    const open = enc.encode(text.slice(0, -1));
    expectSame((await inChunks(open, chunkBytes)).summary, single(open));
  });

  it("estimates distinct counts past the exact bound within the sketch's error", async () => {
    const n = EXACT_CAP * 3;
    const lines = ["key,group"];
    for (let i = 0; i < n; i++) lines.push(`k${(i * 7919) % n},g${i % 5}`);
    const bytes = enc.encode(`${lines.join("\n")}\n`);
    const expected = single(bytes);
    const { summary } = await inChunks(bytes, 20_000, 4096);
    const key = summary.columns[0]?.values;
    expect(key?.distinctExact).toBe(false);
    // HyperLogLog with 2^14 registers: ~0.8 % standard error; 4 % is five of them.
    expect(Math.abs((key?.distinct ?? 0) - n) / n).toBeLessThan(0.04);
    expect(summary.columns[1]?.values).toEqual(expected.columns[1]?.values);
    expect(summary.rows).toBe(n);
  });

  it("does not cut a file that fits one chunk, nor one whose first row outruns the head", () => {
    const bytes = enc.encode(rows(10));
    expect(planCsvChunks(bytes, bytes.length, bytes.length)).toBeNull();
    const wide = enc.encode(`${"h".repeat(CHUNK_PLAN_HEAD_BYTES + 10)}\n1\n`);
    expect(planCsvChunks(wide.subarray(0, CHUNK_PLAN_HEAD_BYTES), wide.length, 1024)).toBeNull();
  });
});
