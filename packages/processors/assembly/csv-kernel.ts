/**
 * The CSV accumulator's row loop in WebAssembly (AssemblyScript, compiled by `asc` into
 * dist/csv/kernel.wasm). It parses complete rows out of the input region, scanning each field once:
 * numbers and dates are parsed while their end is looked for, text fields find their end sixteen
 * bytes at a time (SIMD) and are hashed a word at a time. Values are folded into per-column
 * statistics that live in this module's memory: null and kind counts, count, min, max and the exact
 * sums of the numbers and of their squares (see "Exact sums" below), log-linear histograms, HyperLogLog registers,
 * frequent-items tables, exact value counts while a column has few distinct values, and date
 * ranges. Its layout constants are exported, and src/csv/kernel.ts checks them when it instantiates
 * the module. What it cannot do alone goes back to JavaScript (src/csv/accumulator.ts):
 * the header names, malformed-row examples, numbers longer than 15 digits or with an exponent (an
 * import parses them exactly like Number()), and the carry of an unfinished row from one chunk to
 * the next. The rules are those of the accumulator's documentation; the tests run every crafted
 * file through it.
 */

// The exported constants are the interface with JavaScript: src/csv/kernel.ts reads them once when it
// instantiates the module and refuses a kernel whose layout is not the one it was written for.

// Kinds: the index of each into a column's kind counts (KINDS in src/csv/kinds.ts); K_NULL is an
// empty field, counted apart.
export const K_INT: i32 = 0;
export const K_NUM: i32 = 1;
export const K_BOOL: i32 = 2;
export const K_DATE: i32 = 3;
export const K_DATETIME: i32 = 4;
export const K_TEXT: i32 = 5;
const K_NULL: i32 = 6;
/** Kind counts per column (f64 each). */
export const KIND_COUNT: i32 = 6;
/** Moments per column (f64 each): n, min, max, non-finite flags (NF_*). */
export const MOMENT_COUNT: i32 = 4;
/** Non-finite values seen in a column, as bits of its flags. */
export const NF_POS_INF: i32 = 1;
export const NF_NEG_INF: i32 = 2;
export const NF_NAN: i32 = 4;
/**
 * Exact sums per column (i64 limbs, 32-bit digits, little-endian): Σx in SUM_LIMBS limbs in units of
 * 2^-SUM_SCALE, then Σx² in SQUARES_LIMBS limbs in units of 2^-SQUARES_SCALE. After flush() every
 * limb is in [0, 2^32) but the top one, which holds the sign and whatever is above.
 */
export const SUM_LIMBS: i32 = 68;
export const SQUARES_LIMBS: i32 = 133;
export const SUM_SCALE: i32 = 1074;
export const SQUARES_SCALE: i32 = 2148;
const SUMS_LIMBS: i32 = SUM_LIMBS + SQUARES_LIMBS;
/**
 * Numbers a column takes between two normalisations of its limbs. A block of 256 adds under 2^40 to
 * a limb (a few hundred digits < 2^32 at most), so 2^16 blocks stay far below the i64's 2^63.
 */
const NORMALISE_EVERY: i32 = 1 << 24;

// Byte classes of the lookup tables.
const T_END: u8 = 1;
const T_QUOTE: u8 = 2;
const T_HIGH: u8 = 3;
const T_BREAK: u8 = 4;

const F_QUOTED: i32 = 1;
export const F_ESCAPED: i32 = 2;
const F_HIGH: i32 = 4;

// Malformed kinds: the index of each into the malformed counts (MALFORMED in src/csv/kinds.ts).
export const M_RAGGED: i32 = 0;
export const M_STRAY: i32 = 1;
export const M_UNTERMINATED: i32 = 2;
/** A recorded malformed-row example (f64 each): kind, line, start, end. */
export const EXAMPLE_FIELDS: i32 = 4;

export const HLL_P: i32 = 14;
const HLL_M: i32 = 1 << HLL_P;
const BLOCK: i32 = 256;
const EXP_MIN: i32 = -64;
const EXP_MAX: i32 = 63;
const SUBS: i32 = 16;
const PER_SIGN: i32 = (EXP_MAX - EXP_MIN + 1) * SUBS;
export const HIST_BUCKETS: i32 = 2 * PER_SIGN + 1;
const ZERO_BUCKET: i32 = PER_SIGN;

// Frequent items, as FrequentItems in sketches.ts: per column, entries (two hashes, a count, a label
// of up to 100 bytes) and an open-addressing index of twice the capacity.
export const FREQ_CAP: i32 = 512;
export const LABEL_MAX: i32 = 100;
const FQ_H1: usize = 0;
const FQ_H2: usize = FQ_H1 + <usize>FREQ_CAP * 4;
const FQ_COUNTS: usize = FQ_H2 + <usize>FREQ_CAP * 4;
const FQ_LEN: usize = FQ_COUNTS + <usize>FREQ_CAP * 8;
const FQ_LABELS: usize = FQ_LEN + <usize>FREQ_CAP;
const FQ_INDEX: usize = FQ_LABELS + <usize>FREQ_CAP * <usize>LABEL_MAX;
// Labels not copied yet: where the value lies in the input (start + 1, 0 = none; end; escaped).
// Most new entries of a column of mostly distinct values are dropped by the next purge, so a label
// is copied only when its entry survives one, or before the input changes (flushLabels).
const FQ_PSTART: usize = FQ_INDEX + <usize>FREQ_CAP * 8;
const FQ_PEND: usize = FQ_PSTART + <usize>FREQ_CAP * 4;
const FQ_PESC: usize = FQ_PEND + <usize>FREQ_CAP * 4;
const FQ_BYTES: usize = FQ_PESC + <usize>FREQ_CAP;

// Exact counts: per column, every distinct value with its count and label, as long as there are at
// most EXACT_CAP of them (a power of two); past that the column has the sketches only. A table is
// allocated at the first value and doubles as it fills: an open-addressing index of twice its
// capacity whose slots hold the hashes, the count and the entry (so that counting a value already
// seen reads one slot), then the labels by entry.
export const EXACT_CAP: i32 = 4096;
export const EX_SLOT: i32 = 24;
export const EX_SLOT_H1: i32 = 0;
export const EX_SLOT_H2: i32 = 4;
export const EX_SLOT_COUNT: i32 = 8;
export const EX_SLOT_ENTRY: i32 = 16; // entry + 1, 0 for an empty slot
export const EX_LABEL_STRIDE: i32 = 104; // length (u8), then up to LABEL_MAX bytes
// All exact tables of one kernel together stay under this: a column that would pass it is sketched
// only, so a wide file of distinct values cannot take the memory of EXACT_CAP labels per column.
const EXACT_BUDGET: usize = 32 << 20;

// Date ranges: per column, the least and greatest date or date-time as milliseconds since 1970 (a
// time without an offset read as UTC: it only orders the values) and as written, up to DATE_TEXT_MAX
// bytes each.
export const DATE_TEXT_MAX: i32 = 64;
export const DT_MIN: i32 = 0;
export const DT_MAX: i32 = 8;
export const DT_MIN_LEN: i32 = 16;
export const DT_MAX_LEN: i32 = 17;
export const DT_MIN_TEXT: i32 = 24;
export const DT_MAX_TEXT: i32 = DT_MIN_TEXT + DATE_TEXT_MAX;
export const DT_STRIDE: i32 = DT_MAX_TEXT + DATE_TEXT_MAX;

const HASH_SEED1: u32 = 0x811c9dc5;
const HASH_SEED2: u32 = 0x9747b28c;
const HASH_MUL2: u32 = 0x2f0b3a49;

/**
 * Parses `[start, end)` of memory like JavaScript's Number() (long numbers and exponents). Imported
 * as `csv-kernel.parseNumber`: AssemblyScript names an import after the file that declares it.
 */
declare function parseNumber(start: usize, end: usize): f64;

// ---------------------------------------------------------------------------------------------------
// State. Pointers are into this module's memory; JavaScript reads them through the exported getters.

let delim: u32 = 44;
let quote: u32 = 34;
let vDelim: v128 = i8x16.splat(44);
let vQuote: v128 = i8x16.splat(34);
const vLf: v128 = i8x16.splat(10);
const vCr: v128 = i8x16.splat(13);
const vZero: v128 = i8x16.splat(0);
let tu: usize = 0;
let tq: usize = 0;
let headerPending = false;

