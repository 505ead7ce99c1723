import { normalizeBlobPath } from "@repo/blob-store/path";
import type { BlobMetadata } from "@repo/blob-store/types";
import { DERIVED_PREFIX, isDerivedPath } from "@repo/pipeline/result";
import { HttpError } from "./http-error.js";

/** One query parameter, given once: a missing or repeated one is a 400 naming it. */
export function singleParam(url: URL, name: string, required: true): string;
export function singleParam(url: URL, name: string, required?: false): string | undefined;
export function singleParam(url: URL, name: string, required = false): string | undefined {
  const all = url.searchParams.getAll(name);
  if (all.length > 1) {
    throw new HttpError(400, "invalid_request", `${name} was given ${all.length} times; give it once.`, {
      fields: { [name]: [`${name} was given ${all.length} times`] },
    });
  }
  const value = all[0];
  if (required && (value === undefined || value === "")) {
    throw new HttpError(400, "invalid_request", `${name} is required, e.g. ?${name}=uploads/report.csv`, {
      fields: { [name]: [`${name} is required`] },
    });
  }
  return value;
}

/** The `path` query parameter as a checked store path (a BlobInvalidPathError answers 400). */
export function pathParam(url: URL): string {
  return normalizeBlobPath(singleParam(url, "path", true));
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

/** A blob's metadata as the API shows it. */
export function blobJson(m: BlobMetadata) {
  return {
    path: m.path,
    size: m.size,
    contentType: m.contentType,
    etag: m.etag,
    uploadedAt: m.uploadedAt.toISOString(),
    meta: m.meta,
  };
}
