import { fieldErrors, firstMessage } from "@repo/validation/issues";
import type { z } from "zod";
import { HttpError } from "./http-error.js";

/** A failed schema check as a 400 naming the fields: the first problem in words, all of them by field. */
export function invalidRequest(error: z.ZodError): HttpError {
  return new HttpError(400, "invalid_request", firstMessage(error), { fields: fieldErrors(error) });
}
