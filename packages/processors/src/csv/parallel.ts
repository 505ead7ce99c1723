import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Worker } from "node:worker_threads";
import { Accumulator, type CsvDialect, type CsvOptions, type CsvPartial } from "./accumulator.ts";
import { RowCutter } from "./boundary.ts";
import { detectCsvDialect } from "./dialect.ts";
import { OrderedMerge, Wakeup } from "./ordered.ts";
import { type CsvSummary, type SummaryOptions, summarizeCsv } from "./summary.ts";
import { CsvWorkerPool } from "./worker-pool.ts";

/** Options of {@link analyzeCsvParallel}. */
export interface CsvParallelOptions extends CsvOptions, SummaryOptions {
  /**
   * Threads that parse: `workers − 1` worker threads plus this one (or `workers` worker threads with
   * `parseHere: false`). Default `os.availableParallelism()`; 1 parses in this thread only.
   */
  workers?: number;
  /**
   * Whether this thread parses pieces too, between reads, whenever the worker threads have
   * `maxInFlight` pieces queued. Default true: one worker thread (its isolate and heap, ~20 MB of
   * RSS) fewer, and fewer pieces waiting in memory.
   */
  parseHere?: boolean;
  /** Target size of the pieces handed to workers (each ends at the first row end after it). Default 4 MiB. */
  segmentBytes?: number;
  /** Inputs shorter than this are parsed in this thread: starting workers would cost more. Default 8 MiB. */
  minParallelBytes?: number;
  /**
   * Pieces sent to worker threads and not yet parsed, which bounds memory. Default 1 per worker
   * thread when this thread parses too (it takes the next piece while they are busy), else 2.
   */
  maxInFlight?: number;
  /** Called with the number of bytes read from the source so far, after every chunk. */
  onProgress?: (bytesRead: number) => void;
  /** Stops reading, cancels the source, ends the workers and rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * The worker script, when the package's own dist/csv/worker.js cannot be found (e.g. after
   * bundling). Without one, parsing falls back to this thread with a warning.
   */
  workerUrl?: URL | string;
}

/** What the main thread sends a worker: bytes of one piece of the file (all of it or a part). */
export interface PieceMessage {
  id: number;
  buffer: ArrayBuffer;
  length: number;
  /** Whether this is the last part of the piece. */
  end: boolean;
  /** Accumulator options; sent with the first part only. */
  options?: CsvOptions;
}

/** What a worker answers to each {@link PieceMessage}. */
export interface PieceReply {
  id: number;
  /** The message's buffer, sent back for reuse. */
  buffer?: ArrayBuffer;
  /** After the last part of a piece. */
  partial?: CsvPartial;
  error?: string;
}

const DETECT_BYTES = 64 * 1024;
const DEFAULT_SEGMENT = 4 * 1024 * 1024;
const MIN_PARALLEL = 8 * 1024 * 1024;

let warned = false;

/** The compiled worker script: `dist/csv/worker.js` of this package, found from this module's URL. */
export function locateWorker(custom: URL | string | undefined): URL | null {
  if (custom !== undefined) {
    if (custom instanceof URL) return custom;
    return /^[a-z][a-z0-9+.-]+:/i.test(custom) ? new URL(custom) : pathToFileURL(custom);
  }
  let url: URL | null = null;
  try {
    // Both src/csv/parallel.ts and dist/csv/parallel.js are two levels below the package root.
    url = new URL("../../dist/csv/worker.js", import.meta.url);
  } catch {
    url = null;
  }
  if (url?.protocol === "file:" && existsSync(fileURLToPath(url))) return url;
  if (!warned) {
    warned = true;
    process.emitWarning(
      `@repo/processors/csv: ${url ? fileURLToPath(url) : "dist/csv/worker.js"} not found (build the package, ` +
        "or pass workerUrl); analyzeCsvParallel parses in the calling thread",
    );
  }
  return null;
}

