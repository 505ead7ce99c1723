import { type DateRangeData, readDateRange } from "./date-range.ts";
import { detectCsvDialect } from "./dialect.ts";
import { type ExactValuesData, readExactValues } from "./exact.ts";
import { exactSumFromLimbs } from "./exact-sum.ts";
import {
  type CsvKernel,
  createKernel,
  EXACT_SUMS,
  EXAMPLE_FIELDS,
  F_ESCAPED,
  KIND_COUNT,
  LABEL_MAX,
  MOMENT_COUNT,
  releaseKernel,
  STATUS_DONE,
  STATUS_HEADER,
} from "./kernel.ts";
import type { CsvMalformedKind } from "./kinds.ts";
import { MALFORMED } from "./kinds.ts";
import type { Moments } from "./moments.ts";
import { FrequentItems, type FrequentItemsData, HIST_BUCKETS, HLL_P } from "./sketches.ts";

export { type CsvKind, type CsvMalformedKind, KINDS } from "./kinds.ts";

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
  /** Count, min, max and exact sums of the integer and number values. */
  moments: Moments;
  /** Log-linear bucket counts of the numeric values, or null when there were none. */
  histogram: Float64Array | null;
  /**
   * HyperLogLog registers over the column's values: all but the numbers that came before its first
   * value that is not a number and that the exact table no longer held (a numeric column's are not
   * hashed: its estimate is never shown).
   */
  hll: Uint8Array;
  /** Frequent non-numeric values. */
  frequent: FrequentItemsData;
  /** Every distinct value (numbers as written) with its count, or null when there were too many to keep. */
  exact?: ExactValuesData | null;
  /** The least and greatest date or date-time, or null when there were none. */
  dates?: DateRangeData | null;
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
const HLL_BYTES = 1 << HLL_P;

const utf8 = new TextDecoder();

/**
 * Starts the statistics of a CSV/TSV file, or of one piece of it that begins at a row boundary
 * (see RowCutter in boundary.ts). Feed bytes with `push`, in chunks of any size, then call `finish`.
 * Memory stays bounded: only an unfinished row is carried from one chunk to the next, and the
 * sketches are of fixed size.
 *
 * Rows are parsed by a WebAssembly kernel (assembly/csv-kernel.ts) that scans each field once:
 * numbers and dates are parsed from the bytes while their end is looked for, other values are hashed
 * for the sketches, and the column statistics (kinds, moments, histograms, HyperLogLog, frequent
 * values) live in its memory. Strings are made only for the header, frequent-value labels and
 * malformed-row examples.
 *
 * Rules: a field is quoted only when its first byte is the quote; inside, `""` is a quote and line
 * breaks are data; text after a closing quote makes the row a `stray-quote` one (counted, kept, its
 * field read as text); LF, CRLF and lone CR end rows; a blank line is not a row; a row with another
 * number of fields than the header is `ragged` and left out of the column statistics, like a row
 * whose quote never closes (`unterminated-quote`) or that is longer than `maxRowBytes` (`too-long`).
 *
 * @example
 * const acc = createCsvAccumulator();
 * acc.push(new TextEncoder().encode("a,b\n1,x\n2,y\n"));
 * summarizeCsv(acc.finish()).columns[0].numeric?.mean // 1.5
 */
export function createCsvAccumulator(options: CsvOptions = {}): CsvAccumulator {
  return new Accumulator(options);
}

/**
 * The accumulator itself, for this package's readers of files and workers: beside the public
 * interface it reads straight into the kernel's memory, tells whether it stopped at a row boundary,
 * and hands its kernel on.
 */
export class Accumulator implements CsvAccumulator {
  private dialect: CsvDialect | null = null;
  private columnNames: string[] | null;
  private k: CsvKernel | null = null;
  /** A view of the kernel's memory, renewed when it grows. */
  private mem = new Uint8Array(0);
  private inputPtr = 0;
  /** Bytes of an unfinished row at the start of the kernel's input. */
  private carry = 0;
  /** The first bytes (`headLen` of them), kept until the dialect is known. */
  private head: Uint8Array | null = new Uint8Array(0);
  private headLen = 0;
  private bytes = 0;
  private tooLong = 0;
  private examples: CsvMalformedExample[] = [];
  private readonly maxRowBytes: number;
  private readonly maxExamples: number;
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

