/**
 * The BlobStore on Vercel Blob, through the official SDK (@vercel/blob 2.8.0).
 *
 * Settings are arguments: the read-write token is passed to every SDK call, never read from the
 * environment. The SDK itself still reads a few variables per request, and 2.8.0 offers no per-call
 * way to change them: VERCEL_BLOB_API_URL / NEXT_PUBLIC_VERCEL_BLOB_API_URL (the API base URL,
 * default https://vercel.com/api/blob), VERCEL_BLOB_RETRIES (default 10) and
 * VERCEL_BLOB_API_VERSION_OVERRIDE. So there is no `apiUrl` option here: to point the store at the
 * local protocol server (tooling/vercel-blob-local), set VERCEL_BLOB_API_URL in the process
 * (tests do; an app's dev script can).
 *
 * How the interface maps onto the service:
 * - put: `addRandomSuffix: false`, `allowOverwrite` from `overwrite`, the SDK's own `ifMatch`
 *   (x-if-match; it implies overwrite), `contentType` (default application/octet-stream, like the
 *   filesystem store, rather than the service's guess from the extension). Bodies are counted on the
 *   way through, so `maxBytes` holds for streams too. A stream is read up to
 *   `multipartThresholdBytes` ahead: if it ends by then it goes as one PUT, otherwise as a multipart
 *   upload (SDK `multipart: true`, 8 MiB parts). Bytes over the threshold go multipart as well.
 * - get: head() for the metadata, then a GET of the blob's URL through `fetch` (with `Range`, and
 *   `authorization` for private stores); 404 → BlobNotFoundError, 416 → BlobRangeNotSatisfiableError.
 *   A write between the two can pair new metadata with old bytes (and Vercel's CDN may serve an
 *   overwritten blob's old bytes for up to 60 s).
 * - list: the service's list returns path, size, etag, uploadedAt and URL only; list entries carry
 *   `contentType: ""` and `meta: {}` (head() a blob for those). Sidecars are skipped, with further
 *   calls so that a page is still full.
 * - delete: head() then del() of the blob and its sidecar; false when the head found nothing. Two
 *   concurrent deletes can both answer true.
 * - copy: head() of the source, the service's copy (content type carried over explicitly), then the
 *   sidecar.
 *
 * Metadata (`meta`): Vercel Blob has none, so it lives in a sidecar JSON blob at
 * `.blob-store-meta/<sha256 of the path>.json`: `{ "v": 1, "etag": <the blob's etag>, "meta": {…} }`.
 * It is written after the blob and read back only when its etag is the blob's current one, so a
 * crash or a concurrent writer between the two writes yields `meta: {}` rather than someone else's
 * meta. Paths under `.blob-store-meta/` are refused as BlobInvalidPathError by this store.
 */
import { createHash } from "node:crypto";
import {
  type HeadBlobResult,
  BlobError as SdkBlobError,
  BlobFileTooLargeError as SdkBlobFileTooLargeError,
  BlobNotFoundError as SdkBlobNotFoundError,
  BlobPreconditionFailedError as SdkBlobPreconditionFailedError,
  BlobServiceRateLimited as SdkBlobServiceRateLimited,
  copy as sdkCopy,
  del as sdkDel,
  head as sdkHead,
  list as sdkList,
  put as sdkPut,
} from "@vercel/blob";
import { concatBytes } from "./bytes.ts";
import {
  BlobAlreadyExistsError,
  BlobError,
  BlobInvalidPathError,
  BlobNotFoundError,
  BlobPreconditionFailedError,
  BlobRangeNotSatisfiableError,
  BlobRateLimitedError,
  BlobTooLargeError,
} from "./errors.ts";
import { bareEtag } from "./http.ts";
import { normalizeBlobPath } from "./path.ts";
import { beginPut, checkRange, listLimit } from "./store-checks.ts";
import type {
  BlobBody,
  BlobMetadata,
  BlobStore,
  ByteRange,
  GetResult,
  ListOptions,
  ListResult,
  PutOptions,
} from "./types.ts";

/** Where sidecar metadata lives; user paths under it are refused. */
export const META_PREFIX = ".blob-store-meta/";
const DEFAULT_CONTENT_TYPE = "application/octet-stream";
const DEFAULT_MULTIPART_THRESHOLD = 8 * 1024 * 1024;

