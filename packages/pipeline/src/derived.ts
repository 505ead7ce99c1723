/** Derived blobs (result documents, thumbnails, partials of chunks): whose they are, and removing them. */
import { listAll } from "@repo/blob-store/list-all";
import type { BlobStore } from "@repo/blob-store/types";
import { derivedPrefixOf, sourceOfResultPath, versionKey } from "./result.ts";

/** The source path and version key a derived blob (result, thumbnail, chunk partial) belongs to. */
export function ownerOf(derived: string): { path: string; key: string } | null {
  const asResult = derived.replace(/\.(thumb\.webp|chunk-\d+-\d+-\d+\.bin)$/, ".json");
  return sourceOfResultPath(asResult);
}

/**
 * Removes the derived blobs of a path: of every version (the file was deleted), or of every version
 * but the one it now has (`keep`: the file was replaced).
 */
export async function removeDerived(
  store: BlobStore,
  path: string,
  keep?: { etag: string },
): Promise<number> {
  let removed = 0;
  for await (const blob of listAll(store, derivedPrefixOf(path))) {
    // The prefix of "a.csv" also matches "a.csv/x.csv/…" (a blob in a folder named a.csv): keep those.
    const owner = ownerOf(blob.path);
    if (owner?.path !== path) continue;
    if (keep && owner.key === versionKey(keep.etag)) continue;
    if (await store.delete(blob.path)) removed++;
  }
  return removed;
}
