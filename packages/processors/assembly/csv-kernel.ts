/**
 * The CSV accumulator's row loop in WebAssembly (AssemblyScript, compiled by `asc` into
 * dist/csv/kernel.wasm). It parses complete rows out of the input region, classifies every field,
 * parses numbers, hashes the other values, and folds them into per-column statistics that live in
 * this module's memory: null and kind counts, moments (two passes per block of numbers, merged with
 * Chan's formula), log-linear histograms and HyperLogLog registers. What it cannot do alone goes
 * back to JavaScript (src/csv/accumulator.ts): the frequent-items tables (text values are queued as
 * events with their hashes and byte ranges), the header names, malformed-row examples, numbers
 * longer than 15 digits or with an exponent (an import parses them exactly like Number()), and the
 * carry of an unfinished row from one chunk to the next. The rules are those of the accumulator's
 * documentation; the tests run every crafted file through it.
 */

// Kinds, in the order of KINDS in accumulator.ts; K_NULL is an empty field.
const K_INT: i32 = 0;
const K_NUM: i32 = 1;
const K_BOOL: i32 = 2;
const K_DATE: i32 = 3;
const K_DATETIME: i32 = 4;
const K_TEXT: i32 = 5;
const K_NULL: i32 = 6;

// Byte classes of the lookup tables.
const T_END: u8 = 1;
const T_QUOTE: u8 = 2;
const T_HIGH: u8 = 3;
const T_BREAK: u8 = 4;

const F_QUOTED: i32 = 1;
const F_ESCAPED: i32 = 2;
const F_HIGH: i32 = 4;

// Malformed kinds, in the order of MALFORMED in accumulator.ts.
const M_RAGGED: i32 = 0;
const M_STRAY: i32 = 1;
const M_UNTERMINATED: i32 = 2;

const HLL_P: i32 = 14;
const HLL_M: i32 = 1 << HLL_P;
const BLOCK: i32 = 256;
const EXP_MIN: i32 = -64;
const EXP_MAX: i32 = 63;
const SUBS: i32 = 16;
const PER_SIGN: i32 = (EXP_MAX - EXP_MIN + 1) * SUBS;
const HIST_BUCKETS: i32 = 2 * PER_SIGN + 1;
const ZERO_BUCKET: i32 = PER_SIGN;

const HASH_SEED1: u32 = 0x811c9dc5;
const HASH_SEED2: u32 = 0x9747b28c;
const HASH_MUL1: u32 = 0x01000193;
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
let tu: usize = 0;
let tq: usize = 0;
let headerPending = false;

let ncols: i32 = -1;
let colNulls: usize = 0; // f64[ncols]
let colKinds: usize = 0; // f64[ncols * 6]
let colMoments: usize = 0; // f64[ncols * 5]: n, mean, m2, min, max
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

// Text values for the frequent-items tables: col, h1, h2, start, end, escaped (i32 each).
let events: usize = 0;
let eventCap: i32 = 0;
let eventCount: i32 = 0;

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
/** Why `parse` returned: 0 all parsed, 1 header row parsed, 2 event queue full. */
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
  colBlock = 0;
  colBlockN = 0;
  colHist = 0;
  colHll = 0;
  fieldCap = 0;
  inputPtr = 0;
  inputCap = 0;
  eventCount = 0;
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

/** Sets the dialect and the event queue's capacity; called once after {@link reset} or instantiation. */
export function init(delimiter: i32, quoteChar: i32, header: i32, maxEvents: i32): void {
  delim = <u32>delimiter;
  quote = <u32>quoteChar;
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
  eventCap = maxEvents;
  events = alloc(<usize>maxEvents * 24);
  malformed = alloc(32);
  growFields(64);
}