function iterate(source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): AsyncIterator<Uint8Array> {
  if (Symbol.asyncIterator in source) return (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  const reader = (source as ReadableStream<Uint8Array>).getReader();
  return {
    next: async () => {
      const r = await reader.read();
      return r.done ? { done: true, value: undefined } : { done: false, value: r.value };
    },
    return: async () => {
      await reader.cancel();
      return { done: true, value: undefined };
    },
  };
}

/** The accumulator options among `o` (copied: they are sent to workers). */
export function accumulatorOptions(o: CsvOptions): CsvOptions {
  const out: CsvOptions = {};
  if (o.delimiter !== undefined) out.delimiter = o.delimiter;
  if (o.quote !== undefined) out.quote = o.quote;
  if (o.header !== undefined) out.header = o.header;
  if (o.columns !== undefined) out.columns = o.columns.slice();
  if (o.maxRowBytes !== undefined) out.maxRowBytes = o.maxRowBytes;
  if (o.maxExamples !== undefined) out.maxExamples = o.maxExamples;
  return out;
}

function concat(chunks: Uint8Array[], limit: number): Uint8Array {
  const out = new Uint8Array(limit);
  let n = 0;
  for (const c of chunks) {
    if (n >= limit) break;
    const part = c.subarray(0, limit - n);
    out.set(part, n);
    n += part.length;
  }
  return out;
}

/**
 * Statistics of a CSV/TSV stream computed by worker threads: the same result as
 * {@link analyzeCsvStream}, several times faster on large inputs. This thread reads the stream,
 * detects the dialect on its first bytes, cuts the bytes into pieces of about `segmentBytes` at
 * true row boundaries (following quotes, so a quoted line break is never a cut) and hands them to
 * the workers, a bounded number at a time (when they all have `maxInFlight` pieces queued, this
 * thread parses the next piece itself, which saves a worker's memory and suits machines with few
 * cores); their partial results are merged in file order, so row
 * counts, malformed-row line numbers and examples are those of a single pass, and so are means and
 * standard deviations, to the bit (exact sums, see moments.ts). For columns with more distinct values
 * than the frequent-items table holds, the approximate top values and their error bound may differ
 * slightly, as between any two ways of splitting the file.
 *
 * Inputs under `minParallelBytes`, `workers: 1`, or a missing worker script parse in this thread.
 * The workers run `dist/csv/worker.js` of this package (built by `tsc -p tsconfig.build.json`),
 * also when the package is loaded from its TypeScript sources.
 *
 * @example
 * const res = await fetch(blobUrl);
 * const summary = await analyzeCsvParallel(res.body!, {
 *   onProgress: (bytes) => console.log(bytes),
 *   signal: AbortSignal.timeout(60_000),
 * });
 * summary.columns[0].numeric?.mean
 */
export async function analyzeCsvParallel(
  source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  options: CsvParallelOptions = {},
): Promise<CsvSummary> {
  return summarizeCsv(await analyzeCsvParallelPartial(source, options), options);
}

/** {@link analyzeCsvParallel} up to the merged partial result. */
export async function analyzeCsvParallelPartial(
  source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  options: CsvParallelOptions = {},
): Promise<CsvPartial> {
  const { signal, onProgress } = options;
  signal?.throwIfAborted();
  const csv = accumulatorOptions(options);
  const workers = Math.max(1, Math.floor(options.workers ?? availableParallelism()));
  const minParallel = options.minParallelBytes ?? MIN_PARALLEL;
  const it = iterate(source);
  let aborted: Promise<never> | null = null;
  let onAbort: (() => void) | null = null;
  if (signal) {
    aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
    });
    aborted.catch(() => {});
  }
  let bytesRead = 0;
  let finished = false;
  const next = async (): Promise<Uint8Array | null> => {
    signal?.throwIfAborted();
    const r = aborted ? await Promise.race([it.next(), aborted]) : await it.next();
    if (r.done) {
      finished = true;
      return null;
    }
    bytesRead += r.value.length;
    onProgress?.(bytesRead);
    return r.value;
  };
  try {
    const head: Uint8Array[] = [];
    let headLen = 0;
    while (headLen < Math.max(minParallel, DETECT_BYTES + 3)) {
      const c = await next();
      if (!c) break;
      if (c.length === 0) continue;
      head.push(c);
      headLen += c.length;
    }
    const small = finished && (headLen < minParallel || headLen === 0);
    const workerUrl = workers > 1 && !small ? locateWorker(options.workerUrl) : null;
    if (!workerUrl) {
      const acc = new Accumulator(csv);
      for (const c of head) acc.push(c);
      head.length = 0;
      for (let c = await next(); c; c = await next()) acc.push(c);
      return acc.finish();
    }
    return await fanOut({ csv, options, workers, workerUrl, head, headLen, finished, next, signal });
  } finally {
    if (signal && onAbort) signal.removeEventListener("abort", onAbort);
    if (!finished) it.return?.()?.catch(() => {});
  }
}