let ncols: i32 = -1;
let colNulls: usize = 0; // f64[ncols]
let colKinds: usize = 0; // f64[ncols * 6]
let colMoments: usize = 0; // f64[ncols * MOMENT_COUNT]: n, min, max, non-finite flags
let colSums: usize = 0; // i64[ncols * SUMS_LIMBS]: Σx, then Σx² (see SUM_LIMBS)
let colUnnormalised: usize = 0; // i32[ncols]: numbers added since the column's limbs were normalised
let colBlock: usize = 0; // f64[ncols * BLOCK]
let colBlockN: usize = 0; // i32[ncols]
let colHist: usize = 0; // usize[ncols], 0 until the column has a number
let colHll: usize = 0; // u8[ncols * HLL_M]

let fieldCap: i32 = 0;
let fStart: usize = 0; // i32
let fEnd: usize = 0; // i32
let fFlags: usize = 0; // i32
let fKind: usize = 0; // i32
let fNum: usize = 0; // f64
let fH1: usize = 0; // u32
let fH2: usize = 0; // u32

let inputPtr: usize = 0;
let inputCap: i32 = 0;

let colFreq: usize = 0; // FQ_BYTES per column
let colFreqSize: usize = 0; // i32[ncols]
let colFreqOffset: usize = 0; // f64[ncols]
let colFreqPending: usize = 0; // i32[ncols]: whether any label is still in the input
let colExact: usize = 0; // usize[ncols]: its exact table, 0 before its first value
let colExactSize: usize = 0; // i32[ncols]: entries, -1 once past EXACT_CAP or the budget
let colExactCap: usize = 0; // i32[ncols]: capacity of its exact table
let exactBytes: usize = 0; // of the tables in use
let exactFree: usize = 0; // usize[9]: tables given back, a list per capacity (16 << index)
let colDates: usize = 0; // DT_STRIDE bytes per column
let colOther: usize = 0; // u8[ncols]: whether the column has had a value that is not a number
let scratch: usize = 0; // f64[FREQ_CAP]
let bins: usize = 0; // i64[BIN_COUNT * 4]: a block's numbers by exponent, see flushColumn

// Malformed rows: counts per kind, and the first few as examples (kind, line, start, end as f64).
let malformed: usize = 0; // f64[4]
let examples: usize = 0;
let exampleCount: i32 = 0;
let examplesWanted: i32 = 0;

let rows: f64 = 0;
let lineBreaks: f64 = 0;
let invalidUtf8: f64 = 0;
/** Line breaks inside the unfinished row that `parse` stopped at (for a too-long row). */
let pendingBreaks: i32 = 0;
/** Why `parse` returned: 0 all parsed, 1 header row parsed. */
let status: i32 = 0;
let headerFields: i32 = 0;
let numValue: f64 = 0;

/**
 * A bump allocator: an accumulator's buffers only grow (a grown one is abandoned), and
 * {@link reset} starts the heap over for the next accumulator.
 */
let top: usize = (__heap_base + 15) & ~15;

function raw(bytes: usize): usize {
  const p = top;
  top = (p + bytes + 15) & ~15;
  const need = <i32>((top + 0xffff) >>> 16);
  const have = memory.size();
  if (need > have && memory.grow(max(need - have, have >> 1)) < 0) unreachable();
  return p;
}

function alloc(bytes: usize): usize {
  const p = raw(bytes);
  memory.fill(p, 0, bytes);
  return p;
}

function growFields(n: i32): void {
  const cap = max(n, fieldCap * 2);
  const s = alloc(<usize>cap * 4);
  const e = alloc(<usize>cap * 4);
  const f = alloc(<usize>cap * 4);
  if (fieldCap > 0) {
    memory.copy(s, fStart, <usize>fieldCap * 4);
    memory.copy(e, fEnd, <usize>fieldCap * 4);
    memory.copy(f, fFlags, <usize>fieldCap * 4);
  }
  fStart = s;
  fEnd = e;
  fFlags = f;
  fKind = alloc(<usize>cap * 4);
  fNum = alloc(<usize>cap * 8);
  fH1 = alloc(<usize>cap * 4);
  fH2 = alloc(<usize>cap * 4);
  fieldCap = cap;
}

/**
 * Forgets everything (statistics, dialect, buffers) so that the instance can serve another
 * accumulator: the stub runtime's heap starts over, the memory already grown is reused.
 */
export function reset(): void {
  top = (__heap_base + 15) & ~15;
  headerPending = false;
  ncols = -1;
  colNulls = 0;
  colKinds = 0;
  colMoments = 0;
  colSums = 0;
  colUnnormalised = 0;
  bins = 0;
  colBlock = 0;
  colBlockN = 0;
  colHist = 0;
  colHll = 0;
  colFreq = 0;
  colFreqSize = 0;
  colFreqOffset = 0;
  colFreqPending = 0;
  colExact = 0;
  colExactSize = 0;
  colExactCap = 0;
  exactBytes = 0;
  exactFree = 0;
  colDates = 0;
  colOther = 0;
  fieldCap = 0;
  unescaped = 0;
  unescapedCap = 0;
  inputPtr = 0;
  inputCap = 0;
  examples = 0;
  exampleCount = 0;
  examplesWanted = 0;
  rows = 0;
  lineBreaks = 0;
  invalidUtf8 = 0;
  pendingBreaks = 0;
  status = 0;
  headerFields = 0;
}

/** Sets the dialect; called once after {@link reset} or instantiation. */
export function init(delimiter: i32, quoteChar: i32, header: i32): void {
  delim = <u32>delimiter;
  quote = <u32>quoteChar;
  vDelim = i8x16.splat(<i8>delimiter);
  vQuote = i8x16.splat(<i8>quoteChar);
  headerPending = header !== 0;
  tu = alloc(256);
  tq = alloc(256);
  memory.fill(tu + 0x80, T_HIGH, 0x80);
  memory.fill(tq + 0x80, T_HIGH, 0x80);
  store<u8>(tu + 10, T_END);
  store<u8>(tu + 13, T_END);
  store<u8>(tu + delim, T_END);
  if (quote !== delim) store<u8>(tu + quote, T_QUOTE);
  store<u8>(tq + 10, T_BREAK);
  store<u8>(tq + 13, T_BREAK);
  store<u8>(tq + quote, T_QUOTE);
  scratch = alloc(<usize>FREQ_CAP * 8);
  bins = alloc(<usize>BIN_COUNT * 32);
  exactFree = alloc(16 * sizeof<usize>());
  malformed = alloc(32);
  growFields(64);
}

/** Allocates the statistics of `n` columns (the header's width, or the first row's). */
export function setColumns(n: i32): void {
  ncols = n;
  const m = <usize>max(n, 1);
  colNulls = alloc(m * 8);
  colKinds = alloc(m * <usize>KIND_COUNT * 8);
  colMoments = alloc(m * <usize>MOMENT_COUNT * 8);
  for (let i: usize = 0; i < <usize>n; i++) {
    store<f64>(colMoments + i * <usize>MOMENT_COUNT * 8 + 8, Infinity);
    store<f64>(colMoments + i * <usize>MOMENT_COUNT * 8 + 16, -Infinity);
  }
  colSums = alloc(m * <usize>SUMS_LIMBS * 8);
  colUnnormalised = alloc(m * 4);
  colBlock = alloc(m * <usize>BLOCK * 8);
  colBlockN = alloc(m * 4);
  colHist = alloc(m * sizeof<usize>());
  colHll = alloc(m * <usize>HLL_M);
  colFreq = alloc(m * FQ_BYTES);
  colFreqSize = alloc(m * 4);
  colFreqOffset = alloc(m * 8);
  colFreqPending = alloc(m * 4);
  colExact = alloc(m * sizeof<usize>());
  colExactSize = alloc(m * 4);
  colExactCap = alloc(m * 4);
  colDates = alloc(m * <usize>DT_STRIDE);
  colOther = alloc(m);
  for (let i: usize = 0; i < <usize>n; i++) {
    store<f64>(colDates + i * <usize>DT_STRIDE + <usize>DT_MIN, Infinity);
    store<f64>(colDates + i * <usize>DT_STRIDE + <usize>DT_MAX, -Infinity);
  }
}

