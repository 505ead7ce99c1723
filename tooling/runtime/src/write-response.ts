import type { ServerResponse } from "node:http";

/**
 * @hono/node-server's global `Response` (installed by request-handler.ts) keeps what it was made
 * with under a symbol of its own, `[status, body, headers]`, until something reads it as a real
 * Response. Found once, by its description, on a Response made after the globals changed; a
 * Response without it (undici's, or a light one that became real) is written by
 * @hono/node-server's listener instead.
 */
let cacheKey: symbol | null | undefined;

function findCacheKey(): symbol | null {
  const probe = new Response("");
  return Object.getOwnPropertySymbols(probe).find((key) => key.description === "cache") ?? null;
}

type Cached = [number, unknown, unknown];

/**
 * Writes a light Response whose body is a string, bytes or nothing and whose headers are a plain
 * object, with one `writeHead` and one `end`, exactly as @hono/node-server's `responseViaCache`
 * writes it (the same headers, the same Content-Length rule), without its listener around it.
 * Returns false, having written nothing, for any other Response. The runtime's own headers (the
 * route's, the request id) come as `added` rather than set on `outgoing` beforehand: node merges a
 * writeHead's headers over set ones one `setHeader` at a time, which cost a third of the write
 * (issue 15).
 *
 * @example if (!writeLightResponse(response, res)) fallback(response);
 */
export function writeLightResponse(
  response: Response,
  outgoing: ServerResponse,
  /**
   * Headers written under the Response's own, in this order: a name the Response sets (in any
   * case) wins.
   */
  added?: readonly (Record<string, string> | undefined)[],
): boolean {
  if (cacheKey === undefined) cacheKey = findCacheKey();
  if (cacheKey === null) return false;
  const cached = (response as unknown as Record<symbol, Cached | undefined>)[cacheKey];
  if (!cached) return false;
  const [status, body, header] = cached;
  if (!(body === null || typeof body === "string" || body instanceof Uint8Array)) return false;
  if (header === undefined || header === null || typeof header !== "object") return false;
  if (Object.getPrototypeOf(header) !== Object.prototype) return false;
  let headers = header as Record<string, string | number>;
  if (added) headers = underOwn(headers, added);
  let hasContentLength = false;
  let canAutoLength = true;
  for (const key in headers) {
    if (key.length === 14 && key.toLowerCase() === "content-length") {
      hasContentLength = true;
      break;
    }
    if (
      (key.length === 17 && key.toLowerCase() === "transfer-encoding") ||
      (key.length === 7 && key.toLowerCase() === "trailer")
    )
      canAutoLength = false;
  }
  if (!hasContentLength && body !== null) {
    const length = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
    if (!canAutoLength || !trySetContentLength(outgoing, status, length)) {
      headers = { ...headers, "Content-Length": length };
    }
  }
  outgoing.writeHead(status, headers);
  if (body === null) outgoing.end();
  else outgoing.end(body);
  return true;
}

/**
 * Each of `added`, then `own` over them, copied once into one plain object: a name in `own`
 * replaces the same name in `added` whatever its case.
 */
function underOwn(
  own: Record<string, string | number>,
  added: readonly (Record<string, string> | undefined)[],
): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const headers of added) {
    if (headers) for (const name in headers) if (!hasName(own, name)) out[name] = headers[name] as string;
  }
  for (const name in own) out[name] = own[name] as string | number;
  return out;
}

function hasName(headers: Record<string, unknown>, name: string): boolean {
  if (Object.hasOwn(headers, name)) return true;
  const lower = name.toLowerCase();
  for (const key in headers) if (key.length === lower.length && key.toLowerCase() === lower) return true;
  return false;
}

/** node:http's own fields, which @hono/node-server sets to have node write the Content-Length. */
interface OutgoingInternals {
  _contentLength: number | null;
  _hasBody: boolean;
  useChunkedEncodingByDefault: boolean;
  _removedContLen: boolean;
}

/**
 * @hono/node-server's `trySetContentLength`: node writes the length itself (no header object is
 * copied) when nothing set one, the response may have a body and would otherwise be chunked.
 */
function trySetContentLength(outgoing: ServerResponse, status: number, length: number): boolean {
  const http1 = outgoing as unknown as OutgoingInternals;
  if (
    http1._contentLength === null &&
    http1._hasBody &&
    http1.useChunkedEncodingByDefault &&
    !http1._removedContLen &&
    status >= 200 &&
    status !== 204 &&
    status !== 304 &&
    !outgoing.hasHeader("content-length") &&
    !outgoing.hasHeader("transfer-encoding") &&
    !outgoing.hasHeader("trailer")
  ) {
    http1._contentLength = length;
    return true;
  }
  return false;
}
