import { BlobError, BlobRateLimitedError } from "@repo/blob-store/errors";
import { HttpError } from "./http-error.js";

const STATUS: Record<BlobError["code"], number> = {
  invalid_path: 400,
  not_found: 404,
  already_exists: 409,
  precondition_failed: 412,
  too_large: 413,
  range_not_satisfiable: 416,
  rate_limited: 503,
  store_error: 502,
};

/** A blob store's typed error as our HTTP error; `shownPath` names the blob as the caller does. */
export function blobToHttpError(error: BlobError, shownPath = error.path): HttpError {
  const headers: Record<string, string> = {};
  if (error instanceof BlobRateLimitedError && error.retryAfterSeconds) {
    headers["retry-after"] = String(error.retryAfterSeconds);
  }
  if (error.code === "range_not_satisfiable" && typeof error.details?.size === "number") {
    headers["content-range"] = `bytes */${error.details.size}`;
  }
  const details = { ...(shownPath === undefined ? {} : { path: shownPath }), ...error.details };
  const message =
    shownPath !== undefined && error.path !== undefined
      ? error.message.replaceAll(error.path, shownPath)
      : error.message;
  return new HttpError(STATUS[error.code], `blob_${error.code}`, message, details, headers);
}

export { BlobError };