  /**
   * Whether everything pushed so far ended with a complete row (nothing carried, no too-long row
   * being skipped): the bytes pushed end at a row boundary, as far as this accumulator can tell.
   */
  settled(): boolean {
    return this.head ? this.headLen === 0 : this.carry === 0 && !this.skipping;
  }

  /**
   * Hands the WebAssembly kernel of a finished accumulator to the next one created in this thread (a
   * worker makes one accumulator per piece of a file; reusing a kernel reuses its memory). The
   * accumulator must not be used afterwards.
   */
  recycle(): void {
    if (!this.finished) return;
    if (this.k) releaseKernel(this.k);
    this.k = null;
  }

  private setDialect(d: CsvDialect): void {
    this.dialect = d;
    const k = createKernel();
    k.init(d.delimiter.charCodeAt(0), d.quote.charCodeAt(0), d.header ? 1 : 0);
    k.wantExamples(this.maxExamples);
    this.k = k;
    if (this.columnNames) this.setColumns(this.columnNames.length);
  }

  private setColumns(n: number): void {
    (this.k as CsvKernel).setColumns(n);
  }

  private view(): Uint8Array {
    const buffer = (this.k as CsvKernel).memory.buffer;
    if (this.mem.buffer !== buffer) this.mem = new Uint8Array(buffer);
    return this.mem;
  }

  push(input: Uint8Array): void {
    if (this.finished) throw new Error("push after finish");
    this.bytes += input.length;
    if (input.length === 0) return;
    if (this.head) {
      if (this.headLen === 0 && input.length >= (this.dialect ? 3 : DETECT_BYTES + 3)) {
        // Enough to start on: the first chunk is parsed where it is.
        this.head = input;
        this.headLen = input.length;
        this.start(false);
        return;
      }
      const need = this.headLen + input.length;
      if (need > this.head.length) {
        const grown = new Uint8Array(Math.max(need, this.head.length * 2, 4096));
        grown.set(this.head.subarray(0, this.headLen));
        this.head = grown;
      }
      const head = this.head;
      head.set(input, this.headLen);
      this.headLen = need;
      if (need < 3) return;
      const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
      if (!this.dialect && need - bom < DETECT_BYTES) return;
      this.start(false);
      return;
    }
    this.feed(input);
  }

  finish(): CsvPartial {
    if (!this.finished) {
      this.finished = true;
      if (this.head) this.start(true);
      if (this.carry > 0 && !this.skipping) this.run(this.carry, true);
      this.carry = 0;
    }
    // start() has run by now (above, or when the first bytes came), and it always sets the dialect
    // and with it the kernel.
    const dialect = this.dialect as CsvDialect;
    const k = this.k as CsvKernel;
    const n = k.getNcols();
    const columnStats: CsvColumnPartial[] = [];
    const malformed: Record<CsvMalformedKind, number> = {
      ragged: 0,
      "stray-quote": 0,
      "unterminated-quote": 0,
      "too-long": this.tooLong,
    };
    k.flush();
    const f64 = new Float64Array(k.memory.buffer);
    const m = k.getMalformed() >> 3;
    MALFORMED.forEach((kind, i) => {
      malformed[kind] = f64[m + i] as number;
    });
    const nulls = k.getColNulls() >> 3;
    const kinds = k.getColKinds() >> 3;
    const moments = k.getColMoments() >> 3;
    const limbs = new BigInt64Array(k.memory.buffer);
    const sums = k.getColSums() >> 3;
    const { sum: sumLimbs, squares: squareLimbs, sumScale, squaresScale } = EXACT_SUMS;
    const hll = k.getColHll();
    for (let i = 0; i < n; i++) {
      const mo = moments + i * MOMENT_COUNT;
      const hist = k.getColHist(i);
      const kindCounts = Array.from(f64.subarray(kinds + i * KIND_COUNT, kinds + (i + 1) * KIND_COUNT));
      columnStats.push({
        nulls: f64[nulls + i] as number,
        kinds: kindCounts,
        moments: {
          n: f64[mo] as number,
          min: f64[mo + 1] as number,
          max: f64[mo + 2] as number,
          sum: exactSumFromLimbs(limbs, sums + i * (sumLimbs + squareLimbs), sumLimbs, sumScale),
          sumSquares: exactSumFromLimbs(
            limbs,
            sums + i * (sumLimbs + squareLimbs) + sumLimbs,
            squareLimbs,
            squaresScale,
          ),
          nonFinite: f64[mo + 3] as number,
        },
        histogram: hist === 0 ? null : f64.slice(hist >> 3, (hist >> 3) + HIST_BUCKETS),
        hll: new Uint8Array(k.memory.buffer).slice(hll + i * HLL_BYTES, hll + (i + 1) * HLL_BYTES),
        frequent: frequentData(k, i),
        exact: readExactValues(k, i, kindCounts),
        dates: readDateRange(k, i),
      });
    }
    return {
      dialect,
      // No row at all leaves the kernel without columns (-1).
      columns: this.columnNames ?? Array.from({ length: Math.max(0, n) }, (_, i) => `column${i + 1}`),
      rows: k.getRows(),
      bytes: this.bytes,
      lineBreaks: k.getLineBreaks(),
      malformed,
      examples: this.examples.slice(),
      maxExamples: this.maxExamples,
      invalidUtf8Fields: k.getInvalidUtf8(),
      columnStats,
    };
  }

