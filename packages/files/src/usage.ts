import type { BlobStore } from "@repo/blob-store/types";
import type { UserSpace } from "./space.js";

/**
 * Bytes the user's own files take in the store, counted from the store itself (so it cannot drift
 * from what is there). Results and thumbnails are the app's, not counted.
 */
export async function spaceUsage(store: BlobStore, space: UserSpace): Promise<number> {
  let bytes = 0;
  let cursor: string | null = null;
  do {
    const page = await store.list({ prefix: space.filesPrefix, limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const blob of page.blobs) bytes += blob.size;
    cursor = page.cursor;
  } while (cursor);
  return bytes;
}
