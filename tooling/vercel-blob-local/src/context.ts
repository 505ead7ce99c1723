/**
 * What every route shares: the store, the token, where URLs point, and the answer shapes built from
 * a blob's metadata. Made once per handler by createContext; the routes keep no state of their own.
 */
import { contentDisposition, quotedEtag } from "@repo/blob-store/http";
import { normalizeBlobPath } from "@repo/blob-store/path";
import type { BlobMetadata, BlobStore } from "@repo/blob-store/types";
import { badRequest, fromStoreError, ProtocolError } from "./errors.ts";
import { encodePathname } from "./pathnames.ts";
import {
  DEFAULT_CACHE_CONTROL_MAX_AGE,
  isStaged,
  META_ACCESS,
  META_CACHE_MAX_AGE,
  MULTIPART_STAGING_PREFIX,
} from "./protocol.ts";
import { storeIdFromToken } from "./tokens.ts";

export interface BlobProtocolHandlerOptions {
  store: BlobStore;
  /** The store's read-write token, `vercel_blob_rw_<storeId>_<secret>`; also the key client tokens are signed with. */
  readWriteToken: string;
  /** Where blob URLs point, e.g. "http://localhost:3000/__vercel_blob/files"; the handler serves content under its path. */
  publicBaseUrl: string;
  /** The path the API is mounted at: VERCEL_BLOB_API_URL = origin + this. Default "/api/blob", like vercel.com/api/blob. */
  apiBasePath?: string;
  /** Used for upload-completed callbacks. */
  fetch?: typeof fetch;
  /** Milliseconds since the epoch; client tokens are checked against it. */
  now?: () => number;
  /** Where callback failures and internal errors are reported. Default: console.error. */
  log?: (message: string, details: Record<string, unknown>) => void;
  /** How long one callback attempt may take. Default 10 s. */
  callbackTimeoutMs?: number;
}

export interface ProtocolContext {
  store: BlobStore;
  readWriteToken: string;
  /** origin + path of blob URLs, without a trailing slash. */
  publicBaseUrl: string;
  /** The path content is served under. */
  filesPath: string;
  /** The path the API is served under. */
  apiPath: string;
  fetch: typeof fetch;
  now: () => number;
  log: (message: string, details: Record<string, unknown>) => void;
  callbackTimeoutMs: number;
}

export function createContext(options: BlobProtocolHandlerOptions): ProtocolContext {
  const { store, readWriteToken } = options;
  if (storeIdFromToken(readWriteToken) === "" || !readWriteToken.startsWith("vercel_blob_rw_")) {
    throw new Error(
      "readWriteToken must look like vercel_blob_rw_<storeId>_<secret> (the SDK reads the store id from it).",
    );
  }
  const publicBase = new URL(options.publicBaseUrl);
  const filesPath = publicBase.pathname.replace(/\/+$/, "");
  return {
    store,
    readWriteToken,
    publicBaseUrl: `${publicBase.origin}${filesPath}`,
    filesPath,
    apiPath: (options.apiBasePath ?? "/api/blob").replace(/\/+$/, ""),
    fetch: options.fetch ?? globalThis.fetch,
    now: options.now ?? Date.now,
    log: options.log ?? ((message, details) => console.error(`[vercel-blob-protocol] ${message}`, details)),
    callbackTimeoutMs: options.callbackTimeoutMs ?? 10_000,
  };
}

/** What put, copy and a multipart completion answer (the SDK's PutBlobResult). */
export interface BlobJson {
  url: string;
  downloadUrl: string;
  pathname: string;
  contentType: string;
  contentDisposition: string;
  etag: string;
}

export function urlOf(ctx: ProtocolContext, pathname: string): string {
  return `${ctx.publicBaseUrl}/${encodePathname(pathname)}`;
}

/** What every answer about a blob says: where it is, and which version. */
function blobBase(ctx: ProtocolContext, meta: BlobMetadata) {
  const url = urlOf(ctx, meta.path);
  return { url, downloadUrl: `${url}?download=1`, pathname: meta.path, etag: quotedEtag(meta.etag) };
}

export function blobJson(ctx: ProtocolContext, meta: BlobMetadata): BlobJson {
  return {
    ...blobBase(ctx, meta),
    contentType: meta.contentType,
    contentDisposition: contentDisposition("attachment", meta.path),
  };
}

export function cacheControlOf(meta: BlobMetadata): string {
  if (meta.meta[META_ACCESS] === "private") return "private, no-cache";
  const maxAge = meta.meta[META_CACHE_MAX_AGE] ?? String(DEFAULT_CACHE_CONTROL_MAX_AGE);
  return `public, max-age=${maxAge}`;
}

/** What head answers (the SDK's HeadBlobResult). */
export function headJson(ctx: ProtocolContext, meta: BlobMetadata) {
  return {
    ...blobJson(ctx, meta),
    size: meta.size,
    cacheControl: cacheControlOf(meta),
    uploadedAt: meta.uploadedAt.toISOString(),
  };
}

/** One entry of a list answer (the SDK's ListBlobResultBlob). */
export function listItemJson(ctx: ProtocolContext, meta: BlobMetadata) {
  return { ...blobBase(ctx, meta), size: meta.size, uploadedAt: meta.uploadedAt.toISOString() };
}

/** A user-facing pathname: valid for every store, and not the staging area. */
export function checkPathname(pathname: string): string {
  let normalized: string;
  try {
    normalized = normalizeBlobPath(pathname);
  } catch (error) {
    throw fromStoreError(error);
  }
  if (isStaged(normalized)) throw badRequest(`Pathnames under ${MULTIPART_STAGING_PREFIX} are reserved.`);
  return normalized;
}

/** A blob URL of this store, or a bare pathname → the pathname. */
export function pathnameOf(ctx: ProtocolContext, urlOrPathname: string): string {
  if (!/^https?:\/\//.test(urlOrPathname)) return checkPathname(urlOrPathname);
  let url: URL;
  try {
    url = new URL(urlOrPathname);
  } catch {
    throw badRequest(`Not a valid URL: ${JSON.stringify(urlOrPathname)}.`);
  }
  const base = `${ctx.publicBaseUrl}/`;
  const plain = `${url.origin}${url.pathname}`;
  if (!plain.startsWith(base))
    throw badRequest(`The URL ${JSON.stringify(urlOrPathname)} is not a blob of this store.`);
  try {
    return checkPathname(plain.slice(base.length).split("/").map(decodeURIComponent).join("/"));
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    throw badRequest(`The URL ${JSON.stringify(urlOrPathname)} is not percent-encoded correctly.`);
  }
}