/** The input region, grown to at least `cap` bytes (a grown region starts empty). */
export function input(cap: i32): usize {
  if (cap > inputCap) {
    inputCap = max(cap, inputCap * 2);
    inputPtr = raw(<usize>inputCap + 8);
  }
  return inputPtr;
}

/** How many malformed-row examples to record from now on. */
export function wantExamples(n: i32): void {
  examplesWanted = n;
  exampleCount = 0;
}

// Getters: JavaScript reads the state through these.
export function getNcols(): i32 {
  return ncols;
}
export function getRows(): f64 {
  return rows;
}
export function getLineBreaks(): f64 {
  return lineBreaks;
}
export function addLineBreaks(n: f64): void {
  lineBreaks += n;
}
export function addRows(n: f64): void {
  rows += n;
}
export function getInvalidUtf8(): f64 {
  return invalidUtf8;
}
export function getPendingBreaks(): i32 {
  return pendingBreaks;
}
export function getStatus(): i32 {
  return status;
}
export function getHeaderFields(): i32 {
  return headerFields;
}
export function getFieldStarts(): usize {
  return fStart;
}
export function getFieldEnds(): usize {
  return fEnd;
}
export function getFieldFlags(): usize {
  return fFlags;
}
export function getColFreq(): usize {
  return colFreq;
}
export function getColFreqSize(): usize {
  return colFreqSize;
}
export function getColFreqOffset(): usize {
  return colFreqOffset;
}
export function getFreqLayout(): usize {
  // h1, h2, counts, label lengths, labels, as offsets in a column's block; and the block's size.
  store<u32>(scratch, <u32>FQ_H1);
  store<u32>(scratch + 4, <u32>FQ_H2);
  store<u32>(scratch + 8, <u32>FQ_COUNTS);
  store<u32>(scratch + 12, <u32>FQ_LEN);
  store<u32>(scratch + 16, <u32>FQ_LABELS);
  store<u32>(scratch + 20, <u32>FQ_BYTES);
  return scratch;
}
export function getMalformed(): usize {
  return malformed;
}
export function getExamples(): usize {
  return examples;
}
export function getExampleCount(): i32 {
  return exampleCount;
}
export function getColNulls(): usize {
  return colNulls;
}
export function getColKinds(): usize {
  return colKinds;
}
export function getColMoments(): usize {
  return colMoments;
}
/** The exact sums, SUM_LIMBS + SQUARES_LIMBS i64 per column; normalised by flush(). */
export function getColSums(): usize {
  return colSums;
}
export function getColHist(i: i32): usize {
  return load<usize>(colHist + <usize>i * sizeof<usize>());
}
export function getColHll(): usize {
  return colHll;
}
/** Column `i`'s exact table (see EX_SLOT), 0 when it has none. */
export function getColExact(i: i32): usize {
  return load<usize>(colExact + <usize>i * sizeof<usize>());
}
/** The capacity of column `i`'s exact table: it has twice as many slots. */
export function getColExactCap(i: i32): i32 {
  return load<i32>(colExactCap + ((<usize>i) << 2));
}
/** Entries of column `i`'s exact table; -1 when its values were too many to count exactly. */
export function getColExactSize(i: i32): i32 {
  return load<i32>(colExactSize + ((<usize>i) << 2));
}
/** The date ranges, DT_STRIDE bytes per column. */
export function getColDates(): usize {
  return colDates;
}

// ---------------------------------------------------------------------------------------------------
// Statistics

// Exact sums. The mean and the variance are computed at the end from Σx and Σx² held exactly, in
// fixed point over the whole range of doubles, so that they depend only on the multiset of values:
// not on where a file was cut into pieces nor on the order the pieces merge in (which Welford's
// moments merged with Chan's formula did, in the last bits), and they are more accurate too: one
// rounding at the end instead of one per value. A double is M·2^(p−1074) with an integer M < 2^53
// and p in [0, 2045], so Σx is an integer count of 2^-1074 and x² = M²·2^(2p−2148) one of 2^-2148.
// M² (< 2^106) is computed exactly from 32-bit halves with 64-bit integer products: unlike Dekker's
// TwoProduct (WebAssembly MVP has no fma) it cannot overflow or underflow, so every finite double's
// square is exact, 1e300² and 1e-300² included. Only ±Infinity (a number like 1e400) and NaN stay
// out of the sums; they set the column's non-finite flags instead. Cost: per block of 256 numbers,
// small integers are summed in two i64 and the others in i64 bins by exponent (four updates each);
// the bins go into the limbs at the end of the block. That kept the kernel's throughput (CPU time on
// the bench's 100 MB file) within the noise of Welford's (−5 % to +2 % over five runs); adding every
// number straight to the limbs cost ~4 %.

const DIGIT: u64 = 0xffffffff;

/** Carries every limb of `count` at `p` into the next: all in [0, 2^32) but the top one (signed). */
function normalise(p: usize, count: i32): void {
  let carry: i64 = 0;
  const last = p + ((<usize>(count - 1)) << 3);
  for (let a = p; a < last; a += 8) {
    const v = load<i64>(a) + carry;
    store<i64>(a, v & <i64>DIGIT);
    carry = v >> 32;
  }
  store<i64>(last, load<i64>(last) + carry);
}

function normaliseColumn(col: i32): void {
  const s = colSums + <usize>col * <usize>SUMS_LIMBS * 8;
  normalise(s, SUM_LIMBS);
  normalise(s + <usize>SUM_LIMBS * 8, SQUARES_LIMBS);
  store<i32>(colUnnormalised + ((<usize>col) << 2), 0);
}

/**
 * Adds ±`mag` × 2^(pos − (limb 0's weight)) to the limbs at `p`: `mag` < 2^62 shifted to bit `pos`,
 * as three digits (< 2^32 each), negated without a branch when `neg` is −1 (0 otherwise).
 */
function deposit3(p: usize, pos: i32, mag: u64, neg: i64): void {
  const sh = <u64>(pos & 31);
  const rest = mag >>> (32 - sh);
  const a = p + ((<usize>(pos >>> 5)) << 3);
  store<i64>(a, load<i64>(a) + ((<i64>((mag << sh) & DIGIT) ^ neg) - neg));
  store<i64>(a + 8, load<i64>(a + 8) + ((<i64>(rest & DIGIT) ^ neg) - neg));
  store<i64>(a + 16, load<i64>(a + 16) + ((<i64>(rest >>> 32) ^ neg) - neg));
}

/** Exponents p of a finite double (see "Exact sums"). */
const BIN_COUNT: i32 = 2046;

/** Below this, an integer's square and 256 of them (a block) fit an i64: the fast path of flushColumn. */
const SMALL_INT: f64 = 134217728; // 2^27

