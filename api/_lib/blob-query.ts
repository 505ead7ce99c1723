import { normalizeBlobPath } from "@repo/blob-store/path";
import { DERIVED_PREFIX, isDerivedPath } from "@repo/pipeline/result";
import { blobPathQuerySchema } from "@repo/validation/api/blobs";
import { HttpError } from "./http-error.js";
import { parseQuery } from "./query.js";

/**
 * The one file a request names (`?path=`, parsed with the contract), checked by the store's own
 * path rules: one that is not acceptable (a "..", a control character…) is a BlobInvalidPathError,
 * a 400 `blob_invalid_path` saying why.
 */
export function blobPath(request: Request): string {
  return normalizeBlobPath(parseQuery(request, blobPathQuerySchema).path);
}

/**
 * A path a client may write to: not under the pipeline's derived prefix, which holds results and
 * thumbnails (a user file there would be taken for one, and would never be processed).
 */
export function writablePath(path: string): string {
  if (isDerivedPath(path)) {
    throw new HttpError(
      400,
      "reserved_path",
      `Paths under ${DERIVED_PREFIX} hold processing results; choose another folder.`,
      { fields: { path: [`must not start with ${DERIVED_PREFIX}`] } },
    );
  }
  return path;
}
