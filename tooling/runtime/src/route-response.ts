import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHead } from "./incoming-head.ts";
import { type FunctionModule, invokeWith } from "./invoke.ts";
import type { ModuleLoader } from "./loader.ts";
import { platformError } from "./platform-errors.ts";
import type { Hit, Project } from "./project.ts";
import type { Resolution } from "./router.ts";
import { findStaticFile, staticResponse } from "./static-files.ts";

/** Vercel answers a miss under /api with its own 404, never the site's 404 page. */
export const isApiPath = (pathname: string) => pathname === "/api" || pathname.startsWith("/api/");

/** Vercel gives a function's answer this caching when the function names none. */
const FUNCTION_CACHE_CONTROL = "public, max-age=0, must-revalidate";

/**
 * The answer to a routed request that stays in this process: a redirect, a 404, a static file or a
 * function's response, each with the headers vercel.json's routes added (a header the answer sets
 * itself wins). What goes to the web app's dev server or an external rewrite is proxied instead
 * (request-handler.ts) and never comes here.
 */
export function routeResponse(
  request: RequestHead,
  resolution: Resolution<Hit>,
  project: Project,
  loader: ModuleLoader,
  /**
   * The node:http request and response behind `request`: a function's body is read from the
   * request directly, and the route's headers are put on the response before it is written.
   */
  node?: { incoming: IncomingMessage; outgoing: ServerResponse },
): Promise<Response> {
  switch (resolution.kind) {
    case "external":
      return Promise.resolve(platformError("NOT_FOUND"));
    case "redirect":
      return Promise.resolve(
        new Response(null, {
          status: resolution.status,
          headers: { ...resolution.headers, location: resolution.location },
        }),
      );
    case "not-found": {
      if (isApiPath(resolution.url.pathname))
        return Promise.resolve(withHeaders(platformError("NOT_FOUND"), resolution.headers));
      const page = findStaticFile(project.outputDir, "/404", true);
      return Promise.resolve(
        withHeaders(
          page ? staticResponse(page, request.method, 404) : platformError("NOT_FOUND"),
          resolution.headers,
        ),
      );
    }
  }
  const { hit } = resolution;
  if (hit.type === "static")
    return Promise.resolve(withHeaders(staticResponse(hit.file, request.method), resolution.headers));
  if (hit.type !== "function") return Promise.resolve(platformError("NOT_FOUND"));
  return new Promise((resolve, reject) =>
    answerFunction(
      request,
      resolution as FunctionResolution,
      project,
      loader,
      node,
      (error, response, headers) => {
        if (response && headers && node) {
          // Under the function's own: writeHead merges the Response's headers over these, ignoring case.
          for (const name in headers) node.outgoing.setHeader(name, headers[name] as string);
        }
        if (response) resolve(response);
        else reject(error);
      },
    ),
  );
}

/**
 * A function's answer, and with a node:http response to write it to, the route's headers for the
 * writer to add under the Response's own (a header the Response sets itself wins, whatever its case).
 */
export type RoutedCallback = (error: unknown, response?: Response, headers?: Record<string, string>) => void;

/** A resolution that names a function. */
export type FunctionResolution = Extract<Resolution<Hit>, { kind: "filesystem" }> & {
  hit: Extract<Hit, { type: "function" }>;
};

/**
 * A function's answer to a routed request, through a callback (see invoke.ts's invokeWith: the
 * request handler's direct path makes no promise of its own), with the route's headers added: to
 * the Response without `node`, handed to the callback with it.
 */
export function answerFunction(
  request: RequestHead,
  resolution: FunctionResolution,
  project: Project,
  loader: ModuleLoader,
  node: { incoming: IncomingMessage; outgoing: ServerResponse } | undefined,
  done: RoutedCallback,
): void {
  const { hit, url } = resolution;
  // A function sees the URL the client asked for, as on Vercel: a rewrite changes which function
  // runs, not its request's path. The rewrite's own query parameters and the dynamic segments are
  // added to the query; a parameter of the same name that the client sent wins, as in vercel dev
  // (checked by the conformance test).
  const fnUrl = functionUrl(request.url, url, hit.match.params);
  const { file } = hit.match.route;
  const invoke = (mod: FunctionModule) => {
    const options = {
      url: fnUrl,
      maxDuration: project.config.functionSettings(file).maxDuration,
      name: file,
      incoming: node?.incoming,
    };
    if (!node) {
      const headers = { ...resolution.headers, "cache-control": FUNCTION_CACHE_CONTROL };
      invokeWith(mod, request, options, (error, response) =>
        done(error, response && withHeaders(response, headers)),
      );
      return;
    }
    // Handed to the writer rather than put on the Response: "a header the answer sets itself
    // wins" without copying the function's Headers (and, written with the Response's own in one
    // writeHead, without node's per-header merge, issue 15).
    const headers = functionHeaders(resolution);
    invokeWith(mod, request, options, (error, response) => done(error, response, headers));
  };
  // A warm module is the one its load already gave: no await (and no promise) in between.
  const loading = loader.load(file);
  const loaded = loadedModules.get(loading);
  if (loaded) {
    invoke(loaded);
    return;
  }
  loading.then(
    (mod) => {
      loadedModules.set(loading, mod);
      invoke(mod);
    },
    (error: unknown) => {
      console.error(`[runtime] ${file} failed to load:`, error);
      done(
        null,
        platformError(
          "FUNCTION_INVOCATION_FAILED",
          project.dev ? String((error as Error).message) : undefined,
        ),
      );
    },
  );
}

/**
 * Modules by the load promise that gave them. The loader answers a warm load with the promise it
 * kept for that module, so the same promise again is the same module; a reload makes a new one.
 */
const loadedModules = new WeakMap<Promise<FunctionModule>, FunctionModule>();

/** The route's headers and the default cache-control, made once per route the router keeps. */
const routeHeaders = new WeakMap<Resolution<Hit>, Record<string, string>>();
function functionHeaders(resolution: Resolution<Hit>): Record<string, string> {
  let headers = routeHeaders.get(resolution);
  if (!headers) {
    // Last, so that it stands in for a function's missing cache-control before a route's would.
    headers = { ...resolution.headers, "cache-control": FUNCTION_CACHE_CONTROL };
    routeHeaders.set(resolution, headers);
  }
  return headers;
}

/**
 * The URL a function sees: the client's, plus the rewrite's query parameters and the dynamic
 * segments it does not already name. Most requests have neither, and keep the client's string.
 */
function functionUrl(requested: string, routed: URL, params: Record<string, string>): string {
  const names = Object.keys(params);
  if (names.length === 0 && routed.href === requested) return requested;
  const fnUrl = new URL(requested);
  for (const [name, value] of routed.searchParams) {
    if (!fnUrl.searchParams.has(name)) fnUrl.searchParams.append(name, value);
  }
  for (const name of names) {
    if (!fnUrl.searchParams.has(name)) fnUrl.searchParams.set(name, params[name] ?? "");
  }
  return fnUrl.href;
}

/** Adds headers the response does not set itself; a response with immutable headers is copied once. */
function withHeaders(response: Response, headers: Record<string, string>): Response {
  const entries = Object.entries(headers);
  if (entries.length === 0) return response;
  let out = response;
  try {
    for (const [key, value] of entries) if (!out.headers.has(key)) out.headers.set(key, value);
  } catch {
    out = new Response(response.body, response);
    for (const [key, value] of entries) if (!out.headers.has(key)) out.headers.set(key, value);
  }
  return out;
}