function flushColumn(col: i32): void {
  const np = colBlockN + <usize>col * 4;
  const nb = load<i32>(np);
  if (nb === 0) return;
  store<i32>(np, 0);
  const v = colBlock + <usize>col * <usize>BLOCK * 8;
  const mo = colMoments + <usize>col * <usize>MOMENT_COUNT * 8;
  const s1 = colSums + <usize>col * <usize>SUMS_LIMBS * 8;
  const s2 = s1 + <usize>SUM_LIMBS * 8;
  const hp = colHist + <usize>col * sizeof<usize>();
  let hist = load<usize>(hp);
  if (hist === 0) {
    hist = alloc(<usize>HIST_BUCKETS * 8);
    store<usize>(hp, hist);
  }
  let mn = load<f64>(mo + 8);
  let mx = load<f64>(mo + 16);
  let flags = <i32>load<f64>(mo + 24);
  // Small integers (most numbers of most files) are summed in two i64 first: exact, and cheap.
  let intSum: i64 = 0;
  let intSquares: i64 = 0;
  let pLow = BIN_COUNT;
  let pHigh = -1;
  for (let j = 0; j < nb; j++) {
    const x = load<f64>(v + ((<usize>j) << 3));
    if (x < mn) mn = x;
    if (x > mx) mx = x;
    const bits = reinterpret<u64>(x);
    const hi = <u32>(bits >>> 32);
    const exp = <i32>((hi >>> 20) & 0x7ff) - 1023;
    let idx = ZERO_BUCKET;
    if (exp >= EXP_MIN) {
      const offset = (min(exp, EXP_MAX) - EXP_MIN) * SUBS + <i32>((hi >>> 16) & 0xf);
      idx = hi >>> 31 === 1 ? ZERO_BUCKET - 1 - offset : ZERO_BUCKET + 1 + offset;
    }
    const hb = hist + ((<usize>idx) << 3);
    store<f64>(hb, load<f64>(hb) + 1);
    if (abs(x) < SMALL_INT) {
      const xi = <i64>x;
      if (<f64>xi === x) {
        intSum += xi;
        intSquares += xi * xi;
        continue;
      }
    }
    const be = exp + 1023;
    if (be === 0x7ff) {
      flags |= (bits & 0xfffffffffffff) !== 0 ? NF_NAN : bits >>> 63 !== 0 ? NF_NEG_INF : NF_POS_INF;
      continue;
    }
    // x = ±m·2^(p−1074); a subnormal (or zero) has p = 0 and no implicit bit.
    let m = bits & 0xfffffffffffff;
    let p = 0;
    if (be !== 0) {
      m |= (<u64>1) << 52;
      p = be - 1;
    }
    // Σx and Σx² of a block's other numbers, by exponent first: per p, Σ±m and the three parts of
    // Σm² = Σmh²·2^52 + Σ2·mh·ml·2^26 + Σml² (m = mh·2^26 + ml), each below 2^62 for 256 numbers.
    // The bins go into the limbs once per block: four updates a number instead of eight.
    const neg = <i64>bits >> 63;
    const bp = bins + ((<usize>p) << 5);
    store<i64>(bp, load<i64>(bp) + ((<i64>m ^ neg) - neg));
    const mh = m >>> 26;
    const ml = m & 0x3ffffff;
    store<i64>(bp + 8, load<i64>(bp + 8) + <i64>(mh * mh));
    store<i64>(bp + 16, load<i64>(bp + 16) + <i64>((mh * ml) << 1));
    store<i64>(bp + 24, load<i64>(bp + 24) + <i64>(ml * ml));
    if (p < pLow) pLow = p;
    if (p > pHigh) pHigh = p;
  }
  for (let p = pLow; p <= pHigh; p++) {
    const bp = bins + ((<usize>p) << 5);
    const sm = load<i64>(bp);
    const hh = load<i64>(bp + 8);
    const hl = load<i64>(bp + 16);
    const ll = load<i64>(bp + 24);
    if ((sm | hh | hl | ll) === 0) continue;
    const sn = sm >> 63;
    deposit3(s1, p, <u64>((sm ^ sn) - sn), sn);
    deposit3(s2, 2 * p + 52, <u64>hh, 0);
    deposit3(s2, 2 * p + 26, <u64>hl, 0);
    deposit3(s2, 2 * p, <u64>ll, 0);
    memory.fill(bp, 0, 32);
  }
  // The small integers' sums (|Σ| < 2^35, Σx² < 2^62): the integer 1 is bit SUM_SCALE of Σx and
  // bit SQUARES_SCALE of Σx².
  const intNeg = intSum >> 63;
  deposit3(s1, SUM_SCALE, <u64>((intSum ^ intNeg) - intNeg), intNeg);
  deposit3(s2, SQUARES_SCALE, <u64>intSquares, 0);
  store<f64>(mo, load<f64>(mo) + <f64>nb);
  store<f64>(mo + 8, mn);
  store<f64>(mo + 16, mx);
  store<f64>(mo + 24, <f64>flags);
  const up = colUnnormalised + ((<usize>col) << 2);
  const pending = load<i32>(up) + nb;
  store<i32>(up, pending);
  if (pending >= NORMALISE_EVERY) normaliseColumn(col);
}

/** Folds every column's pending numbers into its moments, sums and histogram; normalises the sums. */
export function flush(): void {
  for (let i = 0; i < ncols; i++) {
    flushColumn(i);
    normaliseColumn(i);
  }
}

function fmix32(h: u32): u32 {
  let x = h;
  x ^= x >>> 16;
  x *= 0x85ebca6b;
  x ^= x >>> 13;
  x *= 0xc2b2ae35;
  x ^= x >>> 16;
  return x;
}

let hashA: u32 = 0;
let hashB: u32 = 0;

function hashFinish(h1: u32, h2: u32, n: u32): void {
  hashA = fmix32(h1 ^ n);
  hashB = fmix32(h2 ^ n ^ (hashA * 0x27d4eb2f));
}

/**
 * The hashes of an integer of at most 15 characters, left in hashA and hashB, from its value and
 * length instead of its bytes (cheaper, and as distinct: without a leading zero, the value, sign
 * and length give back the text).
 */
function hashInteger(v: f64, len: u32): void {
  const bits = reinterpret<u64>(v);
  const lo = <u32>bits;
  const hi = <u32>(bits >>> 32);
  hashA = fmix32((lo * 0xcc9e2d51) ^ rotl<u32>(hi, 15) ^ (len * 0x9e3779b9));
  hashB = fmix32((hi * HASH_MUL2) ^ lo ^ (len << 24) ^ (hashA * 0x27d4eb2f));
}

let unescaped: usize = 0;
let unescapedCap: usize = 0;

/**
 * Two 32-bit hashes of `[s, e)`, left in hashA and hashB: MurmurHash3 (x86, 32-bit) four bytes at a
 * time for the first, which HyperLogLog uses, and a multiplicative hash of the same words for the
 * second, which with the first keys the frequent-items tables (64 bits without a 64-bit map). Reads
 * up to three bytes past `e` (the input region and the unescape buffer have room) and masks them.
 */
function hashWords(s: usize, e: usize): void {
  let h1 = HASH_SEED1;
  let h2 = HASH_SEED2;
  let i = s;
  for (; i + 4 <= e; i += 4) {
    let k = load<u32>(i);
    h2 = (h2 + k) * HASH_MUL2;
    k *= 0xcc9e2d51;
    k = rotl<u32>(k, 15);
    h1 ^= k * 0x1b873593;
    h1 = rotl<u32>(h1, 13) * 5 + 0xe6546b64;
  }
  const rest = <u32>(e - i);
  if (rest > 0) {
    let k = load<u32>(i) & (((<u32>1) << (rest << 3)) - 1);
    h2 = (h2 + k) * HASH_MUL2;
    k *= 0xcc9e2d51;
    k = rotl<u32>(k, 15);
    h1 ^= k * 0x1b873593;
  }
  hashFinish(h1, h2, <u32>(e - s));
}

/** The hashes of `[s, e)`, `""` counted as one quote when escaped: a value hashes alike however quoted. */
function hashRange(s: usize, e: usize, escaped: bool): void {
  if (!escaped) {
    hashWords(s, e);
    return;
  }
  if (e - s > unescapedCap) {
    unescapedCap = max(e - s, unescapedCap * 2);
    unescaped = raw(unescapedCap + 8);
  }
  let n: usize = 0;
  for (let j = s; j < e; j++) {
    const c = load<u8>(j);
    if (c === 0x22 && j + 1 < e && load<u8>(j + 1) === 0x22) j++;
    store<u8>(unescaped + n, c);
    n++;
  }
  hashWords(unescaped, unescaped + n);
}

// ---------------------------------------------------------------------------------------------------
// Classification of a field: the rules of createCsvAccumulator() in src/csv/accumulator.ts

function isDigit(c: u32): bool {
  return c - 48 < 10;
}

function digits2(i: usize, e: usize): i32 {
  if (i + 1 >= e) return -1;
  const x = <u32>load<u8>(i) - 48;
  const y = <u32>load<u8>(i + 1) - 48;
  return x <= 9 && y <= 9 ? <i32>(x * 10 + y) : -1;
}

function pow10(k: i32): f64 {
  let r: f64 = 1;
  for (let i = 0; i < k; i++) r *= 10;
  return r;
}

