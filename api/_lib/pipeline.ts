import { configurePipeline } from "@repo/pipeline/context";
import { removeDerived } from "@repo/pipeline/derived";
import type { BlobResult } from "@repo/pipeline/result";
import { type TriggerDeps, triggerBlob } from "@repo/pipeline/trigger";
import { blobStore } from "./blob-store.js";
import { env } from "./env.js";

/** What the trigger functions need: the same blob container every other function uses. */
export function pipelineDeps(): TriggerDeps {
  return { store: blobStore() };
}

/** Hands the steps their blob store before the step bundle runs any of them. */
export function configureSteps(): void {
  // A bad value here must not stop processing: it reads as unset, and the pipeline's defaults serve.
  const { PIPELINE_CSV_WORKERS, PIPELINE_CHUNK_BYTES, PIPELINE_CHUNK_PARALLEL } = env();
  configurePipeline({
    store: blobStore(),
    ...(PIPELINE_CSV_WORKERS === undefined ? {} : { csvWorkers: PIPELINE_CSV_WORKERS }),
    ...(PIPELINE_CHUNK_BYTES === undefined ? {} : { chunkBytes: PIPELINE_CHUNK_BYTES }),
    ...(PIPELINE_CHUNK_PARALLEL === undefined ? {} : { chunkParallel: PIPELINE_CHUNK_PARALLEL }),
  });
}

/**
 * Starts processing a new blob version, and lets go of the results of the version it replaced.
 * Never fails the upload that called it: if the claim or the start cannot be made now, the
 * reconcile timer finds the version without a result and starts it (and removes stale results).
 */
export async function startProcessing(
  version: { path: string; etag: string; contentType: string },
  trigger: "upload" | "server-put",
): Promise<BlobResult | null> {
  try {
    const outcome = await triggerBlob(pipelineDeps(), version, trigger);
    await removeDerived(blobStore(), version.path, { etag: version.etag });
    return outcome.result;
  } catch (error) {
    console.error(`[pipeline] ${version.path} not queued now; the reconcile timer will pick it up:`, error);
    return null;
  }
}
