import { detectCsvDialect } from "./dialect.js";
import {
  FrequentItems,
  type FrequentItemsData,
  HIST_BUCKETS,
  HLL_P,
  hashBytes,
  hashOut,
  histogramAdd,
  hllAdd,
  type Moments,
} from "./sketches.js";

/** How a CSV file is written. Detected from the first chunk when not given. */
export interface CsvDialect {
  /** One byte: `,`, `\t`, `;`, `|`… */
  delimiter: string;
  /** One byte, `"` by default. */
  quote: string;
  /** Whether the first row names the columns. */
  header: boolean;
}

/** Options of {@link createCsvAccumulator}. */
export interface CsvOptions {
  /** Field delimiter; detected from the first 64 KiB when omitted. */
  delimiter?: string;
  /** Quote character, `"` by default. */
  quote?: string;
  /** Whether the first row is a header; detected when omitted. Pieces after the first pass `false`. */
  header?: boolean;
  /**
   * Column names when the piece has no header row of its own: pieces after the first of a file pass
   * the names of the first piece, which also fixes the expected number of fields per row.
   */
  columns?: string[];
  /** A row (with its quoted newlines) longer than this is dropped as malformed, which bounds memory. Default 1 MiB. */
  maxRowBytes?: number;
  /** Example malformed rows kept. Default 5. */
  maxExamples?: number;
}

/** Value kinds counted per column; the order is the index into {@link CsvColumnPartial.kinds}. */
export const KINDS = ["integer", "number", "boolean", "date", "datetime", "text"] as const;
/** One of {@link KINDS}. */
export type CsvKind = (typeof KINDS)[number];
const K_INT = 0;
const K_NUM = 1;
const K_BOOL = 2;
const K_DATE = 3;
const K_DATETIME = 4;
const K_TEXT = 5;

/** Why a row was counted as malformed. */
export type CsvMalformedKind = "ragged" | "stray-quote" | "unterminated-quote" | "too-long";

/** A malformed row: its 1-based line number and its first ~100 characters. */
export interface CsvMalformedExample {
  line: number;
  kind: CsvMalformedKind;
  text: string;
}

/** The mergeable statistics of one column of one piece of a file. Plain data: structured-cloneable. */
export interface CsvColumnPartial {
  nulls: number;
  /** Count of values per kind, in the order of {@link KINDS}. */
  kinds: number[];
  /** Welford state over the integer and number values. */
  moments: Moments;
  /** Log-linear bucket counts of the numeric values, or null when there were none. */
  histogram: Float64Array | null;
  /** HyperLogLog registers over the non-numeric values. */
  hll: Uint8Array;
  /** Frequent non-numeric values. */
  frequent: FrequentItemsData;
}

/** The mergeable result of one piece of a file; {@link mergeCsvPartials} combines two adjacent ones. */
export interface CsvPartial {
  dialect: CsvDialect;
  columns: string[];
  /** Data rows, malformed ones included (the header is not a row). */
  rows: number;
  bytes: number;
  /** Line breaks consumed, which shifts the line numbers of the next piece when merging. */
  lineBreaks: number;
  malformed: Record<CsvMalformedKind, number>;
  examples: CsvMalformedExample[];
  /** How many examples a merge keeps (the accumulator's `maxExamples`); absent in older partials. */
  maxExamples?: number;
  /** Fields that contain bytes that are not valid UTF-8 (decoded with U+FFFD where shown). */
  invalidUtf8Fields: number;
  columnStats: CsvColumnPartial[];
}

/** The streaming side of the CSV statistics. */
export interface CsvAccumulator {
  /** Parses a chunk. The chunk is not retained: the caller may reuse its buffer. */
  push(chunk: Uint8Array): void;
  /** Parses what is left (a last row without a line break) and returns the partial result. */
  finish(): CsvPartial;
}

const DETECT_BYTES = 64 * 1024;
const EXAMPLE_CHARS = 100;

class ColumnAcc {
  nulls = 0;
  kinds = [0, 0, 0, 0, 0, 0];
  n = 0;
  mean = 0;
  m2 = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  histogram: Float64Array | null = null;
  hll = new Uint8Array(1 << HLL_P);
  frequent = spareTables.pop() ?? new FrequentItems();