  /** Strips a BOM, detects the dialect (unless given) and parses the bytes kept so far. */
  private start(final: boolean): void {
    let head = (this.head as Uint8Array).subarray(0, this.headLen);
    this.head = null;
    if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) head = head.subarray(3);
    if (!this.dialect) {
      this.setDialect(
        detectCsvDialect(head, {
          ...(this.options.delimiter !== undefined ? { delimiter: this.options.delimiter } : {}),
          ...(this.options.quote !== undefined ? { quote: this.options.quote } : {}),
          ...(this.header !== undefined ? { header: this.header } : {}),
          final,
        }),
      );
    }
    if (head.length > 0) this.feed(head);
  }

  /** Appends bytes behind the unfinished row in the kernel's input and parses the complete rows. */
  private feed(chunk: Uint8Array): void {
    let data = chunk;
    if (this.skipping) {
      // Resynchronise after a too-long row: drop bytes up to the next line break.
      const lf = chunk.indexOf(10);
      if (lf < 0) return;
      (this.k as CsvKernel).addLineBreaks(1);
      this.skipping = false;
      if (lf + 1 === chunk.length) return;
      data = chunk.subarray(lf + 1);
    }
    this.append(data.length, (mem, at) => {
      mem.set(data, at);
      return data.length;
    });
  }

  /**
   * Reads up to `max` bytes straight into the parser's input with `read` (a file read, say: no
   * copy) and parses the complete rows; returns the bytes read, 0 at the end of the input.
   */
  pushFrom(max: number, read: (into: Uint8Array) => number): number {
    if (this.head || this.skipping || this.finished) {
      const tmp = new Uint8Array(max);
      const n = read(tmp);
      if (n > 0) this.push(tmp.subarray(0, n));
      return n;
    }
    const n = this.append(max, (mem, at) => read(mem.subarray(at, at + max)));
    this.bytes += n;
    return n;
  }

  /**
   * Lets `fill` write up to `max` bytes behind the unfinished row in the kernel's input, then parses
   * the complete rows; returns what `fill` wrote.
   */
  private append(max: number, fill: (mem: Uint8Array, at: number) => number): number {
    const k = this.k as CsvKernel;
    const ptr = k.input(this.carry + max);
    if (ptr !== this.inputPtr) {
      // A grown input region: the unfinished row moves along (the old region stays readable).
      this.view().copyWithin(ptr, this.inputPtr, this.inputPtr + this.carry);
      this.inputPtr = ptr;
    }
    const n = fill(this.view(), ptr + this.carry);
    if (n <= 0) return 0;
    const total = this.carry + n;
    const used = this.run(total, false);
    const rest = total - used;
    if (rest > this.maxRowBytes) {
      k.addRows(1);
      k.addLineBreaks(k.getPendingBreaks());
      this.tooLong++;
      this.example("too-long", k.getLineBreaks() - k.getPendingBreaks() + 1, used, total);
      this.skipping = true;
      this.carry = 0;
      return n;
    }
    if (used > 0 && rest > 0) this.view().copyWithin(ptr, ptr + used, ptr + total);
    this.carry = rest;
    return n;
  }

  /** Runs the kernel over `input[0..len)`, serving the header row, and returns the bytes it consumed. */
  private run(len: number, final: boolean): number {
    const k = this.k as CsvKernel;
    let from = 0;
    for (;;) {
      const used = k.parse(from, len, final ? 1 : 0);
      const status = k.getStatus();
      this.drain();
      if (status === STATUS_HEADER) this.headerRow();
      if (status === STATUS_DONE) return used;
      from = used;
    }
  }

  /** Takes the malformed-row examples the kernel recorded, while the rows are in its input. */
  private drain(): void {
    const k = this.k as CsvKernel;
    const mem = this.view();
    const examples = k.getExampleCount();
    if (examples > 0) {
      const x = new Float64Array(mem.buffer, k.getExamples(), examples * EXAMPLE_FIELDS);
      for (let j = 0; j < x.length; j += EXAMPLE_FIELDS) {
        const kind = MALFORMED[x[j] as number] as CsvMalformedKind;
        this.example(kind, x[j + 1] as number, x[j + 2] as number, x[j + 3] as number);
      }
      k.wantExamples(this.maxExamples - this.examples.length);
    }
  }

  /** The header row the kernel stopped at: column names, unless the piece was given them. */
  private headerRow(): void {
    const k = this.k as CsvKernel;
    if (this.columnNames) return;
    const mem = this.view();
    const n = k.getHeaderFields();
    const starts = new Int32Array(mem.buffer, k.getFieldStarts(), n);
    const ends = new Int32Array(mem.buffer, k.getFieldEnds(), n);
    const flags = new Int32Array(mem.buffer, k.getFieldFlags(), n);
    const names: string[] = [];
    for (let i = 0; i < n; i++) {
      const raw = utf8.decode(
        mem.subarray(this.inputPtr + (starts[i] as number), this.inputPtr + (ends[i] as number)),
      );
      names.push((flags[i] as number) & F_ESCAPED ? raw.replaceAll('""', '"') : raw);
    }
    this.columnNames = names;
    this.setColumns(n);
  }

  /** A malformed-row example from `input[s..e)`, while fewer than `maxExamples` are kept. */
  private example(kind: CsvMalformedKind, line: number, s: number, e: number): void {
    if (this.examples.length >= this.maxExamples) return;
    const mem = this.view();
    const from = this.inputPtr + s;
    let end = Math.min(this.inputPtr + e, from + EXAMPLE_CHARS * 4);
    while (end > from && (mem[end - 1] === 10 || mem[end - 1] === 13)) end--;
    const text = utf8.decode(mem.subarray(from, end)).slice(0, EXAMPLE_CHARS);
    this.examples.push({ line, kind, text });
  }
}

