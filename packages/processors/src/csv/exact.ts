/**
 * Exact distinct values of a column: every distinct non-numeric value with its count, kept by the
 * kernel while a column has at most EXACT_CAP of them. A small file's counts and top values are then
 * exact instead of estimated by the sketches; past the bound a column has the sketches only.
 */
import { type CsvKernel, EXACT_CAP, EXACT_TABLE } from "./kernel.ts";

/** A column's distinct values and their counts, in no particular order. Plain data: structured-cloneable. */
export interface ExactValuesData {
  h1: number[];
  h2: number[];
  counts: number[];
  labels: string[];
}

const utf8 = new TextDecoder();

/**
 * Column `i`'s exact values from the kernel's memory, given its kind counts (in the order of KINDS);
 * null when it had too many to count exactly, or when its table is not whole: until a column shows
 * a value that is not a number the kernel keeps only its integers, so a column of numbers some of
 * which are not integers has none (its distinct values are never shown, and merged with a piece
 * where the column is text it must not pass for exact).
 *
 * @example readExactValues(kernel, 0, [0, 0, 0, 0, 0, 12])?.counts.length // the column's distinct values
 */
export function readExactValues(k: CsvKernel, i: number, kinds: readonly number[]): ExactValuesData | null {
  const size = k.getColExactSize(i);
  if (size < 0) return null;
  const [, fractions = 0, ...others] = kinds;
  if (fractions > 0 && others.every((n) => n === 0)) return null;
  const data: ExactValuesData = { h1: [], h2: [], counts: [], labels: [] };
  if (size === 0) return data;
  const buffer = k.memory.buffer;
  const view = new DataView(buffer);
  const mem = new Uint8Array(buffer);
  const base = k.getColExact(i);
  const cap = k.getColExactCap(i);
  const labels = base + cap * 2 * EXACT_TABLE.slot;
  for (let slot = 0; slot < cap * 2; slot++) {
    const at = base + slot * EXACT_TABLE.slot;
    const entry = view.getInt32(at + EXACT_TABLE.entry, true) - 1;
    if (entry < 0) continue;
    data.h1.push(view.getInt32(at + EXACT_TABLE.h1, true));
    data.h2.push(view.getInt32(at + EXACT_TABLE.h2, true));
    data.counts.push(view.getFloat64(at + EXACT_TABLE.count, true));
    const label = labels + entry * EXACT_TABLE.labelStride;
    data.labels.push(utf8.decode(mem.subarray(label + 1, label + 1 + (mem[label] as number))));
  }
  return data;
}

/**
 * The exact values of two pieces of a file together: counts of the same value add up. Null when
 * either side had too many values, or both together have more than `cap`.
 *
 * @example mergeExactValues(a, b)?.counts.length
 */
export function mergeExactValues(
  a: ExactValuesData | null | undefined,
  b: ExactValuesData | null | undefined,
  cap = EXACT_CAP,
): ExactValuesData | null {
  if (!a || !b) return null;
  if (b.counts.length === 0) return a;
  if (a.counts.length === 0) return b;
  const out: ExactValuesData = { h1: [...a.h1], h2: [...a.h2], counts: [...a.counts], labels: [...a.labels] };
  const at = new Map<string, number>();
  a.h1.forEach((h1, x) => {
    at.set(`${h1},${a.h2[x]}`, x);
  });
  for (let x = 0; x < b.counts.length; x++) {
    const key = `${b.h1[x]},${b.h2[x]}`;
    const found = at.get(key);
    if (found !== undefined) {
      out.counts[found] = (out.counts[found] as number) + (b.counts[x] as number);
      continue;
    }
    if (out.counts.length === cap) return null;
    at.set(key, out.counts.length);
    out.h1.push(b.h1[x] as number);
    out.h2.push(b.h2[x] as number);
    out.counts.push(b.counts[x] as number);
    out.labels.push(b.labels[x] as string);
  }
  return out;
}

/**
 * The `n` most frequent values, largest counts first and equal counts in the order of their labels:
 * the order of the frequent-items sketch, so that exact and estimated lists read alike.
 *
 * @example exactTop({ h1: [1, 2], h2: [1, 2], counts: [1, 3], labels: ["a", "b"] }, 1) // [{ value: "b", count: 3 }]
 */
export function exactTop(data: ExactValuesData, n: number): { value: string; count: number }[] {
  return data.counts
    .map((count, x) => ({ count, x }))
    .sort(
      (p, q) =>
        q.count - p.count ||
        compare(data.labels[p.x] as string, data.labels[q.x] as string) ||
        (data.h1[p.x] as number) - (data.h1[q.x] as number) ||
        (data.h2[p.x] as number) - (data.h2[q.x] as number),
    )
    .slice(0, n)
    .map(({ count, x }) => ({ value: data.labels[x] as string, count }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
