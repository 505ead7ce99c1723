import { normalizeBlobPath } from "@repo/blob-store/path";
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
 * The `prefix` query parameter of a listing: "" or the start of a path. Its complete segments
 * must be valid path segments (no "..", no absolute prefix).
 */
export function prefixParam(url: URL): string {
  const prefix = (singleParam(url, "prefix") ?? "").normalize("NFC");
  if (prefix === "") return prefix;
  // The prefix followed by a name must be a valid path; a trailing "/" is a folder.
  const probe = `${prefix}${prefix.endsWith("/") ? "x" : ""}`;
  try {
    normalizeBlobPath(probe);
  } catch {
    throw new HttpError(400, "invalid_request", "prefix must be the start of a valid path, e.g. uploads/", {
      fields: { prefix: ["prefix must be the start of a valid path"] },
    });
  }
  return prefix;
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

/** No file at this path, as far as the caller can tell: theirs does not exist (others' never do). */
export function blobNotFound(path: string): HttpError {
  return new HttpError(404, "blob_not_found", `No blob at ${JSON.stringify(path)}.`, { path });
}
