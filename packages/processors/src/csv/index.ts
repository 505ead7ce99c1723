/**
 * Streaming CSV/TSV statistics with mergeable partial results.
 *
 * @example
 * import { analyzeCsvStream } from "@repo/processors/csv";
 * const summary = await analyzeCsvStream(stream);
 * // Large inputs, on worker threads (runs dist/csv/worker.js of this package):
 * const faster = await analyzeCsvParallel(stream, { onProgress: (n) => console.log(n) });
 * // A file on disk: every thread reads its own pieces.
 * const fastest = await analyzeCsvFile("/data/sales.csv");
 */
export {
  type CsvAccumulator,
  type CsvColumnPartial,
  type CsvDialect,
  type CsvKind,
  type CsvMalformedExample,
  type CsvMalformedKind,
  type CsvOptions,
  type CsvPartial,
  createCsvAccumulator,
} from "./accumulator.ts";
export {
  analyzeCsvChunks,
  CHUNK_PLAN_HEAD_BYTES,
  type CsvChunkPlan,
  type CsvChunkResult,
  chunkReadFrom,
  mergeCsvChunks,
  nextRedo,
  planCsvChunks,
} from "./chunks.ts";
export type { DateRangeData } from "./date-range.ts";
export { type DetectOptions, detectCsvDialect } from "./dialect.ts";
export type { ExactValuesData } from "./exact.ts";
export { analyzeCsvFile } from "./file.ts";
export { analyzeCsvParallel, type CsvParallelOptions } from "./parallel.ts";
export type { HistogramBin } from "./sketches.ts";
export {
  analyzeCsvStream,
  type CsvColumnSummary,
  type CsvColumnType,
  type CsvSummary,
  mergeCsvPartials,
  mergeCsvPartialsInto,
  type SummaryOptions,
  summarizeCsv,
} from "./summary.ts";
