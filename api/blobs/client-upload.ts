import { normalizeBlobPath } from "@repo/blob-store/path";
import { existingUserIds } from "@repo/db/users";
import { deleteFile } from "@repo/files/files";
import { ownerOf, userSpace } from "@repo/files/space";
import {
  blobEndpoints,
  clientUploadEventSchema,
  clientUploadPayloadSchema,
} from "@repo/validation/api/blobs";
import { UPLOAD_LIMITS, uploadTokenPayloadSchema } from "@repo/validation/uploads";
import { BlobError as SdkBlobError } from "@vercel/blob";
import { type HandleUploadBody, handleUpload } from "@vercel/blob/client";
import { appUrl, requireUser } from "../_lib/auth.js";
import { writablePath } from "../_lib/blob-query.js";
import { blobStore } from "../_lib/blob-store.js";
import { readJson } from "../_lib/body.js";
import { database } from "../_lib/db.js";
import { env } from "../_lib/env.js";
import { HttpError } from "../_lib/http-error.js";
import { rateLimit } from "../_lib/limits.js";
import { startProcessing } from "../_lib/pipeline.js";
import { quotaExceeded, quotaOf } from "../_lib/quota.js";
import { json } from "../_lib/respond.js";
import { route } from "../_lib/route.js";

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
 * POST /api/blobs/client-upload — the seed's SAS-token function. A signed-in browser asks here for
 * a client token scoped to one path in its own space (`users/<id>/…`, the `uploadPrefix` of
 * /api/blobs/config), a few content types, a size and ten minutes; the token carries the session's
 * user id, never anything the browser says. The browser then sends the file straight to storage.
 * When the upload completes, storage calls back here, signed with the read-write token, and
 * handleUpload verifies that signature before we act on it.
 */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({
  POST: async (request) => {
    const body = (await readJson(request, clientUploadEventSchema, {
      maxBytes: 64 * 1024,
    })) as unknown as HandleUploadBody;
    // Asking for a token needs a session; the completion callback comes from storage, signed.
    const caller = body.type === "blob.generate-client-token" ? await requireUser(request) : null;
    const token = signingToken();
    try {
      const answer = await handleUpload({
        body,
        request,
        token,
        onBeforeGenerateToken: async (pathname, clientPayload) => {
          if (!caller) throw new HttpError(401, "unauthenticated", "Sign in to upload.");
          const path = caller.space.toUser(normalizeBlobPath(pathname));
          if (path === null) {
            throw new HttpError(
              403,
              "outside_your_space",
              `You can upload only into your own space: the path must start with ${caller.space.filesPrefix}.`,
              { uploadPrefix: caller.space.filesPrefix },
            );
          }
          writablePath(path);
          await rateLimit("upload-tokens", caller.user.id);
          // The token allows what is left of the quota, and no more than the file the browser says
          // it is sending; storage refuses anything larger.
          const declared = declaredSize(clientPayload);
          const quota = await quotaOf(caller.space);
          if (quota.remainingBytes === 0 || (declared !== undefined && declared > quota.remainingBytes)) {
            throw quotaExceeded(quota, declared);
          }
          const maximumSizeInBytes = Math.min(
            UPLOAD_LIMITS.maxBytes,
            quota.remainingBytes,
            declared ?? Number.POSITIVE_INFINITY,
          );
          return {
            allowedContentTypes: [...UPLOAD_LIMITS.allowedContentTypes],
            maximumSizeInBytes,
            validUntil: Date.now() + UPLOAD_LIMITS.tokenValidSeconds * 1000,
            addRandomSuffix: false,
            allowOverwrite: false,
            // From configuration, never from the request's Host header, which the caller controls.
            callbackUrl: new URL(blobEndpoints.clientUpload.path, appUrl()).href,
            tokenPayload: JSON.stringify({
              userId: caller.user.id,
              path,
              requestedAt: new Date().toISOString(),
            }),
          };
        },
        onUploadCompleted: async ({ blob, tokenPayload }) => {
          const storePath = normalizeBlobPath(blob.pathname);
          let payload: unknown = null;
          try {
            payload = JSON.parse(tokenPayload ?? "null");
          } catch {}
          const owner = uploadTokenPayloadSchema.safeParse(payload);
          if (!owner.success || ownerOf(storePath) !== owner.data.userId) {
            throw new HttpError(
              400,
              "invalid_upload_event",
              "The completion does not match a token this app issued.",
            );
          }
          const { userId, path } = owner.data;
          console.log(`[client-upload] completed ${path} for user ${userId}`);
          // The account may have been deleted while the file was on its way: the file goes too.
          if (!(await existingUserIds(database().db, [userId])).has(userId)) {
            await deleteFile(blobStore(), userSpace(userId), path);
            return;
          }
          // Two tokens issued at once could each fit what was left: the file that tips the space
          // over its quota does not stay.
          const space = userSpace(userId);
          const quota = await quotaOf(space);
          if (quota.usedBytes > quota.quotaBytes) {
            console.warn(`[client-upload] ${path} of user ${userId} went over the quota; removed`);
            await deleteFile(blobStore(), space, path);
            return;
          }
          // The blob trigger: the file is in the container; start its processing. The store's own
          // head gives the version (etag) in the form every other function sees. A repeated callback
          // finds the version already claimed and starts nothing.
          const stored = await blobStore().head(storePath);
          if (stored) {
            await startProcessing(
              { path: stored.path, etag: stored.etag, contentType: stored.contentType },
              "upload",
            );
          }
        },
      });
      return json(answer, { headers: { "cache-control": "no-store" } });
    } catch (error) {
      // handleUpload's own refusals (a bad callback signature, a malformed event) are the caller's
      // fault; anything else (the database down, say) goes to the one error mapper as it is.
      if (error instanceof SdkBlobError) throw new HttpError(400, "invalid_upload_event", error.message);
      throw error;
    }
  },
});

/** The size the browser declared in its client payload, if it declared one. */
function declaredSize(clientPayload: string | null): number | undefined {
  if (!clientPayload) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(clientPayload);
  } catch {
    throw new HttpError(400, "invalid_request", 'clientPayload must be JSON, e.g. {"size": 1024}.');
  }
  const parsed = clientUploadPayloadSchema.safeParse(value);
  if (!parsed.success) {
    throw new HttpError(400, "invalid_request", "clientPayload.size must be a whole number of bytes.");
  }
  return parsed.data.size;
}
