import { userSpace } from "@repo/files/space";
import type { BlobConfig } from "@repo/validation/api/blobs";
import { UPLOAD_LIMITS } from "@repo/validation/uploads";
import { sessionUser } from "../_lib/auth.js";
import { env } from "../_lib/env.js";
import { quotaOf } from "../_lib/quota.js";
import { json } from "../_lib/respond.js";
import { route } from "../_lib/route.js";

/**
 * GET /api/blobs/config — what the Files page needs before an upload starts: the limits, which
 * store is behind the API, when running locally where the browser's upload() should send files
 * (the dev origin's Vercel Blob protocol endpoint), and for a signed-in caller the prefix of their
 * own space, under which client tokens are issued, and how much of their quota is used. Public: it
 * tells nobody anything about anyone else's files.
 */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({
  GET: async (request) => {
    const config = env();
    const user = await sessionUser(request);
    const space = user ? userSpace(user.id) : null;
    return json(
      {
        store: config.BLOB_READ_WRITE_TOKEN ? "vercel-blob" : "filesystem",
        access: config.BLOB_ACCESS,
        clientUploads: Boolean(config.BLOB_READ_WRITE_TOKEN || config.BLOB_LOCAL_READ_WRITE_TOKEN),
        clientApiUrl: config.BLOB_READ_WRITE_TOKEN ? null : (config.BLOB_LOCAL_API_URL ?? null),
        uploadPrefix: space?.filesPrefix ?? null,
        quota: space ? await quotaOf(space) : null,
        limits: UPLOAD_LIMITS,
      } satisfies BlobConfig,
      { headers: { "cache-control": "no-store" } },
    );
  },
});
