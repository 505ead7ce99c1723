import { etagMatches } from "@repo/blob-store/http";
import { type ProtocolContext, pathnameOf } from "../context.ts";
import { badRequest, fromStoreError, preconditionFailed, unknown } from "../errors.ts";
import { type Auth, requireReadWrite } from "../tokens.ts";
import { checkParams, json, readJson } from "../wire.ts";

/** `POST {api}/delete {"urls": […]}`: deletes each; x-if-match holds a single delete to a version. */
export async function del(
  ctx: ProtocolContext,
  request: Request,
  params: URLSearchParams,
  auth: Auth,
): Promise<Response> {
  checkParams(params, [], "delete");
  requireReadWrite(auth, "delete");
  const body = await readJson(request);
  const urls = (body as { urls?: unknown } | null)?.urls;
  if (!Array.isArray(urls) || !urls.every((u) => typeof u === "string")) {
    throw badRequest('The body must be {"urls": [string, …]}.');
  }
  for (const key of Object.keys(body as object)) {
    if (key !== "urls") throw unknown("delete body field", { field: key });
  }
  const ifMatch = request.headers.get("x-if-match");
  if (ifMatch !== null && urls.length !== 1)
    throw badRequest("ifMatch can only be used when deleting a single URL.");
  const pathnames = urls.map((url) => pathnameOf(ctx, url));
  for (const pathname of pathnames) {
    if (ifMatch !== null) {
      const current = await ctx.store.head(pathname);
      if (current === null || !etagMatches(current.etag, ifMatch)) throw preconditionFailed();
    }
    try {
      await ctx.store.delete(pathname);
    } catch (error) {
      throw fromStoreError(error);
    }
  }
  return json(200, {});
}
