import { fileInfo, findFile, resultForUser } from "@repo/files/files";
import { readResult } from "@repo/pipeline/documents";
import { workflowEngine } from "@repo/pipeline/trigger";
import type { BlobResultAnswer } from "@repo/validation/api/blobs";
import { requireUser } from "../_lib/auth.js";
import { blobPath } from "../_lib/blob-query.js";
import { blobStore } from "../_lib/blob-store.js";
import { json } from "../_lib/respond.js";
import { route } from "../_lib/route.js";

/**
 * GET /api/blobs/result?path= — what processing made of the current version of one of the caller's
 * files: its result document (null until the trigger has queued it) and the state of the engine's run.
 */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({
  GET: async (request) => {
    const { space } = await requireUser(request);
    const store = blobStore();
    const blob = await findFile(store, space, blobPath(request));
    const stored = await readResult(store, blob.path, blob.etag);
    const runId = stored?.doc.runId ?? null;
    let run: BlobResultAnswer["run"] = null;
    if (runId) {
      try {
        run = { id: runId, status: await workflowEngine.runStatus(runId) };
      } catch (error) {
        // The document is the answer; the engine's view is a detail worth losing over an error.
        console.warn(`[result] run ${runId} status unavailable:`, error);
      }
    }
    return json(
      {
        blob: fileInfo(space, blob),
        result: stored ? resultForUser(space, stored.doc) : null,
        run,
      } satisfies BlobResultAnswer,
      { headers: { "cache-control": "no-store" } },
    );
  },
});
