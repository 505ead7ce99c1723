import { deleteFile, listFiles } from "@repo/files/files";
import { requireUser } from "../_lib/auth.js";
import { blobNotFound, pathParam, prefixParam, singleParam, writablePath } from "../_lib/blob-query.js";
import { blobStore } from "../_lib/blob-store.js";
import { HttpError } from "../_lib/http-error.js";
import { json } from "../_lib/respond.js";
import { route } from "../_lib/route.js";

/**
 * GET /api/blobs?prefix=&cursor=&limit= lists the caller's files, a page at a time, each with the
 * status of its processing (null before the trigger has queued it).
 * DELETE /api/blobs?path= deletes one of the caller's files and its results.
 */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({
  GET: async (request) => {
    const { space } = await requireUser(request);
    const url = new URL(request.url);
    const limitText = singleParam(url, "limit") ?? "100";
    const limit = Number(limitText);
    if (!/^\d{1,4}$/.test(limitText) || limit < 1 || limit > 1000) {
      throw new HttpError(400, "invalid_request", "limit must be a whole number from 1 to 1000.", {
        fields: { limit: ["limit must be a whole number from 1 to 1000"] },
      });
    }
    const page = await listFiles(blobStore(), space, {
      prefix: prefixParam(url),
      limit,
      cursor: singleParam(url, "cursor") || null,
    });
    return json({ blobs: page.files, cursor: page.cursor }, { headers: { "cache-control": "no-store" } });
  },
  DELETE: async (request) => {
    const { space } = await requireUser(request);
    const path = writablePath(pathParam(new URL(request.url)));
    if (!(await deleteFile(blobStore(), space, path))) throw blobNotFound(path);
    return new Response(null, { status: 204 });
  },
});
