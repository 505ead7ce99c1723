/**
 * Multipart uploads staged in the same store, under MULTIPART_STAGING_PREFIX: the parts and a
 * manifest signed by this server, so the handler keeps no state between requests and works when
 * every request runs in a fresh process (`vercel dev`).
 *
 *   <prefix><uploadId>/manifest.json   what `create` decided: the pathname and write options
 *   <prefix><uploadId>/part-<n>        the bytes of part n
 */
import { BlobError } from "@repo/blob-store/errors";
import { listAll } from "@repo/blob-store/list-all";
import type { BlobStore } from "@repo/blob-store/types";
import type { ProtocolContext } from "./context.ts";
import { badRequest, fromStoreError } from "./errors.ts";
import { MULTIPART_STAGING_PREFIX } from "./protocol.ts";
import { hmacHex, safeEqual } from "./tokens.ts";
import type { WriteOptions } from "./write.ts";

export interface MultipartManifest {
  requestedPathname: string;
  pathname: string;
  write: WriteOptions;
  /** HMAC of the fields above and the upload id, keyed by the read-write token: only `create` makes one. */
  mac: string;
}

export const manifestPath = (uploadId: string) => `${MULTIPART_STAGING_PREFIX}${uploadId}/manifest.json`;
const partsPrefix = (uploadId: string) => `${MULTIPART_STAGING_PREFIX}${uploadId}/part-`;
export const partPath = (uploadId: string, n: number) => `${partsPrefix(uploadId)}${n}`;

export function manifestMac(
  readWriteToken: string,
  uploadId: string,
  m: Omit<MultipartManifest, "mac">,
): string {
  return hmacHex(readWriteToken, JSON.stringify([uploadId, m.requestedPathname, m.pathname, m.write]));
}

/** Bytes staged so far for an upload, leaving out one part about to be replaced. */
export async function stagedBytes(store: BlobStore, uploadId: string, except: number): Promise<number> {
  let total = 0;
  for await (const part of listAll(store, partsPrefix(uploadId))) {
    if (part.path !== partPath(uploadId, except)) total += part.size;
  }
  return total;
}

/** The open upload a request names (x-mpu-upload-id, x-mpu-key), checked against its signed manifest. */
export async function loadManifest(
  ctx: ProtocolContext,
  request: Request,
  requested: string,
): Promise<{ uploadId: string; manifest: MultipartManifest }> {
  const uploadId = request.headers.get("x-mpu-upload-id") ?? "";
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(uploadId)) throw badRequest("Missing or malformed x-mpu-upload-id.");
  let manifest: MultipartManifest;
  try {
    manifest = JSON.parse(await new Response((await ctx.store.get(manifestPath(uploadId))).body).text());
  } catch (error) {
    if (error instanceof BlobError && error.code === "not_found") {
      throw badRequest(`No open multipart upload ${JSON.stringify(uploadId)}.`);
    }
    throw fromStoreError(error);
  }
  let key: string;
  try {
    key = decodeURIComponent(request.headers.get("x-mpu-key") ?? "");
  } catch {
    throw badRequest("x-mpu-key is not percent-encoded correctly.");
  }
  // A manifest this server did not write (planted in the store some other way) names nothing.
  const { mac, ...fields } = manifest;
  if (typeof mac !== "string" || !safeEqual(mac, manifestMac(ctx.readWriteToken, uploadId, fields))) {
    throw badRequest(`No open multipart upload ${JSON.stringify(uploadId)}.`);
  }
  if (key !== manifest.pathname || requested !== manifest.requestedPathname) {
    throw badRequest("x-mpu-key and pathname do not match the multipart upload.");
  }
  return { uploadId, manifest };
}

/** Deletes every staged piece (parts and manifest) of one multipart upload. */
export async function removeStagedUpload(store: BlobStore, uploadId: string): Promise<void> {
  const staged: string[] = [];
  for await (const blob of listAll(store, `${MULTIPART_STAGING_PREFIX}${uploadId}/`)) staged.push(blob.path);
  await Promise.all(staged.map((path) => store.delete(path)));
}
