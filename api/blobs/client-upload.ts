import { normalizeBlobPath } from "@repo/blob-store/path";
import { clientUploadPayloadSchema, UPLOAD_LIMITS } from "@repo/validation/uploads";
import { type HandleUploadBody, handleUpload } from "@vercel/blob/client";
import { z } from "zod";
import { writablePath } from "../_lib/blob-query.js";
import { blobStore } from "../_lib/blob-store.js";
import { readJson } from "../_lib/body.js";
import { env } from "../_lib/env.js";
import { HttpError } from "../_lib/http-error.js";
import { startProcessing } from "../_lib/pipeline.js";
import { json } from "../_lib/respond.js";
import { route } from "../_lib/route.js";

/** handleUpload checks the body's finer shape itself; this only makes sure it is an event object. */
const eventSchema = z
  .object({ type: z.enum(["blob.generate-client-token", "blob.upload-completed"]) })
  .loose();

/** The read-write token that signs client tokens: Vercel Blob's, or the local protocol endpoint's. */
function signingToken(): string {
  const config = env();
  const token = config.BLOB_READ_WRITE_TOKEN ?? config.BLOB_LOCAL_READ_WRITE_TOKEN;
  if (!token) {
    throw new HttpError(
      503,
      "storage_not_configured",
      "Client uploads need a blob store: connect Vercel Blob (BLOB_READ_WRITE_TOKEN), or run the app with pnpm dev, which serves a local one.",
    );
  }
  return token;
}

/**
 * POST /api/blobs/client-upload — the seed's SAS-token function. The browser asks here for a client
 * token scoped to one path, a few content types, a size and ten minutes, carrying who uploads; it
 * then sends the file straight to storage. When the upload completes, storage calls back here,
 * signed with the read-write token, and handleUpload verifies that signature before we act on it.
 */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({
  POST: async (request) => {
    const body = (await readJson(request, eventSchema, {
      maxBytes: 64 * 1024,
    })) as unknown as HandleUploadBody;
    const token = signingToken();
    try {
      const answer = await handleUpload({
        body,
        request,
        token,
        onBeforeGenerateToken: async (pathname, clientPayload) => {
          const path = writablePath(normalizeBlobPath(pathname));
          let payload: unknown = {};
          try {
            payload = clientPayload ? JSON.parse(clientPayload) : {};
          } catch {
            throw new HttpError(400, "invalid_request", "clientPayload must be JSON.");
          }
          const who = clientUploadPayloadSchema.safeParse(payload);
          if (!who.success)
            throw new HttpError(400, "invalid_request", "uploader must be 1 to 80 characters.");
          return {
            allowedContentTypes: [...UPLOAD_LIMITS.allowedContentTypes],
            maximumSizeInBytes: UPLOAD_LIMITS.maxBytes,
            validUntil: Date.now() + UPLOAD_LIMITS.tokenValidSeconds * 1000,
            addRandomSuffix: false,
            allowOverwrite: false,
            callbackUrl: new URL("/api/blobs/client-upload", request.url).href,
            tokenPayload: JSON.stringify({
              path,
              uploader: who.data.uploader,
              requestedAt: new Date().toISOString(),
            }),
          };
        },
        onUploadCompleted: async ({ blob, tokenPayload }) => {
          console.log(`[client-upload] completed ${blob.pathname} for ${tokenPayload ?? "unknown uploader"}`);
          // The blob trigger: the file is in the container; start its processing. The store's own
          // head gives the version (etag) in the form every other function sees. A repeated callback
          // finds the version already claimed and starts nothing.
          const stored = await blobStore().head(normalizeBlobPath(blob.pathname));
          if (stored) await startProcessing({ path: stored.path, etag: stored.etag }, "upload");
        },
      });
      return json(answer, { headers: { "cache-control": "no-store" } });
    } catch (error) {
      if (error instanceof HttpError) throw error;
      // handleUpload throws on a bad callback signature or a malformed event: the caller's fault.
      throw new HttpError(400, "invalid_upload_event", (error as Error).message);
    }
  },
});
