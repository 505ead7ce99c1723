import { BlobError } from "@repo/blob-store/errors";
import {
  contentDisposition,
  etagMatches,
  mayShowInline,
  parseRange,
  quotedEtag,
  rangeToHonour,
  SERVED_FILE_HEADERS,
  servedBytes,
  unsatisfiableRange,
} from "@repo/blob-store/http";
import { normalizeBlobPath } from "@repo/blob-store/path";
import type { BlobStore } from "@repo/blob-store/types";
import { cacheControlOf, type ProtocolContext } from "../context.ts";
import { forbidden, fromStoreError, notFound, notImplemented, unknownMethod } from "../errors.ts";
import { isStaged, META_ACCESS } from "../protocol.ts";
import { bearerToken, safeEqual } from "../tokens.ts";
import { CORS_HEADERS } from "../wire.ts";

/**
 * `GET|HEAD {publicBaseUrl}/P`: a blob's bytes, with Range, If-Range, If-None-Match and
 * `?download=1`. Private blobs need the read-write token.
 */
export async function content(
  ctx: ProtocolContext,
  request: Request,
  sub: string,
  params: URLSearchParams,
): Promise<Response> {
  if (request.method !== "GET" && request.method !== "HEAD") throw unknownMethod(request.method);
  if (params.has("vercel-blob-delegation"))
    throw notImplemented("presigned URLs (issueSignedToken / presignUrl)");
  let pathname: string;
  try {
    pathname = normalizeBlobPath(sub.split("/").map(decodeURIComponent).join("/"));
  } catch {
    throw notFound();
  }
  if (isStaged(pathname)) throw notFound();
  const meta = await ctx.store.head(pathname);
  if (meta === null) throw notFound();
  const isPrivate = meta.meta[META_ACCESS] === "private";
  if (isPrivate && !safeEqual(bearerToken(request), ctx.readWriteToken)) throw forbidden();
  // Unlike Vercel's storage domain, this is the app's own origin: nothing stored may run here.
  // Types that could hold script (HTML, SVG, XML…) are only ever downloads, and everything is
  // sandboxed; a private blob is never offered to other origins.
  const inline = !params.has("download") && mayShowInline(meta.contentType);
  const common: Record<string, string> = {
    ...(isPrivate ? {} : CORS_HEADERS),
    ...SERVED_FILE_HEADERS,
    etag: quotedEtag(meta.etag),
    "last-modified": meta.uploadedAt.toUTCString(),
    "cache-control": cacheControlOf(meta),
    "accept-ranges": "bytes",
    "content-type": meta.contentType,
    "content-disposition": contentDisposition(inline ? "inline" : "attachment", pathname),
  };
  const ifNoneMatch = request.headers.get("if-none-match");
  if (ifNoneMatch?.split(",").some((e) => etagMatches(meta.etag, e))) {
    return new Response(null, { status: 304, headers: common });
  }
  const unsatisfiable = () =>
    new Response(null, { status: 416, headers: { ...common, ...unsatisfiableRange(meta.size) } });
  const range = parseRange(
    rangeToHonour(request.headers, { etag: meta.etag, lastModified: meta.uploadedAt }),
    meta.size,
  );
  if (range === "unsatisfiable") return unsatisfiable();
  let result: Awaited<ReturnType<BlobStore["get"]>>;
  try {
    result = await ctx.store.get(pathname, range ? { range } : {});
  } catch (error) {
    if (error instanceof BlobError && error.code === "range_not_satisfiable") return unsatisfiable();
    throw fromStoreError(error);
  }
  const m = result.metadata;
  const { status, headers: length } = servedBytes(result.range, m.size);
  const headers: Record<string, string> = {
    ...common,
    etag: quotedEtag(m.etag),
    "last-modified": m.uploadedAt.toUTCString(),
    "content-type": m.contentType,
    ...length,
  };
  if (request.method === "HEAD") {
    await result.body.cancel();
    return new Response(null, { status, headers });
  }
  return new Response(result.body, { status, headers });
}
