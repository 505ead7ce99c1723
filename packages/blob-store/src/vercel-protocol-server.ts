/**
 * A local Vercel Blob service: the wire protocol of the `@vercel/blob` SDK, served ON TOP OF any
 * BlobStore (in practice the FilesystemBlobStore), as a web-standard `(Request) => Response` handler.
 * Point the real SDK at it with `VERCEL_BLOB_API_URL=<origin><apiBasePath>` and it puts, heads,
 * lists, copies, deletes and uploads (server-side, multipart and client-token uploads) offline.
 *
 * Implements exactly what @vercel/blob 2.8.0 sends (read from its dist/ code), with x-api-version 12:
 *
 *   PUT  {api}/?pathname=P                      put (body = content)
 *   GET  {api}?url=U                            head
 *   GET  {api}?limit=&prefix=&cursor=&mode=     list (mode "expanded" | "folded")
 *   PUT  {api}?pathname=P&fromUrl=U             copy
 *   POST {api}/rename?pathname=P&fromUrl=U      rename (copy, then delete the source)
 *   POST {api}/delete  {"urls":[…]}             del
 *   POST {api}/mpu?pathname=P  x-mpu-action: create | upload | complete   multipart
 *   GET|HEAD {publicBaseUrl}/P                  content, with Range, If-None-Match, ?download=1
 *
 * Write headers: x-vercel-blob-access, x-content-type, x-add-random-suffix, x-allow-overwrite,
 * x-cache-control-max-age, x-if-match; multipart: x-mpu-action, x-mpu-key, x-mpu-upload-id,
 * x-mpu-part-number. Auth: `authorization: Bearer <read-write token | client token>`.
 *
 * Answered loudly, never guessed (so an SDK upgrade that changes the protocol fails a test): any
 * other route, method, query parameter, protocol header or x-api-version → 400 with
 * `{ error: { code: "bad_request", message, unknown } }` (code "bad_request" makes the SDK throw a
 * BlobError carrying the message); routes the SDK has that this server does not implement
 * (createFolder, put-from-url, put-optimized, signed-token, presigned URLs, OIDC tokens) → 501.
 *
 * Multipart parts and upload manifests are staged in the same store under MULTIPART_STAGING_PREFIX
 * (hidden from list, refused as a pathname), so the handler keeps no state between requests and works
 * when every request runs in a fresh process (`vercel dev`). Abandoned uploads leave staged parts.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { BlobError } from "./errors.js";
import {
  contentDisposition,
  etagMatches,
  mayShowInline,
  parseRange,
  rangeToHonour,
  SERVED_FILE_HEADERS,
  quotedEtag as wireEtag,
} from "./http.js";
import { listAll } from "./list-all.js";
import { normalizeBlobPath } from "./path.js";
import type { BlobMetadata, BlobStore } from "./types.js";

/** The SDK release whose requests this server was written against. */
export const PROTOCOL_SDK_VERSION = "2.8.0";
/** The x-api-version values that SDK sends (its BLOB_API_VERSION). */
export const SUPPORTED_API_VERSIONS: readonly string[] = ["12"];
/** Where multipart parts and manifests live in the underlying store while an upload is open. */
export const MULTIPART_STAGING_PREFIX = ".vercel-blob-protocol/multipart/";
/** Vercel's documented default cache lifetime for blobs: one month. */
export const DEFAULT_CACHE_CONTROL_MAX_AGE = 30 * 24 * 60 * 60;

const META_ACCESS = "vercel-blob-access";
const META_CACHE_MAX_AGE = "vercel-blob-cache-control-max-age";

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

/** What a client token carries (generateClientTokenFromReadWriteToken in @vercel/blob/client). */
export interface ClientTokenPayload {
  pathname: string;
  validUntil: number;
  allowedContentTypes?: string[];
  maximumSizeInBytes?: number;
  addRandomSuffix?: boolean;
  allowOverwrite?: boolean;
  cacheControlMaxAge?: number;
  ifMatch?: string;
  onUploadCompleted?: { callbackUrl: string; tokenPayload?: string | null };
}

/** A protocol answer other than success: `{ error: { code, message } }`, the body the SDK's getBlobError reads. */
class ProtocolError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const PREFIX = `Vercel Blob protocol server (@vercel/blob ${PROTOCOL_SDK_VERSION}, x-api-version ${SUPPORTED_API_VERSIONS.join("|")})`;

function unknown(what: string, detail: Record<string, unknown>): ProtocolError {
  return new ProtocolError(400, "bad_request", `${PREFIX}: unknown ${what}`, {
    unknown: { what, ...detail },
  });
}

function notImplemented(feature: string): ProtocolError {
  return new ProtocolError(501, "bad_request", `${PREFIX}: ${feature} is not implemented by this server`, {
    unknown: { what: "feature", feature },
  });
}

const forbidden = (message = "Access denied, please provide a valid token for this resource.") =>
  new ProtocolError(403, "forbidden", message);

const notFound = () => new ProtocolError(404, "not_found", "The requested blob does not exist");

const badRequest = (message: string, extra: Record<string, unknown> = {}) =>
  new ProtocolError(400, "bad_request", message, extra);

const preconditionFailed = () =>
  new ProtocolError(412, "precondition_failed", "Precondition failed: ETag mismatch.");

