import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { getRequestListener } from "@hono/node-server";
import { createProxyServer } from "httpxy";
import { setClientAddress } from "./client-address.ts";
import { allowDevEval } from "./dev-csp.ts";
import { installRequestGlobals } from "./function-request.ts";
import { IncomingHead, plainRequestUrl } from "./incoming-head.ts";
import type { ModuleLoader } from "./loader.ts";
import { findMount, type MountHandler } from "./local-config.ts";
import type { Observer } from "./observe/observer.ts";
import { REQUEST_ID_HEADER } from "./observe/request-id.ts";
import { findHit, type Hit, type Project } from "./project.ts";
import { answerFunction, type FunctionResolution, isApiPath, routeResponse } from "./route-response.ts";
import { type Resolution, resolveRoute } from "./router.ts";
import { writeLightResponse } from "./write-response.ts";

export interface RequestHandlerOptions {
  /** Read on every request: a reload that replaces its fields applies to the next one. */
  project: Project;
  loader: ModuleLoader;
  /** The port of vercel.json's devCommand (the web app's dev server), when one runs. */
  appPort?: number;
  /** One line per request on stdout. */
  log?: boolean;
  /**
   * Times, logs and records every request, gives function invocations their request id and their
   * console output (observe/observer.ts). Without one, `log` prints the plain one-line log.
   */
  observer?: Observer;
}

export interface RequestHandler {
  /** The `request` listener of a node:http server. */
  (req: IncomingMessage, res: ServerResponse): void;
  /** The `upgrade` listener: WebSockets (Next's hot reload) go to the web app's dev server. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /**
   * Serves local stand-ins of platform services under these path prefixes, ahead of routing: not
   * functions, so no body limit and no maxDuration. Set once the local config is loaded.
   */
  setMounts(mounts: [string, MountHandler][]): void;
  close(): void;
}

/**
 * @hono/node-server's lightweight global `Response` (and its `Request` subclass, which
 * function-request.ts's `installRequestGlobals` extends in turn): a function's `new Response(string)` then keeps its body as the
 * string and it is written with one `writeHead` + `end`, where undici's Response turned it into a
 * web stream that was read back chunk by chunk (issue 15: a third of a request's CPU). Installed once,
 * when the first handler is made, before any function module loads; `instanceof Response` still
 * holds for undici's own Responses, so a function may return either.
 */
const FETCH_OPTIONS = { overrideGlobalObjects: true } as const;

type Answer = (
  request: Request,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
) => Response | Promise<Response>;

/** What the handler decided for a request, for the fetch listener to act on. */
const ANSWER = Symbol("answer");
type RoutedIncoming = IncomingMessage & { [ANSWER]?: Answer };

/**
 * One @hono/node-server listener for the process (not one per request): it gets the answer the
 * handler attached to the request, gives it the request as a `Request` (its body read only if it
 * asks) and writes what it returns. Made with the first handler, which is when the globals change.
 */
let fetchListener: ReturnType<typeof getRequestListener> | undefined;

function makeFetchListener(): ReturnType<typeof getRequestListener> {
  const listener = getRequestListener((request, env) => {
    // Only node:http servers are made here (createRuntime), so these are node:http's objects.
    const incoming = env.incoming as RoutedIncoming;
    const answer = incoming[ANSWER];
    if (!answer) throw new Error("no answer attached to the request");
    return answer(request, incoming, env.outgoing as ServerResponse);
  }, FETCH_OPTIONS);
  installRequestGlobals();
  return listener;
}

function serveFetch(req: IncomingMessage, res: ServerResponse, answer: Answer): void {
  (req as RoutedIncoming)[ANSWER] = answer;
  fetchListener ??= makeFetchListener();
  void fetchListener(req, res);
}

