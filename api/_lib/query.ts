import { queryRecord } from "@repo/validation/query";
import type { z } from "zod";
import { invalidRequest } from "./invalid-request.js";

/**
 * The request's query parsed with its endpoint's schema from the contract; a 400
 * `invalid_request` naming the fields when it does not fit.
 *
 * @example const { prefix, limit, cursor } = parseQuery(request, blobListQuerySchema);
 */
export function parseQuery<S extends z.ZodType>(request: Request, schema: S): z.output<S> {
  const parsed = schema.safeParse(queryRecord(new URL(request.url).searchParams));
  if (!parsed.success) throw invalidRequest(parsed.error);
  return parsed.data;
}
