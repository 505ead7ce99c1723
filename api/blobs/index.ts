import type { BlobMetadata, BlobStore } from "@repo/blob-store/types";
import { readResult, removeDerived } from "@repo/pipeline";
import { DERIVED_PREFIX, isDerivedPath, resultSummary } from "@repo/pipeline/result";
import { blobJson, pathParam, singleParam, writablePath } from "../_lib/blob-query.js";
import { blobStore } from "../_lib/blob-store.js";
import { HttpError } from "../_lib/http-error.js";
import { json } from "../_lib/respond.js";
import { route } from "../_lib/route.js";

/**
 * The user's files, a page at a time, without the pipeline's derived blobs (unless the prefix asks
 * for them). Derived paths sort together, so skipping them costs a few extra store pages at most.
 */
async function listUserBlobs(
  store: BlobStore,
  prefix: string,
  limit: number,
  cursor: string | null,
): Promise<{ blobs: BlobMetadata[]; cursor: string | null }> {
  if (prefix.startsWith(DERIVED_PREFIX)) {
    return store.list({ prefix, limit, ...(cursor ? { cursor } : {}) });
  }
  const blobs: BlobMetadata[] = [];
  let next = cursor;
  for (let round = 0; round < 100 && blobs.length < limit; round++) {
    const page = await store.list({ prefix, limit: limit - blobs.length, ...(next ? { cursor: next } : {}) });
    blobs.push(...page.blobs.filter((blob) => !isDerivedPath(blob.path)));
    next = page.cursor;
    if (!next) break;
  }
  return { blobs, cursor: next };
}

/** `fn` over the items, at most `limit` at a time, results in order. */
async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let index = 0;
  const worker = async () => {
    while (index < items.length) {
      const i = index++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * GET /api/blobs?prefix=&cursor=&limit= lists the files, a page at a time, each with the status of
 * its processing (null before the trigger has queued it).
 * DELETE /api/blobs?path= deletes one file and its results.
 */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({
  GET: async (request) => {
    const url = new URL(request.url);
    const limitText = singleParam(url, "limit") ?? "100";
    const limit = Number(limitText);
    if (!/^\d{1,4}$/.test(limitText) || limit < 1 || limit > 1000) {
      throw new HttpError(400, "invalid_request", "limit must be a whole number from 1 to 1000.", {
        fields: { limit: ["limit must be a whole number from 1 to 1000"] },
      });
    }
    const prefix = singleParam(url, "prefix") ?? "";
    const store = blobStore();
    const page = await listUserBlobs(store, prefix, limit, singleParam(url, "cursor") || null);
    const results = await mapLimited(page.blobs, 16, (blob) => readResult(store, blob.path, blob.etag));
    return json(
      {
        blobs: page.blobs.map((blob, i) => {
          const stored = results[i];
          return { ...blobJson(blob), result: stored ? resultSummary(stored.doc) : null };
        }),
        cursor: page.cursor,
      },
      { headers: { "cache-control": "no-store" } },
    );
  },
  DELETE: async (request) => {
    const path = writablePath(pathParam(new URL(request.url)));
    const store = blobStore();
    if (!(await store.delete(path))) {
      throw new HttpError(404, "blob_not_found", `No blob at ${JSON.stringify(path)}.`, { path });
    }
    // Its results go with it; one left behind here is swept by the reconcile timer.
    await removeDerived(store, path).catch((error: unknown) =>
      console.warn(`[blobs] results of ${path} not removed yet:`, error),
    );
    return new Response(null, { status: 204 });
  },
});
