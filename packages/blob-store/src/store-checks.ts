/**
 * What every store checks of its arguments, in one place, so the stores agree: put()'s opening
 * (the path and meta checked, the options checked against each other, an aborted signal honoured;
 * any failure cancels the body, so a caller's stream is never left hanging), list()'s page size and
 * get()'s range.
 */
import { BlobRangeNotSatisfiableError } from "./errors.ts";
import type { BlobBody, ByteRange, PutOptions } from "./types.ts";

/** Cancels a body that will not be read (a stream not yet locked by a reader). */
export function cancelBody(body: BlobBody, reason: unknown): void {
  if (body instanceof ReadableStream && !body.locked) body.cancel(reason).catch(() => {});
}

/** A copy of `meta`, checked to be an object of strings. */
export function checkMeta(meta: Record<string, string> | undefined): Record<string, string> {
  if (meta === undefined) return {};
  if (typeof meta !== "object" || meta === null || Array.isArray(meta)) {
    throw new TypeError("meta must be an object of strings");
  }
  const copy: Record<string, string> = {};
  for (const [key, value] of Object.entries(meta)) {
    if (typeof value !== "string") throw new TypeError(`meta.${key} must be a string`);
    copy[key] = value;
  }
  return copy;
}

/**
 * The opening of put(): the store's own path check (`checkPath`), meta and options; throws after
 * cancelling the body.
 *
 * @example const { path, meta } = beginPut(path, body, options, normalizeBlobPath);
 */
export function beginPut(
  path: string,
  body: BlobBody,
  options: PutOptions,
  checkPath: (path: string) => string,
): { path: string; meta: Record<string, string> } {
  try {
    const normalized = checkPath(path);
    const meta = checkMeta(options.meta);
    if (options.ifMatch !== undefined && options.overwrite === false) {
      throw new TypeError("ifMatch replaces a blob, so it cannot be combined with overwrite: false");
    }
    options.signal?.throwIfAborted();
    return { path: normalized, meta };
  } catch (err) {
    cancelBody(body, err);
    throw err;
  }
}

/**
 * list()'s page size: 1 to 1000, 100 when not given.
 *
 * @example listLimit(5000) // 1000
 */
export function listLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return 100;
  return Math.min(1000, Math.max(1, Math.floor(limit)));
}

/**
 * Refuses a range that is no range at all (not whole numbers, negative, or ending before it
 * starts) as unsatisfiable; whether it lies within the blob is for the store to say.
 */
export function checkRange(path: string, size: number, range: ByteRange): void {
  const { start, end } = range;
  if (
    !Number.isSafeInteger(start) ||
    start < 0 ||
    (end !== undefined && (!Number.isSafeInteger(end) || end < start))
  ) {
    throw new BlobRangeNotSatisfiableError(path, size);
  }
}
