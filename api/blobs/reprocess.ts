import { findFile, resultForUser } from "@repo/files/files";
import { readResult } from "@repo/pipeline/documents";
import { restartBlob } from "@repo/pipeline/trigger";
import type { ReprocessAnswer } from "@repo/validation/api/blobs";
import { requireUser } from "../_lib/auth.js";
import { blobPath } from "../_lib/blob-query.js";
import { blobStore } from "../_lib/blob-store.js";
import { env } from "../_lib/env.js";
import { HttpError } from "../_lib/http-error.js";
import { rateLimit } from "../_lib/limits.js";
import { pipelineDeps } from "../_lib/pipeline.js";
import { json } from "../_lib/respond.js";
import { route } from "../_lib/route.js";

/**
 * POST /api/blobs/reprocess?path= — process the current version of one of the caller's files
 * again, as a new attempt. 409 while it is still queued or processing, or once the version has had
 * REPROCESS_MAX_ATTEMPTS; 429 past the per-user rate; 404 for no such file.
 */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({
  POST: async (request) => {
    const { user, space } = await requireUser(request);
    const store = blobStore();
    const blob = await findFile(store, space, blobPath(request));
    await rateLimit("reprocess", user.id);
    // Each attempt is a full pass over the file: a version is processed a few times at most.
    const max = env().REPROCESS_MAX_ATTEMPTS;
    const current = await readResult(store, blob.path, blob.etag);
    if (current && current.doc.attempt >= max) {
      throw new HttpError(
        409,
        "attempt_limit",
        `This version of the file has been processed ${current.doc.attempt} times, the most allowed; upload it again to start afresh.`,
        { attempts: current.doc.attempt, maxAttempts: max },
      );
    }
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
    return json({ result } satisfies ReprocessAnswer, {
      status: 202,
      headers: { "cache-control": "no-store" },
    });
  },
});
