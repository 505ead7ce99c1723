/**
 * The work inside the analysis steps, as plain functions: read a blob version through the store (the
 * input binding), run the matching processor over it in one streaming pass while hashing and counting
 * bytes, and write derived blobs. Only step functions import this module: the workflow compiler keeps
 * node: modules out of workflow code.
 */
import { createHash } from "node:crypto";
import type { BlobStore, ByteRange } from "@repo/blob-store/types";
import { analyzeCsvParallel, analyzeCsvStream } from "@repo/processors/csv";
import { analyzeImage, type ProcessorError } from "@repo/processors/image";
import {
  chunksOf,
  isTypeMismatch,
  reusedChunksOf,
  SNIFF_HEAD_BYTES,
  sniffType,
} from "@repo/processors/sniff";
import { blobErrorCode } from "./documents.ts";
import { type FileFacts, type ImageResult, type ResultKind, thumbnailPath } from "./result.ts";

export interface BlobVersion {
  path: string;
  etag: string;
}

/** Why a version cannot be processed, ever: retrying would not help. */
export class UnprocessableError extends Error {
  override readonly name = "UnprocessableError";
  constructor(
    readonly code: "gone" | "replaced" | "unsupported" | "corrupt" | "too_large",
    message: string,
  ) {
    super(message);
  }
}

/** The one buffer a CSV's bytes are read into, when the store can read into it (see reusedChunksOf). */
export const READ_BUFFER_BYTES = 256 * 1024;

const IMAGE_TYPES = new Set(["image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"]);
const CSV_TYPES = new Set(["text/csv", "text/tab-separated-values"]);

/**
 * Which processor a file gets, from its bytes first: a PNG named .csv is an image, comma-separated
 * text named .txt is a CSV. Text the sniffer cannot call tabular (one column, say) is still a CSV
 * when its name or its claimed type says so.
 */
export function kindOf(sniffedType: string, claimedType: string, path: string): ResultKind {
  if (IMAGE_TYPES.has(sniffedType)) return "image";
  if (CSV_TYPES.has(sniffedType)) return "csv";
  if (sniffedType.startsWith("text/")) {
    const claimed = claimedType.split(";")[0]?.trim().toLowerCase() ?? "";
    if (CSV_TYPES.has(claimed) || /\.(csv|tsv)$/i.test(path)) return "csv";
  }
  return "file";
}

export interface Inspection {
  kind: ResultKind;
  size: number;
  contentType: string;
}

/** Checks the version is still the current one and decides its kind from its first bytes. */
export async function inspectVersion(store: BlobStore, version: BlobVersion): Promise<Inspection> {
  const got = await openVersion(store, version, { start: 0, end: SNIFF_HEAD_BYTES - 1 });
  const head = new Uint8Array(await new Response(got.body).arrayBuffer());
  const { size, contentType } = got.metadata;
  const sniffed = sniffType(head, { complete: head.length >= size });
  return { kind: kindOf(sniffed.mime, contentType, version.path), size, contentType };
}

/**
 * Opens the version for reading, all of it or the bytes `range` names (inclusive), after checking it
 * is still the current one: every ranged read of a chunk checks again.
 */
export async function openVersion(store: BlobStore, version: BlobVersion, range?: ByteRange) {
  let got: Awaited<ReturnType<BlobStore["get"]>>;
  try {
    got = await store.get(version.path, range === undefined ? {} : { range });
  } catch (error) {
    const code = blobErrorCode(error);
    if (code === "not_found") {
      throw new UnprocessableError("gone", "The file was deleted before it could be processed.");
    }
    // An empty blob has no first byte to range over: read it whole (it is empty).
    if (code === "range_not_satisfiable") return openVersion(store, version);
    throw error;
  }
  if (got.metadata.etag !== version.etag) {
    await got.body.cancel().catch(() => undefined);
    throw new UnprocessableError(
      "replaced",
      "A newer version of this file replaced this one; that version is processed on its own.",
    );
  }
  return got;
}

/** Counts, hashes and keeps the head of a stream while a processor consumes it. */
class Tap {
  size = 0;
  private readonly hash = createHash("sha256");
  private readonly head = new Uint8Array(SNIFF_HEAD_BYTES);
  private headLength = 0;

  constructor(private readonly onBytes?: (bytes: number) => void) {}

