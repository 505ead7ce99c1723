import { BlobNotFoundError } from "@repo/blob-store/errors";
import { deleteFile, listFiles } from "@repo/files/files";
import { type BlobListAnswer, blobListQuerySchema } from "@repo/validation/api/blobs";
import { requireUser } from "../_lib/auth.js";
import { blobPath, writablePath } from "../_lib/blob-query.js";
import { blobStore } from "../_lib/blob-store.js";
import { parseQuery } from "../_lib/query.js";
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
    const query = parseQuery(request, blobListQuerySchema);
    const page = await listFiles(blobStore(), space, query);
    return json({ blobs: page.files, cursor: page.cursor } satisfies BlobListAnswer, {
      headers: { "cache-control": "no-store" },
    });
  },
  DELETE: async (request) => {
    const { space } = await requireUser(request);
    const path = writablePath(blobPath(request));
    if (!(await deleteFile(blobStore(), space, path))) throw new BlobNotFoundError(path);
    return new Response(null, { status: 204 });
  },
});
