import { blobJson, checkPathname, type ProtocolContext, pathnameOf } from "../context.ts";
import { badRequest, fromStoreError, notFound } from "../errors.ts";
import { withRandomSuffix } from "../pathnames.ts";
import { type Auth, requireReadWrite } from "../tokens.ts";
import { checkParams, json, requiredParam } from "../wire.ts";
import { storeWrite, writeOptions } from "../write.ts";

/** `PUT {api}?pathname=P&fromUrl=U` (copy) and `POST {api}/rename?…` (copy, then delete the source). */
export async function copy(
  ctx: ProtocolContext,
  request: Request,
  params: URLSearchParams,
  auth: Auth,
  rename: boolean,
): Promise<Response> {
  checkParams(params, ["pathname", "fromUrl"], rename ? "rename" : "copy");
  requireReadWrite(auth, rename ? "rename" : "copy");
  const from = pathnameOf(ctx, requiredParam(params, "fromUrl"));
  const to = checkPathname(requiredParam(params, "pathname"));
  const source = await ctx.store.head(from);
  if (source === null) throw notFound();
  const write = writeOptions(request, auth, to);
  // The service does not carry cacheControlMaxAge over; the content type comes along unless given.
  if (!request.headers.get("x-content-type")) write.contentType = source.contentType;
  const target = write.addRandomSuffix ? withRandomSuffix(to) : to;
  if (rename && target === from) throw badRequest("A blob cannot be renamed to its own pathname.");
  let body: ReadableStream<Uint8Array>;
  try {
    body = (await ctx.store.get(from)).body;
  } catch (error) {
    throw fromStoreError(error);
  }
  const meta = await storeWrite(ctx, target, body, write);
  if (rename) await ctx.store.delete(from);
  return json(200, blobJson(ctx, meta));
}
