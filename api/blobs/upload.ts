import { normalizeBlobPath } from "@repo/blob-store/path";
import { deleteFile, fileInfo } from "@repo/files/files";
import { resultSummary } from "@repo/pipeline/result";
import {
  blobEndpoints,
  blobUploadQuerySchema,
  SERVER_UPLOAD_MAX_BYTES,
  SERVER_UPLOAD_MAX_LABEL,
  type UploadAnswer,
} from "@repo/validation/api/blobs";
import { contentTypeAllowed, UPLOAD_LIMITS } from "@repo/validation/uploads";
import { requireUser } from "../_lib/auth.js";
import { BlobError, blobToHttpError } from "../_lib/blob-errors.js";
import { writablePath } from "../_lib/blob-query.js";
import { blobStore } from "../_lib/blob-store.js";
import { HttpError } from "../_lib/http-error.js";
import { rateLimit } from "../_lib/limits.js";
import { startProcessing } from "../_lib/pipeline.js";
import { parseQuery } from "../_lib/query.js";
import { quotaExceeded, quotaOf } from "../_lib/quota.js";
import { json } from "../_lib/respond.js";
import { route } from "../_lib/route.js";

/**
 * POST /api/blobs/upload?path=uploads/a.csv[&overwrite=true] — a small file in the request body,
 * streamed into the caller's space (never buffered whole). A server-side put: the app's own trigger.
 */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({
  POST: async (request) => {
    const { user, space } = await requireUser(request);
    const { path: named, overwrite } = parseQuery(request, blobUploadQuerySchema);
    const path = writablePath(normalizeBlobPath(named));
    if (!request.body) throw new HttpError(400, "empty_body", "Send the file's bytes as the request body.");
    const declared = Number(request.headers.get("content-length") ?? 0);
    if (declared > SERVER_UPLOAD_MAX_BYTES) {
      throw new HttpError(
        413,
        "payload_too_large",
        `Files over ${SERVER_UPLOAD_MAX_LABEL} go through the client upload (${blobEndpoints.clientUpload.path}).`,
        { maxBytes: SERVER_UPLOAD_MAX_BYTES },
      );
    }
    const contentType =
      request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase() || "application/octet-stream";
    if (!contentTypeAllowed(contentType)) {
      throw new HttpError(
        415,
        "unsupported_media_type",
        `Files of type ${contentType} are not accepted; send one of ${UPLOAD_LIMITS.allowedContentTypes.join(", ")}.`,
        { received: contentType, allowed: UPLOAD_LIMITS.allowedContentTypes },
      );
    }
    await rateLimit("uploads", user.id);
    // What is left of the quota bounds the body, as the platform's limit does; a file replaced by
    // this one gives its bytes back.
    const store = blobStore();
    const quota = await quotaOf(space);
    const replaced = overwrite ? ((await store.head(space.toStore(path)))?.size ?? 0) : 0;
    const room = quota.remainingBytes + replaced;
    if (declared > room) throw quotaExceeded(quota, declared);
    let stored: Awaited<ReturnType<typeof store.put>>;
    try {
      stored = await store.put(space.toStore(path), request.body, {
        contentType,
        overwrite,
        maxBytes: Math.min(SERVER_UPLOAD_MAX_BYTES, room),
        meta: { source: "server-upload" },
        signal: request.signal,
      });
    } catch (error) {
      // Past the room left (and within the platform's limit): the quota, not the size, refused it.
      if (error instanceof BlobError && error.code === "too_large" && room < SERVER_UPLOAD_MAX_BYTES)
        throw quotaExceeded(quota);
      if (error instanceof BlobError) throw blobToHttpError(error, path);
      throw error;
    }
    // Uploads that ran at once could each fit what was left: a new file that tips the space over
    // goes again. (One that replaced a file stays: taking it back would lose both.)
    if (!overwrite && (await quotaOf(space)).usedBytes > quota.quotaBytes) {
      await deleteFile(store, space, path);
      throw quotaExceeded(await quotaOf(space), stored.size);
    }
    // The blob trigger for a server-side put: nothing in the store fires on its own.
    const result = await startProcessing(
      { path: stored.path, etag: stored.etag, contentType: stored.contentType },
      "server-put",
    );
    return json(
      { ...fileInfo(space, stored), result: result && resultSummary(result) } satisfies UploadAnswer,
      { status: 201, headers: { "cache-control": "no-store" } },
    );
  },
});
