/**
 * The output binding's document: one per blob version, at a derived path beside nothing the user
 * owns. Plain data and pure functions only, so the web app can import the types and the API the
 * helpers without pulling in the engine.
 */
import type { CsvSummary } from "@repo/processors/csv";
import type { ImageAnalysis } from "@repo/processors/image";

/** Every derived blob lives under this prefix; nothing under it ever triggers processing. */
export const DERIVED_PREFIX = "_results/";

/** How many times one version is started (first run, cron restarts, reprocess requests) at most by the cron. */
export const MAX_ATTEMPTS = 3;

export type ResultStatus = "queued" | "processing" | "done" | "failed";

/** What started a run: an upload callback, a server-side put, a person, or the timer trigger. */
export type TriggerReason = "upload" | "server-put" | "reprocess" | "cron";

export type ResultKind = "csv" | "image" | "file";

/** What every processed blob gets, whatever its kind: read from its bytes, not its claims. */
export interface FileFacts {
  size: number;
  /**
   * Lowercase hex SHA-256 of the content. null when the file was analysed in chunks on a store whose
   * etag is not that hash: SHA-256 cannot be combined from the hashes of the parts, and reading the
   * whole file once more in one place is what chunking avoids.
   */
  sha256: string | null;
  /** The type its bytes say it is. */
  sniffedType: string;
  /** A human label, e.g. "PNG image". */
  description: string;
  /** The Content-Type it was uploaded with. */
  claimedType: string;
  /** True when the claimed type contradicts the bytes. */
  mismatch: boolean;
}

/** An image's analysis as stored: the thumbnail's bytes are a derived blob, named here by its path. */
export type ImageResult = Omit<ImageAnalysis, "thumbnail" | "bytes"> & {
  /** The WebP thumbnail, a derived blob: fetch it with /api/blobs/content?path=. */
  thumbnail: { path: string; width: number; height: number; size: number };
};

/** A chunked analysis (a large CSV cut into byte ranges, one step each): how far it is. */
export interface ChunkProgress {
  /** Chunks the file was cut into. */
  count: number;
  /** Chunks analysed so far. */
  done: number;
  /** Bytes of the chunks analysed so far. */
  bytes: number;
  /** Which chunks are done, by index, while the run lasts (dropped when it finishes). */
  finished?: number[];
}

export interface BlobResult {
  /** Schema version of this document. */
  version: 1;
  path: string;
  /** The blob version this result belongs to. */
  etag: string;
  status: ResultStatus;
  /** 1 for the first run; each restart (cron, reprocess) adds one. */
  attempt: number;
  trigger: TriggerReason;
  /** The workflow run doing (or that did) the work; null until it has started. */
  runId: string | null;
  /** Bytes read so far while processing. */
  progress: { bytes: number; total: number } | null;
  /** Set when the file is analysed in chunks (absent in documents of single-pass runs and older ones). */
  chunks?: ChunkProgress | null;
  kind: ResultKind | null;
  timings: {
    queuedAt: string;
    startedAt: string | null;
    finishedAt: string | null;
    /** From startedAt to finishedAt. */
    durationMs: number | null;
    /**
     * Milliseconds of the analysis step itself, without queueing; for a chunked run, the sum of its
     * chunk steps' (the work done, which parallel steps spread over less wall-clock time).
     */
    analysisMs: number | null;
  };
  /** Set when status is "failed": what went wrong, in words a person can act on. */
  error: { message: string; code: string } | null;
  file: FileFacts | null;
  csv: CsvSummary | null;
  image: ImageResult | null;
  /** When this document was last written. */
  updatedAt: string;
}

/** True for paths the pipeline writes itself: they must never start processing. */
export function isDerivedPath(path: string): boolean {
  return path.startsWith(DERIVED_PREFIX);
}

/**
 * A filesystem- and URL-safe name for one blob version. Etags are quoted validators ("sha256:…" on the
 * filesystem store, an MD5-like hex on Vercel Blob); keeping their letters and digits keeps them unique.
 */
export function versionKey(etag: string): string {
  const key = etag.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return (key || "none").slice(0, 80);
}

/** Where the result document of one version of `path` lives. */
export function resultPath(path: string, etag: string): string {
  return `${DERIVED_PREFIX}${path}/${versionKey(etag)}.json`;
}

/** Where the thumbnail of one version of an image lives. */
export function thumbnailPath(path: string, etag: string): string {
  return `${DERIVED_PREFIX}${path}/${versionKey(etag)}.thumb.webp`;
}

/**
 * Where a chunk step of a chunked analysis leaves its partial result (chunks `first` … `last`) for
 * the merge: in the store, not in the engine's event log, which every replay of the run reads.
 * Per attempt, so that a restarted attempt never merges an older attempt's partials.
 */
export function chunkPartialPath(
  path: string,
  etag: string,
  chunk: { attempt: number; first: number; last: number },
): string {
  return `${DERIVED_PREFIX}${path}/${versionKey(etag)}.chunk-${chunk.attempt}-${chunk.first}-${chunk.last}.bin`;
}

/** The prefix holding every derived blob of `path`, all versions. */
export function derivedPrefixOf(path: string): string {
  return `${DERIVED_PREFIX}${path}/`;
}

/** The source path a result document path belongs to, or null when it is not one. */
export function sourceOfResultPath(derived: string): { path: string; key: string } | null {
  if (!derived.startsWith(DERIVED_PREFIX) || !derived.endsWith(".json")) return null;
  const rest = derived.slice(DERIVED_PREFIX.length, -".json".length);
  const slash = rest.lastIndexOf("/");
  if (slash <= 0) return null;
  return { path: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

/** A fresh "queued" document for a version about to be processed. */
export function queuedResult(input: {
  path: string;
  etag: string;
  attempt: number;
  trigger: TriggerReason;
  now: Date;
}): BlobResult {
  const at = input.now.toISOString();
  return {
    version: 1,
    path: input.path,
    etag: input.etag,
    status: "queued",
    attempt: input.attempt,
    trigger: input.trigger,
    runId: null,
    progress: null,
    kind: null,
    timings: { queuedAt: at, startedAt: null, finishedAt: null, durationMs: null, analysisMs: null },
    error: null,
    file: null,
    csv: null,
    image: null,
    updatedAt: at,
  };
}

/** The few fields a listing shows per file. */
export interface ResultSummary {
  status: ResultStatus;
  attempt: number;
  kind: ResultKind | null;
  progress: { bytes: number; total: number } | null;
  error: { message: string; code: string } | null;
  updatedAt: string;
}

export function resultSummary(doc: BlobResult): ResultSummary {
  return {
    status: doc.status,
    attempt: doc.attempt,
    kind: doc.kind,
    progress: doc.progress,
    error: doc.error,
    updatedAt: doc.updatedAt,
  };
}
