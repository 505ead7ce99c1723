/**
 * A CSV blob cut into chunks that separate processes analyse on their own, each reading only its
 * byte range, and whose partial results merge into the statistics of the whole file. No engine
 * here: the caller decides where each chunk runs (a workflow step, a function instance) and
 * supplies the bytes. The cuts follow the rule of the file reader (file-range.ts): chunk `i` starts
 * just past the first line feed at or after `i × chunkBytes − 1`, and a chunk whose rows do not end
 * exactly at its end reveals that the next cut fell inside a quoted field; the two are then
 * analysed again as one range ({@link nextRedo}), from a start known to be right.
 */
import { Accumulator, type CsvOptions, type CsvPartial } from "./accumulator.ts";
import { cutSearchFrom, endsClean } from "./file-range.ts";
import { accumulatorOptions, planPieces } from "./parallel.ts";
import { mergeCsvPartials, mergeCsvPartialsInto } from "./summary.ts";

/** The bytes a plan needs from the start of the file: enough to detect the dialect and the header. */
export const CHUNK_PLAN_HEAD_BYTES = 64 * 1024 + 3;

/** How a file is cut and how its chunks parse; plain data, small, sent to every chunk. */
export interface CsvChunkPlan {
  size: number;
  chunkBytes: number;
  count: number;
  /** Options of the chunk that starts the file (it has the header row, if any). */
  first: CsvOptions;
  /** Options of the others: the dialect and column names found in the first chunk. */
  rest: CsvOptions;
}

/** What one chunk (or a run of adjacent chunks analysed again together) yields. */
export interface CsvChunkResult {
  /** The first and the last chunk of the range, inclusive. */
  first: number;
  last: number;
  /** Byte offsets of the rows parsed: [start, end). */
  start: number;
  end: number;
  /** Whether the rows ended exactly at `end`, which confirms where the next range starts. */
  clean: boolean;
  partial: CsvPartial;
}

/**
 * The plan for a file of `size` bytes, from its first {@link CHUNK_PLAN_HEAD_BYTES} bytes (or all of
 * them); null when it should not be cut: one chunk would do, or its first row does not end within
 * the head (column names unknown, so no chunk after the first could parse alone).
 */
export function planCsvChunks(
  head: Uint8Array,
  size: number,
  chunkBytes: number,
  options: CsvOptions = {},
): CsvChunkPlan | null {
  const bytes = Math.max(16, Math.floor(chunkBytes));
  const count = Math.ceil(size / bytes);
  if (count <= 1) return null;
  const plan = planPieces(head, accumulatorOptions(options), head.length >= size);
  if (!plan.columns) return null;
  return { size, chunkBytes: bytes, count, first: plan.first, rest: plan.rest };
}

/** The offset a reader of chunk `index` starts reading at. */
export function chunkReadFrom(plan: CsvChunkPlan, index: number): number {
  return index <= 0 ? 0 : Math.min(plan.size, cutSearchFrom(index, plan.chunkBytes));
}

/**
 * Parses the chunks `first` … `last` of the plan as one range. `read(from)` yields the file's bytes
 * from offset `from` on, in any pieces; it is read only past the end of the range as far as the line
 * feed that ends its last row (usually a few bytes), then abandoned (`return()`).
 */
export async function analyzeCsvChunks(
  plan: CsvChunkPlan,
  first: number,
  last: number,
  read: (from: number) => AsyncIterable<Uint8Array>,
): Promise<CsvChunkResult> {
  const from = chunkReadFrom(plan, first);
  const isLast = last >= plan.count - 1;
  // The row that ends the range is the one whose line feed is at or after this offset.
  const endSearch = isLast ? plan.size : cutSearchFrom(last + 1, plan.chunkBytes);
  const acc = new Accumulator(first === 0 ? plan.first : plan.rest);
  let pos = from;
  let start = first === 0 ? 0 : -1;
  let end = -1;
  for await (const piece of read(from)) {
    let bytes = piece;
    if (start < 0) {
      const lf = bytes.indexOf(10);
      if (lf < 0) {
        pos += bytes.length;
        continue;
      }
      start = pos + lf + 1;
      bytes = bytes.subarray(lf + 1);
      pos = start;
      // The line feed that starts this range also ends it: an empty range (the next cut finds it too).
      if (!isLast && start - 1 >= endSearch) {
        end = start;
        break;
      }
    }
    if (!isLast) {
      const lf = bytes.indexOf(10, Math.max(0, endSearch - pos));
      if (lf >= 0) {
        acc.push(bytes.subarray(0, lf + 1));
        end = pos + lf + 1;
        break;
      }
    }
    acc.push(bytes);
    pos += bytes.length;
  }
  // The end of the file came first: the range runs to it (all of it is past the last line feed when
  // no start was found).
  if (start < 0) start = pos;
  if (end < 0) end = pos;
  const clean = endsClean(acc, last, plan.count);
  const partial = acc.finish();
  acc.recycle();
  return { first, last, start, end, clean, partial };
}

/**
 * The first range, in file order, that ends where the next one was cut wrongly (it did not end
 * clean), or -1 when every cut is a row boundary. `results` must cover the chunks in order. Analyse
 * `results[i].first` … `results[i + 1].last` again as one range and put it in place of both; repeat
 * until this is -1. Each range before the one returned started right, so its `clean` can be trusted.
 */
export function nextRedo(results: readonly Pick<CsvChunkResult, "clean" | "last">[]): number {
  return results.findIndex((r, i) => !r.clean && i < results.length - 1);
}

/** The partial of the whole file from the results of all its ranges, in file order. */
export function mergeCsvChunks(results: readonly CsvChunkResult[]): CsvPartial {
  const [head, second, ...tail] = results;
  if (!head) throw new Error("no chunk results to merge");
  if (!second) return head.partial;
  // A fresh first merge, then in place into it: the callers' partials stay as they were.
  let merged = mergeCsvPartials(head.partial, second.partial);
  for (const r of tail) merged = mergeCsvPartialsInto(merged, r.partial);
  return merged;
}