  /**
   * Welford runs on x − shift (the first value): with data like 1e9 + noise the running mean then
   * stays small, so its rounding errors scale with the noise, not with 1e9.
   */
  shift = Number.NaN;

  addNumber(x0: number): void {
    if (this.n === 0) this.shift = x0;
    const x = x0 - this.shift;
    const n = ++this.n;
    const d = x - this.mean;
    this.mean += d / n;
    this.m2 += d * (x - this.mean);
    if (x0 < this.min) this.min = x0;
    if (x0 > this.max) this.max = x0;
    if (this.histogram === null) this.histogram = new Float64Array(HIST_BUCKETS);
    histogramAdd(this.histogram, x0);
  }

  toPartial(): CsvColumnPartial {
    return {
      nulls: this.nulls,
      kinds: this.kinds.slice(),
      moments: {
        n: this.n,
        mean: this.n > 0 ? this.shift + this.mean : 0,
        m2: this.m2,
        min: this.min,
        max: this.max,
      },
      histogram: this.histogram,
      hll: this.hll,
      frequent: this.frequent.toData(),
    };
  }
}

/** Frequent-items tables of finished accumulators, see {@link recycleCsvAccumulator}. */
const spareTables: FrequentItems[] = [];

/**
 * Hands the frequent-items tables of a finished accumulator to the next ones created in this thread
 * (a worker makes one accumulator per piece of a file; reusing their tables keeps dead typed arrays
 * from piling up between garbage collections). The accumulator must not be used afterwards.
 */
export function recycleCsvAccumulator(acc: CsvAccumulator): void {
  if (acc instanceof Accumulator) acc.recycle(spareTables);
}

/** Powers of ten that are exact doubles, so `mantissa / 10^k` is correctly rounded. */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** The numeric value of the last field {@link classify} called a number. */
let numValue = 0;
const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder();

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function digits2(b: Uint8Array, i: number): number {
  const x = (b[i] as number) - 48;
  const y = (b[i + 1] as number) - 48;
  return x >= 0 && x <= 9 && y >= 0 && y <= 9 ? x * 10 + y : -1;
}

/**
 * The kind of the (non-empty, unescaped) field `b[s..e)`; numbers are left in `numValue`. Numbers are
 * parsed from the bytes: the digits accumulate into an integer mantissa, divided by an exact power of
 * ten, which is correctly rounded up to 15 significant digits; longer ones fall back to Number().
 */
function classify(b: Uint8Array, s: number, e: number): number {
  let i = s;
  let c = b[i] as number;
  if (isDigit(c) || c === 45 || c === 43 || c === 46) {
    let neg = false;
    if (c === 45 || c === 43) {
      neg = c === 45;
      i++;
    }
    let mant = 0;
    let nd = 0;
    const d0 = i;
    for (; i < e; i++) {
      c = b[i] as number;
      if (!isDigit(c)) break;
      mant = mant * 10 + (c - 48);
    }
    nd = i - d0;
    if (i === e && nd > 0) {
      if (nd > 15) numValue = Number(latin1.decode(b.subarray(s, e)));
      else numValue = neg ? -mant : mant;
      return K_INT;
    }
    // A date starts with four digits and a dash.
    if (nd === 4 && c === 45 && !neg && d0 === s) return classifyDate(b, s, e);
    let frac = 0;
    if (c === 46) {
      i++;
      const f0 = i;
      for (; i < e; i++) {
        c = b[i] as number;
        if (!isDigit(c)) break;
        mant = mant * 10 + (c - 48);
      }
      frac = i - f0;
    }
    if (nd + frac === 0) return K_TEXT;
    let exp = 0;
    let hasExp = false;
    if (i < e && (c === 101 || c === 69)) {
      i++;
      let eneg = false;
      c = b[i] as number;
      if (c === 45 || c === 43) {
        eneg = c === 45;
        i++;
      }
      const x0 = i;
      for (; i < e; i++) {
        c = b[i] as number;
        if (!isDigit(c)) break;
        exp = exp * 10 + (c - 48);
      }
      if (i === x0) return K_TEXT;
      if (eneg) exp = -exp;
      hasExp = true;
    }
    if (i !== e) return K_TEXT;
    if (nd + frac > 15 || hasExp || frac > 22) numValue = Number(latin1.decode(b.subarray(s, e)));
    else numValue = neg ? -mant / (POW10[frac] as number) : mant / (POW10[frac] as number);
    return K_NUM;
  }
  const len = e - s;
  // true / false in any case.
  if (
    len === 4 &&
    (c | 32) === 116 &&
    ((b[s + 1] as number) | 32) === 114 &&
    ((b[s + 2] as number) | 32) === 117 &&
    ((b[s + 3] as number) | 32) === 101
  )
    return K_BOOL;
  if (
    len === 5 &&
    (c | 32) === 102 &&
    ((b[s + 1] as number) | 32) === 97 &&
    ((b[s + 2] as number) | 32) === 108 &&
    ((b[s + 3] as number) | 32) === 115 &&
    ((b[s + 4] as number) | 32) === 101
  )
    return K_BOOL;
  return K_TEXT;
}

