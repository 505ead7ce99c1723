/**
 * A write as the service does it, shared by put, copy and multipart completion: the options from
 * headers or from the client token (checked against it), the early refusals, the store write, and
 * the signed upload-completed callback.
 */
import { etagMatches } from "@repo/blob-store/http";
import type { BlobMetadata } from "@repo/blob-store/types";
import { contentTypeFromPathname } from "./content-type.ts";
import type { BlobJson, ProtocolContext } from "./context.ts";
import { alreadyExists, badRequest, fromStoreError, preconditionFailed } from "./errors.ts";
import { DEFAULT_CACHE_CONTROL_MAX_AGE, META_ACCESS, META_CACHE_MAX_AGE } from "./protocol.ts";
import { type Auth, contentTypeAllowed, signCallbackBody } from "./tokens.ts";
import { flag, nonNegativeInteger } from "./wire.ts";

export interface WriteOptions {
  access: "public" | "private";
  contentType: string;
  addRandomSuffix: boolean;
  allowOverwrite: boolean;
  cacheControlMaxAge: number;
  ifMatch?: string;
  maxBytes?: number;
}

/** Write options from headers (read-write token) or from the token payload (client token), checked against the token. */
export function writeOptions(request: Request, auth: Auth, requestedPathname: string): WriteOptions {
  const h = request.headers;
  const access = h.get("x-vercel-blob-access");
  if (access !== "public" && access !== "private") {
    throw badRequest(
      `x-vercel-blob-access must be "public" or "private", not ${JSON.stringify(access)}.`,
      access === null
        ? {}
        : { unknown: { what: "header value", header: "x-vercel-blob-access", value: access } },
    );
  }
  const contentType = h.get("x-content-type") || contentTypeFromPathname(requestedPathname);
  if (auth.kind === "client") {
    const p = auth.payload;
    if (p.pathname !== requestedPathname) {
      // The SDK maps '"pathname"' + "does not match the token payload" to BlobPathnameMismatchError.
      throw badRequest(
        `the "pathname" ${JSON.stringify(requestedPathname)} does not match the token payload (${JSON.stringify(p.pathname)})`,
      );
    }
    if (p.allowedContentTypes?.length && !contentTypeAllowed(contentType, p.allowedContentTypes)) {
      // The SDK maps "contentType" + "is not allowed" to BlobContentTypeNotAllowedError.
      throw badRequest(
        `contentType ${JSON.stringify(contentType)} is not allowed (allowed: ${p.allowedContentTypes.join(", ")})`,
      );
    }
    return {
      access,
      contentType,
      addRandomSuffix: p.addRandomSuffix ?? false,
      allowOverwrite: (p.allowOverwrite ?? false) || p.ifMatch !== undefined,
      cacheControlMaxAge: p.cacheControlMaxAge ?? DEFAULT_CACHE_CONTROL_MAX_AGE,
      ...(p.ifMatch !== undefined ? { ifMatch: p.ifMatch } : {}),
      ...(p.maximumSizeInBytes !== undefined ? { maxBytes: p.maximumSizeInBytes } : {}),
    };
  }
  const ifMatch = h.get("x-if-match") ?? undefined;
  const allowOverwrite = flag(h, "x-allow-overwrite");
  if (ifMatch !== undefined && allowOverwrite === false) {
    throw badRequest("ifMatch and allowOverwrite: false are contradictory.");
  }
  return {
    access,
    contentType,
    addRandomSuffix: flag(h, "x-add-random-suffix") ?? false,
    allowOverwrite: (allowOverwrite ?? false) || ifMatch !== undefined,
    cacheControlMaxAge:
      nonNegativeInteger(h.get("x-cache-control-max-age"), "x-cache-control-max-age") ??
      DEFAULT_CACHE_CONTROL_MAX_AGE,
    ...(ifMatch !== undefined ? { ifMatch } : {}),
  };
}

/** Early answers for a write that cannot succeed, before a body is read; the etag to hold the store to. */
export async function precheckWrite(
  ctx: ProtocolContext,
  pathname: string,
  write: WriteOptions,
): Promise<string | undefined> {
  if (write.ifMatch !== undefined) {
    const current = await ctx.store.head(pathname);
    if (current === null || !etagMatches(current.etag, write.ifMatch)) throw preconditionFailed();
    return current.etag;
  }
  if (!write.allowOverwrite && (await ctx.store.head(pathname)) !== null) throw alreadyExists();
  return undefined;
}

export async function storeWrite(
  ctx: ProtocolContext,
  pathname: string,
  body: ReadableStream<Uint8Array> | Uint8Array,
  write: WriteOptions,
): Promise<BlobMetadata> {
  const storeIfMatch = await precheckWrite(ctx, pathname, write);
  try {
    return await ctx.store.put(pathname, body, {
      contentType: write.contentType,
      overwrite: write.allowOverwrite,
      ...(storeIfMatch !== undefined ? { ifMatch: storeIfMatch } : {}),
      ...(write.maxBytes !== undefined ? { maxBytes: write.maxBytes } : {}),
      meta: { [META_ACCESS]: write.access, [META_CACHE_MAX_AGE]: String(write.cacheControlMaxAge) },
    });
  } catch (error) {
    throw fromStoreError(error);
  }
}

/** The client token's upload-completed callback, signed, tried twice; a failure is logged, never undone. */
export async function uploadCompleted(ctx: ProtocolContext, auth: Auth, blob: BlobJson): Promise<void> {
  if (auth.kind !== "client") return;
  const callback = auth.payload.onUploadCompleted;
  if (!callback?.callbackUrl) return;
  const body = JSON.stringify({
    type: "blob.upload-completed",
    payload: { blob, tokenPayload: callback.tokenPayload ?? null },
  });
  const signature = signCallbackBody(body, ctx.readWriteToken);
  const failures: string[] = [];
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      const response = await ctx.fetch(callback.callbackUrl, {
        method: "POST",
        headers: { "content-type": "application/json", "x-vercel-signature": signature },
        body,
        signal: AbortSignal.timeout(ctx.callbackTimeoutMs),
      });
      await response.body?.cancel();
      if (response.ok) return;
      failures.push(`HTTP ${response.status}`);
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
    }
  }
  // The blob is stored either way: a callback that fails is reported, never undone.
  ctx.log("blob.upload-completed callback failed twice; the upload itself is stored", {
    callbackUrl: callback.callbackUrl,
    pathname: blob.pathname,
    failures,
  });
}
