import { blobJson, pathParam } from "../_lib/blob-query.js";
import { blobStore } from "../_lib/blob-store.js";
import { HttpError } from "../_lib/http-error.js";
import { json } from "../_lib/respond.js";
import { route } from "../_lib/route.js";

/** GET /api/blobs/info?path= — one blob's details. */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({
  GET: async (request) => {
    const path = pathParam(new URL(request.url));
    const found = await blobStore().head(path);
    if (!found) throw new HttpError(404, "blob_not_found", `No blob at ${JSON.stringify(path)}.`, { path });
    return json(blobJson(found), { headers: { "cache-control": "no-store" } });
  },
});