let table: FrequentItems | null = null;

/** Column `i`'s frequent-items table, read from the kernel's memory, as plain data in order. */
function frequentData(k: CsvKernel, i: number): FrequentItemsData {
  const buffer = k.memory.buffer;
  const mem = new Uint8Array(buffer);
  const layout = new Uint32Array(buffer, k.getFreqLayout(), 6);
  const [h1At, h2At, countsAt, lenAt, labelsAt, bytes] = layout as unknown as number[];
  const base = k.getColFreq() + i * (bytes as number);
  const size = new Int32Array(buffer, k.getColFreqSize(), i + 1)[i] as number;
  const data: FrequentItemsData = {
    offset: new Float64Array(buffer, k.getColFreqOffset(), i + 1)[i] as number,
    h1: Array.from(new Int32Array(buffer, base + (h1At as number), size)),
    h2: Array.from(new Int32Array(buffer, base + (h2At as number), size)),
    counts: Array.from(new Float64Array(buffer, base + (countsAt as number), size)),
    labels: [],
  };
  for (let e = 0; e < size; e++) {
    const at = base + (labelsAt as number) + e * LABEL_MAX;
    data.labels.push(utf8.decode(mem.subarray(at, at + (mem[base + (lenAt as number) + e] as number))));
  }
  // Through a table for the order of toData(): by count, then label, then hashes.
  table ??= new FrequentItems();
  table.clear();
  table.addData(data);
  return table.toData();
}
