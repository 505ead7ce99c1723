/**
 * A local Vercel Blob service: the wire protocol of the `@vercel/blob` SDK (see protocol.ts), served
 * ON TOP OF any BlobStore (in practice the FilesystemBlobStore), as a web-standard
 * `(Request) => Response` handler. Point the real SDK at it with
 * `VERCEL_BLOB_API_URL=<origin><apiBasePath>` and it puts, heads, lists, copies, deletes and uploads
 * (server-side, multipart and client-token uploads) offline. Tooling, never deployed: `pnpm dev`
 * mounts it (vercel-local.config.ts) and the tests run the real SDK against it.
 *
 * Answered loudly, never guessed (so an SDK upgrade that changes the protocol fails a test): any
 * other route, method, query parameter, protocol header or x-api-version → 400 with
 * `{ error: { code: "bad_request", message, unknown } }`; routes the SDK has that this server does
 * not implement (createFolder, put-from-url, put-optimized, signed-token, presigned URLs, OIDC
 * tokens) → 501.
 *
 * This file is the router; each route is a file of its own under routes/.
 */
import { type BlobProtocolHandlerOptions, createContext, type ProtocolContext } from "./context.ts";
import { fromStoreError, notImplemented, unknown } from "./errors.ts";
import { KNOWN_HEADERS, PROTOCOL_HEADER, SUPPORTED_API_VERSIONS } from "./protocol.ts";
import { content } from "./routes/content.ts";
import { copy } from "./routes/copy.ts";
import { del } from "./routes/delete.ts";
import { head } from "./routes/head.ts";
import { list } from "./routes/list.ts";
import { multipart } from "./routes/multipart.ts";
import { put } from "./routes/put.ts";
import { type Auth, authenticate, requireReadWrite } from "./tokens.ts";
import { CORS_HEADERS, errorResponse } from "./wire.ts";

export type { BlobProtocolHandlerOptions } from "./context.ts";

type ApiRoute = (
  ctx: ProtocolContext,
  request: Request,
  params: URLSearchParams,
  auth: Auth,
) => Promise<Response>;

/** `${method} ${path under the API}` → route; "(root)" is the API path itself, "/" the path with a slash. */
const API_ROUTES: Record<string, ApiRoute> = {
  "PUT /": put,
  "GET (root)": (ctx, _request, params, auth) => {
    requireReadWrite(auth, params.has("url") ? "head" : "list");
    return params.has("url") ? head(ctx, params) : list(ctx, params);
  },
  "PUT (root)": (ctx, request, params, auth) => copy(ctx, request, params, auth, false),
  "POST /rename": (ctx, request, params, auth) => copy(ctx, request, params, auth, true),
  "POST /delete": del,
  "POST /mpu": multipart,
};

/** Routes of the SDK this server refuses with 501, by path under the API. */
const NOT_IMPLEMENTED: Record<string, string> = {
  "/put-from-url": "image optimization",
  "/put-optimized": "image optimization",
  "/signed-token": "issueSignedToken",
};

function api(
  ctx: ProtocolContext,
  request: Request,
  sub: string,
  params: URLSearchParams,
): Promise<Response> {
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
  const refused = NOT_IMPLEMENTED[sub];
  if (refused !== undefined) throw notImplemented(`${request.method} ${sub} (${refused})`);
  const route = API_ROUTES[`${request.method} ${sub || "(root)"}`];
  if (route === undefined) throw unknown("route", { method: request.method, path: `${ctx.apiPath}${sub}` });
  return route(ctx, request, params, authenticate(request, ctx.readWriteToken, ctx.now()));
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

/**
 * The handler: the API under `apiBasePath`, blob content under the path of `publicBaseUrl`.
 *
 * @example
 * const handler = createBlobProtocolHandler({ store, readWriteToken, publicBaseUrl: `${origin}/files` });
 * // VERCEL_BLOB_API_URL=`${origin}/api/blob`, and the SDK's put/head/list/… reach `handler`.
 */
export function createBlobProtocolHandler(
  options: BlobProtocolHandlerOptions,
): (request: Request) => Promise<Response> {
  const ctx = createContext(options);
  return async function handleBlobProtocol(request: Request): Promise<Response> {
    try {
      const url = new URL(request.url);
      if (request.method === "OPTIONS") return preflight(request);
      if (under(url.pathname, ctx.apiPath)) {
        return await api(ctx, request, url.pathname.slice(ctx.apiPath.length), url.searchParams);
      }
      if (under(url.pathname, ctx.filesPath) && url.pathname.length > ctx.filesPath.length + 1) {
        return await content(ctx, request, url.pathname.slice(ctx.filesPath.length + 1), url.searchParams);
      }
      throw unknown("route", { method: request.method, path: url.pathname });
    } catch (error) {
      const answer = fromStoreError(error);
      if (answer.status >= 500 && answer.status !== 501) {
        ctx.log("internal error", { method: request.method, url: request.url, error: String(error) });
      }
      return errorResponse(answer);
    }
  };
}
