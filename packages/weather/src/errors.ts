/** The upstream services this package calls. */
export type UpstreamProvider = "open-meteo" | "nws";

/** Names for messages; the ids above are for logs and code. */
export const PROVIDER_NAMES: Readonly<Record<UpstreamProvider, string>> = {
  "open-meteo": "Open-Meteo",
  nws: "the National Weather Service",
};

/**
 * What went wrong, coarse enough for an HTTP handler to pick a status code from:
 * - `rate_limited`: the provider refused us for volume (429); wait `retryAfterSeconds`.
 * - `timeout`: no complete answer within the time budget.
 * - `unreachable`: the connection itself failed (DNS, refused, reset before an answer).
 * - `bad_request`: the provider says OUR request is wrong (4xx other than 429): a bug on our side.
 * - `upstream_error`: the provider failed (5xx) and kept failing after the retry.
 * - `bad_response`: an answer came but could not be used (not JSON, cut off, unexpected shape).
 */
export type UpstreamErrorKind =
  | "rate_limited"
  | "timeout"
  | "unreachable"
  | "bad_request"
  | "upstream_error"
  | "bad_response";

export interface UpstreamErrorInit {
  provider: UpstreamProvider;
  kind: UpstreamErrorKind;
  /** A sentence a person (the operator reading logs) can act on. */
  message: string;
  /** HTTP status of the last answer, or null when none came. */
  status?: number | null;
  /** The provider's own explanation (Open-Meteo `reason`, NWS problem `detail`), verbatim. */
  reason?: string | null;
  retryAfterSeconds?: number | null;
  /** How many requests were made before giving up. */
  attempts?: number;
  cause?: unknown;
}

/**
 * The one error type every upstream call in this package throws, so a handler needs a single
 * `instanceof` check and a switch on `kind`.
 *
 * @example
 * try { await fetchForecast(query, options) } catch (e) {
 *   if (e instanceof UpstreamError && e.kind === "rate_limited") retryIn(e.retryAfterSeconds);
 * }
 */
export class UpstreamError extends Error {
  override readonly name = "UpstreamError";
  readonly provider: UpstreamProvider;
  readonly kind: UpstreamErrorKind;
  readonly status: number | null;
  readonly reason: string | null;
  readonly retryAfterSeconds: number | null;
  readonly attempts: number;

  constructor(init: UpstreamErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.provider = init.provider;
    this.kind = init.kind;
    this.status = init.status ?? null;
    this.reason = init.reason ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
    this.attempts = init.attempts ?? 1;
  }

  /** The provider's display name, e.g. "Open-Meteo". */
  get providerName(): string {
    return PROVIDER_NAMES[this.provider];
  }
}

/**
 * Narrowing helper for `catch (e: unknown)` blocks.
 *
 * @example if (isUpstreamError(e) && e.provider === "nws") return null;
 */
export function isUpstreamError(error: unknown): error is UpstreamError {
  return error instanceof UpstreamError;
}