export interface VercelBlobStoreOptions {
  /** The store's read-write token (BLOB_READ_WRITE_TOKEN), passed to every call. */
  token: string;
  /** The store's access mode: public URLs, or private ones read with the token. */
  access: "public" | "private";
  /** Reads blob content by URL (get, and sidecar metadata). Default: the global fetch. */
  fetch?: typeof fetch;
  /** Bodies larger than this go as multipart uploads. Default 8 MiB. */
  multipartThresholdBytes?: number;
}

interface Sidecar {
  v: 1;
  etag: string;
  meta: Record<string, string>;
}

const encoder = new TextEncoder();

function sidecarPath(path: string): string {
  return `${META_PREFIX}${createHash("sha256").update(path).digest("hex")}.json`;
}

function isReserved(path: string): boolean {
  return path.startsWith(META_PREFIX);
}

/** Validates and normalizes a user path; the sidecar area is not one. */
function userPath(path: string): string {
  const normalized = normalizeBlobPath(path);
  if (isReserved(normalized)) {
    throw new BlobInvalidPathError(normalized, `paths under ${META_PREFIX} are reserved for blob metadata`);
  }
  return normalized;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function parseSidecar(text: string): Sidecar | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const s = value as Partial<Sidecar>;
  if (s.v !== 1 || typeof s.etag !== "string" || typeof s.meta !== "object" || s.meta === null) return null;
  for (const v of Object.values(s.meta)) if (typeof v !== "string") return null;
  return s as Sidecar;
}

/** The body as one PUT (`bytes`) or as a multipart stream, with its size counted against maxBytes. */
type PreparedBody =
  | { kind: "bytes"; bytes: Uint8Array }
  | { kind: "stream"; stream: ReadableStream<Uint8Array>; size: () => number };

export class VercelBlobStore implements BlobStore {
  readonly kind = "vercel-blob";
  private readonly token: string;
  private readonly access: "public" | "private";
  private readonly fetch: typeof fetch;
  private readonly multipartThreshold: number;

  constructor(options: VercelBlobStoreOptions) {
    if (typeof options?.token !== "string" || !options.token.startsWith("vercel_blob_rw_")) {
      throw new TypeError("VercelBlobStore needs a read-write token (vercel_blob_rw_…)");
    }
    if (options.access !== "public" && options.access !== "private") {
      throw new TypeError('VercelBlobStore access must be "public" or "private"');
    }
    this.token = options.token;
    this.access = options.access;
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.multipartThreshold = options.multipartThresholdBytes ?? DEFAULT_MULTIPART_THRESHOLD;
  }

  async put(path: string, body: BlobBody, options: PutOptions = {}): Promise<BlobMetadata> {
    const { path: normalized, meta } = beginPut(path, body, options, userPath);
    const replaces = options.overwrite === true || options.ifMatch !== undefined;
    const prepared = await this.prepareBody(normalized, body, options.maxBytes);
    let result: Awaited<ReturnType<typeof sdkPut>>;
    try {
      result = await sdkPut(
        normalized,
        prepared.kind === "bytes" ? asBuffer(prepared.bytes) : prepared.stream,
        {
          access: this.access,
          token: this.token,
          addRandomSuffix: false,
          allowOverwrite: replaces,
          contentType: options.contentType ?? DEFAULT_CONTENT_TYPE,
          ...(options.ifMatch !== undefined ? { ifMatch: options.ifMatch } : {}),
          ...(prepared.kind === "stream" ? { multipart: true } : {}),
          ...(options.signal ? { abortSignal: options.signal } : {}),
        },
      );
    } catch (err) {
      throw this.mapError(err, normalized, {
        ifMatch: options.ifMatch,
        maxBytes: options.maxBytes,
        signal: options.signal,
      });
    }
    await this.writeSidecar(normalized, result.etag, meta, replaces);
    return {
      path: result.pathname,
      size: prepared.kind === "bytes" ? prepared.bytes.byteLength : prepared.size(),
      contentType: result.contentType,
      etag: result.etag,
      // The put answer has no upload time; the service stamps it as the request completes.
      uploadedAt: new Date(),
      url: result.url,
      meta,
    };
  }

