import { listAll } from "@repo/blob-store/list-all";
import type { BlobStore } from "@repo/blob-store/types";
import { MULTIPART_STAGING_PREFIX } from "./protocol.ts";
import { removeStagedUpload } from "./staging.ts";

/**
 * Removes multipart uploads left open (a closed tab, a lost connection): the staged parts and the
 * manifest of every upload whose newest staged piece is older than `maxAgeMs`. Client tokens live
 * minutes, so an hour-old upload can no longer be completed. Answers how many uploads went.
 *
 * @example setInterval(() => sweepStagedUploads(store, 60 * 60 * 1000), 10 * 60 * 1000)
 */
export async function sweepStagedUploads(
  store: BlobStore,
  maxAgeMs: number,
  now = Date.now(),
): Promise<number> {
  const newest = new Map<string, number>();
  for await (const blob of listAll(store, MULTIPART_STAGING_PREFIX)) {
    const uploadId = blob.path.slice(MULTIPART_STAGING_PREFIX.length).split("/", 1)[0] ?? "";
    newest.set(uploadId, Math.max(newest.get(uploadId) ?? 0, blob.uploadedAt.getTime()));
  }
  let swept = 0;
  for (const [uploadId, at] of newest) {
    if (now - at < maxAgeMs) continue;
    await removeStagedUpload(store, uploadId);
    swept++;
  }
  return swept;
}
