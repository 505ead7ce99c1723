import { isDatabaseUnavailable } from "@repo/db/database";
import { PipelineError } from "@repo/pipeline/errors";
import type { ErrorBody } from "@repo/validation/api/errors";
import { isUpstreamError } from "@repo/weather/errors";
import { BlobError, blobToHttpError } from "./blob-errors.js";
import { HttpError } from "./http-error.js";
import { pipelineToHttpError } from "./pipeline-error.js";
import { upstreamToHttpError } from "./upstream-error.js";

const JSON_TYPE = "application/json; charset=utf-8";

/** A JSON response. @example json({ ok: true }, { headers: { "cache-control": "no-store" } }) */
export function json(body: unknown, init: ResponseInit = {}): Response {
  return jsonText(JSON.stringify(body), init);
}

/** A JSON response from text already serialised (or its UTF-8 bytes). */
export function jsonText(text: string | Uint8Array<ArrayBuffer>, init: ResponseInit = {}): Response {
  const given = init.headers;
  if (given === undefined || Object.getPrototypeOf(given) === Object.prototype) {
    // Headers given as a plain object stay one: the local runtime writes a plain object straight
    // to node:http, where a Headers would be built only to be read back (issue 15).
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries((given ?? {}) as Record<string, string>)) {
      if (name.toLowerCase() !== "content-type") headers[name] = value;
    }
    headers["content-type"] = JSON_TYPE;
    return new Response(text, { ...init, headers });
  }
  const headers = new Headers(given);
  headers.set("content-type", JSON_TYPE);
  return new Response(text, { ...init, headers });
}

/** Better Auth's check at its first request: the tables it needs are not all there. */
function isSchemaMismatch(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === "SCHEMA_MISMATCH";
}

/**
 * The one place errors become responses. An `HttpError` answers as it says; a blob store's or an
 * upstream provider's typed error as its HTTP equivalent; anything else is a bug
 * in our code, logged (the error only, never the request, which may hold a card number) and
 * answered with a 500 that gives nothing away.
 */
export function errorResponse(error: unknown): Response {
  if (error instanceof BlobError) return errorResponse(blobToHttpError(error));
  if (isUpstreamError(error)) return errorResponse(upstreamToHttpError(error));
  if (error instanceof PipelineError) return errorResponse(pipelineToHttpError(error));
  if (isDatabaseUnavailable(error)) {
    console.error("Database unavailable:", (error as Error).message);
    return errorResponse(
      new HttpError(
        503,
        "database_unavailable",
        "The database cannot be reached right now. Try again shortly.",
        undefined,
        {
          "retry-after": "5",
        },
      ),
    );
  }
  if (isSchemaMismatch(error)) {
    console.error((error as Error).message);
    return errorResponse(
      new HttpError(
        503,
        "database_not_migrated",
        "The database schema is behind this deployment: run pnpm db:migrate against DATABASE_URL.",
      ),
    );
  }
  if (error instanceof HttpError) {
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    if (error.details !== undefined) body.error.details = error.details;
    return json(body, {
      status: error.status,
      headers: { "cache-control": "no-store", ...error.headers },
    });
  }
  console.error("Unhandled error in function:", error);
  const body: ErrorBody = {
    error: { code: "internal_error", message: "Something went wrong on our side. Please try again." },
  };
  return json(body, { status: 500, headers: { "cache-control": "no-store" } });
}
