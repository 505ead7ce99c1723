import { headJson, type ProtocolContext, pathnameOf } from "../context.ts";
import { notFound } from "../errors.ts";
import { checkParams, json, requiredParam } from "../wire.ts";

/** `GET {api}?url=U`: a blob's metadata, by URL or pathname. */
export async function head(ctx: ProtocolContext, params: URLSearchParams): Promise<Response> {
  checkParams(params, ["url"], "head");
  const pathname = pathnameOf(ctx, requiredParam(params, "url"));
  const meta = await ctx.store.head(pathname);
  if (meta === null) throw notFound();
  return json(200, headJson(ctx, meta));
}
