import type { BlobMetadata, BlobStore } from "./types.ts";

/**
 * Every blob under a prefix, a page of 1 000 at a time, for work that must see them all (sums,
 * sweeps, deletions). A listing for people is paged by its caller instead, with their cursor.
 *
 * @example for await (const blob of listAll(store, "users/abc/")) total += blob.size;
 */
export async function* listAll(store: BlobStore, prefix: string): AsyncGenerator<BlobMetadata> {
  let cursor: string | null = null;
  do {
    const page = await store.list({ prefix, limit: 1000, ...(cursor ? { cursor } : {}) });
    yield* page.blobs;
    cursor = page.cursor;
  } while (cursor);
}