/**
 * The runtime's request handler: routes each request by vercel.json and the api/ folder exactly as
 * Vercel's router would, and answers it. Functions run in this process (see route-response.ts);
 * the web app's pages go to its dev server (dev) and external rewrites to their origin, both
 * through a proxy; the local config's mounts answer first.
 *
 * @example
 * const handler = createRequestHandler({ project, loader, appPort: 43111, log: true });
 * const server = createServer(handler).on("upgrade", handler.upgrade);
 */
export function createRequestHandler(options: RequestHandlerOptions): RequestHandler {
  const { project, loader, appPort, observer } = options;
  // Now, before any function module loads, so that they all see the same globals.
  fetchListener ??= makeFetchListener();
  const appOrigin = appPort === undefined ? undefined : `http://127.0.0.1:${appPort}`;
  let mounts: [string, MountHandler][] = [];

  const proxy = createProxyServer({ xfwd: true, ws: true });
  proxy.on("error", (error, _req, res) => {
    const out = res as ServerResponse;
    if (out && "headersSent" in out && !out.headersSent) {
      out.writeHead(502, { "content-type": "text/plain; charset=utf-8" });
      out.end(`The web app's dev server did not answer: ${(error as Error).message}\n`);
    }
  });

  // Where a request routed to a function is kept by method, host and request target, so a repeat
  // skips URL parsing and the route table. Function routes depend only on vercel.json's routes, the
  // api/ scan and (in dev) the web app's paths: a reload replaces those objects, and the kept routes
  // are dropped when any of them is not the one they were found with. Static files are not kept
  // (the output directory may be rebuilt under a running server).
  const routed = new Map<string, Resolution<Hit>>();
  const ROUTED_MAX = 1000;
  let routedWith: [unknown, unknown, unknown] = [project.config, project.functions, project.appPaths];
  const currentRoutes = () => {
    const [config, functions, appPaths] = routedWith;
    if (config !== project.config || functions !== project.functions || appPaths !== project.appPaths) {
      routed.clear();
      routedWith = [project.config, project.functions, project.appPaths];
    }
    return routed;
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    if (observer) observer.request(req, res);
    else if (options.log) logWhenFinished(req, res);
    setClientAddress(req);
    const method = (req.method ?? "GET").toUpperCase();
    const key = `${method} ${req.headers.host ?? ""} ${req.url ?? "/"}`;
    const known = currentRoutes().get(key);
    if (known) {
      serveFunction(req, res, known);
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
    } catch {
      res.writeHead(400, { "content-type": "text/plain" }).end("Bad Request\n");
      return;
    }
    // Next's dev server opens files in the developer's editor on this request; any web page could
    // send it to localhost. Not served.
    if (project.dev && url.pathname.startsWith("/__nextjs_launch-editor")) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not Found\n");
      return;
    }
    const mount = mounts.length > 0 ? findMount(mounts, url.pathname) : null;
    if (mount) {
      serveFetch(req, res, mount[1]);
      return;
    }
    const resolution = resolveRoute(project.config.routes, method, url, (path) => findHit(project, path));
    const toApp =
      (resolution.kind === "filesystem" && resolution.hit.type === "app") ||
      (resolution.kind === "not-found" && !isApiPath(resolution.url.pathname));
    if (toApp && appOrigin) {
      req.url = resolution.url.pathname + resolution.url.search;
      for (const [key, value] of Object.entries(resolution.headers)) {
        res.setHeader(key, key === "content-security-policy" ? allowDevEval(value) : value);
      }
      proxy.web(req, res, { target: appOrigin }).catch(() => {});
      return;
    }
    if (resolution.kind === "external") {
      req.url = resolution.url.pathname + resolution.url.search;
      proxy.web(req, res, { target: resolution.url.origin, changeOrigin: true }).catch(() => {});
      return;
    }
    if (resolution.kind === "filesystem" && resolution.hit.type === "function") {
      if (routed.size >= ROUTED_MAX) routed.clear();
      routed.set(key, resolution);
    }
    serveFunction(req, res, resolution);
  };

  /** Answers in this process: a function, a static file, a redirect or a miss (route-response.ts). */
  const serveFunction = (req: IncomingMessage, res: ServerResponse, resolution: Resolution<Hit>) => {
    if (resolution.kind !== "filesystem" || resolution.hit.type !== "function") {
      serveFetch(req, res, (request, incoming, outgoing) =>
        routeResponse(request, resolution, project, loader, { incoming, outgoing }),
      );
      return;
    }
    const url = plainRequestUrl(req);
    // The request id (with an observer) goes on the response with the route's headers: in the
    // direct path's one writeHead, else set before the listener writes.
    const serve =
      url === undefined
        ? (id?: string) => {
            if (id !== undefined) res.setHeader(REQUEST_ID_HEADER, id);
            serveFetch(req, res, (request, incoming, outgoing) =>
              routeResponse(request, resolution, project, loader, { incoming, outgoing }),
            );
          }
        : (id?: string) => serveDirect(req, res, url, resolution as FunctionResolution, id);
    if (observer) observer.invoke(req, res, resolution.hit.match.route.file, serve);
    else serve();
  };

  /**
   * A function invocation answered without @hono/node-server's listener around it: no request
   * object of its, no async listener and no close handler per request (issue 15: with their
   * promises, ~1 µs of a card check's ~40, and what their closures kept alive at each scavenge).
   * The function's Response is written as the listener
   * would write it (write-response.ts); any Response that cannot be written that way, an error,
   * and a request whose body is still unread (the listener drains it) go to the listener, which
   * writes them as it always has.
   */
  const serveDirect = (
    req: IncomingMessage,
    res: ServerResponse,
    url: string,
    resolution: FunctionResolution,
    id: string | undefined,
  ) => {
    /**
     * Hands the answer to the listener, with the request id and (for an answer of the function's)
     * the route's headers set first: its writeHead merges the Response's own over them.
     */
    const toListener = (answer: Answer, routeHeaders?: Record<string, string>) => {
      if (id !== undefined) res.setHeader(REQUEST_ID_HEADER, id);
      if (routeHeaders) for (const name in routeHeaders) res.setHeader(name, routeHeaders[name] as string);
      serveFetch(req, res, answer);
    };
    const answered = (error: unknown, response?: Response, routeHeaders?: Record<string, string>) => {
      if (!response) {
        toListener(() => Promise.reject(error));
        return;
      }
      const drained = req.readableEnded || req.method === "GET" || req.method === "HEAD";
      let written = false;
      if (drained) {
        try {
          written = writeLightResponse(
            response,
            res,
            id === undefined ? [routeHeaders] : [{ [REQUEST_ID_HEADER]: id }, routeHeaders],
          );
        } catch (writeError) {
          // A header node refuses (a newline in a value), found before anything was written: the
          // listener answers it as it would (a 500).
          toListener(() => Promise.reject(writeError), routeHeaders);
          return;
        }
      }
      if (!written) toListener(() => response, routeHeaders);
    };
    try {
      answerFunction(
        new IncomingHead(req, url),
        resolution,
        project,
        loader,
        { incoming: req, outgoing: res },
        answered,
      );
    } catch (error) {
      toListener(() => {
        throw error;
      });
    }
  };

  return Object.assign(handler, {
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
      if (!appOrigin) {
        socket.destroy();
        return;
      }
      proxy
        .ws(req, socket as Socket, { target: appOrigin.replace(/^http/, "ws") }, head)
        .catch(() => socket.destroy());
    },
    setMounts(next: [string, MountHandler][]) {
      mounts = next;
      // A kept route may now be under a mount, which answers first.
      routed.clear();
    },
    close() {
      proxy.close?.();
    },
  });
}

/** The path only: a query string can carry what should never be logged. */
function logWhenFinished(req: IncomingMessage, res: ServerResponse): void {
  const started = performance.now();
  res.once("finish", () => {
    const ms = (performance.now() - started).toFixed(1);
    console.log(`[runtime] ${req.method} ${(req.url ?? "").split("?")[0]} ${res.statusCode} ${ms}ms`);
  });
}