/** Allocates the statistics of `n` columns (the header's width, or the first row's). */
export function setColumns(n: i32): void {
  ncols = n;
  // A row's text values must fit in the event queue at once.
  if (n > eventCap) {
    eventCap = n * 2;
    events = alloc(<usize>eventCap * 24);
  }
  const m = <usize>max(n, 1);
  colNulls = alloc(m * 8);
  colKinds = alloc(m * 48);
  colMoments = alloc(m * 40);
  for (let i: usize = 0; i < <usize>n; i++) {
    store<f64>(colMoments + i * 40 + 24, Infinity);
    store<f64>(colMoments + i * 40 + 32, -Infinity);
  }
  colBlock = alloc(m * <usize>BLOCK * 8);
  colBlockN = alloc(m * 4);
  colHist = alloc(m * sizeof<usize>());
  colHll = alloc(m * <usize>HLL_M);
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

export function clearEvents(): void {
  eventCount = 0;
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
export function getEvents(): usize {
  return events;
}
export function getEventCount(): i32 {
  return eventCount;
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
export function getColHist(i: i32): usize {
  return load<usize>(colHist + <usize>i * sizeof<usize>());
}
export function getColHll(): usize {
  return colHll;
}

// ---------------------------------------------------------------------------------------------------
// Statistics

function flushColumn(col: i32): void {
  const np = colBlockN + <usize>col * 4;
  const nb = load<i32>(np);
  if (nb === 0) return;
  store<i32>(np, 0);
  const v = colBlock + <usize>col * <usize>BLOCK * 8;
  const mo = colMoments + <usize>col * 40;
  let sum: f64 = 0;
  let mn = load<f64>(mo + 24);
  let mx = load<f64>(mo + 32);
  for (let j = 0; j < nb; j++) {
    const x = load<f64>(v + ((<usize>j) << 3));
    sum += x;
    if (x < mn) mn = x;
    if (x > mx) mx = x;
  }
  store<f64>(mo + 24, mn);
  store<f64>(mo + 32, mx);
  const fnb = <f64>nb;
  const mb = sum / fnb;
  let m2: f64 = 0;
  let dsum: f64 = 0;
  for (let j = 0; j < nb; j++) {
    const d = load<f64>(v + ((<usize>j) << 3)) - mb;
    m2 += d * d;
    dsum += d;
  }
  m2 -= (dsum * dsum) / fnb;
  const na = load<f64>(mo);
  const n = na + fnb;
  if (na === 0) {
    store<f64>(mo + 8, mb);
    store<f64>(mo + 16, m2);
  } else {
    const mean = load<f64>(mo + 8);
    const delta = mb - mean;
    store<f64>(mo + 8, mean + (delta * fnb) / n);
    store<f64>(mo + 16, load<f64>(mo + 16) + m2 + (delta * delta * na * fnb) / n);
  }
  store<f64>(mo, n);
  const hp = colHist + <usize>col * sizeof<usize>();
  let hist = load<usize>(hp);
  if (hist === 0) {
    hist = alloc(<usize>HIST_BUCKETS * 8);
    store<usize>(hp, hist);
  }
  for (let j = 0; j < nb; j++) {
    const hi = <u32>(reinterpret<u64>(load<f64>(v + ((<usize>j) << 3))) >>> 32);
    const exp = <i32>((hi >>> 20) & 0x7ff) - 1023;
    let idx = ZERO_BUCKET;
    if (exp >= EXP_MIN) {
      const offset = (min(exp, EXP_MAX) - EXP_MIN) * SUBS + <i32>((hi >>> 16) & 0xf);
      idx = hi >>> 31 === 1 ? ZERO_BUCKET - 1 - offset : ZERO_BUCKET + 1 + offset;
    }
    const b = hist + ((<usize>idx) << 3);
    store<f64>(b, load<f64>(b) + 1);
  }
}

/** Folds every column's pending numbers into its moments and histogram. */
export function flush(): void {
  for (let i = 0; i < ncols; i++) flushColumn(i);
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

/** The hashes of hashBytes in sketches.ts, of `[s, e)` (`""` counted once when escaped). */
function hashRange(s: usize, e: usize, escaped: bool): void {
  let h1 = HASH_SEED1;
  let h2 = HASH_SEED2;
  let n: u32 = 0;
  for (let j = s; j < e; j++) {
    const c = <u32>load<u8>(j);
    if (escaped && c === 0x22 && j + 1 < e && load<u8>(j + 1) === 0x22) j++;
    h1 = (h1 ^ c) * HASH_MUL1;
    h2 = (h2 + c) * HASH_MUL2;
    n++;
  }
  hashFinish(h1, h2, n);
}

// ---------------------------------------------------------------------------------------------------
// Classification, as classify() in accumulator.ts

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
    if (i === e && nd > 0) {
      if (nd > 15) numValue = parseNumber(s, e);
      else numValue = neg ? -mant : mant;
      return K_INT;
    }
    if (nd === 4 && c === 45 && !neg && d0 === s) return classifyDate(s, e);
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
    if (eventCount > 0 && eventCount + ncols > eventCap) {
      status = 2;
      break;
    }
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
          if (i < end && load<u8>(tu + c) === T_END && digits > 0 && digits <= 15) {
            generic = false;
            if (frac < 0) {
              kind = K_INT;
              num = neg ? -mant : mant;
            } else {
              kind = K_NUM;
              const p10 = pow10(frac);
              num = neg ? -mant / p10 : mant / p10;
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
          let a = HASH_SEED1;
          let z = HASH_SEED2;
          for (; i < end; i++) {
            c = <u32>load<u8>(i);
            const t = load<u8>(tu + c);
            if (t !== 0) {
              if (t === T_END) break;
              if (t === T_HIGH) flags = F_HIGH;
              else stray = true;
            }
            a = (a ^ c) * HASH_MUL1;
            z = (z + c) * HASH_MUL2;
          }
          p = i;
          const n = <i32>(i - fs);
          if (n > 0 && i < end) {
            generic = false;
            kind = n === 4 || n === 5 ? boolOrText(fs, n) : K_TEXT;
            hashFinish(a, z, <u32>n);
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
  return <i32>(pos - b);
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
    const kp = colKinds + <usize>i * 48 + ((<usize>kind) << 3);
    store<f64>(kp, load<f64>(kp) + 1);
    if (kind <= K_NUM) {
      const bp = colBlockN + o;
      const nb = load<i32>(bp);
      store<f64>(colBlock + (<usize>i * <usize>BLOCK + <usize>nb) * 8, load<f64>(fNum + ((<usize>i) << 3)));
      store<i32>(bp, nb + 1);
      if (nb + 1 === BLOCK) flushColumn(i);
      continue;
    }
    const flags = load<i32>(fFlags + o);
    const s = load<i32>(fStart + o);
    const e = load<i32>(fEnd + o);
    if ((flags & F_HIGH) !== 0 && !validUtf8(b + <usize>s, b + <usize>e)) invalidUtf8 += 1;
    const h1 = load<u32>(fH1 + o);
    const idx = h1 >>> (32 - HLL_P);
    const rank = <u8>(clz<u32>((h1 << HLL_P) | (1 << (HLL_P - 1))) + 1);
    const rp = colHll + <usize>i * <usize>HLL_M + <usize>idx;
    if (rank > load<u8>(rp)) store<u8>(rp, rank);
    const ev = events + <usize>eventCount * 24;
    store<i32>(ev, i);
    store<u32>(ev + 4, h1);
    store<u32>(ev + 8, load<u32>(fH2 + o));
    store<i32>(ev + 12, s);
    store<i32>(ev + 16, e);
    store<i32>(ev + 20, flags & F_ESCAPED);
    eventCount++;
  }
}
