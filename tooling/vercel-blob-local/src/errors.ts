import { BlobError } from "@repo/blob-store/errors";
import { PROTOCOL_SDK_VERSION, SUPPORTED_API_VERSIONS } from "./protocol.ts";

/** A protocol answer other than success: `{ error: { code, message } }`, the body the SDK's getBlobError reads. */
export class ProtocolError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const PREFIX = `Vercel Blob protocol server (@vercel/blob ${PROTOCOL_SDK_VERSION}, x-api-version ${SUPPORTED_API_VERSIONS.join("|")})`;

/**
 * Anything the server does not know (route, parameter, header, version) is answered loudly, never
 * guessed, so an SDK upgrade that changes the protocol fails a test. Code "bad_request" makes the
 * SDK throw a BlobError carrying the message.
 */
export function unknown(what: string, detail: Record<string, unknown>): ProtocolError {
  return new ProtocolError(400, "bad_request", `${PREFIX}: unknown ${what}`, {
    unknown: { what, ...detail },
  });
}

/** A method the content route does not serve. */
export function unknownMethod(method: string): ProtocolError {
  return new ProtocolError(405, "bad_request", `${PREFIX}: unknown method ${method} for blob content`, {
    unknown: { what: "method", method },
  });
}

/** A route the SDK has and this server does not implement. */
export function notImplemented(feature: string): ProtocolError {
  return new ProtocolError(501, "bad_request", `${PREFIX}: ${feature} is not implemented by this server`, {
    unknown: { what: "feature", feature },
  });
}

export const forbidden = (message = "Access denied, please provide a valid token for this resource.") =>
  new ProtocolError(403, "forbidden", message);

export const storeNotFound = () => new ProtocolError(403, "store_not_found", "This store does not exist.");

export const notFound = () => new ProtocolError(404, "not_found", "The requested blob does not exist");

export const badRequest = (message: string, extra: Record<string, unknown> = {}) =>
  new ProtocolError(400, "bad_request", message, extra);

export const preconditionFailed = () =>
  new ProtocolError(412, "precondition_failed", "Precondition failed: ETag mismatch.");

export const alreadyExists = () =>
  badRequest(
    "This blob already exists, use `allowOverwrite: true` if you want to overwrite it. Or `addRandomSuffix: true` to generate a unique filename.",
  );

// The SDK recognises these by message text (getBlobError), so the wording matters.
export const fileTooLarge = (max: number) =>
  new ProtocolError(413, "file_too_large", `the file length cannot be greater than ${max} bytes`);

/** Translates the store's typed errors into the service's answers. */
export function fromStoreError(error: unknown): ProtocolError {
  if (error instanceof ProtocolError) return error;
  if (error instanceof BlobError) {
    switch (error.code) {
      case "not_found":
        return notFound();
      case "already_exists":
        return alreadyExists();
      case "precondition_failed":
        return preconditionFailed();
      case "too_large":
        return fileTooLarge(Number(error.details?.maxBytes ?? 0));
      case "invalid_path":
        return badRequest(`Invalid pathname: ${error.message}`);
      case "rate_limited": {
        const retryAfter = error.details?.retryAfterSeconds;
        return new ProtocolError(
          429,
          "rate_limited",
          "Too many requests",
          {},
          typeof retryAfter === "number" ? { "retry-after": String(retryAfter) } : {},
        );
      }
      default:
        break;
    }
  }
  return new ProtocolError(
    500,
    "internal_server_error",
    error instanceof Error ? error.message : String(error),
  );
}
