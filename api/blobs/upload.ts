import { fileInfo } from "@repo/files/files";
import { resultSummary } from "@repo/pipeline/result";
import { requireUser } from "../_lib/auth.js";
import { BlobError, blobToHttpError } from "../_lib/blob-errors.js";
import { pathParam, singleParam, writablePath } from "../_lib/blob-query.js";
import { blobStore } from "../_lib/blob-store.js";
import { HttpError } from "../_lib/http-error.js";
import { startProcessing } from "../_lib/pipeline.js";
import { json } from "../_lib/respond.js";
import { route } from "../_lib/route.js";

/** The platform's request-body limit: larger files go straight to storage with a client token. */
const MAX_BYTES = 4.5 * 1024 * 1024;

/**
 * POST /api/blobs/upload?path=uploads/a.csv[&overwrite=true] — a small file in the request body,
 * streamed into the caller's space (never buffered whole). A server-side put: the app's own trigger.
 */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({
  POST: async (request) => {
    const { space } = await requireUser(request);
    const url = new URL(request.url);
    const path = writablePath(pathParam(url));
    const overwrite = singleParam(url, "overwrite");
    if (overwrite !== undefined && overwrite !== "true" && overwrite !== "false") {
      throw new HttpError(400, "invalid_request", "overwrite must be true or false.", {
        fields: { overwrite: ["overwrite must be true or false"] },
      });
    }
    if (!request.body) throw new HttpError(400, "empty_body", "Send the file's bytes as the request body.");
    const declared = Number(request.headers.get("content-length") ?? 0);
    if (declared > MAX_BYTES) {
      throw new HttpError(
        413,
        "payload_too_large",
        "Files over 4.5 MB go through the client upload (/api/blobs/client-upload).",
        { maxBytes: MAX_BYTES },
      );
    }
    const contentType =
      request.headers.get("content-type")?.split(";")[0]?.trim() || "application/octet-stream";
    let stored: Awaited<ReturnType<ReturnType<typeof blobStore>["put"]>>;
    try {
      stored = await blobStore().put(space.toStore(path), request.body, {
        contentType,
        overwrite: overwrite === "true",
        maxBytes: MAX_BYTES,
        meta: { source: "server-upload" },
        signal: request.signal,
      });
    } catch (error) {
      if (error instanceof BlobError) throw blobToHttpError(error, path);
      throw error;
    }
    // The blob trigger for a server-side put: nothing in the store fires on its own.
    const result = await startProcessing(
      { path: stored.path, etag: stored.etag, contentType: stored.contentType },
      "server-put",
    );
    return json(
      { ...fileInfo(space, stored), result: result && resultSummary(result) },
      { status: 201, headers: { "cache-control": "no-store" } },
    );
  },
});
