import { z } from "zod";
import type { FieldErrors } from "../issues.ts";

/**
 * The JSON body of every error answer of our API (Better Auth's /api/auth/* keeps its own shape).
 * `code` is stable and machine-readable; `message` is for people; `details` carries specifics.
 *
 * @example { "error": { "code": "invalid_request", "message": "limit must be …", "details": { "fields": { "limit": ["…"] } } } }
 */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** The `details` of a 400 `invalid_request`: the messages by field ("" for the whole input). */
export interface InvalidRequestDetails {
  fields: FieldErrors;
}

/**
 * Reads an error body from an answer that may be anything (a proxy's HTML page, an empty body):
 * the client uses it rather than trusting the shape.
 *
 * @example errorBodySchema.safeParse(await response.json()).data?.error.code
 */
export const errorBodySchema: z.ZodType<ErrorBody> = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
