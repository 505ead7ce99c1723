import { queryRecord } from "@repo/validation/query";
import type { z } from "zod";
import { invalidRequest } from "./invalid-request.js";

/** Queries kept per schema, and the longest query string kept: a bound on what a client can fill. */
const KEPT_MAX = 256;
const KEPT_QUERY_MAX = 512;
type Output = Record<string, unknown>;
const kept = new WeakMap<z.ZodType, Map<string, Output>>();

/**
 * The request's query parsed with its endpoint's schema from the contract; a 400
 * `invalid_request` naming the fields when it does not fit.
 *
 * A query string that parsed once is not parsed again: the query schemas are pure functions of
 * the string, and a warm endpoint sees the same few queries over and over (issue 15: URL parsing
 * and the schema were a tenth of a cached weather request's handler time). Only outputs of
 * primitive values are kept, and each caller gets its own copy, so no caller sees another's edits.
 *
 * @example const { prefix, limit, cursor } = parseQuery(request, blobListQuerySchema);
 */
export function parseQuery<S extends z.ZodType>(request: Request, schema: S): z.output<S> {
  const url = request.url;
  const at = url.indexOf("?");
  const search = at === -1 ? "" : url.slice(at, hashAt(url, at));
  let bySearch = kept.get(schema);
  const known = bySearch?.get(search);
  if (known) return { ...known } as z.output<S>;
  const parsed = schema.safeParse(queryRecord(new URLSearchParams(search)));
  if (!parsed.success) throw invalidRequest(parsed.error);
  if (search.length <= KEPT_QUERY_MAX && isFlat(parsed.data)) {
    if (!bySearch) {
      bySearch = new Map();
      kept.set(schema, bySearch);
    }
    if (bySearch.size >= KEPT_MAX) bySearch.clear();
    bySearch.set(search, { ...parsed.data });
  }
  return parsed.data;
}

/** Where a fragment starts (a Request's URL has none, but a string can). */
function hashAt(url: string, from: number): number {
  const at = url.indexOf("#", from);
  return at === -1 ? url.length : at;
}

function isFlat(value: unknown): value is Output {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  for (const key in value) {
    const item = (value as Output)[key];
    if (item !== null && typeof item === "object") return false;
    if (typeof item === "function") return false;
  }
  return true;
}
