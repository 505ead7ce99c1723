/**
 * The one interface every blob store implements: the local filesystem store (the embedded
 * default) and Vercel Blob. Paths are the store's own names ("uploads/2026/report.csv"): relative,
 * forward slashes, validated by `normalizeBlobPath`.
 */

export interface BlobMetadata {
  /** The store path, e.g. "uploads/report.csv". */
  path: string;
  size: number;
  contentType: string;
  /** A strong validator that changes with the content: a content hash on the filesystem store. */
  etag: string;
  uploadedAt: Date;
  /** Where a browser can fetch it: a Vercel Blob URL, or null for the filesystem store. */
  url: string | null;
  /** Free-form string metadata stored beside the blob (who uploaded it, what derived it). */
  meta: Record<string, string>;
}

export type BlobBody = ReadableStream<Uint8Array> | Uint8Array | string;

export interface PutOptions {
  contentType?: string;
  /** false (the default): fail with BlobAlreadyExistsError when the path is taken. */
  overwrite?: boolean;
  /** Write only when the current etag matches (optimistic concurrency); else BlobPreconditionFailedError. */
  ifMatch?: string;
  /** Refuse bodies larger than this with BlobTooLargeError, without keeping any part of them. */
  maxBytes?: number;
  meta?: Record<string, string>;
  signal?: AbortSignal;
}

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive; omitted means to the end. */
  end?: number;
}

export interface GetResult {
  metadata: BlobMetadata;
  body: ReadableStream<Uint8Array>;
  /** The bytes actually sent when a range was asked for. */
  range: { start: number; end: number } | null;
}

export interface ListOptions {
  prefix?: string;
  cursor?: string;
  /** 1 to 1000; default 100. */
  limit?: number;
}

export interface ListResult {
  blobs: BlobMetadata[];
  /** Pass back to get the next page; null when this was the last one. */
  cursor: string | null;
}

export interface BlobStore {
  /** Which implementation: "filesystem" or "vercel-blob". */
  readonly kind: string;
  put(path: string, body: BlobBody, options?: PutOptions): Promise<BlobMetadata>;
  /** Throws BlobNotFoundError. An unsatisfiable range throws BlobRangeNotSatisfiableError. */
  get(path: string, options?: { range?: ByteRange; signal?: AbortSignal }): Promise<GetResult>;
  /** null when there is no blob at the path. */
  head(path: string): Promise<BlobMetadata | null>;
  /** Sorted by path. */
  list(options?: ListOptions): Promise<ListResult>;
  /** Deleting a missing blob is not an error (returns false). */
  delete(path: string): Promise<boolean>;
  copy(from: string, to: string, options?: { overwrite?: boolean }): Promise<BlobMetadata>;
}
