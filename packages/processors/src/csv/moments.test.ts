import { describe, expect, it } from "vitest";
import { type CsvPartial, createCsvAccumulator } from "./accumulator.ts";
import { mergeMoments, momentStats } from "./moments.ts";
import { mergeCsvPartials, summarizeCsv } from "./summary.ts";

const enc = new TextEncoder();

// ---------------------------------------------------------------------------------------------------
// A reference in exact rational arithmetic, independent of the code under test.

/** A finite double as m × 2^e exactly. */
function exact(x: number): { m: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const be = Number((bits >> 52n) & 0x7ffn);
  let m = bits & 0xfffffffffffffn;
  if (be !== 0) m |= 1n << 52n;
  const e = (be === 0 ? 1 : be) - 1075;
  return { m: bits >> 63n ? -m : m, e };
}

/** A rational num / den × 2^e with den > 0. */
interface Rational {
  num: bigint;
  den: bigint;
}

const E = 2400; // every value here is a multiple of 2^-2400 after squaring, and far below 2^2400
function scaled(x: number, by = E): bigint {
  const { m, e } = exact(x);
  return e + by >= 0 ? m << BigInt(e + by) : m >> BigInt(-(e + by));
}

/** Exact mean and sample variance of `xs`, as rationals in units of 2^-E and 2^-2E. */
function reference(xs: number[]): { mean: Rational; variance: Rational } {
  const n = BigInt(xs.length);
  let s1 = 0n;
  let s2 = 0n;
  for (const x of xs) {
    const v = scaled(x);
    s1 += v;
    s2 += v * v;
  }
  return { mean: { num: s1, den: n }, variance: { num: n * s2 - s1 * s1, den: n * (n - 1n) } };
}

/** The gap from a finite double to the next one away from zero. */
function ulp(x: number): number {
  const e = exact(Math.abs(x));
  const bits = e.m === 0n ? 0 : e.m.toString(2).length;
  return 2 ** Math.max(e.e + bits - 53, -1074);
}

/** |r − q| ≤ ulps × ulp(r), q in units of 2^-unit. */
function within(r: number, q: Rational, ulps: number, unit = E): boolean {
  const lhs = (scaled(r, unit + 60) * q.den - (q.num << 60n)) * 2n; // 2 × (r − q) × den, scaled
  const bound = scaled(ulp(r) * ulps, unit + 60) * q.den * 2n;
  return (lhs < 0n ? -lhs : lhs) <= bound;
}

/** (r − ulp)² ≤ v ≤ (r + ulp)²: r is within one ulp of √v. */
function sqrtWithinUlp(r: number, v: Rational): boolean {
  const lo = scaled(r - ulp(r));
  const hi = scaled(r + ulp(r));
  // v is in units of 2^-2E: compare lo²·den ≤ num ≤ hi²·den.
  return lo * lo * v.den <= v.num && v.num <= hi * hi * v.den;
}

/** The textbook one-pass algorithm this replaced, for contrast. */
function welford(xs: number[]): { mean: number; stddev: number } {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (const x of xs) {
    const d = x - mean;
    mean += d / ++n;
    m2 += d * (x - mean);
  }
  return { mean, stddev: Math.sqrt(m2 / (n - 1)) };
}

// ---------------------------------------------------------------------------------------------------

function csvOf(values: string[]): Uint8Array {
  return enc.encode(`v\n${values.join("\n")}\n`);
}

function partialOf(bytes: Uint8Array, columns?: string[]): CsvPartial {
  const acc = createCsvAccumulator(columns ? { delimiter: ",", columns } : {});
  acc.push(bytes);
  return acc.finish();
}

function statsOf(values: string[]): { mean: number; stddev: number } {
  const numeric = summarizeCsv(partialOf(csvOf(values))).columns[0]?.numeric;
  if (!numeric) throw new Error("no numeric column");
  return { mean: numeric.mean, stddev: numeric.stddev };
}

