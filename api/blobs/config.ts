import { UPLOAD_LIMITS } from "@repo/validation/uploads";
import { env } from "../_lib/env.js";
import { json } from "../_lib/respond.js";
import { route } from "../_lib/route.js";

/**
 * GET /api/blobs/config — what the Files page needs before an upload starts: the limits, which
 * store is behind the API, and, when running locally, where the browser's upload() should send
 * files (the dev origin's Vercel Blob protocol endpoint).
 */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({
  GET: () => {
    const config = env();
    return json(
      {
        store: config.BLOB_READ_WRITE_TOKEN ? "vercel-blob" : "filesystem",
        clientUploads: Boolean(config.BLOB_READ_WRITE_TOKEN || config.BLOB_LOCAL_READ_WRITE_TOKEN),
        clientApiUrl: config.BLOB_READ_WRITE_TOKEN ? null : (config.BLOB_LOCAL_API_URL ?? null),
        limits: UPLOAD_LIMITS,
      },
      { headers: { "cache-control": "no-store" } },
    );
  },
});
