import type { UpstreamError } from "@repo/weather/errors";
import { HttpError } from "./http-error.js";

/**
 * An upstream failure as our answer: the right 5xx, a message a person can act on, and a log line
 * for the operator (a 400 from a provider means our request was wrong: that is our bug).
 */
export function upstreamToHttpError(error: UpstreamError): HttpError {
  const name = error.providerName;
  console.error(
    `[upstream] ${error.provider} ${error.kind} status=${error.status ?? "-"} attempts=${error.attempts}` +
      (error.reason ? ` reason=${JSON.stringify(error.reason)}` : ""),
  );
  switch (error.kind) {
    case "rate_limited": {
      const wait = Math.max(1, Math.ceil(error.retryAfterSeconds ?? 60));
      return new HttpError(
        503,
        "upstream_rate_limited",
        `${name} is limiting requests from this server right now. Try again in ${formatWait(wait)}.`,
        { provider: name, retryAfterSeconds: wait },
        { "retry-after": String(wait) },
      );
    }
    case "timeout":
      return new HttpError(
        504,
        "upstream_timeout",
        `${name} did not answer in time (${error.attempts} ${error.attempts === 1 ? "try" : "tries"}). Try again in a minute.`,
        { provider: name },
      );
    case "unreachable":
      return new HttpError(
        502,
        "upstream_unreachable",
        `${name} could not be reached from this server. Try again in a minute; if it persists, check the service's status page.`,
        { provider: name },
      );
    case "bad_request":
      return new HttpError(
        502,
        "upstream_rejected_request",
        `${name} refused the request this server made; this is our bug and it has been logged.`,
        { provider: name },
      );
    case "bad_response":
      return new HttpError(
        502,
        "upstream_bad_response",
        `${name} sent an answer this server could not read. Try again in a minute.`,
        { provider: name },
      );
    default:
      return new HttpError(
        502,
        "upstream_error",
        `${name} is failing (HTTP ${error.status ?? "error"}). Try again in a few minutes.`,
        { provider: name },
      );
  }
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} minutes`;
  return `${Math.round(seconds / 3600)} hours`;
}