const alreadyExists = () =>
  badRequest(
    "This blob already exists, use `allowOverwrite: true` if you want to overwrite it. Or `addRandomSuffix: true` to generate a unique filename.",
  );

// The SDK recognises these by message text (getBlobError), so the wording matters.
const fileTooLarge = (max: number) =>
  new ProtocolError(413, "file_too_large", `the file length cannot be greater than ${max} bytes`);

// ---------------------------------------------------------------------------------------------
// Tokens and signatures

function hmacHex(key: string, data: string): string {
  return createHmac("sha256", key).update(data).digest("hex");
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `vercel_blob_rw_<storeId>_<secret>` → storeId, the way the SDK reads it. */
export function storeIdFromToken(token: string): string {
  return token.split("_")[3] ?? "";
}

/**
 * Checks a client token the way Vercel does: `vercel_blob_client_<storeId>_<base64(hmac.payload)>`,
 * where payload is base64(JSON) and hmac = HMAC-SHA256 hex of that base64 text, keyed by the
 * read-write token. Returns the payload, or throws the error the service answers with.
 */
export function verifyClientToken(token: string, readWriteToken: string, now: number): ClientTokenPayload {
  const storeId = storeIdFromToken(readWriteToken);
  const prefix = `vercel_blob_client_${storeId}_`;
  if (!token.startsWith(prefix)) {
    if (token.startsWith("vercel_blob_client_")) {
      throw new ProtocolError(403, "store_not_found", "This store does not exist.");
    }
    throw forbidden();
  }
  const decoded = Buffer.from(token.slice(prefix.length), "base64").toString("utf8");
  const dot = decoded.indexOf(".");
  if (dot < 0) throw forbidden();
  const signature = decoded.slice(0, dot);
  const encodedPayload = decoded.slice(dot + 1);
  if (!safeEqual(signature, hmacHex(readWriteToken, encodedPayload))) throw forbidden();
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(encodedPayload, "base64").toString("utf8"));
  } catch {
    throw forbidden();
  }
  if (!isClientTokenPayload(payload))
    throw forbidden("Access denied: the client token payload is malformed.");
  // The SDK turns exactly this message into BlobClientTokenExpiredError.
  if (now > payload.validUntil) throw new ProtocolError(403, "forbidden", "Token expired");
  return payload;
}

function isClientTokenPayload(value: unknown): value is ClientTokenPayload {
  if (typeof value !== "object" || value === null) return false;
  const p = value as Record<string, unknown>;
  const optional = (key: string, type: string) => p[key] === undefined || typeof p[key] === type;
  const callback = p.onUploadCompleted as Record<string, unknown> | undefined | null;
  return (
    typeof p.pathname === "string" &&
    typeof p.validUntil === "number" &&
    (p.allowedContentTypes === undefined ||
      (Array.isArray(p.allowedContentTypes) && p.allowedContentTypes.every((t) => typeof t === "string"))) &&
    optional("maximumSizeInBytes", "number") &&
    optional("addRandomSuffix", "boolean") &&
    optional("allowOverwrite", "boolean") &&
    optional("cacheControlMaxAge", "number") &&
    optional("ifMatch", "string") &&
    (callback === undefined ||
      (typeof callback === "object" && callback !== null && typeof callback.callbackUrl === "string"))
  );
}

/** The `x-vercel-signature` of an upload-completed callback: HMAC-SHA256 hex of the raw body, keyed by the read-write token. */
export function signCallbackBody(body: string, readWriteToken: string): string {
  return hmacHex(readWriteToken, body);
}

/** "image/png" against ["image/*", "application/pdf"]: exact types and `type/*` wildcards, parameters ignored. */
export function contentTypeAllowed(contentType: string, allowed: readonly string[]): boolean {
  const bare = (t: string) => (t.split(";")[0] ?? "").trim().toLowerCase();
  const ct = bare(contentType);
  const [type] = ct.split("/");
  return allowed.some((a) => {
    const rule = bare(a);
    return rule === ct || rule === "*/*" || rule === `${type}/*`;
  });
}

type Auth = { kind: "read-write" } | { kind: "client"; payload: ClientTokenPayload };

// ---------------------------------------------------------------------------------------------
// Small helpers

const CONTENT_TYPES: Record<string, string> = {
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  html: "text/html",
  htm: "text/html",
  css: "text/css",
  js: "text/javascript",
  mjs: "text/javascript",
  json: "application/json",
  xml: "application/xml",
  yaml: "application/yaml",
  yml: "application/yaml",
  pdf: "application/pdf",
  zip: "application/zip",
  gz: "application/gzip",
  tar: "application/x-tar",
  wasm: "application/wasm",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  avif: "image/avif",
  svg: "image/svg+xml",
  ico: "image/x-icon",
  mp3: "audio/mpeg",
  wav: "audio/wav",
  ogg: "audio/ogg",
  mp4: "video/mp4",
  webm: "video/webm",
  woff: "font/woff",
  woff2: "font/woff2",
  ttf: "font/ttf",
  otf: "font/otf",
};

