/**
 * The Vercel Blob wire protocol this server speaks, as @vercel/blob 2.8.0 sends it (read from its
 * dist/ code), with x-api-version 12:
 *
 *   PUT  {api}/?pathname=P                      put (body = content)
 *   GET  {api}?url=U                            head
 *   GET  {api}?limit=&prefix=&cursor=&mode=     list (mode "expanded" | "folded")
 *   PUT  {api}?pathname=P&fromUrl=U             copy
 *   POST {api}/rename?pathname=P&fromUrl=U      rename (copy, then delete the source)
 *   POST {api}/delete  {"urls":[…]}             del
 *   POST {api}/mpu?pathname=P  x-mpu-action: create | upload | complete   multipart
 *   GET|HEAD {publicBaseUrl}/P                  content, with Range, If-None-Match, ?download=1
 *
 * Write headers: x-vercel-blob-access, x-content-type, x-add-random-suffix, x-allow-overwrite,
 * x-cache-control-max-age, x-if-match; multipart: x-mpu-action, x-mpu-key, x-mpu-upload-id,
 * x-mpu-part-number. Auth: `authorization: Bearer <read-write token | client token>`.
 */

/** The SDK release whose requests this server was written against. */
export const PROTOCOL_SDK_VERSION = "2.8.0";
/** The x-api-version values that SDK sends (its BLOB_API_VERSION). */
export const SUPPORTED_API_VERSIONS: readonly string[] = ["12"];
/** Where multipart parts and manifests live in the underlying store while an upload is open. */
export const MULTIPART_STAGING_PREFIX = ".vercel-blob-protocol/multipart/";
/** Vercel's documented default cache lifetime for blobs: one month. */
export const DEFAULT_CACHE_CONTROL_MAX_AGE = 30 * 24 * 60 * 60;

/** The store meta keys that carry what Vercel keeps per blob and the BlobStore has no field for. */
export const META_ACCESS = "vercel-blob-access";
export const META_CACHE_MAX_AGE = "vercel-blob-cache-control-max-age";

/** Headers of the protocol's own families; any of them this server does not know is refused. */
export const PROTOCOL_HEADER = /^x-(vercel-blob-|api-|mpu-|add-|allow-|cache-control-|content-|if-)/;
export const KNOWN_HEADERS: ReadonlySet<string> = new Set([
  "x-vercel-blob-access",
  "x-vercel-blob-store-id",
  "x-api-version",
  "x-api-blob-request-id",
  "x-api-blob-request-attempt",
  "x-content-length",
  "x-content-type",
  "x-add-random-suffix",
  "x-allow-overwrite",
  "x-cache-control-max-age",
  "x-if-match",
  "x-mpu-action",
  "x-mpu-key",
  "x-mpu-upload-id",
  "x-mpu-part-number",
]);

/** True for the staging area of multipart uploads: hidden from list, refused as a pathname. */
export function isStaged(pathname: string): boolean {
  return pathname.startsWith(MULTIPART_STAGING_PREFIX);
}