/** Row boundaries of `bytes` (offsets just past a line feed), the header's excluded. */
function rowStarts(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = bytes.indexOf(10) + 1; i < bytes.length; i = bytes.indexOf(10, i) + 1) out.push(i);
  return out;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe("means and standard deviations from exact sums", () => {
  it("are the same bits wherever a file is cut and in whatever order the pieces merge", () => {
    const r = rng(13);
    const values: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const k = i % 8;
      const x = r();
      values.push(
        k === 0
          ? (x * 1000 - 500).toFixed(3)
          : k === 1
            ? String(Math.floor(x * 1e12))
            : k === 2
              ? `${(x * 9 + 1).toFixed(6)}e${Math.floor(r() * 40) - 20}`
              : k === 3
                ? `-${(x * 1e6).toFixed(2)}`
                : k === 4
                  ? (1e9 + x).toFixed(7)
                  : k === 5
                    ? String(x)
                    : k === 6
                      ? String(Math.floor(x * 2e8) - 1e8) // small integers, both signs
                      : String(Math.floor(x * 8) - 4 + (r() < 0.5 ? -1 : 1) * 2 ** 27), // about ±2^27
      );
    }
    const bytes = csvOf(values);
    const whole = summarizeCsv(partialOf(bytes)).columns[0]?.numeric;
    const ref = reference(values.map(Number));
    expect(whole && within(whole.mean, ref.mean, 0.5)).toBe(true);
    expect(whole && sqrtWithinUlp(whole.stddev, ref.variance)).toBe(true);
    const starts = rowStarts(bytes);
    const header = bytes.subarray(0, bytes.indexOf(10) + 1);
    for (let trial = 0; trial < 30; trial++) {
      // 1 to 12 cuts at random row boundaries (a kernel block is 256 numbers: cuts land inside).
      const cuts = new Set<number>();
      const count = 1 + Math.floor(r() * 12);
      while (cuts.size < count) cuts.add(starts[Math.floor(r() * starts.length)] as number);
      const bounds = [header.length, ...[...cuts].sort((a, b) => a - b), bytes.length];
      const pieces: CsvPartial[] = [];
      for (let i = 0; i + 1 < bounds.length; i++) {
        pieces.push(partialOf(bytes.subarray(bounds[i], bounds[i + 1]), ["v"]));
      }
      // In file order, backwards, and as a balanced tree: summaries must be bit-identical.
      const inOrder = pieces.reduce((a, b) => mergeCsvPartials(a, b));
      const backwards = pieces.reduceRight((a, b) => mergeCsvPartials(b, a));
      const tree = (ps: CsvPartial[]): CsvPartial =>
        ps.length === 1
          ? (ps[0] as CsvPartial)
          : mergeCsvPartials(tree(ps.slice(0, ps.length >> 1)), tree(ps.slice(ps.length >> 1)));
      for (const merged of [inOrder, backwards, tree(pieces)]) {
        const got = summarizeCsv(merged).columns[0]?.numeric;
        // toEqual compares numbers with Object.is: to the bit.
        expect([got?.mean, got?.stddev]).toEqual([whole?.mean, whole?.stddev]);
      }
      // The moments themselves, merged shuffled.
      const shuffled = pieces.map((p) => p.columnStats[0]?.moments).sort(() => r() - 0.5);
      const m = shuffled.reduce((a, b) => (a && b ? mergeMoments(a, b) : a));
      expect(m && momentStats(m)).toEqual({ mean: whole?.mean, stddev: whole?.stddev });
    }
    // These values do tell orders apart: rounding at every value, the order changes the last bits.
    const xs = values.map(Number);
    expect(welford(xs).stddev).not.toBe(welford(xs.slice().reverse()).stddev);
  });

  it("are correctly rounded for integers, the kernel's fast path, and the numbers around them", () => {
    const r = rng(3);
    // Small integers of both signs (summed in i64 per block), integers just past 2^27 (the general
    // path) and decimals of the same size, mixed within the kernel's blocks of 256.
    const columns: string[][] = [[], [], []];
    for (let i = 0; i < 2000; i++) {
      columns[0]?.push(String(Math.floor(r() * 2001) - 1000));
      const big = 2 ** 27 + Math.floor(r() * 8) - 4;
      columns[1]?.push(String(r() < 0.5 ? -big : big));
      columns[2]?.push(i % 2 ? String(Math.floor(r() * 2001) - 1000) : (r() * 2000 - 1000).toFixed(2));
    }
    for (const values of columns) {
      const ref = reference(values.map(Number));
      const { mean, stddev } = statsOf(values);
      expect(within(mean, ref.mean, 0.5)).toBe(true);
      expect(sqrtWithinUlp(stddev, ref.variance)).toBe(true);
    }
    // A few exact figures.
    expect(statsOf(["1", "2", "3", "-5"])).toEqual({ mean: 0.25, stddev: Math.sqrt(155 / 12) });
    expect(statsOf(["-3", "-3"])).toEqual({ mean: -3, stddev: 0 });
  });

  it("are correctly rounded with magnitudes that naive summation loses", () => {
    const values = ["1e300", "1", "-1e300", "1e-300", "3.5", "-2.5e-300", "7e299", "-7e299", "1e-310", "2"];
    const xs = values.map(Number);
    const naive = xs.reduce((a, b) => a + b, 0) / xs.length;
    const ref = reference(xs);
    const { mean, stddev } = statsOf(values);
    // The exact mean is (6.5 + tiny) / 10; summing in order loses the 1 and gets 0.55.
    expect(naive).not.toBe(mean);
    expect(within(mean, ref.mean, 0.5)).toBe(true);
    expect(mean).toBe(0.65);
    // x² of 1e300 overflows a double and of 1e-300 underflows: both are exact in the sums.
    expect(sqrtWithinUlp(stddev, ref.variance)).toBe(true);
    expect(Number.isFinite(stddev)).toBe(true);
    // And in any order of the rows.
    expect(statsOf(values.slice().reverse())).toEqual({ mean, stddev });
  });

  it("are right to an ulp where values share a large offset (mean 1e9, deviation 1e-3)", () => {
    const r = rng(5);
    const values: string[] = [];
    for (let i = 0; i < 5000; i++) {
      // A normal-ish deviate (sum of uniforms), σ ≈ 1e-3, written with 7 decimals (17 digits).
      const z = (r() + r() + r() + r() + r() + r() - 3) * Math.SQRT2;
      values.push((1e9 + z * 1e-3).toFixed(7));
    }
    const xs = values.map(Number);
    const ref = reference(xs);
    const { mean, stddev } = statsOf(values);
    expect(within(mean, ref.mean, 0.5)).toBe(true);
    expect(sqrtWithinUlp(stddev, ref.variance)).toBe(true);
    expect(stddev).toBeGreaterThan(0.0009);
    expect(stddev).toBeLessThan(0.0011);
    // Welford's algorithm, rounding at every value, is off here by far more than an ulp.
    const w = welford(xs);
    expect(sqrtWithinUlp(w.stddev, ref.variance)).toBe(false);
    expect(Math.abs(w.stddev - stddev)).toBeGreaterThan(4 * ulp(stddev));
  });

  it("handle squares past the range of doubles and non-finite numbers deterministically", () => {
    // Finite, with squares that overflow (1e300²) or underflow (1e-300²): exact.
    const huge = statsOf(["1e300", "-1e300"]);
    expect(huge.mean).toBe(0);
    expect(sqrtWithinUlp(huge.stddev, reference([1e300, -1e300]).variance)).toBe(true);
    const tiny = statsOf(["1e-300", "3e-300", "5e-324"]);
    expect(within(tiny.mean, reference([1e-300, 3e-300, 5e-324]).mean, 0.5)).toBe(true);
    expect(sqrtWithinUlp(tiny.stddev, reference([1e-300, 3e-300, 5e-324]).variance)).toBe(true);
    // Numbers past the largest double read as ±Infinity (as Number() reads them): kept out of the
    // sums, they make the mean that infinity (NaN with both signs) and the deviation NaN.
    expect(statsOf(["1e400", "1", "2"])).toEqual({ mean: Number.POSITIVE_INFINITY, stddev: Number.NaN });
    expect(statsOf(["1", "-1e400"])).toEqual({ mean: Number.NEGATIVE_INFINITY, stddev: Number.NaN });
    expect(statsOf(["1e400", "-1e400", "3"])).toEqual({ mean: Number.NaN, stddev: Number.NaN });
    expect(statsOf(["1e400"])).toEqual({ mean: Number.POSITIVE_INFINITY, stddev: 0 });
    // The flag survives merging.
    const [a, b] = [partialOf(csvOf(["1", "2"])), partialOf(enc.encode("1e400\n"), ["v"])];
    const merged = summarizeCsv(mergeCsvPartials(a, b)).columns[0]?.numeric;
    expect(merged).toMatchObject({ min: 1, max: Number.POSITIVE_INFINITY, mean: Number.POSITIVE_INFINITY });
    expect(merged?.stddev).toBeNaN();
  });

  it("stay exact past the 2^24 numbers after which the kernel normalises a column's limbs", () => {
    // One kernel block (256 numbers) of mixed signs and sizes, repeated: 17 million numbers.
    const r = rng(17);
    const block = Array.from({ length: 256 }, (_, i) =>
      i % 4 === 0
        ? `-${(r() * 1e6).toFixed(3)}`
        : i % 4 === 1
          ? String(Math.floor(r() * 1e8) - 5e7)
          : i % 4 === 2
            ? `${(r() * 9 + 1).toFixed(4)}e-${Math.floor(r() * 30)}`
            : String(Math.floor(r() * 1e15)),
    );
    const piece = enc.encode(`${Array.from({ length: 256 }, () => block.join("\n")).join("\n")}\n`);
    const times = 260; // × 256 × 256 = 17,039,360 > 2^24 = 16,777,216
    const acc = createCsvAccumulator({ delimiter: ",", header: false });
    for (let i = 0; i < times; i++) acc.push(piece);
    const numeric = summarizeCsv(acc.finish()).columns[0]?.numeric;
    // The reference: the block's exact sums, times its repetitions.
    const reps = BigInt(256 * times);
    const n = 256n * reps;
    expect(numeric?.min).toBeLessThan(0);
    let s1 = 0n; // in units of 2^-E
    let s2 = 0n; // in units of 2^-2E
    for (const x of block.map(Number)) {
      s1 += scaled(x);
      s2 += scaled(x) * scaled(x);
    }
    s1 *= reps;
    s2 *= reps;
    expect(numeric && within(numeric.mean, { num: s1, den: n }, 0.5)).toBe(true);
    expect(numeric && sqrtWithinUlp(numeric.stddev, { num: n * s2 - s1 * s1, den: n * (n - 1n) })).toBe(true);
  });

  it("keep partials small and plain: strings, JSON round-trips", () => {
    const values = Array.from({ length: 10_000 }, (_, i) => (i * 1.37).toFixed(2));
    const m = partialOf(csvOf(values)).columnStats[0]?.moments;
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
    expect(JSON.stringify(m).length).toBeLessThan(200);
    expect(m).toMatchObject({ n: 10_000, min: 0, max: Number((9999 * 1.37).toFixed(2)), nonFinite: 0 });
    expect(structuredClone(m)).toEqual(m);
  });
});
