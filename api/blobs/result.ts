import { readResult, workflowEngine } from "@repo/pipeline";
import { blobJson, pathParam } from "../_lib/blob-query.js";
import { blobStore } from "../_lib/blob-store.js";
import { HttpError } from "../_lib/http-error.js";
import { json } from "../_lib/respond.js";
import { route } from "../_lib/route.js";

/**
 * GET /api/blobs/result?path= — what processing made of the file's current version: its result
 * document (null until the trigger has queued it) and the state of the engine's run.
 */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({
  GET: async (request) => {
    const path = pathParam(new URL(request.url));
    const store = blobStore();
    const blob = await store.head(path);
    if (!blob) throw new HttpError(404, "blob_not_found", `No blob at ${JSON.stringify(path)}.`, { path });
    const stored = await readResult(store, blob.path, blob.etag);
    const runId = stored?.doc.runId ?? null;
    let run: { id: string; status: string } | null = null;
    if (runId) {
      try {
        run = { id: runId, status: await workflowEngine.runStatus(runId) };
      } catch (error) {
        // The document is the answer; the engine's view is a detail worth losing over an error.
        console.warn(`[result] run ${runId} status unavailable:`, error);
      }
    }
    return json(
      { blob: blobJson(blob), result: stored?.doc ?? null, run },
      { headers: { "cache-control": "no-store" } },
    );
  },
});