/** ISO 8601: YYYY-MM-DD, optionally [T ]HH:MM[:SS[.fff…]][Z|±HH:MM]. */
function classifyDate(b: Uint8Array, s: number, e: number): number {
  const len = e - s;
  if (len < 10) return K_TEXT;
  const mo = digits2(b, s + 5);
  const d = digits2(b, s + 8);
  if (b[s + 7] !== 45 || mo < 1 || mo > 12 || d < 1 || d > 31) return K_TEXT;
  if (len === 10) return K_DATE;
  let i = s + 10;
  const t = b[i] as number;
  if ((t !== 84 && t !== 32) || len < 16) return K_TEXT;
  const hh = digits2(b, i + 1);
  const mm = digits2(b, i + 4);
  if (hh < 0 || hh > 23 || b[i + 3] !== 58 || mm < 0 || mm > 59) return K_TEXT;
  i += 6;
  if (i < e && b[i] === 58) {
    const ss = digits2(b, i + 1);
    if (ss < 0 || ss > 60) return K_TEXT;
    i += 3;
    if (i < e && b[i] === 46) {
      i++;
      const f0 = i;
      while (i < e && isDigit(b[i] as number)) i++;
      if (i === f0) return K_TEXT;
    }
  }
  if (i === e) return K_DATETIME;
  if (b[i] === 90 && i + 1 === e) return K_DATETIME;
  if (
    (b[i] === 43 || b[i] === 45) &&
    e - i === 6 &&
    digits2(b, i + 1) >= 0 &&
    b[i + 3] === 58 &&
    digits2(b, i + 4) >= 0
  )
    return K_DATETIME;
  return K_TEXT;
}

