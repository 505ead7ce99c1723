import { readFileSync } from "node:fs";
import { type CsvKind, type CsvMalformedKind, KINDS, MALFORMED } from "./kinds.ts";
import { NON_FINITE } from "./moments.ts";
import { FREQ_CAPACITY, HIST_BUCKETS, HLL_P } from "./sketches.ts";

/**
 * The exports of dist/csv/kernel.wasm, compiled by `asc` from assembly/csv-kernel.ts: the row loop
 * and per-column statistics of the CSV accumulator. Pointers are byte offsets into `memory`.
 */
export interface CsvKernel {
  memory: WebAssembly.Memory;
  reset(): void;
  init(delimiter: number, quote: number, header: number): void;
  setColumns(n: number): void;
  input(cap: number): number;
  parse(from: number, len: number, final: number): number;
  flush(): void;
  wantExamples(n: number): void;
  addLineBreaks(n: number): void;
  addRows(n: number): void;
  getNcols(): number;
  getRows(): number;
  getLineBreaks(): number;
  getInvalidUtf8(): number;
  getPendingBreaks(): number;
  getStatus(): number;
  getHeaderFields(): number;
  getFieldStarts(): number;
  getFieldEnds(): number;
  getFieldFlags(): number;
  getColFreq(): number;
  getColFreqSize(): number;
  getColFreqOffset(): number;
  getFreqLayout(): number;
  getMalformed(): number;
  getExamples(): number;
  getExampleCount(): number;
  getColNulls(): number;
  getColKinds(): number;
  getColMoments(): number;
  getColSums(): number;
  getColHist(i: number): number;
  getColHll(): number;
  getColExact(i: number): number;
  getColExactCap(i: number): number;
  getColExactSize(i: number): number;
  getColDates(): number;
}

/** Bytes of a frequent or exact value kept as its label. */
export const LABEL_MAX = 100;
/** A field flag: a quoted field with `""` in it. */
export const F_ESCAPED = 2;
/** Distinct values a column may have and still be counted exactly. */
export const EXACT_CAP = 4096;
/**
 * An exact table: slots (twice its capacity) of two hashes, a count and an entry number + 1 (0 for
 * an empty slot), then per entry a label (its length, then its bytes).
 */
export const EXACT_TABLE = { slot: 24, h1: 0, h2: 4, count: 8, entry: 16, labelStride: 104 } as const;
/** Bytes of a date kept as written. */
export const DATE_TEXT_MAX = 64;
/** A column's date range: offsets of the least and greatest key, their lengths and texts; its size. */
export const DATE_RANGE = {
  min: 0,
  max: 8,
  minLen: 16,
  maxLen: 17,
  minText: 24,
  maxText: 88,
  stride: 152,
} as const;
/** Kind counts and moments (n, min, max, non-finite flags) per column; fields of a malformed-row example. */
export const KIND_COUNT = KINDS.length;
export const MOMENT_COUNT = 4;
/**
 * The exact sums per column: Σx in `sum` i64 limbs of 32-bit digits in units of 2^-sumScale, then Σx²
 * in `squares` limbs in units of 2^-squaresScale (see "Exact sums" in assembly/csv-kernel.ts).
 */
export const EXACT_SUMS = { sum: 68, squares: 133, sumScale: 1074, squaresScale: 2148 } as const;
export const EXAMPLE_FIELDS = 4;

/** The kernel's names of the kinds and malformed kinds. */
const KERNEL_KIND: Record<CsvKind, string> = {
  integer: "K_INT",
  number: "K_NUM",
  boolean: "K_BOOL",
  date: "K_DATE",
  datetime: "K_DATETIME",
  text: "K_TEXT",
};
const KERNEL_MALFORMED: Record<CsvMalformedKind, string> = {
  ragged: "M_RAGGED",
  "stray-quote": "M_STRAY",
  "unterminated-quote": "M_UNTERMINATED",
  "too-long": "M_TOO_LONG",
};

/**
 * What this side of the interface was written for, by the name the kernel exports it under. The
 * kernel is compiled apart (pnpm build:kernel), so a kernel of another version is refused on sight
 * instead of being misread.
 */
