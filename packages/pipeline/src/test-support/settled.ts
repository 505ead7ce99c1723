import type { BlobStore } from "@repo/blob-store/types";
import { readResult } from "../documents.ts";
import type { BlobResult } from "../result.ts";

/** Polls a version's result document until it is done or failed. */
export async function settled(
  store: BlobStore,
  path: string,
  etag: string,
  timeoutMs = 45_000,
): Promise<BlobResult> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const doc = (await readResult(store, path, etag))?.doc;
    if (doc && (doc.status === "done" || doc.status === "failed")) return doc;
    if (Date.now() > until)
      throw new Error(`${path} still ${doc?.status ?? "without a result"} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
