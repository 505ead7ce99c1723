import { resolve } from "node:path";
import { FilesystemBlobStore } from "@repo/blob-store/filesystem";
import { traced } from "@repo/blob-store/traced";
import type { BlobStore } from "@repo/blob-store/types";
import { VercelBlobStore } from "@repo/blob-store/vercel";
import { env, requireValidEnv } from "./env.js";
import { HttpError } from "./http-error.js";

let store: BlobStore | undefined;

/**
 * The blob container: Vercel Blob when a store is connected (BLOB_READ_WRITE_TOKEN), else the
 * filesystem store under BLOB_DIR, its honest local form. On Vercel without a token there is no
 * storage at all, and saying so beats writing to a machine's temporary disk. Either way each
 * operation is a span (a no-op unless tracing is registered).
 */
export function blobStore(): BlobStore {
  if (store) return store;
  requireValidEnv("BLOB_READ_WRITE_TOKEN", "BLOB_ACCESS", "BLOB_DIR");
  const config = env();
  if (config.BLOB_READ_WRITE_TOKEN) {
    store = traced(new VercelBlobStore({ token: config.BLOB_READ_WRITE_TOKEN, access: config.BLOB_ACCESS }));
  } else if (config.VERCEL) {
    throw new HttpError(
      503,
      "storage_not_configured",
      "Blob storage is not configured on this deployment: connect a Vercel Blob store to the project (it sets BLOB_READ_WRITE_TOKEN).",
    );
  } else {
    store = traced(new FilesystemBlobStore({ root: resolve(config.BLOB_DIR) }));
  }
  return store;
}