  async get(path: string, options: { range?: ByteRange; signal?: AbortSignal } = {}): Promise<GetResult> {
    const normalized = userPath(path);
    options.signal?.throwIfAborted();
    const metadata = await this.head(normalized);
    if (metadata === null || metadata.url === null) throw new BlobNotFoundError(normalized);
    const headers: Record<string, string> = {};
    if (this.access === "private") headers.authorization = `Bearer ${this.token}`;
    const { range } = options;
    if (range) {
      checkRange(normalized, metadata.size, range);
      headers.range = `bytes=${range.start}-${range.end ?? ""}`;
    }
    // An overwritten blob can be served stale from the CDN for up to a minute, which would pair the
    // fresh etag from head() with old bytes (a result document read for a compare-and-swap, say). Ask
    // for this version by its etag, as readSidecar does.
    const target = new URL(metadata.url);
    if (this.access === "private") target.searchParams.set("cache", "0");
    else target.searchParams.set("v", bareEtag(metadata.etag));
    let response: Response;
    try {
      response = await this.fetch(target.toString(), {
        headers,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw new BlobError(
        "store_error",
        `Could not read ${JSON.stringify(normalized)}.`,
        normalized,
        undefined,
        {
          cause: err,
        },
      );
    }
    if (response.status === 404) {
      await response.body?.cancel();
      throw new BlobNotFoundError(normalized);
    }
    if (response.status === 416) {
      await response.body?.cancel();
      const total = /\/(\d+)$/.exec(response.headers.get("content-range") ?? "")?.[1];
      throw new BlobRangeNotSatisfiableError(normalized, total === undefined ? metadata.size : Number(total));
    }
    if (response.status === 429) {
      await response.body?.cancel();
      const retryAfter = Number.parseInt(response.headers.get("retry-after") ?? "", 10);
      throw new BlobRateLimitedError(Number.isFinite(retryAfter) ? retryAfter : null);
    }
    if (response.status !== 200 && response.status !== 206) {
      await response.body?.cancel();
      throw new BlobError(
        "store_error",
        `Reading ${JSON.stringify(normalized)} answered HTTP ${response.status}.`,
        normalized,
        { status: response.status },
      );
    }
    const body = response.body ?? new Blob([]).stream();
    if (!range) return { metadata, body, range: null };
    if (response.status === 206) {
      const m = /^bytes (\d+)-(\d+)\//.exec(response.headers.get("content-range") ?? "");
      if (m) return { metadata, body, range: { start: Number(m[1]), end: Number(m[2]) } };
    }
    // A server that ignored the Range header sent everything: cut the range out here.
    if (range.start >= metadata.size) {
      await body.cancel();
      throw new BlobRangeNotSatisfiableError(normalized, metadata.size);
    }
    const end = Math.min(range.end ?? metadata.size - 1, metadata.size - 1);
    return { metadata, body: slice(body, range.start, end), range: { start: range.start, end } };
  }

  async head(path: string): Promise<BlobMetadata | null> {
    const normalized = userPath(path);
    const blob = await this.headRaw(normalized);
    if (blob === null) return null;
    return { ...this.toMetadata(blob), meta: await this.readSidecar(normalized, blob) };
  }

  async list(options: ListOptions = {}): Promise<ListResult> {
    const limit = listLimit(options.limit);
    const prefix = (options.prefix ?? "").normalize("NFC");
    const blobs: BlobMetadata[] = [];
    let cursor = options.cursor || undefined;
    try {
      do {
        const page = await sdkList({
          token: this.token,
          limit: limit - blobs.length,
          ...(prefix ? { prefix } : {}),
          ...(cursor ? { cursor } : {}),
        });
        for (const b of page.blobs) {
          if (isReserved(b.pathname)) continue;
          blobs.push({
            path: b.pathname,
            size: b.size,
            contentType: "",
            etag: b.etag,
            uploadedAt: b.uploadedAt,
            url: b.url,
            meta: {},
          });
        }
        cursor = page.hasMore && page.cursor ? page.cursor : undefined;
      } while (cursor && blobs.length < limit);
    } catch (err) {
      throw this.mapError(err, prefix);
    }
    return { blobs, cursor: cursor ?? null };
  }

  async delete(path: string): Promise<boolean> {
    const normalized = userPath(path);
    const blob = await this.headRaw(normalized);
    if (blob === null) return false;
    try {
      await sdkDel([normalized, sidecarPath(normalized)], { token: this.token });
    } catch (err) {
      throw this.mapError(err, normalized);
    }
    return true;
  }

  async copy(from: string, to: string, options: { overwrite?: boolean } = {}): Promise<BlobMetadata> {
    const source = userPath(from);
    const target = userPath(to);
    const overwrite = options.overwrite === true;
    const original = await this.head(source);
    if (original === null) throw new BlobNotFoundError(source);
    let result: Awaited<ReturnType<typeof sdkCopy>>;
    try {
      result = await sdkCopy(source, target, {
        access: this.access,
        token: this.token,
        addRandomSuffix: false,
        allowOverwrite: overwrite,
        contentType: original.contentType,
      });
    } catch (err) {
      if (err instanceof SdkBlobNotFoundError) throw new BlobNotFoundError(source);
      throw this.mapError(err, target);
    }
    await this.writeSidecar(target, result.etag, original.meta, overwrite);
    let size = original.size;
    let uploadedAt = new Date();
    if (result.etag !== original.etag) {
      // The source changed between head and copy: ask for what was actually copied.
      const copied = await this.headRaw(target);
      if (copied !== null) ({ size, uploadedAt } = copied);
    }
    return {
      path: result.pathname,
      size,
      contentType: result.contentType,
      etag: result.etag,
      uploadedAt,
      url: result.url,
      meta: original.meta,
    };
  }

  // ---------------------------------------------------------------------------------------------

  private toMetadata(blob: HeadBlobResult): BlobMetadata {
    return {
      path: blob.pathname,
      size: blob.size,
      contentType: blob.contentType,
      etag: blob.etag,
      uploadedAt: blob.uploadedAt,
      url: blob.url,
      meta: {},
    };
  }

  private async headRaw(path: string): Promise<HeadBlobResult | null> {
    try {
      return await sdkHead(path, { token: this.token });
    } catch (err) {
      if (err instanceof SdkBlobNotFoundError) return null;
      throw this.mapError(err, path);
    }
  }

  /**
   * Counts the body against maxBytes. Bytes and strings are measured up front; a stream is read
   * ahead until it ends or passes the multipart threshold, and counted through a TransformStream
   * from there on, which errors the upload as soon as the limit is passed.
   */
  private async prepareBody(
    path: string,
    body: BlobBody,
    maxBytes: number | undefined,
  ): Promise<PreparedBody> {
    const tooLarge = () => new BlobTooLargeError(path, maxBytes ?? 0);
    if (!(body instanceof ReadableStream)) {
      const bytes = typeof body === "string" ? encoder.encode(body) : body;
      if (!(bytes instanceof Uint8Array))
        throw new TypeError("A blob body is a ReadableStream, a Uint8Array or a string");
      if (maxBytes !== undefined && bytes.byteLength > maxBytes) throw tooLarge();
      if (bytes.byteLength <= this.multipartThreshold) return { kind: "bytes", bytes };
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes);
          controller.close();
        },
      });
      return { kind: "stream", stream, size: () => bytes.byteLength };
    }
    let size = 0;
    const counted = body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          if (!(chunk instanceof Uint8Array)) {
            controller.error(new TypeError("A blob body stream must yield Uint8Array chunks"));
            return;
          }
          size += chunk.byteLength;
          if (maxBytes !== undefined && size > maxBytes) {
            controller.error(tooLarge());
            return;
          }
          controller.enqueue(chunk);
        },
      }),
    );
    const reader = counted.getReader();
    const ahead: Uint8Array[] = [];
    let aheadSize = 0;
    while (aheadSize <= this.multipartThreshold) {
      const { done, value } = await reader.read();
      if (done) return { kind: "bytes", bytes: concatBytes(ahead, aheadSize) };
      ahead.push(value);
      aheadSize += value.byteLength;
    }
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of ahead) controller.enqueue(chunk);
        ahead.length = 0;
      },
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    });
    return { kind: "stream", stream, size: () => size };
  }

  private async writeSidecar(
    path: string,
    etag: string,
    meta: Record<string, string>,
    mayReplace: boolean,
  ): Promise<void> {
    const sidecar = sidecarPath(path);
    try {
      if (Object.keys(meta).length > 0) {
        const content: Sidecar = { v: 1, etag, meta };
        await sdkPut(sidecar, JSON.stringify(content), {
          access: this.access,
          token: this.token,
          addRandomSuffix: false,
          allowOverwrite: true,
          contentType: "application/json",
        });
      } else if (mayReplace) {
        // The blob may have replaced one that had meta: that meta does not belong to the new content.
        await sdkDel(sidecar, { token: this.token });
      }
    } catch (err) {
      const mapped = this.mapError(err, path);
      throw new BlobError(
        mapped instanceof BlobError && mapped.code === "rate_limited" ? "rate_limited" : "store_error",
        `The blob at ${JSON.stringify(path)} was written, but its metadata was not: ${mapped.message}`,
        path,
        { metadataWritten: false },
        { cause: err },
      );
    }
  }

  /** The sidecar's meta when it belongs to this version of the blob, else {}. */
  private async readSidecar(path: string, blob: HeadBlobResult): Promise<Record<string, string>> {
    const url = await this.sidecarUrl(path, blob);
    if (url === null) return {};
    const target = new URL(url);
    // Sidecars are overwritten in place: keep a cached copy of an older one out of the way.
    if (this.access === "private") target.searchParams.set("cache", "0");
    else target.searchParams.set("v", bareEtag(blob.etag));
    const headers: Record<string, string> =
      this.access === "private" ? { authorization: `Bearer ${this.token}` } : {};
    let response: Response;
    try {
      response = await this.fetch(target.toString(), { headers });
    } catch (err) {
      throw new BlobError(
        "store_error",
        `Could not read the metadata of ${JSON.stringify(path)}.`,
        path,
        undefined,
        {
          cause: err,
        },
      );
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return {};
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new BlobError(
        "store_error",
        `Reading the metadata of ${JSON.stringify(path)} answered HTTP ${response.status}.`,
        path,
      );
    }
    const sidecar = parseSidecar(await response.text());
    if (sidecar === null) {
      throw new BlobError("store_error", `The metadata of ${JSON.stringify(path)} is unreadable.`, path);
    }
    return sidecar.etag === blob.etag ? sidecar.meta : {};
  }

  /**
   * The sidecar's URL, derived from the blob's (same store, same base; the sidecar's path is plain
   * ASCII), or asked of the service when the blob URL does not end in its own pathname.
   */
  private async sidecarUrl(path: string, blob: HeadBlobResult): Promise<string | null> {
    try {
      const url = new URL(blob.url);
      const decoded = decodeURIComponent(url.pathname);
      if (decoded.endsWith(`/${path}`)) {
        const base = decoded.slice(0, decoded.length - path.length);
        return `${url.origin}${encodeURI(base)}${sidecarPath(path)}`;
      }
    } catch {
      // Fall through to asking the service.
    }
    const sidecar = await this.headRaw(sidecarPath(path));
    return sidecar?.url ?? null;
  }

  private mapError(
    err: unknown,
    path: string,
    context: {
      ifMatch?: string | undefined;
      maxBytes?: number | undefined;
      signal?: AbortSignal | undefined;
    } = {},
  ): Error {
    if (err instanceof BlobError) return err;
    if (context.signal?.aborted)
      return context.signal.reason instanceof Error ? context.signal.reason : new Error("aborted");
    if (err instanceof SdkBlobNotFoundError) return new BlobNotFoundError(path);
    if (err instanceof SdkBlobPreconditionFailedError) {
      return new BlobPreconditionFailedError(path, context.ifMatch ?? "", null);
    }
    if (err instanceof SdkBlobServiceRateLimited) {
      return new BlobRateLimitedError(err.retryAfter > 0 ? err.retryAfter : null, { cause: err });
    }
    if (err instanceof SdkBlobFileTooLargeError) return new BlobTooLargeError(path, context.maxBytes ?? 0);
    if (err instanceof SdkBlobError && /already exists/i.test(err.message))
      return new BlobAlreadyExistsError(path);
    const message = err instanceof Error ? err.message : String(err);
    return new BlobError("store_error", message, path, undefined, { cause: err });
  }
}

/** Bytes [start, end] of a stream that starts at byte 0. */
function slice(body: ReadableStream<Uint8Array>, start: number, end: number): ReadableStream<Uint8Array> {
  let position = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        const from = Math.max(start - position, 0);
        const to = Math.min(end + 1 - position, chunk.byteLength);
        position += chunk.byteLength;
        if (to > from) controller.enqueue(chunk.subarray(from, to));
        if (position > end) controller.terminate();
      },
    }),
  );
}