  /**
   * The body's chunks, counted, hashed and their head kept. With `reuseBytes`, read into one buffer
   * of that size (see reusedChunksOf): each chunk is then valid only until the next is asked for.
   */
  async *through(body: ReadableStream<Uint8Array>, reuseBytes?: number): AsyncGenerator<Uint8Array> {
    for await (const value of reuseBytes ? reusedChunksOf(body, reuseBytes) : chunksOf(body)) {
      this.size += value.length;
      this.hash.update(value);
      if (this.headLength < this.head.length) {
        const take = value.subarray(0, this.head.length - this.headLength);
        this.head.set(take, this.headLength);
        this.headLength += take.length;
      }
      this.onBytes?.(this.size);
      yield value;
    }
  }

  facts(claimedType: string): FileFacts {
    const sniffed = sniffType(this.head.subarray(0, this.headLength), {
      complete: this.size === this.headLength,
    });
    return {
      size: this.size,
      sha256: this.hash.digest("hex"),
      sniffedType: sniffed.mime,
      description: sniffed.description,
      claimedType,
      mismatch: isTypeMismatch(claimedType, sniffed.mime),
    };
  }
}

export interface AnalysisOutput {
  file: FileFacts;
  csv: Awaited<ReturnType<typeof analyzeCsvStream>> | null;
  image: ImageResult | null;
  analysisMs: number;
}

export interface AnalyzeOptions {
  /** Bytes read so far, called often: throttle before writing anything. */
  onProgress?: (bytes: number) => void;
  /** Worker threads for a CSV; 1 (the default) analyses on the calling thread. */
  csvWorkers?: number;
}

/** One pass over the version: the processor of its kind, plus size, hash and sniffed type. */
export async function analyzeVersion(
  store: BlobStore,
  version: BlobVersion,
  kind: ResultKind,
  options: AnalyzeOptions = {},
): Promise<AnalysisOutput> {
  const started = performance.now();
  const got = await openVersion(store, version);
  const tap = new Tap(options.onProgress);
  // One thread by default: it keeps a 1 GB file under 128 MB, and a function's CPU share is small.
  const workers = options.csvWorkers ?? 1;
  // Only the one-thread CSV accumulator copies every chunk before it asks for the next: the others
  // (the parallel reader's head, an image decoder) may keep them.
  const reuse = kind === "csv" && workers <= 1 ? READ_BUFFER_BYTES : undefined;
  const chunks = tap.through(got.body, reuse);
  const claimed = got.metadata.contentType;
  try {
    if (kind === "csv") {
      const csv =
        workers > 1 ? await analyzeCsvParallel(chunks, { workers }) : await analyzeCsvStream(chunks);
      return { file: tap.facts(claimed), csv, image: null, analysisMs: performance.now() - started };
    }
    if (kind === "image") {
      const analysis = await analyzeImage(chunks);
      const thumb = analysis.thumbnail;
      const at = thumbnailPath(version.path, version.etag);
      // Same key on every attempt: a retried step rewrites the same thumbnail, never adds another.
      const stored = await store.put(at, thumb.data, {
        contentType: thumb.contentType,
        overwrite: true,
        meta: { derivedFrom: version.path },
      });
      const { thumbnail: _bytes, bytes: _size, ...rest } = analysis;
      const image: ImageResult = {
        ...rest,
        thumbnail: { path: at, width: thumb.width, height: thumb.height, size: stored.size },
      };
      return { file: tap.facts(claimed), csv: null, image, analysisMs: performance.now() - started };
    }
    for await (const _ of chunks) {
      // Only the tap's size, hash and head are wanted.
    }
    return { file: tap.facts(claimed), csv: null, image: null, analysisMs: performance.now() - started };
  } catch (error) {
    // By name, not instanceof: bundling can leave two copies of the class in one process.
    if (error instanceof Error && error.name === "ProcessorError") {
      const processorError = error as ProcessorError;
      throw new UnprocessableError(processorError.code, describe(kind, processorError));
    }
    throw error;
  } finally {
    await chunks.return(undefined);
  }
}

function describe(kind: ResultKind, error: ProcessorError): string {
  const what = kind === "image" ? "image" : "file";
  if (error.code === "too_large") return `The ${what} is too large to analyse: ${error.message}.`;
  if (error.code === "unsupported") return `This ${what} format is not supported: ${error.message}.`;
  return `The ${what} could not be read; it may be truncated or damaged: ${error.message}.`;
}