const EXPECTED: Record<string, number> = {
  ...Object.fromEntries(KINDS.map((kind, i) => [KERNEL_KIND[kind], i])),
  ...Object.fromEntries(MALFORMED.map((kind, i) => [KERNEL_MALFORMED[kind], i])),
  KIND_COUNT,
  MOMENT_COUNT,
  NF_POS_INF: NON_FINITE.positiveInfinity,
  NF_NEG_INF: NON_FINITE.negativeInfinity,
  NF_NAN: NON_FINITE.nan,
  SUM_LIMBS: EXACT_SUMS.sum,
  SQUARES_LIMBS: EXACT_SUMS.squares,
  SUM_SCALE: EXACT_SUMS.sumScale,
  SQUARES_SCALE: EXACT_SUMS.squaresScale,
  EXAMPLE_FIELDS,
  F_ESCAPED,
  HLL_P,
  HIST_BUCKETS,
  FREQ_CAP: FREQ_CAPACITY,
  LABEL_MAX,
  EXACT_CAP,
  EX_SLOT: EXACT_TABLE.slot,
  EX_SLOT_H1: EXACT_TABLE.h1,
  EX_SLOT_H2: EXACT_TABLE.h2,
  EX_SLOT_COUNT: EXACT_TABLE.count,
  EX_SLOT_ENTRY: EXACT_TABLE.entry,
  EX_LABEL_STRIDE: EXACT_TABLE.labelStride,
  DATE_TEXT_MAX,
  DT_MIN: DATE_RANGE.min,
  DT_MAX: DATE_RANGE.max,
  DT_MIN_LEN: DATE_RANGE.minLen,
  DT_MAX_LEN: DATE_RANGE.maxLen,
  DT_MIN_TEXT: DATE_RANGE.minText,
  DT_MAX_TEXT: DATE_RANGE.maxText,
  DT_STRIDE: DATE_RANGE.stride,
};

/**
 * Throws when the kernel's exported constants are not those this file expects: the names in
 * `expected` that it lacks or gives another value.
 *
 * @example checkKernelLayout(instance.exports) // throws on a stale dist/csv/kernel.wasm
 */
export function checkKernelLayout(exports: WebAssembly.Exports, expected = EXPECTED): void {
  const wrong: string[] = [];
  for (const [name, want] of Object.entries(expected)) {
    const global = exports[name];
    const have = global instanceof WebAssembly.Global ? (global.value as number) : undefined;
    if (have !== want) wrong.push(`${name} is ${have ?? "missing"} in the kernel, ${want} here`);
  }
  if (wrong.length > 0) {
    throw new Error(
      `@repo/processors/csv: dist/csv/kernel.wasm does not match src/csv/kernel.ts (${wrong.join("; ")}); ` +
        "rebuild it with `pnpm --filter @repo/processors build:kernel`",
    );
  }
}

/** `parse` returned: everything parsed, or the header row parsed. */
export const STATUS_DONE = 0;
export const STATUS_HEADER = 1;

let compiled: WebAssembly.Module | null = null;
let checked = false;
const latin1 = new TextDecoder("latin1");

/**
 * The compiled kernel, from this package's dist/csv/kernel.wasm (both src/csv/ and dist/csv/ are
 * two levels below the package root, so the sources find the built file too, like the worker).
 */
function kernelModule(): WebAssembly.Module {
  if (compiled) return compiled;
  const url = new URL("../../dist/csv/kernel.wasm", import.meta.url);
  let bytes: Buffer;
  try {
    bytes = readFileSync(url);
  } catch (e) {
    throw new Error(
      `@repo/processors/csv: ${url.pathname} is missing; build the package (pnpm --filter @repo/processors build)`,
      { cause: e },
    );
  }
  compiled = new WebAssembly.Module(new Uint8Array(bytes));
  return compiled;
}

/** Kernels of finished accumulators of this thread, see {@link releaseKernel}. */
const spare: CsvKernel[] = [];

/**
 * A kernel for one accumulator: a recycled one (reset) or a new instance with its own memory.
 * Workers make an accumulator per piece of a file; reusing instances spares them a memory each.
 */
export function createKernel(): CsvKernel {
  const reused = spare.pop();
  if (reused) {
    reused.reset();
    return reused;
  }
  return instantiate();
}

/** Gives a kernel back for reuse; its accumulator must not touch it afterwards. */
export function releaseKernel(k: CsvKernel): void {
  if (spare.length < 4) spare.push(k);
}

function instantiate(): CsvKernel {
  let memory: WebAssembly.Memory | null = null;
  const instance = new WebAssembly.Instance(kernelModule(), {
    "csv-kernel": {
      // Numbers the kernel does not parse itself (over 15 digits, exponents): exactly as Number().
      parseNumber: (start: number, end: number) =>
        Number(latin1.decode(new Uint8Array((memory as WebAssembly.Memory).buffer, start, end - start))),
    },
    env: {
      abort: () => {
        throw new Error("@repo/processors/csv: the CSV kernel aborted");
      },
    },
  });
  if (!checked) {
    checkKernelLayout(instance.exports);
    checked = true;
  }
  const k = instance.exports as unknown as CsvKernel;
  memory = k.memory;
  return k;
}
