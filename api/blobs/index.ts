import { blobJson, pathParam, singleParam } from "../_lib/blob-query.js";
import { blobStore } from "../_lib/blob-store.js";
import { HttpError } from "../_lib/http-error.js";
import { json } from "../_lib/respond.js";
import { route } from "../_lib/route.js";

/**
 * GET /api/blobs?prefix=&cursor=&limit= lists the container, a page at a time.
 * DELETE /api/blobs?path= deletes one blob.
 */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({
  GET: async (request) => {
    const url = new URL(request.url);
    const limitText = singleParam(url, "limit") ?? "100";
    const limit = Number(limitText);
    if (!/^\d{1,4}$/.test(limitText) || limit < 1 || limit > 1000) {
      throw new HttpError(400, "invalid_request", "limit must be a whole number from 1 to 1000.", {
        fields: { limit: ["limit must be a whole number from 1 to 1000"] },
      });
    }
    const prefix = singleParam(url, "prefix") ?? "";
    const cursor = singleParam(url, "cursor") || undefined;
    const page = await blobStore().list({ prefix, limit, ...(cursor ? { cursor } : {}) });
    return json(
      { blobs: page.blobs.map(blobJson), cursor: page.cursor },
      { headers: { "cache-control": "no-store" } },
    );
  },
  DELETE: async (request) => {
    const path = pathParam(new URL(request.url));
    if (!(await blobStore().delete(path))) {
      throw new HttpError(404, "blob_not_found", `No blob at ${JSON.stringify(path)}.`, { path });
    }
    return new Response(null, { status: 204 });
  },
});