/** Whether `b[s..e)` is valid UTF-8 (called only for fields that contain a byte ≥ 0x80). */
function validUtf8(b: Uint8Array, s: number, e: number): boolean {
  let i = s;
  while (i < e) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      min = 0x10000;
    } else return false;
    if (i + n >= e) return false;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const x = b[i + k] as number;
      if ((x & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (x & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

/** Byte classes of the parser's lookup tables. */
const T_END = 1;
const T_QUOTE = 2;
const T_HIGH = 3;
const T_BREAK = 4;

const F_QUOTED = 1;
const F_ESCAPED = 2;
const F_HIGH = 4;

/**
 * Starts the statistics of a CSV/TSV file, or of one piece of it that begins at a row boundary
 * (see {@link nextRowBoundary}). Feed bytes with `push`, in chunks of any size, then call `finish`.
 * Memory stays bounded: only an unfinished row is carried from one chunk to the next, and the
 * sketches are of fixed size.
 *
 * The parser works on bytes: it records field offsets, classifies and parses numbers from the bytes,
 * and hashes non-numeric values for the sketches without making strings; strings are made only for
 * the header, frequent-value labels and malformed-row examples.
 *
 * @example
 * const acc = createCsvAccumulator();
 * acc.push(new TextEncoder().encode("a,b\n1,x\n2,y\n"));
 * summarizeCsv(acc.finish()).columns[0].numeric?.mean // 1.5
 */
export function createCsvAccumulator(options: CsvOptions = {}): CsvAccumulator {
  return new Accumulator(options);
}

class Accumulator implements CsvAccumulator {
  private dialect: CsvDialect | null = null;
  private delim = 44;
  private quote = 34;
  private columnNames: string[] | null;
  private expected = -1;
  private cols: ColumnAcc[] = [];
  private pending = new Uint8Array(0);
  private pendingLen = 0;
  private started = false;
  private headerPending = false;
  private rows = 0;
  private bytes = 0;
  private lineBreaks = 0;
  private invalidUtf8Fields = 0;
  private malformed: Record<CsvMalformedKind, number> = {
    ragged: 0,
    "stray-quote": 0,
    "unterminated-quote": 0,
    "too-long": 0,
  };
  private examples: CsvMalformedExample[] = [];
  private readonly maxRowBytes: number;
  private readonly maxExamples: number;
  /** Byte classes outside quotes (T_END, T_QUOTE, T_HIGH or 0), see {@link setDialect}. */
  private unquotedTable = new Uint8Array(256);
  /** Byte classes inside quotes (T_QUOTE, T_BREAK, T_HIGH or 0). */
  private quotedTable = new Uint8Array(256);
  private fStart = new Int32Array(64);
  private fEnd = new Int32Array(64);
  private fFlags = new Uint8Array(64);
  /** Bytes of the current too-long row that are being skipped up to its line break. */
  private skipping = false;
  private finished = false;
  private readonly header: boolean | undefined;

  constructor(private readonly options: CsvOptions) {
    this.maxRowBytes = options.maxRowBytes ?? 1024 * 1024;
    this.maxExamples = options.maxExamples ?? 5;
    this.columnNames = options.columns ? options.columns.slice() : null;
    // A piece given column names has no header row of its own unless told otherwise.
    const header = options.header ?? (options.columns ? false : undefined);
    this.header = header;
    if (options.delimiter !== undefined && header !== undefined) {
      this.setDialect({ delimiter: options.delimiter, quote: options.quote ?? '"', header });
    }
  }

  recycle(into: FrequentItems[]): void {
    if (!this.finished) return;
    for (const c of this.cols) {
      if (into.length >= 64) break;
      c.frequent.clear();
      into.push(c.frequent);
    }
    this.cols = [];
  }

  private setDialect(d: CsvDialect): void {
    this.dialect = d;
    this.delim = d.delimiter.charCodeAt(0);
    this.quote = d.quote.charCodeAt(0);
    this.headerPending = d.header;
    const tu = new Uint8Array(256);
    const tq = new Uint8Array(256);
    tu.fill(T_HIGH, 0x80);
    tq.fill(T_HIGH, 0x80);
    tu[10] = T_END;
    tu[13] = T_END;
    tu[this.delim] = T_END;
    if (this.quote !== this.delim) tu[this.quote] = T_QUOTE;
    tq[10] = T_BREAK;
    tq[13] = T_BREAK;
    tq[this.quote] = T_QUOTE;
    this.unquotedTable = tu;
    this.quotedTable = tq;
    if (this.columnNames) this.initColumns(this.columnNames.length);
  }

  private initColumns(n: number): void {
    this.expected = n;
    this.cols = Array.from({ length: n }, () => new ColumnAcc());
  }

  push(input: Uint8Array): void {
    if (this.finished) throw new Error("push after finish");
    // Node's Buffers are a Uint8Array subclass; a plain view keeps every byte access in the parser
    // monomorphic (mixing Buffer and Uint8Array receivers costs a third of the speed).
    const chunk =
      input.constructor === Uint8Array ? input : new Uint8Array(input.buffer, input.byteOffset, input.length);
    this.bytes += chunk.length;
    if (chunk.length === 0) return;
    let from = 0;
    if (!this.started && this.pendingLen === 0) {
      // A first chunk long enough to start on is parsed in place, not copied (a worker's piece).
      const bom = chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? 3 : 0;
      if (chunk.length - bom >= (this.dialect ? 1 : DETECT_BYTES)) {
        from = bom;
        if (!this.dialect) this.detect(chunk.subarray(bom), false);
        this.started = true;
      }
    }
    if (this.started && this.dialect) {
      if (this.pendingLen > 0) {
        // Complete the unfinished row with the chunk's first line only, then parse the chunk in place:
        // copying whole chunks behind a row's tail costs a memcpy per chunk.
        const k = chunk.indexOf(10);
        if (k < 0 || this.pendingLen + k + 1 > this.maxRowBytes) {
          this.append(chunk);
          const used = this.parse(this.pending, 0, this.pendingLen, false);
          this.keep(this.pending, used, this.pendingLen);
          return;
        }
        this.append(chunk.subarray(0, k + 1));
        const used = this.parse(this.pending, 0, this.pendingLen, false);
        if (used < this.pendingLen) {
          // The line break was inside a quoted field: go on with the whole chunk behind the row.
          this.keep(this.pending, used, this.pendingLen);
          this.append(chunk.subarray(k + 1));
          const more = this.parse(this.pending, 0, this.pendingLen, false);
          this.keep(this.pending, more, this.pendingLen);
          return;
        }
        this.pendingLen = 0;
        from = k + 1;
      }
      const used = this.parse(chunk, from, chunk.length, false);
      this.keep(chunk, used, chunk.length);
      return;
    }
    this.append(chunk);
    if (!this.started) {
      if (this.pendingLen < 3) return;
      this.start(false);
      if (!this.started) return;
    }
    const used = this.parse(this.pending, 0, this.pendingLen, false);
    this.keep(this.pending, used, this.pendingLen);
  }

  finish(): CsvPartial {
    if (!this.finished) {
      this.finished = true;
      if (!this.started) this.start(true);
      if (this.pendingLen > 0) this.parse(this.pending, 0, this.pendingLen, true);
      this.pendingLen = 0;
    }
    const dialect = this.dialect ?? { delimiter: ",", quote: '"', header: false };
    return {
      dialect,
      columns: this.columnNames ?? this.cols.map((_, i) => `column${i + 1}`),
      rows: this.rows,
      bytes: this.bytes,
      lineBreaks: this.lineBreaks,
      malformed: { ...this.malformed },
      examples: this.examples.slice(),
      maxExamples: this.maxExamples,
      invalidUtf8Fields: this.invalidUtf8Fields,
      columnStats: this.cols.map((c) => c.toPartial()),
    };
  }

  /** Strips a BOM and detects the dialect once enough bytes (or all of them) are in. */
  private start(final: boolean): void {
    const p = this.pending;
    if (this.pendingLen >= 3 && p[0] === 0xef && p[1] === 0xbb && p[2] === 0xbf) {
      p.copyWithin(0, 3, this.pendingLen);
      this.pendingLen -= 3;
    }
    if (!this.dialect) {
      if (!final && this.pendingLen < DETECT_BYTES) return;
      this.detect(p.subarray(0, this.pendingLen), final);
    }
    this.started = true;
  }

  private detect(bytes: Uint8Array, final: boolean): void {
    const detected = detectCsvDialect(bytes, {
      ...(this.options.delimiter !== undefined ? { delimiter: this.options.delimiter } : {}),
      ...(this.options.quote !== undefined ? { quote: this.options.quote } : {}),
      ...(this.header !== undefined ? { header: this.header } : {}),
      final,
    });
    this.setDialect(detected);
  }

  private append(chunk: Uint8Array): void {
    const need = this.pendingLen + chunk.length;
    if (need > this.pending.length) {
      const grown = new Uint8Array(Math.max(need, this.pending.length * 2, 65536));
      grown.set(this.pending.subarray(0, this.pendingLen));
      this.pending = grown;
    }
    this.pending.set(chunk, this.pendingLen);
    this.pendingLen = need;
  }

  private keep(src: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (src === this.pending) {
      if (from > 0) this.pending.copyWithin(0, from, to);
      this.pendingLen = n;
      return;
    }
    this.pendingLen = 0;
    if (n > 0) this.append(src.subarray(from, to));
  }

  private note(kind: CsvMalformedKind, line: number, b: Uint8Array, s: number, e: number): void {
    this.malformed[kind]++;
    if (this.examples.length >= this.maxExamples) return;
    let end = Math.min(e, s + EXAMPLE_CHARS * 4);
    while (end > s && (b[end - 1] === 10 || b[end - 1] === 13)) end--;
    const text = utf8.decode(b.subarray(s, end)).slice(0, EXAMPLE_CHARS);
    this.examples.push({ line, kind, text });
  }

  /**
   * Parses complete rows of `b[from..len)` and returns the offset of the first byte not consumed (the
   * start of an unfinished row). With `final`, everything is consumed.
   */
  private parse(b: Uint8Array, from: number, len: number, final: boolean): number {
    const used = this.parseRows(b, from, len, final);
    // The frequent-items tables read labels of new values lazily: before `b` changes.
    for (const c of this.cols) c.frequent.flushLabels();
    return used;
  }

  private parseRows(b: Uint8Array, from: number, len: number, final: boolean): number {
    const D = this.delim;
    const Q = this.quote;
    const tu = this.unquotedTable;
    const tq = this.quotedTable;
    let fStart = this.fStart;
    let fEnd = this.fEnd;
    let fFlags = this.fFlags;
    let pos = from;
    if (this.skipping) {
      // Resynchronise after a too-long row: drop bytes up to the next line break.
      while (pos < len && b[pos] !== 10) pos++;
      if (pos === len) return final ? len : len;
      pos++;
      this.lineBreaks++;
      this.skipping = false;
    }
    while (pos < len) {
      const rowStart = pos;
      const line = this.lineBreaks + 1;
      let breaks = 0;
      let nf = 0;
      let stray = false;
      let unterminated = false;
      let complete = false;
      let p = pos;
      for (;;) {
        if (nf === fStart.length) {
          this.growFields();
          fStart = this.fStart;
          fEnd = this.fEnd;
          fFlags = this.fFlags;
        }
        let flags = 0;
        let fs = p;
        let fe: number;
        let c = 0;
        if (p < len && b[p] === Q) {
          flags = F_QUOTED;
          p++;
          fs = p;
          for (;;) {
            for (; p < len; p++) {
              c = b[p] as number;
              const t = tq[c] as number;
              if (t === 0) continue;
              if (t === T_QUOTE) break;
              if (t === T_HIGH) flags |= F_HIGH;
              else if (c === 10 || b[p + 1] !== 10) breaks++;
            }
            if (p >= len) break;
            if (p + 1 < len && b[p + 1] === Q) {
              flags |= F_ESCAPED;
              p += 2;
              continue;
            }
            break;
          }
          if (p >= len) {
            if (!final) break;
            unterminated = true;
            fe = len;
            fStart[nf] = fs;
            fEnd[nf] = fe;
            fFlags[nf] = flags;
            nf++;
            p = len;
            complete = true;
            break;
          }
          fe = p;
          p++; // closing quote
          // Anything between the closing quote and the delimiter is a stray quote; keep it as text.
          c = p < len ? (b[p] as number) : D;
          if (c !== D && c !== 10 && c !== 13) {
            stray = true;
            flags = 0;
            fs--;
            for (; p < len; p++) {
              c = b[p] as number;
              if (c === D || c === 10 || c === 13) break;
            }
            fe = p;
          }
        } else {
          // One table load per byte: only delimiters, line breaks, quotes and bytes ≥ 0x80 stop.
          for (; p < len; p++) {
            const t = tu[b[p] as number] as number;
            if (t === 0) continue;
            if (t === T_END) break;
            if (t === T_HIGH) flags = F_HIGH;
            else stray = true;
          }
          fe = p;
        }
        if (p >= len && !final) break;
        fStart[nf] = fs;
        fEnd[nf] = fe;
        fFlags[nf] = flags;
        nf++;
        if (p >= len) {
          complete = true;
          break;
        }
        c = b[p] as number;
        if (c === D) {
          p++;
          continue;
        }
        // Row end: LF, CRLF or a lone CR. A CR at the end of the buffer waits for the next byte.
        if (c === 13) {
          if (p + 1 >= len && !final) break;
          p += b[p + 1] === 10 ? 2 : 1;
        } else p++;
        breaks++;
        complete = true;
        break;
      }
      if (!complete) {
        if (len - rowStart > this.maxRowBytes) {
          this.rows++;
          this.note("too-long", line, b, rowStart, len);
          this.lineBreaks += breaks;
          this.skipping = true;
          return len;
        }
        return rowStart;
      }
      pos = p;
      this.lineBreaks += breaks;
      this.row(b, nf, line, rowStart, pos, stray, unterminated);
    }
    return pos;
  }

  private growFields(): void {
    const n = this.fStart.length * 2;
    const s = new Int32Array(n);
    s.set(this.fStart);
    this.fStart = s;
    const e = new Int32Array(n);
    e.set(this.fEnd);
    this.fEnd = e;
    const f = new Uint8Array(n);
    f.set(this.fFlags);
    this.fFlags = f;
  }

  private row(
    b: Uint8Array,
    nf: number,
    line: number,
    rowStart: number,
    rowEnd: number,
    stray: boolean,
    unterminated: boolean,
  ): void {
    if (this.headerPending) {
      this.headerPending = false;
      if (!this.columnNames) {
        const names: string[] = [];
        for (let i = 0; i < nf; i++) {
          const raw = utf8.decode(b.subarray(this.fStart[i], this.fEnd[i]));
          names.push((this.fFlags[i] as number) & F_ESCAPED ? raw.replaceAll('""', '"') : raw);
        }
        this.columnNames = names;
        this.initColumns(nf);
      }
      return;
    }
    // A blank line is not a row (a one-column file's empty value is indistinguishable; skipping wins).
    if (nf === 1 && this.fEnd[0] === this.fStart[0] && !((this.fFlags[0] as number) & F_QUOTED)) return;
    if (this.expected < 0) {
      this.columnNames = Array.from({ length: nf }, (_, i) => `column${i + 1}`);
      this.initColumns(nf);
    }
    this.rows++;
    if (unterminated) {
      this.note("unterminated-quote", line, b, rowStart, rowEnd);
      return;
    }
    if (nf !== this.expected) {
      this.note("ragged", line, b, rowStart, rowEnd);
      return;
    }
    if (stray) this.note("stray-quote", line, b, rowStart, rowEnd);
    const cols = this.cols;
    const fStart = this.fStart;
    const fEnd = this.fEnd;
    const fFlags = this.fFlags;
    for (let i = 0; i < nf; i++) {
      const col = cols[i] as ColumnAcc;
      const s = fStart[i] as number;
      const e = fEnd[i] as number;
      if (s === e) {
        col.nulls++;
        continue;
      }
      const flags = fFlags[i] as number;
      if (flags & F_HIGH && !validUtf8(b, s, e)) this.invalidUtf8Fields++;
      const kind = flags & F_ESCAPED ? K_TEXT : classify(b, s, e);
      col.kinds[kind] = (col.kinds[kind] as number) + 1;
      if (kind <= K_NUM) {
        col.addNumber(numValue);
        continue;
      }
      const escaped = (flags & F_ESCAPED) !== 0;
      hashBytes(b, s, e, escaped);
      hllAdd(col.hll, hashOut[0] as number);
      col.frequent.addBytes(b, s, e, escaped, 1);
    }
  }
}

/**
 * The offset just past the end of the first row that ends at or after `offset`, i.e. where the next
 * piece of a file can start; `bytes.length` when no row ends there. `bytes` must begin at a row
 * boundary (the start of the file, or a boundary found before) so that quote state is known: a line
 * break inside a quoted field is not a boundary. When the first piece showed no quoted line breaks,
 * a caller may instead pass a window that starts at `offset` itself.
 *
 * @example nextRowBoundary(new TextEncoder().encode('a,"x\ny"\nb\n'), 1) // 8
 */
export function nextRowBoundary(bytes: Uint8Array, offset: number, quote = '"'): number {
  const Q = quote.charCodeAt(0);
  let inQuotes = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] as number;
    if (c === Q) inQuotes = !inQuotes;
    else if (!inQuotes && i >= offset) {
      if (c === 10) return i + 1;
      if (c === 13) {
        if (i + 1 >= bytes.length) return bytes.length;
        return bytes[i + 1] === 10 ? i + 2 : i + 1;
      }
    }
  }
  return bytes.length;
}
