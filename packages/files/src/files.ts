/**
 * A user's files as the API shows them: every path in and out is the user's own name for it
 * (see space.ts), and the store is only ever asked about paths inside their space.
 */
import { BlobNotFoundError } from "@repo/blob-store/errors";
import type { BlobMetadata, BlobStore } from "@repo/blob-store/types";
import { removeDerived } from "@repo/pipeline/derived";
import { readResult } from "@repo/pipeline/documents";
import { type BlobResult, type ResultSummary, resultSummary } from "@repo/pipeline/result";
import { mapLimited } from "./map-limited.ts";
import type { UserSpace } from "./space.ts";

/** One file's details, named as its owner names it. */
export interface FileInfo {
  path: string;
  size: number;
  contentType: string;
  etag: string;
  uploadedAt: string;
  meta: Record<string, string>;
}

/** A listed file with the status of its processing (null before the trigger has queued it). */
export interface ListedFile extends FileInfo {
  result: ResultSummary | null;
}

/** A stored blob's details as its owner sees them. */
export function fileInfo(space: UserSpace, blob: BlobMetadata): FileInfo {
  return {
    path: space.toUser(blob.path) ?? blob.path,
    size: blob.size,
    contentType: blob.contentType,
    etag: blob.etag,
    uploadedAt: blob.uploadedAt.toISOString(),
    meta: blob.meta,
  };
}

/**
 * The stored blob of one of the user's files (or of a result derived from one). When there is
 * none, a BlobNotFoundError naming the path as the user names it: their file does not exist, and
 * anyone else's never does as far as they can tell.
 *
 * @example const blob = await findFile(store, space, "uploads/a.csv") // blob.path is the store's
 */
export async function findFile(store: BlobStore, space: UserSpace, path: string): Promise<BlobMetadata> {
  const found = await store.head(space.toStore(path));
  if (!found) throw new BlobNotFoundError(path);
  return found;
}

export interface ListOptions {
  /** The user's prefix: "" for everything, "uploads/" for a folder; "_results/…" lists results. */
  prefix: string;
  /** 1 to 1000. */
  limit: number;
  cursor: string | null;
}

/**
 * The user's files under a prefix, a page at a time, each with its processing status. Results
 * live outside the files' own prefix, so a listing of files never shows them, and a listing of
 * `_results/…` shows only results.
 */
export async function listFiles(
  store: BlobStore,
  space: UserSpace,
  { prefix, limit, cursor }: ListOptions,
): Promise<{ files: ListedFile[]; cursor: string | null }> {
  const page = await store.list({ prefix: space.toStore(prefix), limit, ...(cursor ? { cursor } : {}) });
  // The store filters by the prefix whatever the cursor says; this makes sure of it.
  const blobs = page.blobs.filter((blob) => space.toUser(blob.path) !== null);
  const results = await mapLimited(blobs, 16, (blob) => readResult(store, blob.path, blob.etag));
  return {
    files: blobs.map((blob, i) => {
      const stored = results[i];
      return { ...fileInfo(space, blob), result: stored ? resultSummary(stored.doc) : null };
    }),
    cursor: page.cursor,
  };
}

/** Deletes one of the user's files and everything derived from it; false when there was none. */
export async function deleteFile(store: BlobStore, space: UserSpace, path: string): Promise<boolean> {
  const storePath = space.toStore(path);
  if (!(await store.delete(storePath))) return false;
  // Its results go with it; one left behind here is swept by the reconcile timer.
  await removeDerived(store, storePath).catch((error: unknown) =>
    console.warn(`[files] results of ${storePath} not removed yet:`, error),
  );
  return true;
}

/** A result document as its owner sees it: the paths in it are their own names. */
export function resultForUser(space: UserSpace, doc: BlobResult): BlobResult {
  const own = (path: string) => space.toUser(path) ?? path;
  return {
    ...doc,
    path: own(doc.path),
    image: doc.image
      ? { ...doc.image, thumbnail: { ...doc.image.thumbnail, path: own(doc.image.thumbnail.path) } }
      : null,
  };
}

/**
 * Removes everything in a user's space: their files, results and thumbnails. Answers how many blobs
 * went. Safe to repeat; a failure leaves the rest for the next call.
 */
export async function deleteSpace(store: BlobStore, space: UserSpace): Promise<number> {
  let removed = 0;
  for (const root of space.roots) {
    // Deleting while paging would shift the pages under the cursor: each round lists afresh.
    for (;;) {
      const page = await store.list({ prefix: root, limit: 1000 });
      if (page.blobs.length === 0) break;
      const gone = await mapLimited(page.blobs, 16, (blob) => store.delete(blob.path));
      removed += gone.filter(Boolean).length;
      // Listed but not deletable (gone meanwhile): nothing more this round can do.
      if (gone.every((g) => !g)) break;
    }
  }
  return removed;
}
