/**
 * Mergeable sketches behind the CSV statistics. Every one of them can be built from any piece of a file
 * and combined with the sketch of another piece, which is what lets byte ranges of one file be analysed
 * by different workers: a fixed-boundary log-linear histogram, HyperLogLog and a frequent-items
 * (Misra-Gries with median purges) table (the exact sums behind means and deviations are in
 * moments.ts). The parser's kernel (assembly/csv-kernel.ts) fills them in its own memory with the
 * same layouts and hashes; this module merges and reads them, and holds the frequent-items table.
 */

// ---------------------------------------------------------------------------------------------------
// HyperLogLog

/** 2^14 registers: standard error 1.04 / sqrt(16384) ≈ 0.8 %, 16 KiB per column. */
export const HLL_P = 14;
const HLL_M = 1 << HLL_P;

/**
 * Merges HyperLogLog registers: the register-wise maximum, which is exactly the sketch of the union.
 *
 * @example hllMerge(new Uint8Array(16384), new Uint8Array(16384))
 */
export function hllMerge(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = a.slice(0, HLL_M);
  hllMergeInto(out, b);
  return out;
}

/**
 * Merges the registers `b` into `a` (register-wise maximum, in place). Four registers at a time:
 * registers are below 128, so per byte `(a | 0x80) − b` keeps its top bit exactly when a ≥ b, and no
 * byte borrows from its neighbour. A merge per piece of a file made this loop most of the merge.
 *
 * @example const a = new Uint8Array(16384); hllMergeInto(a, new Uint8Array(16384));
 */
export function hllMergeInto(a: Uint8Array, b: Uint8Array): void {
  const n = Math.min(a.length, b.length, HLL_M);
  if (a.byteOffset % 4 !== 0 || b.byteOffset % 4 !== 0 || n % 4 !== 0) {
    for (let i = 0; i < n; i++) if ((b[i] as number) > (a[i] as number)) a[i] = b[i] as number;
    return;
  }
  const wa = new Uint32Array(a.buffer, a.byteOffset, n >> 2);
  const wb = new Uint32Array(b.buffer, b.byteOffset, n >> 2);
  for (let i = 0; i < wa.length; i++) {
    const y = wb[i] as number;
    if (y === 0) continue;
    const x = wa[i] as number;
    const ge = ((x | 0x80808080) - y) & 0x80808080;
    // 0xff in the bytes where x ≥ y.
    const m = (ge >>> 7) * 0xff;
    wa[i] = (x & m) | (y & ~m);
  }
}

/**
 * The estimated number of distinct values, with the small-range (linear counting) and 32-bit
 * large-range corrections of Flajolet et al.
 *
 * @example hllEstimate(new Uint8Array(16384)) // 0
 */
export function hllEstimate(registers: Uint8Array): number {
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < HLL_M; i++) {
    const r = registers[i] as number;
    sum += 2 ** -r;
    if (r === 0) zeros++;
  }
  const alpha = 0.7213 / (1 + 1.079 / HLL_M);
  let e = (alpha * HLL_M * HLL_M) / sum;
  if (e <= 2.5 * HLL_M && zeros > 0) e = HLL_M * Math.log(HLL_M / zeros);
  else if (e > 2 ** 32 / 30) e = -(2 ** 32) * Math.log(1 - e / 2 ** 32);
  return Math.round(e);
}

// ---------------------------------------------------------------------------------------------------
// Log-linear histogram

/*
 * Buckets have fixed boundaries, independent of the data, so two histograms merge by adding counts.
 * A bucket is a sign, a binary exponent in [-64, 63] and the top 4 mantissa bits: 16 buckets per
 * power of two, i.e. each bucket is at most 1/16 (6.25 %) of its lower bound wide. |x| < 2^-64 (and
 * 0) shares one bucket; |x| ≥ 2^64 is folded into the top exponent. The requested fixed number of
 * equal-width bins between min and max is computed only at the end by spreading each bucket's count
 * uniformly over its range.
 */
const EXP_MIN = -64;
const EXP_MAX = 63;
const SUBS = 16;
const PER_SIGN = (EXP_MAX - EXP_MIN + 1) * SUBS;
/** Number of buckets of a {@link histogramAdd} histogram: both signs plus the zero bucket. */
export const HIST_BUCKETS = 2 * PER_SIGN + 1;
const ZERO_BUCKET = PER_SIGN;

