import { fileInfo } from "@repo/files/files";
import { requireUser } from "../_lib/auth.js";
import { blobNotFound, pathParam } from "../_lib/blob-query.js";
import { blobStore } from "../_lib/blob-store.js";
import { json } from "../_lib/respond.js";
import { route } from "../_lib/route.js";

/** GET /api/blobs/info?path= — one of the caller's files: size, type, etag, date. */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({
  GET: async (request) => {
    const { space } = await requireUser(request);
    const path = pathParam(new URL(request.url));
    const found = await blobStore().head(space.toStore(path));
    if (!found) throw blobNotFound(path);
    return json(fileInfo(space, found), { headers: { "cache-control": "no-store" } });
  },
});