/** The service infers a missing content type from the pathname's extension. */
export function contentTypeFromPathname(pathname: string): string {
  const name = pathname.slice(pathname.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return "application/octet-stream";
  return CONTENT_TYPES[name.slice(dot + 1).toLowerCase()] ?? "application/octet-stream";
}

const SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** "a/photo.png" → "a/photo-<30 random characters>.png", like the service's addRandomSuffix. */
function withRandomSuffix(pathname: string): string {
  const bytes = randomBytes(30);
  let suffix = "";
  for (const b of bytes) suffix += SUFFIX_ALPHABET[b % SUFFIX_ALPHABET.length];
  const slash = pathname.lastIndexOf("/");
  const dot = pathname.lastIndexOf(".");
  if (dot > slash + 1) return `${pathname.slice(0, dot)}-${suffix}${pathname.slice(dot)}`;
  return `${pathname}-${suffix}`;
}

/** Etags go on the wire quoted (`"abc"`), however the underlying store spells them. */

function encodePathname(pathname: string): string {
  return pathname.split("/").map(encodeURIComponent).join("/");
}

function isStaged(pathname: string): boolean {
  return pathname.startsWith(MULTIPART_STAGING_PREFIX);
}

const CORS_HEADERS: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers":
    "etag, content-range, content-length, content-type, content-disposition, accept-ranges, last-modified, cache-control, retry-after",
};

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...CORS_HEADERS, ...headers },
  });
}

function errorResponse(error: ProtocolError): Response {
  return json(
    error.status,
    { error: { code: error.code, message: error.message, ...error.extra } },
    error.headers,
  );
}

/** Translates the store's typed errors into the service's answers. */
function fromStoreError(error: unknown): ProtocolError {
  if (error instanceof ProtocolError) return error;
  if (error instanceof BlobError) {
    switch (error.code) {
      case "not_found":
        return notFound();
      case "already_exists":
        return alreadyExists();
      case "precondition_failed":
        return preconditionFailed();
      case "too_large":
        return fileTooLarge(Number(error.details?.maxBytes ?? 0));
      case "invalid_path":
        return badRequest(`Invalid pathname: ${error.message}`);
      case "rate_limited": {
        const retryAfter = error.details?.retryAfterSeconds;
        return new ProtocolError(
          429,
          "rate_limited",
          "Too many requests",
          {},
          typeof retryAfter === "number" ? { "retry-after": String(retryAfter) } : {},
        );
      }
      default:
        break;
    }
  }
  return new ProtocolError(
    500,
    "internal_server_error",
    error instanceof Error ? error.message : String(error),
  );
}

async function readJson(request: Request): Promise<unknown> {
  try {
    return JSON.parse(await request.text());
  } catch {
    throw badRequest("The request body is not valid JSON.");
  }
}

function checkParams(params: URLSearchParams, allowed: readonly string[], route: string): void {
  for (const key of params.keys()) {
    if (!allowed.includes(key)) throw unknown("query parameter", { route, parameter: key });
  }
}

function requiredParam(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (value === null || value === "") throw badRequest(`Missing the "${name}" query parameter.`);
  return value;
}

/** Headers of the protocol's own families; any of them this server does not know is refused. */
const PROTOCOL_HEADER = /^x-(vercel-blob-|api-|mpu-|add-|allow-|cache-control-|content-|if-)/;
const KNOWN_HEADERS = new Set([
  "x-vercel-blob-access",
  "x-vercel-blob-store-id",
  "x-api-version",
  "x-api-blob-request-id",
  "x-api-blob-request-attempt",
  "x-content-length",
  "x-content-type",
  "x-add-random-suffix",
  "x-allow-overwrite",
  "x-cache-control-max-age",
  "x-if-match",
  "x-mpu-action",
  "x-mpu-key",
  "x-mpu-upload-id",
  "x-mpu-part-number",
]);

function flag(headers: Headers, name: string): boolean | undefined {
  const value = headers.get(name);
  if (value === null) return undefined;
  if (value === "1") return true;
  if (value === "0") return false;
  throw unknown("header value", { header: name, value });
}

function nonNegativeInteger(value: string | null, name: string): number | undefined {
  if (value === null) return undefined;
  if (!/^\d+$/.test(value))
    throw badRequest(`${name} must be a non-negative integer, not ${JSON.stringify(value)}.`);
  return Number(value);
}

/** A ReadableStream that plays several streams one after the other, opening each only when needed. */
function concatStreams(
  openers: Array<() => Promise<ReadableStream<Uint8Array>>>,
): ReadableStream<Uint8Array> {
  let index = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        if (reader === null) {
          const open = openers[index++];
          if (open === undefined) {
            controller.close();
            return;
          }
          reader = (await open()).getReader();
        }
        const { value, done } = await reader.read();
        if (!done) {
          controller.enqueue(value);
          return;
        }
        reader = null;
      }
    },
    async cancel(reason) {
      await reader?.cancel(reason);
    },
  });
}

// ---------------------------------------------------------------------------------------------
// The handler

interface WriteOptions {
  access: "public" | "private";
  contentType: string;
  addRandomSuffix: boolean;
  allowOverwrite: boolean;
  cacheControlMaxAge: number;
  ifMatch?: string;
  maxBytes?: number;
}

interface MultipartManifest {
  requestedPathname: string;
  pathname: string;
  write: WriteOptions;
  /** HMAC of the fields above and the upload id, keyed by the read-write token: only `create` makes one. */
  mac: string;
}