function bucketRange(idx: number): [number, number] {
  if (idx === ZERO_BUCKET) return [-(2 ** EXP_MIN), 2 ** EXP_MIN];
  const neg = idx < ZERO_BUCKET;
  const offset = neg ? ZERO_BUCKET - 1 - idx : idx - ZERO_BUCKET - 1;
  const e = Math.floor(offset / SUBS) + EXP_MIN;
  const sub = offset % SUBS;
  const lo = 2 ** e * (1 + sub / SUBS);
  const hi = 2 ** e * (1 + (sub + 1) / SUBS);
  return neg ? [-hi, -lo] : [lo, hi];
}

/** One bin of a summary histogram: values in [from, to), the last bin includes `to`. */
export interface HistogramBin {
  from: number;
  to: number;
  count: number;
}

/**
 * Turns log-linear bucket counts into `bins` equal-width bins over [min, max]. Counts inside a
 * bucket are assumed uniform, so bin counts are approximate near bucket edges (within one bucket,
 * ≤ 6.25 % of the value), and integer-only data is treated like continuous data.
 *
 * @example
 * const h = new Float64Array(HIST_BUCKETS); histogramAdd(h, 1); histogramAdd(h, 2);
 * histogramBins(h, 1, 2, 2) // [{ from: 1, to: 1.5, count: 1 }, { from: 1.5, to: 2, count: 1 }]
 */
