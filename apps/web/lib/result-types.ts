/**
 * The parts of the blob trigger's result document the web app names, all derived from the pipeline's
 * types (types only: nothing of the engine reaches the browser bundle). The API's answers that carry
 * them are the contract's: `@repo/validation/api/blobs`.
 */
import type { BlobResult, ImageResult } from "@repo/pipeline/result";

export type {
  BlobResult,
  ChunkProgress,
  FileFacts,
  ImageResult,
  ResultKind,
  ResultStatus,
  ResultSummary,
  TriggerReason,
} from "@repo/pipeline/result";

export type CsvSummary = NonNullable<BlobResult["csv"]>;
export type CsvColumnSummary = CsvSummary["columns"][number];
export type HistogramBin = NonNullable<CsvColumnSummary["numeric"]>["histogram"][number];
export type CsvMalformedKind = CsvSummary["malformed"]["examples"][number]["kind"];
export type ExifSummary = ImageResult["exif"];
export type DominantColor = ImageResult["dominantColors"][number];