interface BlobJson {
  url: string;
  downloadUrl: string;
  pathname: string;
  contentType: string;
  contentDisposition: string;
  etag: string;
}

export function createBlobProtocolHandler(
  options: BlobProtocolHandlerOptions,
): (request: Request) => Promise<Response> {
  const { store, readWriteToken } = options;
  if (storeIdFromToken(readWriteToken) === "" || !readWriteToken.startsWith("vercel_blob_rw_")) {
    throw new Error(
      "readWriteToken must look like vercel_blob_rw_<storeId>_<secret> (the SDK reads the store id from it).",
    );
  }
  const publicBase = new URL(options.publicBaseUrl);
  const publicBaseUrl = `${publicBase.origin}${publicBase.pathname.replace(/\/+$/, "")}`;
  const filesPath = publicBase.pathname.replace(/\/+$/, "");
  const apiPath = (options.apiBasePath ?? "/api/blob").replace(/\/+$/, "");
  const doFetch = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const log =
    options.log ?? ((message, details) => console.error(`[vercel-blob-protocol] ${message}`, details));
  const callbackTimeoutMs = options.callbackTimeoutMs ?? 10_000;

  const urlOf = (pathname: string) => `${publicBaseUrl}/${encodePathname(pathname)}`;

  function blobJson(meta: BlobMetadata): BlobJson {
    const url = urlOf(meta.path);
    return {
      url,
      downloadUrl: `${url}?download=1`,
      pathname: meta.path,
      contentType: meta.contentType,
      contentDisposition: contentDisposition("attachment", meta.path),
      etag: wireEtag(meta.etag),
    };
  }

  function cacheControlOf(meta: BlobMetadata): string {
    if (meta.meta[META_ACCESS] === "private") return "private, no-cache";
    const maxAge = meta.meta[META_CACHE_MAX_AGE] ?? String(DEFAULT_CACHE_CONTROL_MAX_AGE);
    return `public, max-age=${maxAge}`;
  }

  function headJson(meta: BlobMetadata) {
    return {
      ...blobJson(meta),
      size: meta.size,
      cacheControl: cacheControlOf(meta),
      uploadedAt: meta.uploadedAt.toISOString(),
    };
  }

  function listItemJson(meta: BlobMetadata) {
    const url = urlOf(meta.path);
    return {
      url,
      downloadUrl: `${url}?download=1`,
      pathname: meta.path,
      size: meta.size,
      uploadedAt: meta.uploadedAt.toISOString(),
      etag: wireEtag(meta.etag),
    };
  }

  /** A user-facing pathname: valid for every store, and not the staging area. */
  function checkPathname(pathname: string): string {
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
  function pathnameOf(urlOrPathname: string): string {
    if (!/^https?:\/\//.test(urlOrPathname)) return checkPathname(urlOrPathname);
    let url: URL;
    try {
      url = new URL(urlOrPathname);
    } catch {
      throw badRequest(`Not a valid URL: ${JSON.stringify(urlOrPathname)}.`);
    }
    const base = `${publicBaseUrl}/`;
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

  function authenticate(request: Request): Auth {
    const header = request.headers.get("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw forbidden();
    const token = match[1];
    if (token.startsWith("vercel_blob_rw_")) {
      if (storeIdFromToken(token) !== storeIdFromToken(readWriteToken)) {
        throw new ProtocolError(403, "store_not_found", "This store does not exist.");
      }
      if (!safeEqual(token, readWriteToken)) throw forbidden();
      return { kind: "read-write" };
    }
    if (token.startsWith("vercel_blob_client_")) {
      return { kind: "client", payload: verifyClientToken(token, readWriteToken, now()) };
    }
    // OIDC tokens (x-vercel-blob-store-id + a Vercel OIDC JWT) are a production-only path.
    throw forbidden(
      "Access denied: only the read-write token and client tokens are accepted here (OIDC is not implemented).",
    );
  }

  function requireReadWrite(auth: Auth, operation: string): void {
    if (auth.kind !== "read-write") {
      throw new ProtocolError(
        403,
        "client_token_not_allowed",
        `${operation} is not available when using a client token. Use a read\u2013write or OIDC token on the server.`,
      );
    }
  }

  /** Write options from headers (read-write token) or from the token payload (client token), checked against the token. */
  function writeOptions(request: Request, auth: Auth, requestedPathname: string): WriteOptions {
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

  /** Early answers for a write that cannot succeed, before a body is read. */
  async function precheckWrite(pathname: string, write: WriteOptions): Promise<string | undefined> {
    if (write.ifMatch !== undefined) {
      const current = await store.head(pathname);
      if (current === null || !etagMatches(current.etag, write.ifMatch)) throw preconditionFailed();
      return current.etag;
    }
    if (!write.allowOverwrite && (await store.head(pathname)) !== null) throw alreadyExists();
    return undefined;
  }

  async function storeWrite(
    pathname: string,
    body: ReadableStream<Uint8Array> | Uint8Array,
    write: WriteOptions,
  ): Promise<BlobMetadata> {
    const storeIfMatch = await precheckWrite(pathname, write);
    try {
      return await store.put(pathname, body, {
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

  async function uploadCompleted(auth: Auth, blob: BlobJson): Promise<void> {
    if (auth.kind !== "client") return;
    const callback = auth.payload.onUploadCompleted;
    if (!callback?.callbackUrl) return;
    const body = JSON.stringify({
      type: "blob.upload-completed",
      payload: { blob, tokenPayload: callback.tokenPayload ?? null },
    });
    const signature = signCallbackBody(body, readWriteToken);
    const failures: string[] = [];
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        const response = await doFetch(callback.callbackUrl, {
          method: "POST",
          headers: { "content-type": "application/json", "x-vercel-signature": signature },
          body,
          signal: AbortSignal.timeout(callbackTimeoutMs),
        });
        await response.body?.cancel();
        if (response.ok) return;
        failures.push(`HTTP ${response.status}`);
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
    // The blob is stored either way: a callback that fails is reported, never undone.
    log("blob.upload-completed callback failed twice; the upload itself is stored", {
      callbackUrl: callback.callbackUrl,
      pathname: blob.pathname,
      failures,
    });
  }

  // --- API routes ---

  async function put(request: Request, params: URLSearchParams, auth: Auth): Promise<Response> {
    checkParams(params, ["pathname"], "put");
    const requested = requiredParam(params, "pathname");
    if (requested.endsWith("/")) throw notImplemented("createFolder (a pathname ending in /)");
    const pathname = checkPathname(requested);
    const write = writeOptions(request, auth, pathname);
    const declared = Number(
      request.headers.get("x-content-length") ?? request.headers.get("content-length") ?? NaN,
    );
    if (write.maxBytes !== undefined && declared > write.maxBytes) throw fileTooLarge(write.maxBytes);
    const target = write.addRandomSuffix ? withRandomSuffix(pathname) : pathname;
    const meta = await storeWrite(target, request.body ?? new Uint8Array(), write);
    const blob = blobJson(meta);
    await uploadCompleted(auth, blob);
    return json(200, blob);
  }

  async function head(params: URLSearchParams): Promise<Response> {
    checkParams(params, ["url"], "head");
    const pathname = pathnameOf(requiredParam(params, "url"));
    const meta = await store.head(pathname);
    if (meta === null) throw notFound();
    return json(200, headJson(meta));
  }

  async function list(params: URLSearchParams): Promise<Response> {
    checkParams(params, ["limit", "prefix", "cursor", "mode"], "list");
    const limitText = params.get("limit");
    const limit = limitText === null ? 1000 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw badRequest(`limit must be an integer from 1 to 1000, not ${JSON.stringify(limitText)}.`);
    }
    const prefix = params.get("prefix") ?? "";
    const cursor = params.get("cursor") || undefined;
    const mode = params.get("mode") ?? "expanded";
    if (mode === "folded") return listFolded(prefix, limit, cursor);
    if (mode !== "expanded") throw unknown("list mode", { mode });

    const blobs: BlobMetadata[] = [];
    let next: string | null | undefined = cursor;
    try {
      do {
        const page = await store.list({
          ...(prefix ? { prefix } : {}),
          ...(next ? { cursor: next } : {}),
          limit: limit - blobs.length,
        });
        blobs.push(...page.blobs.filter((b) => !isStaged(b.path)));
        next = page.cursor;
      } while (next && blobs.length < limit);
    } catch (error) {
      throw fromStoreError(error);
    }
    return json(200, {
      blobs: blobs.map(listItemJson),
      ...(next ? { cursor: next } : {}),
      hasMore: Boolean(next),
    });
  }

  /** Folded listing: blobs directly under the prefix, and the "folders" (prefix + next segment + "/") below it. */
  async function listFolded(prefix: string, limit: number, cursor: string | undefined): Promise<Response> {
    const FOLDED = "folded:";
    let after: string | null = null;
    if (cursor !== undefined) {
      if (!cursor.startsWith(FOLDED)) throw badRequest("This cursor does not belong to a folded listing.");
      after = Buffer.from(cursor.slice(FOLDED.length), "base64url").toString("utf8");
    }
    const entries = new Map<string, BlobMetadata | null>();
    let next: string | null = null;
    try {
      do {
        const page = await store.list({
          ...(prefix ? { prefix } : {}),
          ...(next ? { cursor: next } : {}),
          limit: 1000,
        });
        for (const blob of page.blobs) {
          if (isStaged(blob.path)) continue;
          const rest = blob.path.slice(prefix.length);
          const slash = rest.indexOf("/");
          if (slash >= 0) entries.set(prefix + rest.slice(0, slash + 1), null);
          else entries.set(blob.path, blob);
        }
        next = page.cursor;
      } while (next);
    } catch (error) {
      throw fromStoreError(error);
    }
    const keys = [...entries.keys()].sort().filter((k) => after === null || k > after);
    const pageKeys = keys.slice(0, limit);
    const hasMore = keys.length > limit;
    const last = pageKeys[pageKeys.length - 1];
    return json(200, {
      folders: pageKeys.filter((k) => entries.get(k) === null),
      blobs: pageKeys.flatMap((k) => {
        const blob = entries.get(k);
        return blob ? [listItemJson(blob)] : [];
      }),
      ...(hasMore && last !== undefined ? { cursor: FOLDED + Buffer.from(last).toString("base64url") } : {}),
      hasMore,
    });
  }

  async function copy(
    request: Request,
    params: URLSearchParams,
    auth: Auth,
    rename: boolean,
  ): Promise<Response> {
    checkParams(params, ["pathname", "fromUrl"], rename ? "rename" : "copy");
    requireReadWrite(auth, rename ? "rename" : "copy");
    const from = pathnameOf(requiredParam(params, "fromUrl"));
    const to = checkPathname(requiredParam(params, "pathname"));
    const source = await store.head(from);
    if (source === null) throw notFound();
    const write = writeOptions(request, auth, to);
    // The service does not carry cacheControlMaxAge over; the content type comes along unless given.
    if (!request.headers.get("x-content-type")) write.contentType = source.contentType;
    const target = write.addRandomSuffix ? withRandomSuffix(to) : to;
    if (rename && target === from) throw badRequest("A blob cannot be renamed to its own pathname.");
    let body: ReadableStream<Uint8Array>;
    try {
      body = (await store.get(from)).body;
    } catch (error) {
      throw fromStoreError(error);
    }
    const meta = await storeWrite(target, body, write);
    if (rename) await store.delete(from);
    return json(200, blobJson(meta));
  }

  async function del(request: Request, params: URLSearchParams, auth: Auth): Promise<Response> {
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
    const pathnames = urls.map(pathnameOf);
    for (const pathname of pathnames) {
      if (ifMatch !== null) {
        const current = await store.head(pathname);
        if (current === null || !etagMatches(current.etag, ifMatch)) throw preconditionFailed();
      }
      try {
        await store.delete(pathname);
      } catch (error) {
        throw fromStoreError(error);
      }
    }
    return json(200, {});
  }

  // --- multipart ---

  const manifestPath = (uploadId: string) => `${MULTIPART_STAGING_PREFIX}${uploadId}/manifest.json`;
  const partsPrefix = (uploadId: string) => `${MULTIPART_STAGING_PREFIX}${uploadId}/part-`;
  const partPath = (uploadId: string, n: number) => `${partsPrefix(uploadId)}${n}`;
  const manifestMac = (uploadId: string, m: Omit<MultipartManifest, "mac">) =>
    hmacHex(readWriteToken, JSON.stringify([uploadId, m.requestedPathname, m.pathname, m.write]));

  /** Bytes staged so far for an upload, leaving out one part about to be replaced. */
  async function stagedBytes(uploadId: string, except: number): Promise<number> {
    let total = 0;
    for await (const part of listAll(store, partsPrefix(uploadId))) {
      if (part.path !== partPath(uploadId, except)) total += part.size;
    }
    return total;
  }

  async function loadManifest(
    request: Request,
    requested: string,
  ): Promise<{ uploadId: string; manifest: MultipartManifest }> {
    const uploadId = request.headers.get("x-mpu-upload-id") ?? "";
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(uploadId)) throw badRequest("Missing or malformed x-mpu-upload-id.");
    let manifest: MultipartManifest;
    try {
      manifest = JSON.parse(await new Response((await store.get(manifestPath(uploadId))).body).text());
    } catch (error) {
      if (error instanceof BlobError && error.code === "not_found") {
        throw badRequest(`No open multipart upload ${JSON.stringify(uploadId)}.`);
      }
      throw fromStoreError(error);
    }
    let key: string;
    try {
      key = decodeURIComponent(request.headers.get("x-mpu-key") ?? "");
    } catch {
      throw badRequest("x-mpu-key is not percent-encoded correctly.");
    }
    // A manifest this server did not write (planted in the store some other way) names nothing.
    const { mac, ...fields } = manifest;
    if (typeof mac !== "string" || !safeEqual(mac, manifestMac(uploadId, fields))) {
      throw badRequest(`No open multipart upload ${JSON.stringify(uploadId)}.`);
    }
    if (key !== manifest.pathname || requested !== manifest.requestedPathname) {
      throw badRequest("x-mpu-key and pathname do not match the multipart upload.");
    }
    return { uploadId, manifest };
  }

  async function multipart(request: Request, params: URLSearchParams, auth: Auth): Promise<Response> {
    checkParams(params, ["pathname"], "mpu");
    const requested = checkPathname(requiredParam(params, "pathname"));
    const action = request.headers.get("x-mpu-action");
    if (action === "create") {
      const write = writeOptions(request, auth, requested);
      const pathname = write.addRandomSuffix ? withRandomSuffix(requested) : requested;
      await precheckWrite(pathname, write);
      const uploadId = randomBytes(24).toString("base64url");
      const fields = { requestedPathname: requested, pathname, write };
      const manifest: MultipartManifest = { ...fields, mac: manifestMac(uploadId, fields) };
      try {
        await store.put(manifestPath(uploadId), JSON.stringify(manifest), {
          contentType: "application/json",
        });
      } catch (error) {
        throw fromStoreError(error);
      }
      return json(200, { key: pathname, uploadId });
    }
    if (action === "upload") {
      if (auth.kind === "client") writeOptions(request, auth, requested);
      const { uploadId, manifest } = await loadManifest(request, requested);
      const partNumber = Number(request.headers.get("x-mpu-part-number"));
      if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000) {
        throw badRequest("x-mpu-part-number must be an integer from 1 to 10000.");
      }
      try {
        // Parts count against the upload's size limit as they arrive, not only at `complete`.
        const room =
          manifest.write.maxBytes === undefined
            ? undefined
            : manifest.write.maxBytes - (await stagedBytes(uploadId, partNumber));
        if (room !== undefined && room < 0) throw fileTooLarge(manifest.write.maxBytes ?? 0);
        const part = await store.put(partPath(uploadId, partNumber), request.body ?? new Uint8Array(), {
          overwrite: true,
          contentType: "application/octet-stream",
          ...(room !== undefined ? { maxBytes: room } : {}),
        });
        return json(200, { etag: wireEtag(part.etag) });
      } catch (error) {
        // The part did not fit in what is left: the limit named is the upload's own.
        if (
          error instanceof BlobError &&
          error.code === "too_large" &&
          manifest.write.maxBytes !== undefined
        ) {
          throw fileTooLarge(manifest.write.maxBytes);
        }
        throw fromStoreError(error);
      }
    }
    if (action === "complete") {
      if (auth.kind === "client") writeOptions(request, auth, requested);
      const { uploadId, manifest } = await loadManifest(request, requested);
      const body = await readJson(request);
      if (
        !Array.isArray(body) ||
        !body.every(
          (p) =>
            typeof p === "object" &&
            p !== null &&
            Number.isInteger((p as { partNumber?: unknown }).partNumber) &&
            typeof (p as { etag?: unknown }).etag === "string",
        )
      ) {
        throw badRequest('The body must be [{"partNumber": n, "etag": "…"}, …].');
      }
      // The SDK sends parts in the order they finished; the object is their partNumber order.
      const parts = (body as Array<{ partNumber: number; etag: string }>).toSorted(
        (a, b) => a.partNumber - b.partNumber,
      );
      let total = 0;
      for (const [i, part] of parts.entries()) {
        if (i > 0 && parts[i - 1]?.partNumber === part.partNumber)
          throw badRequest(`Part ${part.partNumber} is listed twice.`);
        const staged = await store.head(partPath(uploadId, part.partNumber));
        if (staged === null) throw badRequest(`Part ${part.partNumber} was not uploaded.`);
        if (!etagMatches(staged.etag, part.etag))
          throw badRequest(`Part ${part.partNumber} has a different etag.`);
        total += staged.size;
      }
      if (manifest.write.maxBytes !== undefined && total > manifest.write.maxBytes) {
        throw fileTooLarge(manifest.write.maxBytes);
      }
      const content = concatStreams(
        parts.map((part) => async () => (await store.get(partPath(uploadId, part.partNumber))).body),
      );
      const meta = await storeWrite(manifest.pathname, content, manifest.write);
      await discardUpload(uploadId);
      const blob = blobJson(meta);
      await uploadCompleted(auth, blob);
      return json(200, blob);
    }
    throw unknown("x-mpu-action", { action });
  }

  async function discardUpload(uploadId: string): Promise<void> {
    try {
      await removeStagedUpload(store, uploadId);
    } catch (error) {
      log("could not remove the staged parts of a finished multipart upload", {
        uploadId,
        error: String(error),
      });
    }
  }

  async function api(request: Request, sub: string, params: URLSearchParams): Promise<Response> {
    const version = request.headers.get("x-api-version");
    if (version === null || !SUPPORTED_API_VERSIONS.includes(version)) {
      throw unknown("x-api-version", { version, supported: SUPPORTED_API_VERSIONS });
    }
    for (const name of request.headers.keys()) {
      if (PROTOCOL_HEADER.test(name) && !KNOWN_HEADERS.has(name))
        throw unknown("protocol header", { header: name });
    }
    if (params.has("vercel-blob-delegation") || params.has("vercel-blob-signature")) {
      throw notImplemented("presigned URLs (issueSignedToken / presignUrl)");
    }
    const method = request.method;
    const route = `${method} ${sub || "(root)"}`;
    if (sub === "/put-from-url" || sub === "/put-optimized")
      throw notImplemented(`${method} ${sub} (image optimization)`);
    if (sub === "/signed-token") throw notImplemented(`${method} ${sub} (issueSignedToken)`);

    const handlers: Record<string, (auth: Auth) => Promise<Response>> = {
      "PUT /": (auth) => put(request, params, auth),
      "GET (root)": async (auth) => {
        requireReadWrite(auth, params.has("url") ? "head" : "list");
        return params.has("url") ? head(params) : list(params);
      },
      "PUT (root)": (auth) => copy(request, params, auth, false),
      "POST /rename": (auth) => copy(request, params, auth, true),
      "POST /delete": (auth) => del(request, params, auth),
      "POST /mpu": (auth) => multipart(request, params, auth),
    };
    const handler = handlers[route];
    if (handler === undefined) throw unknown("route", { method, path: `${apiPath}${sub}` });
    return handler(authenticate(request));
  }

  // --- content ---

  async function content(request: Request, sub: string, params: URLSearchParams): Promise<Response> {
    if (request.method !== "GET" && request.method !== "HEAD") {
      throw new ProtocolError(
        405,
        "bad_request",
        `${PREFIX}: unknown method ${request.method} for blob content`,
        {
          unknown: { what: "method", method: request.method },
        },
      );
    }
    if (params.has("vercel-blob-delegation"))
      throw notImplemented("presigned URLs (issueSignedToken / presignUrl)");
    let pathname: string;
    try {
      pathname = normalizeBlobPath(sub.split("/").map(decodeURIComponent).join("/"));
    } catch {
      throw notFound();
    }
    if (isStaged(pathname)) throw notFound();
    const meta = await store.head(pathname);
    if (meta === null) throw notFound();
    if (meta.meta[META_ACCESS] === "private") {
      const token = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
      if (!safeEqual(token, readWriteToken)) throw forbidden();
    }
    const etag = wireEtag(meta.etag);
    // Unlike Vercel's storage domain, this is the app's own origin: nothing stored may run here.
    // Types that could hold script (HTML, SVG, XML…) are only ever downloads, and everything is
    // sandboxed; a private blob is never offered to other origins.
    const inline = !params.has("download") && mayShowInline(meta.contentType);
    const common: Record<string, string> = {
      ...(meta.meta[META_ACCESS] === "private" ? {} : CORS_HEADERS),
      ...SERVED_FILE_HEADERS,
      etag,
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
    const rangeHeader = rangeToHonour(request.headers, { etag: meta.etag, lastModified: meta.uploadedAt });
    const range = parseRange(rangeHeader, meta.size);
    if (range === "unsatisfiable") {
      return new Response(null, {
        status: 416,
        headers: { ...common, "content-range": `bytes */${meta.size}` },
      });
    }
    let result: Awaited<ReturnType<BlobStore["get"]>>;
    try {
      result = await store.get(pathname, range ? { range } : {});
    } catch (error) {
      if (error instanceof BlobError && error.code === "range_not_satisfiable") {
        return new Response(null, {
          status: 416,
          headers: { ...common, "content-range": `bytes */${meta.size}` },
        });
      }
      throw fromStoreError(error);
    }
    const m = result.metadata;
    const headers: Record<string, string> = {
      ...common,
      etag: wireEtag(m.etag),
      "last-modified": m.uploadedAt.toUTCString(),
      "content-type": m.contentType,
    };
    if (result.range) {
      headers["content-range"] = `bytes ${result.range.start}-${result.range.end}/${m.size}`;
      headers["content-length"] = String(result.range.end - result.range.start + 1);
    } else {
      headers["content-length"] = String(m.size);
    }
    if (request.method === "HEAD") {
      await result.body.cancel();
      return new Response(null, { status: result.range ? 206 : 200, headers });
    }
    return new Response(result.body, { status: result.range ? 206 : 200, headers });
  }

  function preflight(request: Request): Response {
    return new Response(null, {
      status: 204,
      headers: {
        ...CORS_HEADERS,
        "access-control-allow-methods": "GET, HEAD, PUT, POST, OPTIONS",
        "access-control-allow-headers": request.headers.get("access-control-request-headers") ?? "*",
        "access-control-max-age": "600",
      },
    });
  }

  const under = (path: string, base: string) => base === "" || path === base || path.startsWith(`${base}/`);

  return async function handleBlobProtocol(request: Request): Promise<Response> {
    try {
      const url = new URL(request.url);
      if (request.method === "OPTIONS") return preflight(request);
      if (under(url.pathname, apiPath)) {
        return await api(request, url.pathname.slice(apiPath.length), url.searchParams);
      }
      if (under(url.pathname, filesPath) && url.pathname.length > filesPath.length + 1) {
        return await content(request, url.pathname.slice(filesPath.length + 1), url.searchParams);
      }
      throw unknown("route", { method: request.method, path: url.pathname });
    } catch (error) {
      const answer = fromStoreError(error);
      if (answer.status >= 500 && answer.status !== 501) {
        log("internal error", { method: request.method, url: request.url, error: String(error) });
      }
      return errorResponse(answer);
    }
  };
}

/**
 * Removes multipart uploads left open (a closed tab, a lost connection): the staged parts and the
 * manifest of every upload whose newest staged piece is older than `maxAgeMs`. Client tokens live
 * minutes, so an hour-old upload can no longer be completed. Answers how many uploads went.
 */
export async function sweepStagedUploads(
  store: BlobStore,
  maxAgeMs: number,
  now = Date.now(),
): Promise<number> {
  const newest = new Map<string, number>();
  for await (const blob of listAll(store, MULTIPART_STAGING_PREFIX)) {
    const uploadId = blob.path.slice(MULTIPART_STAGING_PREFIX.length).split("/", 1)[0] ?? "";
    newest.set(uploadId, Math.max(newest.get(uploadId) ?? 0, blob.uploadedAt.getTime()));
  }
  let swept = 0;
  for (const [uploadId, at] of newest) {
    if (now - at < maxAgeMs) continue;
    await removeStagedUpload(store, uploadId);
    swept++;
  }
  return swept;
}

/** Deletes every staged piece (parts and manifest) of one multipart upload. */
async function removeStagedUpload(store: BlobStore, uploadId: string): Promise<void> {
  const staged: string[] = [];
  for await (const blob of listAll(store, `${MULTIPART_STAGING_PREFIX}${uploadId}/`)) staged.push(blob.path);
  await Promise.all(staged.map((path) => store.delete(path)));
}