interface FanOut {
  csv: CsvOptions;
  options: CsvParallelOptions;
  workers: number;
  workerUrl: URL;
  head: Uint8Array[];
  headLen: number;
  finished: boolean;
  next: () => Promise<Uint8Array | null>;
  signal: AbortSignal | undefined;
}

/** How the pieces of a file parse: its dialect, and the options of its first piece and the others. */
export interface PiecePlan {
  dialect: CsvDialect;
  /** 3 after a UTF-8 BOM, else 0. */
  bom: number;
  /** Options of the piece that starts the file (it has the header row, if any). */
  first: CsvOptions;
  /** Options of the other pieces: no header row, the column names of the first. */
  rest: CsvOptions;
  /** The column names, or null when the first row does not end within the head. */
  columns: string[] | null;
}

/**
 * Dialect and columns, once, from the first bytes of a file (up to 64 KiB + 3): every piece then
 * parses the same way. `whole` says that `head` is the entire file.
 */
export function planPieces(head: Uint8Array, csv: CsvOptions, whole: boolean): PiecePlan {
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const header = csv.header ?? (csv.columns ? false : undefined);
  let dialect: CsvDialect;
  if (csv.delimiter !== undefined && header !== undefined) {
    dialect = { delimiter: csv.delimiter, quote: csv.quote ?? '"', header };
  } else {
    dialect = detectCsvDialect(head.subarray(bom, bom + DETECT_BYTES), {
      ...(csv.delimiter !== undefined ? { delimiter: csv.delimiter } : {}),
      ...(csv.quote !== undefined ? { quote: csv.quote } : {}),
      ...(header !== undefined ? { header } : {}),
      final: whole && head.length <= bom + DETECT_BYTES,
    });
  }
  const first: CsvOptions = {
    ...csv,
    delimiter: dialect.delimiter,
    quote: dialect.quote,
    header: dialect.header,
  };
  let columns = csv.columns ?? null;
  if (!columns) {
    // The first rows, up to a row boundary, parsed like the first piece will be: header names, or
    // the width of the first row.
    const probe = new RowCutter(dialect.delimiter.charCodeAt(0), dialect.quote.charCodeAt(0), bom);
    const probeEnd = Math.min(head.length - 1, bom + 4096);
    let end = head.length > 0 ? probe.find(head, null, head.length, probeEnd) : -1;
    if (end < 0 && whole) end = head.length;
    if (end > 0) {
      const acc = new Accumulator(first);
      acc.push(head.subarray(0, end));
      const names = acc.finish().columns;
      if (names.length > 0) columns = names;
    }
  }
  const rest: CsvOptions = { ...csv, delimiter: dialect.delimiter, quote: dialect.quote, header: false };
  if (columns) rest.columns = columns;
  return { dialect, bom, first, rest, columns };
}

