import { z } from "zod";
import { SERVER_UPLOAD_MAX_BYTES } from "./api/blobs.ts";

/**
 * What the client upload accepts: the token route enforces it (the storage service refuses
 * anything else) and the Files page explains it before an upload starts.
 */
export const UPLOAD_LIMITS = {
  /** 2 GiB: large enough for the streaming examples, small enough to be a limit. */
  maxBytes: 2 * 1024 * 1024 * 1024,
  /** Server-side uploads through a function are capped by the platform's 4.5 MB body limit. */
  maxServerUploadBytes: SERVER_UPLOAD_MAX_BYTES,
  /**
   * Named one by one: no "text/*" or "image/*", which would let in HTML and SVG, pages that could
   * run script if a browser ever showed them. (Every stored file is served as a sandboxed download
   * besides.) Spreadsheet programs on Windows label CSV files application/vnd.ms-excel.
   */
  allowedContentTypes: [
    "text/plain",
    "text/csv",
    "text/tab-separated-values",
    "text/markdown",
    "application/vnd.ms-excel",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/avif",
    "application/json",
    "application/pdf",
    "application/zip",
    "application/gzip",
    "application/octet-stream",
  ],
  /** How long a client token stays valid: long enough to start a large upload, short enough to leak little. */
  tokenValidSeconds: 10 * 60,
} as const;

/** True when a MIME type matches one of the allowed patterns ("image/*" matches "image/png"). */
export function contentTypeAllowed(
  type: string,
  allowed: readonly string[] = UPLOAD_LIMITS.allowedContentTypes,
): boolean {
  const t = type.toLowerCase().split(";")[0]?.trim() ?? "";
  return allowed.some((pattern) =>
    pattern.endsWith("/*") ? t.startsWith(pattern.slice(0, -1)) : t === pattern,
  );
}

/**
 * What the server writes into a client token (the browser cannot change it: the token is signed),
 * and storage hands back with the completion callback: whose upload it is, and the file's name.
 */
export const uploadTokenPayloadSchema = z.object({
  userId: z.string().min(1),
  path: z.string().min(1),
  requestedAt: z.iso.datetime(),
});

export type UploadTokenPayload = z.infer<typeof uploadTokenPayloadSchema>;
