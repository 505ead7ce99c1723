import { fileInfo, findFile } from "@repo/files/files";
import type { BlobInfo } from "@repo/validation/api/blobs";
import { requireUser } from "../_lib/auth.js";
import { blobPath } from "../_lib/blob-query.js";
import { blobStore } from "../_lib/blob-store.js";
import { json } from "../_lib/respond.js";
import { route } from "../_lib/route.js";

/** GET /api/blobs/info?path= — one of the caller's files: size, type, etag, date. */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({
  GET: async (request) => {
    const { space } = await requireUser(request);
    const found = await findFile(blobStore(), space, blobPath(request));
    return json(fileInfo(space, found) satisfies BlobInfo, { headers: { "cache-control": "no-store" } });
  },
});
