/**
 * The blob trigger's result types as the web app uses them, all derived from the pipeline's contract
 * (types only: nothing of the engine reaches the browser bundle).
 */
import type { ListedFile } from "@repo/files/files";
import type { BlobResult, ImageResult } from "@repo/pipeline/result";
import type { RunStatus } from "@repo/pipeline/trigger";

export type {
  BlobResult,
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

/** One file as GET /api/blobs lists it (its result is null until the trigger has queued it). */
export type BlobRow = ListedFile;

export interface BlobListAnswer {
  blobs: BlobRow[];
  cursor: string | null;
}

export type { RunStatus } from "@repo/pipeline/trigger";

/** GET /api/blobs/result?path= */
export interface ResultAnswer {
  blob: Omit<BlobRow, "result">;
  result: BlobResult | null;
  run: { id: string; status: RunStatus } | null;
}
