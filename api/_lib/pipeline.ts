import { type BlobResult, configurePipeline, type TriggerDeps, triggerBlob } from "@repo/pipeline";
import { blobStore } from "./blob-store.js";
import { env } from "./env.js";

/** What the trigger functions need: the same blob container every other function uses. */
export function pipelineDeps(): TriggerDeps {
  return { store: blobStore() };
}

/** Hands the steps their blob store before the step bundle runs any of them. */
export function configureSteps(): void {
  // A bad value here must not stop processing: one worker (the default) is always right.
  const workers = env().PIPELINE_CSV_WORKERS;
  configurePipeline({ store: blobStore(), ...(workers === undefined ? {} : { csvWorkers: workers }) });
}

/**
 * Starts processing a new blob version. Never fails the upload that called it: if the claim or the
 * start cannot be made now, the reconcile timer finds the version without a result and starts it.
 */
export async function startProcessing(
  version: { path: string; etag: string },
  trigger: "upload" | "server-put",
): Promise<BlobResult | null> {
  try {
    const outcome = await triggerBlob(pipelineDeps(), version, trigger);
    return outcome.result;
  } catch (error) {
    console.error(`[pipeline] ${version.path} not queued now; the reconcile timer will pick it up:`, error);
    return null;
  }
}
