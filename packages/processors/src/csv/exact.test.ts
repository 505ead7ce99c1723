import { describe, expect, it } from "vitest";
import { nextRowBoundary } from "./boundary.ts";
import { type ExactValuesData, exactTop, mergeExactValues } from "./exact.ts";
import { type CsvPartial, createCsvAccumulator, mergeCsvPartials, summarizeCsv } from "./index.ts";
import { EXACT_CAP } from "./kernel.ts";

const enc = new TextEncoder();

function partial(text: string): CsvPartial {
  const acc = createCsvAccumulator();
  acc.push(enc.encode(text));
  return acc.finish();
}

/** `text` cut at the first row boundary after every `step` bytes, each piece parsed on its own, merged. */
function inPieces(text: string, step: number): CsvPartial {
  const bytes = enc.encode(text);
  let merged: CsvPartial | null = null;
  for (let start = 0; start < bytes.length; ) {
    const end = nextRowBoundary(bytes, Math.min(bytes.length, start + step));
    const acc = createCsvAccumulator(merged ? { delimiter: ",", columns: merged.columns } : {});
    acc.push(bytes.subarray(start, end));
    const p = acc.finish();
    merged = merged ? mergeCsvPartials(merged, p) : p;
    start = end;
  }
  return merged as CsvPartial;
}

/** A column of `distinct` values, value i appearing i % 7 + 1 times, in a shuffled order. */
function column(distinct: number): string {
  const rows: string[] = [];
  for (let i = 0; i < distinct; i++) for (let n = 0; n <= i % 7; n++) rows.push(`v${i}`);
  // A fixed shuffle (a stride coprime with the length) so that no value's copies are adjacent.
  const out: string[] = [];
  for (let i = 0, j = 0; i < rows.length; i++, j = (j + 7919) % rows.length) out.push(rows[j] as string);
  return `name\n${out.join("\n")}\n`;
}

describe("exact distinct values", () => {
  it("counts a column's distinct values and top values exactly while they fit the bound", () => {
    // 3000 distinct values: far more than the frequent-items table holds, so its counts are estimates.
    const values = summarizeCsv(partial(column(3000))).columns[0]?.values;
    expect(values?.distinctExact).toBe(true);
    expect(values?.distinct).toBe(3000);
    expect(values?.maxError).toBe(0);
    // Values i ≡ 6 (mod 7) appear 7 times; the first ten of them in label order.
    const sevens = Array.from({ length: 3000 }, (_, i) => i)
      .filter((i) => i % 7 === 6)
      .map((i) => `v${i}`)
      .sort()
      .slice(0, 10);
    expect(values?.top).toEqual(sevens.map((value) => ({ value, count: 7 })));
  });

  it("falls back to the estimate, marked as one, past the bound", () => {
    const values = summarizeCsv(partial(column(EXACT_CAP + 500))).columns[0]?.values;
    expect(values?.distinctExact).toBe(false);
    expect(values?.distinct).toBeGreaterThan((EXACT_CAP + 500) * 0.95);
    expect(values?.distinct).toBeLessThan((EXACT_CAP + 500) * 1.05);
    expect(values?.maxError).toBeGreaterThan(0);
  });

  it("merges pieces into the counts of the whole file", () => {
    const text = column(1500);
    const whole = summarizeCsv(partial(text)).columns[0]?.values;
    const merged = summarizeCsv(inPieces(text, 997)).columns[0]?.values;
    expect(merged).toEqual(whole);
    expect(merged?.distinctExact).toBe(true);
  });

  it("gives up exactness when the pieces together pass the bound", () => {
    const text = column(EXACT_CAP + 10);
    // Each piece alone has fewer than EXACT_CAP distinct values; the union does not.
    const p = inPieces(text, 8_000);
    expect(p.columnStats[0]?.exact).toBeNull();
    expect(summarizeCsv(p).columns[0]?.values?.distinctExact).toBe(false);
  });

  it("counts integers among a text column's values, a ZIP column's included", () => {
    const values = summarizeCsv(partial("zip\n10001\n02134\n10001\n99950\n+5\n5\n")).columns[0]?.values;
    expect(values).toMatchObject({ distinct: 5, distinctExact: true, maxError: 0 });
    expect(values?.top[0]).toEqual({ value: "10001", count: 2 });
    expect(values?.top.map((t) => t.value).sort()).toEqual(["+5", "02134", "10001", "5", "99950"]);
  });

  it("is not exact where numbers with fractions came before the first text, alone or merged", () => {
    // The kernel keeps a numeric column's integers only: fractions before a text value are lost.
    expect(summarizeCsv(partial("x\n1.5\n2\nabc\n")).columns[0]?.values?.distinctExact).toBe(false);
    // After the first text value they are kept.
    expect(summarizeCsv(partial("x\nabc\n1.5\n2\n1.5\n")).columns[0]?.values).toMatchObject({
      distinct: 3,
      distinctExact: true,
      top: [
        { value: "1.5", count: 2 },
        { value: "2", count: 1 },
        { value: "abc", count: 1 },
      ],
    });
    const numbers = partial("x\n1.5\n2\n");
    expect(numbers.columnStats[0]?.exact).toBeNull();
    const text = createCsvAccumulator({ delimiter: ",", columns: ["x"] });
    text.push(enc.encode("abc\n2\n"));
    const merged = summarizeCsv(mergeCsvPartials(numbers, text.finish())).columns[0]?.values;
    expect(merged?.distinctExact).toBe(false);
    // The estimate: "abc" and the "2" after it; the numbers before the first text value are not in it.
    expect(merged?.distinct).toBe(2);
  });

  it("mergeExactValues adds counts of the same value and keeps the rest", () => {
    const a: ExactValuesData = { h1: [1, 2], h2: [1, 2], counts: [3, 1], labels: ["x", "y"] };
    const b: ExactValuesData = { h1: [2, 3], h2: [2, 3], counts: [4, 1], labels: ["y", "z"] };
    const m = mergeExactValues(a, b) as ExactValuesData;
    expect(exactTop(m, 10)).toEqual([
      { value: "y", count: 5 },
      { value: "x", count: 3 },
      { value: "z", count: 1 },
    ]);
    expect(mergeExactValues(a, b, 2)).toBeNull();
    expect(mergeExactValues(a, null)).toBeNull();
    expect(mergeExactValues(undefined, b)).toBeNull();
  });
});
