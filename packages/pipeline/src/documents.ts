/**
 * Reading and writing result documents: the output binding's commit points. Every write is a whole
 * document replaced atomically by the store (a rename on the filesystem store, one PUT on Vercel
 * Blob), and every update is a compare-and-swap on the document's etag, so two writers never
 * interleave halves and an out-of-date writer finds out instead of clobbering.
 */
import type { BlobErrorCode } from "@repo/blob-store/errors";
import type { BlobStore } from "@repo/blob-store/types";
import { type BlobResult, resultPath } from "./result.ts";

export interface StoredResult {
  doc: BlobResult;
  /** The document blob's own etag, for the next compare-and-swap. */
  docEtag: string;
}

const JSON_TYPE = "application/json";

/**
 * The BlobError code of an error, or null. Compared by code, not `instanceof`: the step bundle and the
 * api/ function that made the store can hold two copies of the error classes (bundle vs. source).
 */
export function blobErrorCode(error: unknown): BlobErrorCode | null {
  if (error instanceof Error && error.name.startsWith("Blob") && "code" in error) {
    return (error as Error & { code: BlobErrorCode }).code;
  }
  return null;
}

export async function readResult(store: BlobStore, path: string, etag: string): Promise<StoredResult | null> {
  return readResultAt(store, resultPath(path, etag));
}

export async function readResultAt(store: BlobStore, at: string): Promise<StoredResult | null> {
  let got: Awaited<ReturnType<BlobStore["get"]>>;
  try {
    got = await store.get(at);
  } catch (error) {
    if (blobErrorCode(error) === "not_found") return null;
    throw error;
  }
  const text = await new Response(got.body).text();
  return { doc: JSON.parse(text) as BlobResult, docEtag: got.metadata.etag };
}

/**
 * Writes the first document of a version if there is none yet. The store's create-only put is the
 * claim: of any number of concurrent triggers for one (path, etag), exactly one gets `true`.
 */
export async function createResult(store: BlobStore, doc: BlobResult): Promise<StoredResult | null> {
  try {
    const meta = await store.put(resultPath(doc.path, doc.etag), JSON.stringify(doc), {
      contentType: JSON_TYPE,
      overwrite: false,
      meta: { derivedFrom: doc.path },
    });
    return { doc, docEtag: meta.etag };
  } catch (error) {
    if (blobErrorCode(error) === "already_exists") return null;
    throw error;
  }
}

/**
 * Read, change, write back if nobody wrote in between; retried a few times on a lost race. `change`
 * returns null to leave the document as it is (e.g. a newer attempt owns it now).
 */
export async function updateResult(
  store: BlobStore,
  path: string,
  etag: string,
  change: (doc: BlobResult) => BlobResult | null,
): Promise<BlobResult | null> {
  for (let round = 0; round < 8; round++) {
    const current = await readResult(store, path, etag);
    if (!current) return null;
    const next = change(current.doc);
    if (!next) return null;
    try {
      await store.put(resultPath(path, etag), JSON.stringify(next), {
        contentType: JSON_TYPE,
        ifMatch: current.docEtag,
        meta: { derivedFrom: path },
      });
      return next;
    } catch (error) {
      if (blobErrorCode(error) !== "precondition_failed") throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40 * (round + 1)));
    }
  }
  throw new Error(`result document of ${path} kept changing under us; giving up after 8 tries`);
}
