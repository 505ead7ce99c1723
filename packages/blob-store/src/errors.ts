/** What went wrong, as a stable code; handlers map codes to HTTP statuses in one place. */
export type BlobErrorCode =
  | "not_found"
  | "already_exists"
  | "precondition_failed"
  | "rate_limited"
  | "too_large"
  | "invalid_path"
  | "range_not_satisfiable"
  | "store_error";

/**
 * The one error type of every BlobStore. `code` says which case; `path` names the blob when there
 * is one. Subclasses exist so `instanceof` reads well at call sites.
 */
export class BlobError extends Error {
  override readonly name: string = "BlobError";
  constructor(
    readonly code: BlobErrorCode,
    message: string,
    readonly path?: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class BlobNotFoundError extends BlobError {
  override readonly name = "BlobNotFoundError";
  constructor(path: string) {
    super("not_found", `No blob at ${JSON.stringify(path)}.`, path);
  }
}

export class BlobAlreadyExistsError extends BlobError {
  override readonly name = "BlobAlreadyExistsError";
  constructor(path: string) {
    super(
      "already_exists",
      `A blob already exists at ${JSON.stringify(path)}; allow overwriting to replace it.`,
      path,
    );
  }
}

export class BlobPreconditionFailedError extends BlobError {
  override readonly name = "BlobPreconditionFailedError";
  constructor(path: string, expected: string, actual: string | null) {
    super("precondition_failed", `The blob at ${JSON.stringify(path)} changed since it was read.`, path, {
      expected,
      actual,
    });
  }
}

export class BlobRateLimitedError extends BlobError {
  override readonly name = "BlobRateLimitedError";
  constructor(
    readonly retryAfterSeconds: number | null,
    options?: { cause?: unknown },
  ) {
    super(
      "rate_limited",
      "The blob store is limiting requests; try again shortly.",
      undefined,
      { retryAfterSeconds },
      options,
    );
  }
}

export class BlobTooLargeError extends BlobError {
  override readonly name = "BlobTooLargeError";
  constructor(path: string, maxBytes: number) {
    super("too_large", `The blob for ${JSON.stringify(path)} is larger than ${maxBytes} bytes.`, path, {
      maxBytes,
    });
  }
}

export class BlobInvalidPathError extends BlobError {
  override readonly name = "BlobInvalidPathError";
  constructor(path: string, reason: string) {
    super("invalid_path", `Not a valid blob path: ${reason}.`, path.slice(0, 200), { reason });
  }
}

export class BlobRangeNotSatisfiableError extends BlobError {
  override readonly name = "BlobRangeNotSatisfiableError";
  constructor(path: string, size: number) {
    super("range_not_satisfiable", `The range asked for lies outside the blob (${size} bytes).`, path, {
      size,
    });
  }
}
