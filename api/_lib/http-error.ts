/**
 * The one error type handlers throw to answer with a 4xx/5xx. `code` is stable and machine-readable;
 * `message` is for people; `details` carries structured specifics (field errors, limits).
 *
 * @example throw new HttpError(400, "invalid_request", "zipcode must be 5 digits", { field: "zipcode" })
 */
export class HttpError extends Error {
  override readonly name = "HttpError";

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}
