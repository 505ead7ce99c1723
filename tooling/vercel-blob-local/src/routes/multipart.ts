import { randomBytes } from "node:crypto";
import { BlobError } from "@repo/blob-store/errors";
import { etagMatches, quotedEtag } from "@repo/blob-store/http";
import { concatStreams } from "../concat-streams.ts";
import { blobJson, checkPathname, type ProtocolContext } from "../context.ts";
import { badRequest, fileTooLarge, fromStoreError, unknown } from "../errors.ts";
import { withRandomSuffix } from "../pathnames.ts";
import {
  loadManifest,
  type MultipartManifest,
  manifestMac,
  manifestPath,
  partPath,
  removeStagedUpload,
  stagedBytes,
} from "../staging.ts";
import type { Auth } from "../tokens.ts";
import { checkParams, json, readJson, requiredParam } from "../wire.ts";
import { precheckWrite, storeWrite, uploadCompleted, writeOptions } from "../write.ts";

/** `POST {api}/mpu?pathname=P` with x-mpu-action create, upload or complete. */
export async function multipart(
  ctx: ProtocolContext,
  request: Request,
  params: URLSearchParams,
  auth: Auth,
): Promise<Response> {
  checkParams(params, ["pathname"], "mpu");
  const requested = checkPathname(requiredParam(params, "pathname"));
  const action = request.headers.get("x-mpu-action");
  if (action === "create") return create(ctx, request, requested, auth);
  // A client token is checked again on every request of the upload, not only at `create`.
  if (action === "upload" || action === "complete") {
    if (auth.kind === "client") writeOptions(request, auth, requested);
    const open = await loadManifest(ctx, request, requested);
    return action === "upload" ? uploadPart(ctx, request, open) : complete(ctx, request, open, auth);
  }
  throw unknown("x-mpu-action", { action });
}

async function create(ctx: ProtocolContext, request: Request, requested: string, auth: Auth) {
  const write = writeOptions(request, auth, requested);
  const pathname = write.addRandomSuffix ? withRandomSuffix(requested) : requested;
  await precheckWrite(ctx, pathname, write);
  const uploadId = randomBytes(24).toString("base64url");
  const fields = { requestedPathname: requested, pathname, write };
  const manifest: MultipartManifest = { ...fields, mac: manifestMac(ctx.readWriteToken, uploadId, fields) };
  try {
    await ctx.store.put(manifestPath(uploadId), JSON.stringify(manifest), {
      contentType: "application/json",
    });
  } catch (error) {
    throw fromStoreError(error);
  }
  return json(200, { key: pathname, uploadId });
}

interface OpenUpload {
  uploadId: string;
  manifest: MultipartManifest;
}

async function uploadPart(ctx: ProtocolContext, request: Request, { uploadId, manifest }: OpenUpload) {
  const partNumber = Number(request.headers.get("x-mpu-part-number"));
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000) {
    throw badRequest("x-mpu-part-number must be an integer from 1 to 10000.");
  }
  const limit = manifest.write.maxBytes;
  try {
    // Parts count against the upload's size limit as they arrive, not only at `complete`.
    const room =
      limit === undefined ? undefined : limit - (await stagedBytes(ctx.store, uploadId, partNumber));
    if (room !== undefined && room < 0) throw fileTooLarge(limit ?? 0);
    const part = await ctx.store.put(partPath(uploadId, partNumber), request.body ?? new Uint8Array(), {
      overwrite: true,
      contentType: "application/octet-stream",
      ...(room !== undefined ? { maxBytes: room } : {}),
    });
    return json(200, { etag: quotedEtag(part.etag) });
  } catch (error) {
    // The part did not fit in what is left: the limit named is the upload's own.
    if (error instanceof BlobError && error.code === "too_large" && limit !== undefined) {
      throw fileTooLarge(limit);
    }
    throw fromStoreError(error);
  }
}

async function complete(
  ctx: ProtocolContext,
  request: Request,
  { uploadId, manifest }: OpenUpload,
  auth: Auth,
) {
  const body = await readJson(request);
  if (
    !Array.isArray(body) ||
    !body.every(
      (p) =>
        typeof p === "object" &&
        p !== null &&
        Number.isInteger((p as { partNumber?: unknown }).partNumber) &&
        typeof (p as { etag?: unknown }).etag === "string",
    )
  ) {
    throw badRequest('The body must be [{"partNumber": n, "etag": "…"}, …].');
  }
  // The SDK sends parts in the order they finished; the object is their partNumber order.
  const parts = (body as Array<{ partNumber: number; etag: string }>).toSorted(
    (a, b) => a.partNumber - b.partNumber,
  );
  let total = 0;
  for (const [i, part] of parts.entries()) {
    if (i > 0 && parts[i - 1]?.partNumber === part.partNumber)
      throw badRequest(`Part ${part.partNumber} is listed twice.`);
    const staged = await ctx.store.head(partPath(uploadId, part.partNumber));
    if (staged === null) throw badRequest(`Part ${part.partNumber} was not uploaded.`);
    if (!etagMatches(staged.etag, part.etag))
      throw badRequest(`Part ${part.partNumber} has a different etag.`);
    total += staged.size;
  }
  if (manifest.write.maxBytes !== undefined && total > manifest.write.maxBytes) {
    throw fileTooLarge(manifest.write.maxBytes);
  }
  const content = concatStreams(
    parts.map((part) => async () => (await ctx.store.get(partPath(uploadId, part.partNumber))).body),
  );
  const meta = await storeWrite(ctx, manifest.pathname, content, manifest.write);
  try {
    await removeStagedUpload(ctx.store, uploadId);
  } catch (error) {
    ctx.log("could not remove the staged parts of a finished multipart upload", {
      uploadId,
      error: String(error),
    });
  }
  const blob = blobJson(ctx, meta);
  await uploadCompleted(ctx, auth, blob);
  return json(200, blob);
}