async function fanOut(f: FanOut): Promise<CsvPartial> {
  const { csv, options, signal } = f;
  const detectEnd = Math.min(f.headLen, DETECT_BYTES + 3);
  const headBytes = concat(f.head, detectEnd);
  const { dialect, bom, first, rest, columns } = planPieces(
    headBytes,
    csv,
    f.finished && f.headLen === headBytes.length,
  );
  const D = dialect.delimiter.charCodeAt(0);
  const Q = dialect.quote.charCodeAt(0);
  // Without known columns (a first row longer than the head), the file goes to one worker uncut.
  const noCut = columns === null;

  const segmentBytes = Math.max(16, Math.floor(options.segmentBytes ?? DEFAULT_SEGMENT));
  // Room past the target for the rest of the row that ends the piece; a piece whose row does not
  // end there goes out in parts (see `feed`).
  const cap = (segmentBytes + Math.max(64 * 1024, segmentBytes >> 2) + 3) & ~3;
  const parseHere = options.parseHere ?? true;
  const threads = parseHere ? f.workers - 1 : f.workers;
  const maxInFlight = Math.max(1, Math.floor(options.maxInFlight ?? (parseHere ? 1 : 2) * threads));
  const spare: ArrayBuffer[] = [];
  const order = new OrderedMerge();
  let nextId = 0;
  let inFlight = 0;
  const wakeup = new Wakeup();
  const notify = wakeup.notify;
  const check = () => {
    if (pool.failure) throw pool.failure;
    signal?.throwIfAborted();
  };
  const waitEvent = () => wakeup.wait();
  signal?.addEventListener("abort", notify);

  const accept = (id: number, partial: CsvPartial) => order.add(id, partial);
  const load: number[] = Array.from({ length: threads }, () => 0);
  /** The worker of each piece being sent in parts; -1 for this thread. */
  const jobWorker = new Map<number, number>();
  /** Accumulators of the pieces this thread parses, until their last part. */
  const local = new Map<number, Accumulator>();
  const pool = new CsvWorkerPool<PieceReply>(
    f.workerUrl,
    threads,
    (r, k) => {
      inFlight--;
      load[k] = (load[k] as number) - 1;
      if (r.buffer && spare.length <= maxInFlight) spare.push(r.buffer);
      if (r.partial) accept(r.id, r.partial);
    },
    notify,
  );
  const workers = pool.workers;

  let job = -1;
  /** Sends a piece (or a part of one) to a worker, or parses it here when the workers are busy. */
  const send = async (buffer: ArrayBuffer, length: number, end: boolean) => {
    check();
    const message: PieceMessage = { id: job, buffer, length, end };
    if (job < 0) {
      if (!parseHere || workers.length === 0)
        while (inFlight >= maxInFlight) {
          await waitEvent();
          check();
        }
      message.id = nextId++;
      let k = 0;
      for (let i = 1; i < workers.length; i++) if ((load[i] as number) < (load[k] as number)) k = i;
      if (parseHere && inFlight >= maxInFlight) k = -1;
      jobWorker.set(message.id, k);
      message.options = message.id === 0 ? first : rest;
    }
    const k = jobWorker.get(message.id) as number;
    if (end) {
      jobWorker.delete(message.id);
      job = -1;
    } else job = message.id;
    if (k < 0) {
      // Synchronously, in this thread: the accumulator keeps no reference to the bytes.
      let acc = local.get(message.id);
      if (!acc) {
        acc = new Accumulator(message.options ?? {});
        local.set(message.id, acc);
      }
      acc.push(new Uint8Array(buffer, 0, length));
      if (spare.length <= maxInFlight) spare.push(buffer);
      if (end) {
        local.delete(message.id);
        const partial = acc.finish();
        acc.recycle();
        accept(message.id, partial);
      }
      return;
    }
    while (inFlight >= maxInFlight) {
      await waitEvent();
      check();
    }
    (workers[k] as Worker).postMessage(message, [buffer]);
    inFlight++;
    load[k] = (load[k] as number) + 1;
  };

  let buffer = spare.pop() ?? new ArrayBuffer(cap);
  let bytes = new Uint8Array(buffer);
  let words = new Uint32Array(buffer);
  let len = 0;
  let target = segmentBytes;
  const cutter = new RowCutter(D, Q, bom);
  /** Sends `bytes[0..sent)` and continues in a fresh buffer with the rest. */
  const rotate = async (sent: number, end: boolean) => {
    const fresh = spare.pop() ?? new ArrayBuffer(cap);
    const freshBytes = new Uint8Array(fresh);
    freshBytes.set(bytes.subarray(sent, len));
    await send(buffer, sent, end);
    buffer = fresh;
    bytes = freshBytes;
    words = new Uint32Array(fresh);
    len -= sent;
  };
  const feed = async (chunk: Uint8Array) => {
    let off = 0;
    while (off < chunk.length) {
      const n = Math.min(chunk.length - off, cap - len);
      bytes.set(n === chunk.length ? chunk : chunk.subarray(off, off + n), len);
      len += n;
      off += n;
      while (len > 0 && len >= target) {
        const cut = noCut ? -1 : cutter.find(bytes, words, len, target);
        if (cut >= 0) {
          await rotate(cut, true);
          target = segmentBytes;
          continue;
        }
        if (len < cap) break;
        // A buffer full without a row end (a huge quoted field): it goes to the same worker as
        // part of the same piece, which ends at the next row end.
        const keep = noCut ? 0 : cutter.carry(bytes, len);
        await rotate(len - keep, false);
        target = noCut ? segmentBytes : 0;
        break;
      }
    }
  };

  try {
    for (const c of f.head) await feed(c);
    f.head.length = 0;
    for (let c = await f.next(); c; c = await f.next()) await feed(c);
    if (len > 0 || job >= 0) await send(buffer, len, true);
    if (nextId === 0) return new Accumulator(first).finish();
    while (order.done < nextId) {
      check();
      await waitEvent();
    }
    check();
    return order.result() as CsvPartial;
  } finally {
    signal?.removeEventListener("abort", notify);
    await pool.close();
  }
}
