import { listAll } from "@repo/blob-store/list-all";
import type { BlobStore } from "@repo/blob-store/types";
import type { UserSpace } from "./space.ts";

/**
 * Bytes the user's own files take in the store, counted from the store itself (so it cannot drift
 * from what is there). Results and thumbnails are the app's, not counted.
 */
export async function spaceUsage(store: BlobStore, space: UserSpace): Promise<number> {
  let bytes = 0;
  for await (const blob of listAll(store, space.filesPrefix)) bytes += blob.size;
  return bytes;
}