function classify(s: usize, e: usize): i32 {
  let i = s;
  let c = <u32>load<u8>(i);
  if (isDigit(c) || c === 45 || c === 43 || c === 46) {
    let neg = false;
    if (c === 45 || c === 43) {
      neg = c === 45;
      i++;
    }
    let mant: f64 = 0;
    const d0 = i;
    for (; i < e; i++) {
      c = <u32>load<u8>(i);
      if (!isDigit(c)) break;
      mant = mant * 10 + <f64>(c - 48);
    }
    const nd = <i32>(i - d0);
    const date = nd === 4 && c === 45 && !neg && d0 === s;
    // Digits with a leading zero ("00501", "007", "-01.5") are identifiers such as ZIP codes, not
    // numbers; "0" and "0.5" are numbers.
    if (nd > 1 && load<u8>(d0) === 48 && !date) return K_TEXT;
    if (i === e && nd > 0) {
      if (nd > 15) numValue = parseNumber(s, e);
      else numValue = neg ? -mant : mant;
      return K_INT;
    }
    if (date) return classifyDate(s, e);
    let frac = 0;
    if (c === 46) {
      i++;
      const f0 = i;
      for (; i < e; i++) {
        c = <u32>load<u8>(i);
        if (!isDigit(c)) break;
        mant = mant * 10 + <f64>(c - 48);
      }
      frac = <i32>(i - f0);
    }
    if (nd + frac === 0) return K_TEXT;
    let hasExp = false;
    if (i < e && (c === 101 || c === 69)) {
      i++;
      if (i < e) {
        c = <u32>load<u8>(i);
        if (c === 45 || c === 43) i++;
      }
      const x0 = i;
      for (; i < e; i++) {
        c = <u32>load<u8>(i);
        if (!isDigit(c)) break;
      }
      if (i === x0) return K_TEXT;
      hasExp = true;
    }
    if (i !== e) return K_TEXT;
    if (nd + frac > 15 || hasExp) numValue = parseNumber(s, e);
    else numValue = neg ? -mant / pow10(frac) : mant / pow10(frac);
    return K_NUM;
  }
  return boolOrText(s, <i32>(e - s));
}

function boolOrText(s: usize, len: i32): i32 {
  const c = <u32>load<u8>(s) | 32;
  if (
    len === 4 &&
    c === 116 &&
    (<u32>load<u8>(s + 1) | 32) === 114 &&
    (<u32>load<u8>(s + 2) | 32) === 117 &&
    (<u32>load<u8>(s + 3) | 32) === 101
  )
    return K_BOOL;
  if (
    len === 5 &&
    c === 102 &&
    (<u32>load<u8>(s + 1) | 32) === 97 &&
    (<u32>load<u8>(s + 2) | 32) === 108 &&
    (<u32>load<u8>(s + 3) | 32) === 115 &&
    (<u32>load<u8>(s + 4) | 32) === 101
  )
    return K_BOOL;
  return K_TEXT;
}

function classifyDate(s: usize, e: usize): i32 {
  const len = <i32>(e - s);
  if (len < 10) return K_TEXT;
  const mo = digits2(s + 5, e);
  const d = digits2(s + 8, e);
  if (load<u8>(s + 7) !== 45 || mo < 1 || mo > 12 || d < 1 || d > 31) return K_TEXT;
  if (len === 10) return K_DATE;
  let i = s + 10;
  const t = <u32>load<u8>(i);
  if ((t !== 84 && t !== 32) || len < 16) return K_TEXT;
  const hh = digits2(i + 1, e);
  const mm = digits2(i + 4, e);
  if (hh < 0 || hh > 23 || load<u8>(i + 3) !== 58 || mm < 0 || mm > 59) return K_TEXT;
  i += 6;
  if (i < e && load<u8>(i) === 58) {
    const ss = digits2(i + 1, e);
    if (ss < 0 || ss > 60) return K_TEXT;
    i += 3;
    if (i < e && load<u8>(i) === 46) {
      i++;
      const f0 = i;
      while (i < e && isDigit(<u32>load<u8>(i))) i++;
      if (i === f0) return K_TEXT;
    }
  }
  if (i === e) return K_DATETIME;
  const z = <u32>load<u8>(i);
  if (z === 90 && i + 1 === e) return K_DATETIME;
  if (
    (z === 43 || z === 45) &&
    e - i === 6 &&
    digits2(i + 1, e) >= 0 &&
    load<u8>(i + 3) === 58 &&
    digits2(i + 4, e) >= 0
  )
    return K_DATETIME;
  return K_TEXT;
}

