/**
 * The blob endpoints (api/blobs/*): per endpoint its method and path, the schema of its query, and
 * its answer's type. The handlers parse with these schemas and type their answers with these types;
 * the web app's client builds its URLs from the same paths. Every path in and out is the caller's
 * own name for a file ("uploads/a.csv"), never where the store keeps it.
 */
import { isValidBlobPath } from "@repo/blob-store/path";
import type { FileInfo, ListedFile } from "@repo/files/files";
import type { BlobResult } from "@repo/pipeline/result";
import type { RunStatus } from "@repo/pipeline/trigger";
import { z } from "zod";
import { flag, required, single, wholeNumber } from "../query.ts";

export type { RunStatus };

/**
 * The largest body a server-side upload may have: the platform's 4.5 MB request-body limit.
 * Larger files go straight to storage with a client token.
 */
export const SERVER_UPLOAD_MAX_BYTES = 4.5 * 1024 * 1024;

/** The same limit in words, for messages: "4.5 MB". */
export const SERVER_UPLOAD_MAX_LABEL = `${SERVER_UPLOAD_MAX_BYTES / (1024 * 1024)} MB`;

export const BLOB_LIST_LIMIT = { min: 1, max: 1000, default: 100 } as const;

/**
 * The `path` of one file, given once. Its finer rules (no "..", no control characters…) are the
 * store's, checked by the handler with `normalizeBlobPath`, whose refusal names the reason.
 */
const pathParam = required("path", "?path=uploads/report.csv");

/** "" or the start of a path: followed by a name it must be a valid path (a trailing "/" is a folder). */
function isListPrefix(prefix: string): boolean {
  return prefix === "" || isValidBlobPath(prefix.endsWith("/") ? `${prefix}x` : prefix);
}

const PREFIX_MESSAGE = "prefix must be the start of a valid path, e.g. uploads/";

/** The query of every endpoint about one file: `?path=uploads/a.csv`. */
export const blobPathQuerySchema = z.object({ path: pathParam });

/** The query of `GET /api/blobs`: `?prefix=uploads/&limit=100&cursor=…`, all optional. */
export const blobListQuerySchema = z.object({
  prefix: single("prefix").pipe(
    z
      .string()
      .optional()
      .default("")
      .transform((prefix) => prefix.normalize("NFC"))
      .refine(isListPrefix, PREFIX_MESSAGE),
  ),
  limit: wholeNumber("limit", BLOB_LIST_LIMIT),
  /** The `cursor` of the page before; absent or empty for the first page. */
  cursor: single("cursor").pipe(
    z
      .string()
      .optional()
      .transform((cursor) => cursor || null),
  ),
});

/** The query of `POST /api/blobs/upload`: `?path=uploads/a.csv&overwrite=true`. */
export const blobUploadQuerySchema = z.object({ path: pathParam, overwrite: flag("overwrite") });

export type BlobPathQuery = z.output<typeof blobPathQuerySchema>;
export type BlobListQuery = z.output<typeof blobListQuerySchema>;
export type BlobUploadQuery = z.output<typeof blobUploadQuerySchema>;

/**
 * One file's details, named as its owner names it (`fileInfo` in @repo/files makes it): path, size,
 * contentType, etag (the version: it changes whenever the bytes or their type do), uploadedAt (ISO
 * 8601) and meta.
 */
export type BlobInfo = FileInfo;

/** One file as the listing shows it: its processing status is null until the trigger has queued it. */
export type BlobRow = ListedFile;

/** GET /api/blobs — a page of the caller's files; `cursor` is null on the last page. */
export interface BlobListAnswer {
  blobs: BlobRow[];
  cursor: string | null;
}

/** GET /api/blobs/result — what processing made of the file's current version. */
export interface BlobResultAnswer {
  blob: BlobInfo;
  /** Null until the trigger has queued the version. */
  result: BlobResult | null;
  /** The engine's run, when there is one and the engine could say. */
  run: { id: string; status: RunStatus } | null;
}

/** POST /api/blobs/reprocess — 202: the new attempt's result document. */
export interface ReprocessAnswer {
  result: BlobResult | null;
}

/** POST /api/blobs/upload — 201: the stored file, and its processing status once queued. */
export type UploadAnswer = ListedFile;

/** What client uploads accept (UPLOAD_LIMITS in `@repo/validation/uploads`). */
export interface UploadLimits {
  maxBytes: number;
  maxServerUploadBytes: number;
  allowedContentTypes: readonly string[];
  tokenValidSeconds: number;
}

/** GET /api/blobs/config — what the Files page needs before an upload starts. */
export interface BlobConfig {
  store: "vercel-blob" | "filesystem";
  /** The access mode of the store (BLOB_ACCESS); client uploads must name the same. */
  access: "public" | "private";
  clientUploads: boolean;
  /** Where upload() sends files when running locally; null means Vercel Blob itself. */
  clientApiUrl: string | null;
  /** The store prefix of the signed-in user's own space: client tokens are issued under it. */
  uploadPrefix: string | null;
  /** The signed-in user's storage: what they may store, have stored, and have left, in bytes. */
  quota: { quotaBytes: number; usedBytes: number; remainingBytes: number } | null;
  limits: UploadLimits;
}

/**
 * What the browser may say with its token request (`clientPayload`, a JSON string): the size of
 * the file it is about to send, so the token is made for that size.
 */
export const clientUploadPayloadSchema = z
  .object({ size: z.number().int().min(0, "size must be a whole number of bytes").optional() })
  .loose();

/**
 * The body of `POST /api/blobs/client-upload`, Vercel Blob's handleUpload protocol: a token request
 * from the browser or a completion callback from storage. The SDK checks the finer shape itself.
 */
export const clientUploadEventSchema = z
  .object({ type: z.enum(["blob.generate-client-token", "blob.upload-completed"]) })
  .loose();

/** The blob endpoints: method, path, and the schema of the query or body. */
export const blobEndpoints = {
  /** A page of the caller's files → BlobListAnswer. */
  list: { method: "GET", path: "/api/blobs", query: blobListQuerySchema },
  /** Deletes a file and its results → 204 (404 `blob_not_found`). */
  delete: { method: "DELETE", path: "/api/blobs", query: blobPathQuerySchema },
  /** One file's details → BlobInfo. */
  info: { method: "GET", path: "/api/blobs/info", query: blobPathQuerySchema },
  /** One file's bytes (or a result's, such as a thumbnail), as a download with ranges; not JSON. */
  content: { method: "GET", path: "/api/blobs/content", query: blobPathQuerySchema },
  /** What processing made of a file → BlobResultAnswer. */
  result: { method: "GET", path: "/api/blobs/result", query: blobPathQuerySchema },
  /** Process a file again → 202 ReprocessAnswer. */
  reprocess: { method: "POST", path: "/api/blobs/reprocess", query: blobPathQuerySchema },
  /** A file of at most SERVER_UPLOAD_MAX_BYTES as the body → 201 UploadAnswer. */
  upload: { method: "POST", path: "/api/blobs/upload", query: blobUploadQuerySchema },
  /** Client tokens and completion callbacks (handleUpload's protocol). */
  clientUpload: { method: "POST", path: "/api/blobs/client-upload", body: clientUploadEventSchema },
  /** Storage settings, limits and the caller's quota → BlobConfig. */
  config: { method: "GET", path: "/api/blobs/config" },
} as const;
