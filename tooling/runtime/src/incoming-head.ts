import type { IncomingMessage } from "node:http";
import { requestHeaders } from "./request-headers.ts";

/**
 * What the runtime needs of a request to route it and invoke a function: a `Request` has it, and
 * so does the lighter head below, which a function request gets instead of @hono/node-server's
 * Request when the runtime answers it itself (request-handler.ts). The function never sees either:
 * it gets its own Request (function-request.ts), whose headers are these.
 */
export interface RequestHead {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  /** Read only when there is no node:http request to read the body from (invoke.ts). */
  readonly body?: ReadableStream<Uint8Array> | null;
}

/** @hono/node-server's test for a request target it takes as it is (its `buildUrl`). */
const PLAIN_TARGET = /^\/[!#$&-;=?-[\]_a-z~]*$/;
const DOT_SEGMENT = /\/\.\.?(?:[/?#]|$)/;
const PLAIN_HOST = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/;

/**
 * The URL of a plain request: a lower-case host (with a usual port) and an origin-form target that
 * needs no normalising. It is the string @hono/node-server builds for the same request, so a
 * function sees the same `request.url` whichever of the two made it. Anything else (an absolute
 * target, dot segments, an odd host, TLS) gives undefined, and the request goes through
 * @hono/node-server as before.
 *
 * @example plainRequestUrl(req) // "http://localhost:3000/api/health" for GET /api/health
 */
export function plainRequestUrl(req: IncomingMessage): string | undefined {
  const host = req.headers.host;
  const target = req.url;
  if (!host || !target || (req.socket as { encrypted?: boolean } | null)?.encrypted) return undefined;
  if (!PLAIN_HOST.test(host) || !PLAIN_TARGET.test(target) || DOT_SEGMENT.test(target)) return undefined;
  return `http://${host}${target}`;
}

/**
 * The head of a node:http request: its headers are made only when something reads them (most
 * functions never do), and then answer from node's raw headers (request-headers.ts).
 */
export class IncomingHead implements RequestHead {
  readonly method: string;
  #headers: Headers | undefined;
  constructor(
    readonly incoming: IncomingMessage,
    readonly url: string,
  ) {
    this.method = incoming.method ?? "GET";
  }
  get headers(): Headers {
    this.#headers ??= requestHeaders(this.incoming.rawHeaders);
    return this.#headers;
  }
}