function validUtf8(s: usize, e: usize): bool {
  let i = s;
  while (i < e) {
    const c = <u32>load<u8>(i);
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: u32;
    let lo: u32;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      lo = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      lo = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      lo = 0x10000;
    } else return false;
    if (i + n >= e) return false;
    let cp = c & (0x3f >> n);
    for (let k: u32 = 1; k <= n; k++) {
      const x = <u32>load<u8>(i + k);
      if ((x & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (x & 0x3f);
    }
    if (cp < lo || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Frequent items: Misra-Gries with median purges, as FrequentItems in sketches.ts

function freqLink(t: usize, e: i32): void {
  const idx = t + FQ_INDEX;
  let slot =
    (load<u32>(t + FQ_H1 + ((<usize>e) << 2)) ^ load<u32>(t + FQ_H2 + ((<usize>e) << 2))) &
    (FREQ_CAP * 2 - 1);
  while (load<i32>(idx + ((<usize>slot) << 2)) !== 0) slot = (slot + 1) & (FREQ_CAP * 2 - 1);
  store<i32>(idx + ((<usize>slot) << 2), e + 1);
}

/** The value of rank `k` among the first `n` doubles at `a` (Hoare's quickselect; `a` is reordered). */
function selectKth(a: usize, n: i32, k: i32): f64 {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    const x = load<f64>(a + ((<usize>lo) << 3));
    const y = load<f64>(a + ((<usize>mid) << 3));
    const z = load<f64>(a + ((<usize>hi) << 3));
    const pivot = max(min(x, y), min(max(x, y), z));
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (load<f64>(a + ((<usize>i) << 3)) < pivot) i++;
      while (load<f64>(a + ((<usize>j) << 3)) > pivot) j--;
      if (i <= j) {
        const t = load<f64>(a + ((<usize>i) << 3));
        store<f64>(a + ((<usize>i) << 3), load<f64>(a + ((<usize>j) << 3)));
        store<f64>(a + ((<usize>j) << 3), t);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return load<f64>(a + ((<usize>k) << 3));
  }
  return load<f64>(a + ((<usize>k) << 3));
}

/** Copies the label of entry `x` out of the input, if it is still there. */
function labelCopy(t: usize, x: i32): void {
  const pp = t + FQ_PSTART + ((<usize>x) << 2);
  const start = load<u32>(pp);
  if (start === 0) return;
  store<u32>(pp, 0);
  const s = <usize>start - 1;
  const e = <usize>load<u32>(t + FQ_PEND + ((<usize>x) << 2));
  const escaped = load<u8>(t + FQ_PESC + <usize>x) !== 0;
  const n = copyLabel(t + FQ_LABELS + <usize>x * <usize>LABEL_MAX, s, e, escaped);
  store<u8>(t + FQ_LEN + <usize>x, <u8>n);
}

/**
 * Copies `[s, e)` to `label` as a label: up to LABEL_MAX bytes, `""` as one quote when escaped,
 * never half a UTF-8 sequence. Returns its length.
 */
function copyLabel(label: usize, s: usize, e: usize, escaped: bool): i32 {
  let n = 0;
  for (let i = s; i < e && n < LABEL_MAX; i++) {
    const c = load<u8>(i);
    if (escaped && c === 0x22 && i + 1 < e && load<u8>(i + 1) === 0x22) i++;
    store<u8>(label + <usize>n, c);
    n++;
  }
  if (n === LABEL_MAX) {
    while (n > 0 && (load<u8>(label + <usize>n - 1) & 0xc0) === 0x80) n--;
    if (n > 0 && load<u8>(label + <usize>n - 1) >= 0xc0) n--;
  }
  return n;
}

/** Copies every pending label: the input is about to change. */
function flushLabels(): void {
  for (let col = 0; col < ncols; col++) {
    const pp = colFreqPending + ((<usize>col) << 2);
    if (load<i32>(pp) === 0) continue;
    store<i32>(pp, 0);
    const t = colFreq + <usize>col * FQ_BYTES;
    const size = load<i32>(colFreqSize + ((<usize>col) << 2));
    for (let e = 0; e < size; e++) labelCopy(t, e);
  }
}

/** Subtracts the median count from every entry and drops those left at zero or below. */
function freqPurge(col: i32, t: usize): void {
  const sp = colFreqSize + ((<usize>col) << 2);
  const size = load<i32>(sp);
  memory.copy(scratch, t + FQ_COUNTS, (<usize>size) << 3);
  const median = selectKth(scratch, size, size >> 1);
  const op = colFreqOffset + ((<usize>col) << 3);
  store<f64>(op, load<f64>(op) + median);
  let w = 0;
  for (let e = 0; e < size; e++) {
    const c = load<f64>(t + FQ_COUNTS + ((<usize>e) << 3)) - median;
    if (c <= 0) {
      store<u32>(t + FQ_PSTART + ((<usize>e) << 2), 0);
      continue;
    }
    labelCopy(t, e);
    if (w !== e) {
      store<u32>(t + FQ_H1 + ((<usize>w) << 2), load<u32>(t + FQ_H1 + ((<usize>e) << 2)));
      store<u32>(t + FQ_H2 + ((<usize>w) << 2), load<u32>(t + FQ_H2 + ((<usize>e) << 2)));
      const len = load<u8>(t + FQ_LEN + <usize>e);
      store<u8>(t + FQ_LEN + <usize>w, len);
      memory.copy(
        t + FQ_LABELS + <usize>w * <usize>LABEL_MAX,
        t + FQ_LABELS + <usize>e * <usize>LABEL_MAX,
        <usize>len,
      );
    }
    store<f64>(t + FQ_COUNTS + ((<usize>w) << 3), c);
    w++;
  }
  store<i32>(sp, w);
  memory.fill(t + FQ_INDEX, 0, <usize>FREQ_CAP * 8);
  for (let e = 0; e < w; e++) freqLink(t, e);
}

/** Counts a value of column `col` by its hashes; a new entry takes `[s, e)` as its label. */
function freqAdd(col: i32, a: u32, b: u32, s: usize, e: usize, escaped: bool): void {
  const t = colFreq + <usize>col * FQ_BYTES;
  const idx = t + FQ_INDEX;
  let slot = (a ^ b) & (FREQ_CAP * 2 - 1);
  for (;;) {
    const x = load<i32>(idx + ((<usize>slot) << 2)) - 1;
    if (x < 0) break;
    if (load<u32>(t + FQ_H1 + ((<usize>x) << 2)) === a && load<u32>(t + FQ_H2 + ((<usize>x) << 2)) === b) {
      const cp = t + FQ_COUNTS + ((<usize>x) << 3);
      store<f64>(cp, load<f64>(cp) + 1);
      return;
    }
    slot = (slot + 1) & (FREQ_CAP * 2 - 1);
  }
  const sp = colFreqSize + ((<usize>col) << 2);
  if (load<i32>(sp) === FREQ_CAP) freqPurge(col, t);
  const x = load<i32>(sp);
  store<i32>(sp, x + 1);
  store<u32>(t + FQ_H1 + ((<usize>x) << 2), a);
  store<u32>(t + FQ_H2 + ((<usize>x) << 2), b);
  store<f64>(t + FQ_COUNTS + ((<usize>x) << 3), 1);
  store<u32>(t + FQ_PSTART + ((<usize>x) << 2), <u32>s + 1);
  store<u32>(t + FQ_PEND + ((<usize>x) << 2), <u32>e);
  store<u8>(t + FQ_PESC + <usize>x, escaped ? 1 : 0);
  store<i32>(colFreqPending + ((<usize>col) << 2), 1);
  freqLink(t, x);
}

// ---------------------------------------------------------------------------------------------------
// Exact counts

/** The slot of hashes `a`, `b` in a table of `cap`: theirs, or the empty one where they would go. */
function exactSlot(t: usize, cap: i32, a: u32, b: u32): usize {
  const mask = cap * 2 - 1;
  let slot = <i32>((a ^ b) & <u32>mask);
  let p = t + <usize>slot * <usize>EX_SLOT;
  while (
    load<i32>(p + <usize>EX_SLOT_ENTRY) !== 0 &&
    (load<u32>(p + <usize>EX_SLOT_H1) !== a || load<u32>(p + <usize>EX_SLOT_H2) !== b)
  ) {
    slot = (slot + 1) & mask;
    p = t + <usize>slot * <usize>EX_SLOT;
  }
  return p;
}

function exactLabels(t: usize, cap: i32): usize {
  return t + <usize>cap * 2 * <usize>EX_SLOT;
}

function exactBytesOf(cap: i32): usize {
  return <usize>cap * (2 * <usize>EX_SLOT + <usize>EX_LABEL_STRIDE);
}

function exactFreeList(cap: i32): usize {
  return exactFree + <usize>(ctz<i32>(cap) - 4) * sizeof<usize>();
}

/** An empty table of `cap` entries, a given-back one if there is; 0 when the budget has no room. */
function exactTake(cap: i32): usize {
  const bytes = exactBytesOf(cap);
  if (exactBytes + bytes > EXACT_BUDGET) return 0;
  exactBytes += bytes;
  const fp = exactFreeList(cap);
  const t = load<usize>(fp);
  if (t === 0) return alloc(bytes);
  store<usize>(fp, load<usize>(t));
  memory.fill(t, 0, <usize>cap * 2 * <usize>EX_SLOT);
  return t;
}

/** Gives a table back for reuse (the heap is never freed: this is what keeps outgrown tables from piling up). */
function exactGive(t: usize, cap: i32): void {
  exactBytes -= exactBytesOf(cap);
  const fp = exactFreeList(cap);
  store<usize>(t, load<usize>(fp));
  store<usize>(fp, t);
}

/** Counts a value of column `col` exactly, while the column has few enough distinct values. */
function exactAdd(col: i32, a: u32, b: u32, s: usize, e: usize, escaped: bool): void {
  const sp = colExactSize + ((<usize>col) << 2);
  const size = load<i32>(sp);
  if (size < 0) return;
  const cp = colExactCap + ((<usize>col) << 2);
  const tp = colExact + <usize>col * sizeof<usize>();
  let cap = load<i32>(cp);
  let t = load<usize>(tp);
  if (cap > 0) {
    const p = exactSlot(t, cap, a, b);
    if (load<i32>(p + <usize>EX_SLOT_ENTRY) !== 0) {
      store<f64>(p + <usize>EX_SLOT_COUNT, load<f64>(p + <usize>EX_SLOT_COUNT) + 1);
      return;
    }
  }
  if (size === cap) {
    const next = cap === 0 ? 16 : cap * 2;
    const grown: usize = next > EXACT_CAP ? 0 : exactTake(next);
    if (grown !== 0 && cap > 0) {
      for (let x = 0; x < cap * 2; x++) {
        const p = t + <usize>x * <usize>EX_SLOT;
        if (load<i32>(p + <usize>EX_SLOT_ENTRY) === 0) continue;
        const q = exactSlot(grown, next, load<u32>(p + <usize>EX_SLOT_H1), load<u32>(p + <usize>EX_SLOT_H2));
        memory.copy(q, p, <usize>EX_SLOT);
      }
      memory.copy(exactLabels(grown, next), exactLabels(t, cap), <usize>size * <usize>EX_LABEL_STRIDE);
    }
    if (cap > 0) exactGive(t, cap);
    if (grown === 0) {
      // Too many values, or no room left: this column is counted by the sketches alone.
      store<usize>(tp, 0);
      store<i32>(cp, 0);
      store<i32>(sp, -1);
      return;
    }
    t = grown;
    store<usize>(tp, t);
    store<i32>(cp, next);
    cap = next;
  }
  const p = exactSlot(t, cap, a, b);
  store<u32>(p + <usize>EX_SLOT_H1, a);
  store<u32>(p + <usize>EX_SLOT_H2, b);
  store<f64>(p + <usize>EX_SLOT_COUNT, 1);
  store<i32>(p + <usize>EX_SLOT_ENTRY, size + 1);
  const label = exactLabels(t, cap) + <usize>size * <usize>EX_LABEL_STRIDE;
  store<u8>(label, <u8>copyLabel(label + 1, s, e, escaped));
  store<i32>(sp, size + 1);
}

// ---------------------------------------------------------------------------------------------------
// Date ranges

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y0: i32, m: i32, d: i32): i32 {
  const y = m <= 2 ? y0 - 1 : y0;
  const era = (y >= 0 ? y : y - 399) / 400;
  const yoe = y - era * 400;
  const mp = m > 2 ? m - 3 : m + 9;
  const doy = (153 * mp + 2) / 5 + d - 1;
  const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/** Milliseconds since 1970 of a date or date-time classify() accepted (`YYYY-MM-DD[Thh:mm[:ss[.f]]][Z|±hh:mm]`). */
function dateKey(s: usize, e: usize): f64 {
  const y = digits2(s, e) * 100 + digits2(s + 2, e);
  let ms = <f64>daysFromCivil(y, digits2(s + 5, e), digits2(s + 8, e)) * 86400000;
  if (e - s <= 10) return ms;
  let i = s + 11;
  ms += <f64>(digits2(i, e) * 3600 + digits2(i + 3, e) * 60) * 1000;
  i += 5;
  if (i < e && load<u8>(i) === 58) {
    ms += <f64>digits2(i + 1, e) * 1000;
    i += 3;
    if (i < e && load<u8>(i) === 46) {
      i++;
      let scale: f64 = 100;
      for (; i < e && isDigit(<u32>load<u8>(i)); i++) {
        ms += <f64>(load<u8>(i) - 48) * scale;
        scale /= 10;
      }
    }
  }
  if (i < e) {
    const z = load<u8>(i);
    if (z === 43 || z === 45) {
      const offset = <f64>(digits2(i + 1, e) * 60 + digits2(i + 4, e)) * 60000;
      ms += z === 43 ? -offset : offset;
    }
  }
  return ms;
}

/** Widens column `col`'s date range to the date or date-time `[s, e)`. */
function noteDate(col: i32, s: usize, e: usize): void {
  const r = colDates + <usize>col * <usize>DT_STRIDE;
  const key = dateKey(s, e);
  const len = <i32>min(e - s, <usize>DATE_TEXT_MAX);
  if (key < load<f64>(r + <usize>DT_MIN)) {
    store<f64>(r + <usize>DT_MIN, key);
    store<u8>(r + <usize>DT_MIN_LEN, <u8>len);
    memory.copy(r + <usize>DT_MIN_TEXT, s, <usize>len);
  }
  if (key > load<f64>(r + <usize>DT_MAX)) {
    store<f64>(r + <usize>DT_MAX, key);
    store<u8>(r + <usize>DT_MAX_LEN, <u8>len);
    memory.copy(r + <usize>DT_MAX_TEXT, s, <usize>len);
  }
}

// ---------------------------------------------------------------------------------------------------
// The row loop

function noteMalformed(kind: i32, line: f64, s: usize, e: usize): void {
  const p = malformed + ((<usize>kind) << 3);
  store<f64>(p, load<f64>(p) + 1);
  if (exampleCount >= examplesWanted) return;
  if (examples === 0) examples = alloc(<usize>max(examplesWanted, 1) * 32);
  const x = examples + <usize>exampleCount * 32;
  store<f64>(x, <f64>kind);
  store<f64>(x + 8, line);
  store<f64>(x + 16, <f64>(s - inputPtr));
  store<f64>(x + 24, <f64>(e - inputPtr));
  exampleCount++;
}

/**
 * Parses the complete rows of `input[from, len)` and returns the offset of the first byte not
 * consumed: the start of an unfinished row, or where it stopped early (`status` says why). With
 * `final`, a last row without a line break is complete.
 */
export function parse(from: i32, len: i32, final: i32): i32 {
  const b = inputPtr;
  const end = b + <usize>len;
  const D = delim;
  const Q = quote;
  const isFinal = final !== 0;
  let pos = b + <usize>from;
  status = 0;
  pendingBreaks = 0;
  while (pos < end) {
    const rowStart = pos;
    const line = lineBreaks + 1;
    let breaks = 0;
    let nf = 0;
    let stray = false;
    let unterminated = false;
    let complete = false;
    let p = pos;
    for (;;) {
      if (nf === fieldCap) growFields(nf + 1);
      let flags = 0;
      let fs = p;
      let fe = p;
      let c: u32 = p < end ? <u32>load<u8>(p) : 0xffffffff;
      let generic = true;
      let kind = K_NULL;
      let num: f64 = 0;
      let h1: u32 = 0;
      let h2: u32 = 0;
      if (c === Q) {
        flags = F_QUOTED;
        p++;
        fs = p;
        for (;;) {
          for (; p < end; p++) {
            c = <u32>load<u8>(p);
            const t = load<u8>(tq + c);
            if (t === 0) continue;
            if (t === T_QUOTE) break;
            if (t === T_HIGH) flags |= F_HIGH;
            else if (c === 10 || p + 1 >= end || load<u8>(p + 1) !== 10) breaks++;
          }
          if (p >= end) break;
          if (p + 1 < end && <u32>load<u8>(p + 1) === Q) {
            flags |= F_ESCAPED;
            p += 2;
            continue;
          }
          break;
        }
        if (p >= end) {
          if (!isFinal) break;
          unterminated = true;
          store<i32>(fStart + ((<usize>nf) << 2), <i32>(fs - b));
          store<i32>(fEnd + ((<usize>nf) << 2), <i32>(end - b));
          store<i32>(fFlags + ((<usize>nf) << 2), flags);
          nf++;
          p = end;
          complete = true;
          break;
        }
        fe = p;
        p++; // closing quote
        c = p < end ? <u32>load<u8>(p) : D;
        if (c !== D && c !== 10 && c !== 13) {
          stray = true;
          flags = 0;
          fs--;
          for (; p < end; p++) {
            c = <u32>load<u8>(p);
            if (c === D || c === 10 || c === 13) break;
          }
          fe = p;
        }
      } else if (p < end) {
        let i = p;
        if (isDigit(c) || c === 45 || c === 43 || c === 46) {
          const neg = c === 45;
          if (c === 45 || c === 43) i++;
          let mant: f64 = 0;
          const d0 = i;
          for (; i < end; i++) {
            c = <u32>load<u8>(i);
            if (!isDigit(c)) break;
            mant = mant * 10 + <f64>(c - 48);
          }
          const nd = <i32>(i - d0);
          let frac = -1;
          if (c === 46 && i < end) {
            i++;
            const f0 = i;
            for (; i < end; i++) {
              c = <u32>load<u8>(i);
              if (!isDigit(c)) break;
              mant = mant * 10 + <f64>(c - 48);
            }
            frac = <i32>(i - f0);
          }
          const digits = frac > 0 ? nd + frac : nd;
          // A leading zero before more digits ("00501") is an identifier: classify() says text.
          const lead0 = nd > 1 && load<u8>(d0) === 48;
          if (i < end && load<u8>(tu + c) === T_END && digits > 0 && digits <= 15 && !lead0) {
            generic = false;
            if (frac < 0) {
              kind = K_INT;
              num = neg ? -mant : mant;
            } else {
              kind = K_NUM;
              const p10 = pow10(frac);
              num = neg ? -mant / p10 : mant / p10;
            }
          } else if (nd === 4 && c === 45 && d0 === fs && i + 6 < end) {
            // YYYY-MM-DD and the field's end: a date, as classifyDate() would say, hashed here.
            const mo = digits2(i + 1, end);
            const d = digits2(i + 4, end);
            if (
              load<u8>(i + 3) === 45 &&
              mo >= 1 &&
              mo <= 12 &&
              d >= 1 &&
              d <= 31 &&
              load<u8>(tu + <usize>load<u8>(i + 6)) === T_END
            ) {
              generic = false;
              kind = K_DATE;
              i += 6;
              hashWords(fs, i);
              h1 = hashA;
              h2 = hashB;
            }
          }
          p = i;
          if (generic)
            for (; p < end; p++) {
              const t = load<u8>(tu + <usize>load<u8>(p));
              if (t === 0) continue;
              if (t === T_END) break;
              if (t === T_HIGH) flags = F_HIGH;
              else stray = true;
            }
        } else {
          // Text, probably: its end is looked for sixteen bytes at a time (delimiter, line breaks,
          // quote, bytes >= 0x80), then it is hashed a word at a time.
          for (;;) {
            for (; i + 16 <= end; i += 16) {
              const v = v128.load(i);
              const m = v128.or(
                v128.or(i8x16.eq(v, vDelim), i8x16.eq(v, vQuote)),
                v128.or(v128.or(i8x16.eq(v, vLf), i8x16.eq(v, vCr)), i8x16.lt_s(v, vZero)),
              );
              const bits = i8x16.bitmask(m);
              if (bits !== 0) {
                i += <usize>ctz<i32>(bits);
                break;
              }
            }
            if (i + 16 > end) while (i < end && load<u8>(tu + <usize>load<u8>(i)) === 0) i++;
            if (i >= end) break;
            const t = load<u8>(tu + <usize>load<u8>(i));
            if (t === T_END) break;
            if (t === T_HIGH) flags = F_HIGH;
            else stray = true;
            i++;
          }
          p = i;
          const n = <i32>(i - fs);
          if (n > 0 && i < end) {
            generic = false;
            kind = n === 4 || n === 5 ? boolOrText(fs, n) : K_TEXT;
            hashWords(fs, i);
            h1 = hashA;
            h2 = hashB;
          }
        }
        fe = p;
      }
      if (p >= end && !isFinal) break;
      if (generic) {
        if (fs === fe) kind = K_NULL;
        else {
          const escaped = (flags & F_ESCAPED) !== 0;
          kind = escaped ? K_TEXT : classify(fs, fe);
          if (kind <= K_NUM) num = numValue;
          else {
            hashRange(fs, fe, escaped);
            h1 = hashA;
            h2 = hashB;
          }
        }
      }
      const o = (<usize>nf) << 2;
      store<i32>(fStart + o, <i32>(fs - b));
      store<i32>(fEnd + o, <i32>(fe - b));
      store<i32>(fFlags + o, flags);
      store<i32>(fKind + o, kind);
      store<f64>(fNum + ((<usize>nf) << 3), num);
      store<u32>(fH1 + o, h1);
      store<u32>(fH2 + o, h2);
      nf++;
      if (p >= end) {
        complete = true;
        break;
      }
      c = <u32>load<u8>(p);
      if (c === D) {
        p++;
        continue;
      }
      if (c === 13) {
        if (p + 1 >= end && !isFinal) break;
        p += p + 1 < end && load<u8>(p + 1) === 10 ? 2 : 1;
      } else p++;
      breaks++;
      complete = true;
      break;
    }
    if (!complete) {
      pendingBreaks = breaks;
      flushLabels();
      return <i32>(rowStart - b);
    }
    pos = p;
    lineBreaks += <f64>breaks;
    if (headerPending) {
      headerPending = false;
      headerFields = nf;
      status = 1;
      break;
    }
    commitRow(nf, line, rowStart, pos, stray, unterminated);
  }
  flushLabels();
  return <i32>(pos - b);
}

/** Adds a value's first hash to column `col`'s HyperLogLog. */
function hllAdd(col: i32, h1: u32): void {
  const idx = h1 >>> (32 - HLL_P);
  const rank = <u8>(clz<u32>((h1 << HLL_P) | (1 << (HLL_P - 1))) + 1);
  const rp = colHll + <usize>col * <usize>HLL_M + <usize>idx;
  if (rank > load<u8>(rp)) store<u8>(rp, rank);
}

/**
 * Column `col` shows its first value that is not a number: from now on its numbers go into its
 * HyperLogLog, and those it had so far go in from its exact table (all of them, unless the table was
 * already past the bound: the estimate then misses those earlier numbers).
 */
function firstOther(col: i32): void {
  store<u8>(colOther + <usize>col, 1);
  const cap = load<i32>(colExactCap + ((<usize>col) << 2));
  const t = load<usize>(colExact + <usize>col * sizeof<usize>());
  if (load<f64>(colKinds + <usize>col * <usize>KIND_COUNT * 8 + ((<usize>K_NUM) << 3)) > 0) {
    // Numbers that are not integers were not kept: the table would miss them.
    if (cap > 0) exactGive(t, cap);
    store<usize>(colExact + <usize>col * sizeof<usize>(), 0);
    store<i32>(colExactCap + ((<usize>col) << 2), 0);
    store<i32>(colExactSize + ((<usize>col) << 2), -1);
    return;
  }
  for (let x = 0; x < cap * 2; x++) {
    const p = t + <usize>x * <usize>EX_SLOT;
    if (load<i32>(p + <usize>EX_SLOT_ENTRY) !== 0) hllAdd(col, load<u32>(p + <usize>EX_SLOT_H1));
  }
}

function commitRow(
  nf: i32,
  line: f64,
  rowStart: usize,
  rowEnd: usize,
  stray: bool,
  unterminated: bool,
): void {
  // A blank line is not a row.
  if (nf === 1 && load<i32>(fEnd) === load<i32>(fStart) && (load<i32>(fFlags) & F_QUOTED) === 0) return;
  if (ncols < 0) setColumns(nf);
  rows++;
  if (unterminated) {
    noteMalformed(M_UNTERMINATED, line, rowStart, rowEnd);
    return;
  }
  if (nf !== ncols) {
    noteMalformed(M_RAGGED, line, rowStart, rowEnd);
    return;
  }
  if (stray) noteMalformed(M_STRAY, line, rowStart, rowEnd);
  const b = inputPtr;
  for (let i = 0; i < nf; i++) {
    const o = (<usize>i) << 2;
    const kind = load<i32>(fKind + o);
    if (kind === K_NULL) {
      const np = colNulls + ((<usize>i) << 3);
      store<f64>(np, load<f64>(np) + 1);
      continue;
    }
    const kp = colKinds + <usize>i * <usize>KIND_COUNT * 8 + ((<usize>kind) << 3);
    store<f64>(kp, load<f64>(kp) + 1);
    if (kind <= K_NUM) {
      const bp = colBlockN + o;
      const nb = load<i32>(bp);
      store<f64>(colBlock + (<usize>i * <usize>BLOCK + <usize>nb) * 8, load<f64>(fNum + ((<usize>i) << 3)));
      store<i32>(bp, nb + 1);
      if (nb + 1 === BLOCK) flushColumn(i);
      // A number counts among the distinct values too (a column of ZIP codes is text for its
      // "02134" but holds "10001" as well). Until the column shows a value that is not a number it
      // is numeric, its distinct values are never shown, and only what is cheap is kept: its
      // integers in the exact table (a non-number then finds them there), not its other numbers
      // (firstOther() gives the exact table up if there were any) nor the HyperLogLog. Never in
      // the frequent items, whose purges distinct numbers would keep running.
      const exact = load<i32>(colExactSize + o) >= 0;
      const other = load<u8>(colOther + <usize>i) !== 0;
      if (other || (exact && kind === K_INT)) {
        const ns = b + <usize>load<i32>(fStart + o);
        const ne = b + <usize>load<i32>(fEnd + o);
        if (kind === K_INT && ne - ns <= 15) hashInteger(load<f64>(fNum + ((<usize>i) << 3)), <u32>(ne - ns));
        else hashWords(ns, ne);
        if (other) hllAdd(i, hashA);
        if (exact) exactAdd(i, hashA, hashB, ns, ne, false);
      }
      continue;
    }
    const flags = load<i32>(fFlags + o);
    const s = load<i32>(fStart + o);
    const e = load<i32>(fEnd + o);
    if ((flags & F_HIGH) !== 0 && !validUtf8(b + <usize>s, b + <usize>e)) invalidUtf8 += 1;
    if (load<u8>(colOther + <usize>i) === 0) firstOther(i);
    const h1 = load<u32>(fH1 + o);
    hllAdd(i, h1);
    const h2 = load<u32>(fH2 + o);
    const escaped = (flags & F_ESCAPED) !== 0;
    freqAdd(i, h1, h2, b + <usize>s, b + <usize>e, escaped);
    exactAdd(i, h1, h2, b + <usize>s, b + <usize>e, escaped);
    if (kind === K_DATE || kind === K_DATETIME) noteDate(i, b + <usize>s, b + <usize>e);
  }
}
