import { resultForUser } from "@repo/files/files";
import { restartBlob } from "@repo/pipeline";
import { requireUser } from "../_lib/auth.js";
import { blobNotFound, pathParam } from "../_lib/blob-query.js";
import { blobStore } from "../_lib/blob-store.js";
import { HttpError } from "../_lib/http-error.js";
import { pipelineDeps } from "../_lib/pipeline.js";
import { json } from "../_lib/respond.js";
import { route } from "../_lib/route.js";

/**
 * POST /api/blobs/reprocess?path= — process the current version of one of the caller's files
 * again, as a new attempt. 409 while it is still queued or processing; 404 for no such file.
 */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({
  POST: async (request) => {
    const { space } = await requireUser(request);
    const path = pathParam(new URL(request.url));
    const blob = await blobStore().head(space.toStore(path));
    if (!blob) throw blobNotFound(path);
    const outcome = await restartBlob(pipelineDeps(), { path: blob.path, etag: blob.etag }, "reprocess");
    const result = outcome.result && resultForUser(space, outcome.result);
    if (outcome.reason === "start_failed") {
      throw new HttpError(
        503,
        "engine_unavailable",
        "The processing engine could not take the job right now; it is queued and the reconcile timer will start it.",
        { result },
      );
    }
    return json({ result }, { status: 202, headers: { "cache-control": "no-store" } });
  },
});