export function histogramBins(hist: Float64Array, min: number, max: number, bins: number): HistogramBin[] {
  if (!(max >= min)) return [];
  if (max === min) {
    let total = 0;
    for (let i = 0; i < hist.length; i++) total += hist[i] as number;
    return [{ from: min, to: max, count: total }];
  }
  const width = (max - min) / bins;
  const counts = new Float64Array(bins);
  const binOf = (x: number) => Math.min(bins - 1, Math.max(0, Math.floor((x - min) / width)));
  for (let i = 0; i < hist.length; i++) {
    const c = hist[i] as number;
    if (c === 0) continue;
    let [lo, hi] = bucketRange(i);
    // The true values lie within [min, max]; clamping concentrates the mass where it can be.
    lo = Math.max(lo, min);
    hi = Math.min(hi, max);
    if (hi <= lo) {
      counts[binOf(lo)] = (counts[binOf(lo)] as number) + c;
      continue;
    }
    const first = binOf(lo);
    const last = binOf(hi);
    for (let b = first; b <= last; b++) {
      const bLo = Math.max(lo, min + b * width);
      const bHi = Math.min(hi, b === bins - 1 ? max : min + (b + 1) * width);
      if (bHi > bLo) counts[b] = (counts[b] as number) + (c * (bHi - bLo)) / (hi - lo);
    }
  }
  const out: HistogramBin[] = [];
  // Rounding the fractional shares keeps counts whole; the remainder goes to the largest bin so the
  // bins still add up to the number of values.
  let total = 0;
  let rounded = 0;
  let largest = 0;
  for (let b = 0; b < bins; b++) {
    const c = counts[b] as number;
    total += c;
    const r = Math.round(c);
    rounded += r;
    if (c > (counts[largest] as number)) largest = b;
    out.push({ from: min + b * width, to: b === bins - 1 ? max : min + (b + 1) * width, count: r });
  }
  const fix = Math.round(total) - rounded;
  const target = out[largest];
  if (target) target.count += fix;
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Frequent items

/** Entries kept before a purge; after a purge at most half remain. */
export const FREQ_CAPACITY = 512;
/** A frequent-items table as plain data, for partial results that cross worker boundaries. */
export interface FrequentItemsData {
  /** The most any count may be under its true value: the sum of the purge thresholds. */
  offset: number;
  h1: number[];
  h2: number[];
  counts: number[];
  labels: string[];
}

/**
 * Misra-Gries heavy hitters in the "reverse purge" form of the Apache DataSketches frequent-items
 * sketch: counts live in an open-addressing table keyed by two 32-bit hashes; when it is full, the
 * median count is subtracted from every entry and the non-positive ones are dropped. A purge costs
 * O(capacity) and frees half the table, so an update is amortised O(1). Any value more frequent
 * than total/(capacity/2) is guaranteed to be present, and each count is at most `offset` too low.
 *
 * The parser's kernel (assembly/csv-kernel.ts) counts values in tables of this layout in its own
 * memory; this one merges them: adding one table's entries into another with their counts, and
 * adding the offsets.
 *
 * @example
 * const f = new FrequentItems();
 * f.addData({ offset: 0, h1: [1], h2: [2], counts: [3], labels: ["x"] });
 * f.toData().counts // [3]
 */
export class FrequentItems {
  offset = 0;
  private size = 0;
  private readonly h1 = new Int32Array(FREQ_CAPACITY);
  private readonly h2 = new Int32Array(FREQ_CAPACITY);
  private readonly counts = new Float64Array(FREQ_CAPACITY);
  private readonly labels: string[] = new Array(FREQ_CAPACITY).fill("");
  /** Entry index + 1 per slot, 0 = empty; twice the capacity keeps probe chains short. */
  private readonly index = new Int32Array(FREQ_CAPACITY * 2);
  private readonly scratch = new Float64Array(FREQ_CAPACITY);

  /** Empties the table for reuse. */
  clear(): void {
    this.offset = 0;
    this.size = 0;
    this.index.fill(0);
  }

  /** Adds every entry of `data` (a table of another piece of the file). */
  addData(data: FrequentItemsData): void {
    this.offset += data.offset;
    for (let i = 0; i < data.counts.length; i++) {
      const a = data.h1[i] as number;
      const b = data.h2[i] as number;
      const w = data.counts[i] as number;
      const e = this.find(a, b);
      if (e >= 0) {
        this.counts[e] = (this.counts[e] as number) + w;
        continue;
      }
      if (this.size === FREQ_CAPACITY) this.purge();
      const slot = this.size++;
      this.h1[slot] = a;
      this.h2[slot] = b;
      this.counts[slot] = w;
      this.labels[slot] = data.labels[i] ?? "";
      this.link(slot);
    }
  }

  private find(a: number, b: number): number {
    const mask = this.index.length - 1;
    let s = (a ^ b) & mask;
    for (;;) {
      const e = (this.index[s] as number) - 1;
      if (e < 0) return -1;
      if (this.h1[e] === a && this.h2[e] === b) return e;
      s = (s + 1) & mask;
    }
  }

  private link(e: number): void {
    const mask = this.index.length - 1;
    let s = ((this.h1[e] as number) ^ (this.h2[e] as number)) & mask;
    while (this.index[s] !== 0) s = (s + 1) & mask;
    this.index[s] = e + 1;
  }

  private purge(): void {
    this.scratch.set(this.counts.subarray(0, this.size));
    const median = selectKth(this.scratch, this.size, this.size >> 1);
    this.offset += median;
    let w = 0;
    for (let e = 0; e < this.size; e++) {
      const c = (this.counts[e] as number) - median;
      if (c <= 0) continue;
      this.h1[w] = this.h1[e] as number;
      this.h2[w] = this.h2[e] as number;
      this.counts[w] = c;
      this.labels[w] = this.labels[e] as string;
      w++;
    }
    this.size = w;
    this.index.fill(0);
    for (let e = 0; e < w; e++) this.link(e);
  }

  /**
   * The table as plain data, largest counts first; equal counts in the order of their labels (then
   * hashes), so that the result does not depend on the order in which pieces were added.
   */
  toData(): FrequentItemsData {
    const order = Array.from({ length: this.size }, (_, i) => i).sort(
      (x, y) =>
        (this.counts[y] as number) - (this.counts[x] as number) ||
        compare(this.labels[x] as string, this.labels[y] as string) ||
        (this.h1[x] as number) - (this.h1[y] as number) ||
        (this.h2[x] as number) - (this.h2[y] as number),
    );
    const data: FrequentItemsData = { offset: this.offset, h1: [], h2: [], counts: [], labels: [] };
    for (const e of order) {
      data.h1.push(this.h1[e] as number);
      data.h2.push(this.h2[e] as number);
      data.counts.push(this.counts[e] as number);
      data.labels.push(this.labels[e] as string);
    }
    return data;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The value of rank `k` (0-based) among `a[0..n)`, i.e. `a.subarray(0, n).sort()[k]`, in linear
 * expected time (Hoare's quickselect; `a` is reordered). A purge needs only the median, and sorting
 * for it was most of the cost of a column of mostly distinct values.
 *
 * @example selectKth(new Float64Array([3, 1, 2]), 3, 1) // 2
 */
export function selectKth(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    // Median of three as the pivot keeps sorted and constant runs linear.
    const mid = (lo + hi) >> 1;
    const x = a[lo] as number;
    const y = a[mid] as number;
    const z = a[hi] as number;
    const pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k] as number;
  }
  return a[k] as number;
}

let mergeTable: FrequentItems | null = null;

/**
 * Merges two frequent-items tables given as plain data.
 *
 * @example mergeFrequentItems(a.toData(), b.toData()).counts
 */
export function mergeFrequentItems(a: FrequentItemsData, b: FrequentItemsData): FrequentItemsData {
  // A side without values (a numeric column's) changes nothing: its data is already in order.
  if (b.counts.length === 0 && b.offset === 0) return a;
  if (a.counts.length === 0 && a.offset === 0) return b;
  // One table serves every merge: its result is copied out as plain data.
  mergeTable ??= new FrequentItems();
  const f = mergeTable;
  f.clear();
  f.addData(a);
  f.addData(b);
  return f.toData();
}
