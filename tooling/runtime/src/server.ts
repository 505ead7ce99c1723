import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { dirname, join, resolve } from "node:path";
import { getRequestListener } from "@hono/node-server";
import { createProxyServer } from "httpxy";
import { createCronRunner } from "./cron-jobs.js";
import { type DevCommand, scanNextPaths, startDevCommand } from "./dev-command.js";
import { allowDevEval } from "./dev-csp.js";
import { type FunctionMatch, type FunctionRoute, matchFunction, scanFunctions } from "./functions.js";
import { invokeFunction } from "./invoke.js";
import { createModuleLoader, type ModuleLoader } from "./loader.js";
import { findMount, LOCAL_CONFIG_FILE, loadLocalConfig, type MountHandler } from "./local-config.js";
import { platformError } from "./platform-errors.js";
import { type Resolution, resolveRoute } from "./router.js";
import { findStaticFile, type StaticFile, staticResponse } from "./static-files.js";
import { DEFAULT_MAX_DURATION, loadProjectConfig, type ProjectConfig } from "./vercel-config.js";

export interface RuntimeOptions {
  /** The Vercel project root: vercel.json, api/. */
  root: string;
  /**
   * `dev`: functions from source with reloads, the web app from vercel.json's devCommand.
   * `start`: production-like, the built static output and compiled packages, no watching.
   */
  mode: "dev" | "start";
  port?: number;
  host?: string;
  /** One line per request on stdout. */
  log?: boolean;
  /** Start vercel.json's devCommand in dev mode (default true); false serves the functions alone. */
  app?: boolean;
  /**
   * Run vercel.json's `crons` on their schedules (default true). False schedules nothing;
   * `runCron` still invokes a cron on demand.
   */
  crons?: boolean;
}

export interface Runtime {
  url: string;
  port: number;
  functions(): FunctionRoute[];
  /** vercel.json's cron jobs, as currently loaded. */
  crons(): { path: string; schedule: string }[];
  /**
   * Invokes the cron job with this path now, as its schedule would: a GET through the runtime's own
   * origin with Vercel's cron headers. Answers the response, its body read whole. Throws for a path
   * that no `crons` entry of vercel.json names.
   */
  runCron(path: string): Promise<Response>;
  close(): Promise<void>;
}

/** Vercel sends this user agent with every cron invocation. */
export const CRON_USER_AGENT = "vercel-cron/1.0";

/** The origin this process reaches its own server on, for the requests it sends itself. */
function ownOrigin(host: string | undefined, port: number): string {
  if (!host || host === "localhost") return `http://localhost:${port}`;
  // A server on every address is reached on loopback of the same family.
  const to = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return `http://${to.includes(":") ? `[${to}]` : to}:${port}`;
}

const CLIENT_ADDRESS_HEADERS = new Set(["x-forwarded-for", "x-real-ip"]);

/** Sets the client-address headers, dropping any the client sent (both views of the headers). */
function setClientAddress(req: IncomingMessage, address: string): void {
  const raw: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? "";
    if (!CLIENT_ADDRESS_HEADERS.has(name.toLowerCase())) raw.push(name, req.rawHeaders[i + 1] ?? "");
  }
  raw.push("x-forwarded-for", address, "x-real-ip", address);
  req.rawHeaders.splice(0, req.rawHeaders.length, ...raw);
  req.headers["x-forwarded-for"] = address;
  req.headers["x-real-ip"] = address;
}

/** Vercel answers a miss under /api with its own 404, never the site's 404 page. */
const isApiPath = (pathname: string) => pathname === "/api" || pathname.startsWith("/api/");

type Hit =
  | { type: "function"; match: FunctionMatch }
  | { type: "static"; file: StaticFile }
  | { type: "app" };

/**
 * The local form of Vercel's runtime: one origin that routes every request by vercel.json and the
 * api/ folder exactly as Vercel's router would, runs functions in-process (warm after the first
 * call, reloaded when their files change) and serves the web app beside them.
 *
 * vercel.json's `crons` run on their schedules (5-field cron, UTC; see cron.ts) as Vercel runs them:
 * a GET of the path through this origin, with `user-agent: vercel-cron/1.0` and
 * `authorization: Bearer $CRON_SECRET` (a random secret is put in process.env when none is set). A
 * tick is skipped while the previous invocation of the same path runs; each invocation is logged
 * with its status and duration; failures are logged and never reach the runtime. In dev, a change to
 * vercel.json re-schedules them. `crons: false` schedules nothing; `runCron(path)` runs one now.
 *
 * Start-up order: listen, load vercel-local.config.ts, put its `env` (and CRON_SECRET) in
 * process.env, await its `ready()` (a throw is logged, not fatal), schedule the crons, resolve.
 */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const root = resolve(options.root);
  const dev = options.mode === "dev";
  let config: ProjectConfig = await loadProjectConfig(root);
  let functions = await scanFunctions(root);
  const outputDir = join(root, config.raw.outputDirectory ?? "public");
  const webDir = config.raw.outputDirectory ? dirname(outputDir) : root;
  let appPaths = dev ? await scanNextPaths(webDir) : new Set<string>();

  const loader: ModuleLoader = await createModuleLoader({
    root,
    mode: dev ? "development" : "production",
    watch: dev,
  });
  let devCommand: DevCommand | undefined;
  if (dev && options.app !== false && config.raw.devCommand)
    devCommand = await startDevCommand(config.raw.devCommand, root);

  let cronOrigin = "http://localhost";
  const cronRunner = createCronRunner({
    invoke: (path, signal) => {
      // The functions read CRON_SECRET from this process's environment, so the request does too.
      const headers: Record<string, string> = { "user-agent": CRON_USER_AGENT };
      if (process.env.CRON_SECRET) headers.authorization = `Bearer ${process.env.CRON_SECRET}`;
      // Through the origin, so that vercel.json's routes apply as to any request. Vercel's cron
      // does not follow redirects.
      return fetch(new URL(path, cronOrigin), { headers, signal, redirect: "manual" });
    },
    // A cron runs as long as a function may; past that (the path reached something that is not a
    // function and hangs), it is given up on so that its next ticks run.
    timeoutMs: () => {
      const longest = Object.values(config.raw.functions ?? {}).map((settings) => settings.maxDuration ?? 0);
      return (Math.max(DEFAULT_MAX_DURATION, ...longest) + 30) * 1000;
    },
  });
  cronRunner.setJobs(config.crons);

  if (dev) {
    loader.onChange(async (file, event) => {
      try {
        if (file === "vercel.json") {
          config = await loadProjectConfig(root);
          cronRunner.setJobs(config.crons);
          console.log("[runtime] vercel.json reloaded");
        } else if (file.startsWith("api/") && event !== "change") {
          functions = await scanFunctions(root);
        } else if (file.startsWith(`${webDir.slice(root.length + 1)}/`) && event !== "change") {
          appPaths = await scanNextPaths(webDir);
        }
      } catch (error) {
        console.error(`[runtime] could not reload after ${file} changed:`, (error as Error).message);
      }
    });
  }

  const filesystem = (pathname: string): { found: Hit } | null => {
    const fn = matchFunction(functions, pathname);
    if (fn) return { found: { type: "function", match: fn } };
    if (dev) {
      if (pathname.startsWith("/_next/") || pathname.startsWith("/__nextjs") || appPaths.has(pathname)) {
        return { found: { type: "app" } };
      }
      return null;
    }
    const file = findStaticFile(outputDir, pathname, config.cleanUrls);
    return file ? { found: { type: "static", file } } : null;
  };

  const proxy = createProxyServer({ xfwd: true, ws: true });
  proxy.on("error", (error, _req, res) => {
    const out = res as ServerResponse;
    if (out && "headersSent" in out && !out.headersSent) {
      out.writeHead(502, { "content-type": "text/plain; charset=utf-8" });
      out.end(`The web app's dev server did not answer: ${(error as Error).message}\n`);
    }
  });

  const pending = new WeakMap<IncomingMessage, Resolution<Hit>>();

  const withHeaders = (response: Response, headers: Record<string, string>): Response => {
    const entries = Object.entries(headers);
    if (entries.length === 0) return response;
    let out = response;
    try {
      for (const [key, value] of entries) if (!out.headers.has(key)) out.headers.set(key, value);
    } catch {
      // A response whose headers are immutable (one from fetch()) is copied once.
      out = new Response(response.body, response);
      for (const [key, value] of entries) if (!out.headers.has(key)) out.headers.set(key, value);
    }
    return out;
  };

  const fetchListener = getRequestListener(
    async (request, env) => {
      const resolution = pending.get(env.incoming as IncomingMessage);
      if (!resolution || resolution.kind === "external") return platformError("NOT_FOUND");
      if (resolution.kind === "redirect") {
        return new Response(null, {
          status: resolution.status,
          headers: { ...resolution.headers, location: resolution.location },
        });
      }
      if (resolution.kind === "not-found" && isApiPath(resolution.url.pathname)) {
        return withHeaders(platformError("NOT_FOUND"), resolution.headers);
      }
      if (resolution.kind === "not-found") {
        const page = findStaticFile(outputDir, "/404", true);
        return withHeaders(
          page ? staticResponse(page, request.method, 404) : platformError("NOT_FOUND"),
          resolution.headers,
        );
      }
      const { hit, url } = resolution;
      if (hit.type === "static")
        return withHeaders(staticResponse(hit.file, request.method), resolution.headers);
      if (hit.type !== "function") return platformError("NOT_FOUND");

      // A function sees the URL the client asked for, as on Vercel: a rewrite changes which
      // function runs, not its request's path. The rewrite's own query parameters and the dynamic
      // segments are added to the query; a parameter of the same name that the client sent wins,
      // as in vercel dev (checked by the conformance test).
      const fnUrl = new URL(request.url);
      for (const [name, value] of url.searchParams) {
        if (!fnUrl.searchParams.has(name)) fnUrl.searchParams.append(name, value);
      }
      for (const [name, value] of Object.entries(hit.match.params)) {
        if (!fnUrl.searchParams.has(name)) fnUrl.searchParams.set(name, value);
      }
      const { file } = hit.match.route;
      let mod: Awaited<ReturnType<ModuleLoader["load"]>>;
      try {
        mod = await loader.load(file);
      } catch (error) {
        console.error(`[runtime] ${file} failed to load:`, error);
        return platformError(
          "FUNCTION_INVOCATION_FAILED",
          dev ? String((error as Error).message) : undefined,
        );
      }
      const response = await invokeFunction(mod, request, {
        url: fnUrl.href,
        maxDuration: config.functionSettings(file).maxDuration,
        name: file,
      });
      // Vercel gives a function's answer this caching when the function names none.
      if (!response.headers.has("cache-control")) {
        try {
          response.headers.set("cache-control", "public, max-age=0, must-revalidate");
        } catch {}
      }
      return withHeaders(response, resolution.headers);
    },
    { overrideGlobalObjects: false },
  );

  let mounts: [string, MountHandler][] = [];
  // Local stand-ins of platform services: not functions, so no body limit and no maxDuration.
  const mountListener = getRequestListener(
    async (request) => {
      const url = new URL(request.url);
      const mount = findMount(mounts, url.pathname);
      if (!mount) return platformError("NOT_FOUND");
      return mount[1](request);
    },
    { overrideGlobalObjects: false },
  );

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    if (options.log) {
      res.once("finish", () => {
        const ms = (performance.now() - started).toFixed(1);
        // The path only: a query string can carry what should never be logged.
        console.log(`[runtime] ${req.method} ${(req.url ?? "").split("?")[0]} ${res.statusCode} ${ms}ms`);
      });
    }
    // Vercel puts the client's address in these headers, replacing whatever the client sent, so
    // functions can count per client (rate limits) without trusting what a caller claims.
    const address = (req.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
    setClientAddress(req, address);
    let url: URL;
    try {
      url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
    } catch {
      res.writeHead(400, { "content-type": "text/plain" }).end("Bad Request\n");
      return;
    }
    // Next's dev server opens files in the developer's editor on this request; any web page could
    // send it to localhost. Not served.
    if (dev && url.pathname.startsWith("/__nextjs_launch-editor")) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not Found\n");
      return;
    }
    if (mounts.length > 0 && findMount(mounts, url.pathname)) {
      void mountListener(req, res);
      return;
    }
    const resolution = resolveRoute(config.routes, (req.method ?? "GET").toUpperCase(), url, filesystem);
    const toApp =
      devCommand &&
      ((resolution.kind === "filesystem" && resolution.hit.type === "app") ||
        (resolution.kind === "not-found" && !isApiPath(resolution.url.pathname)));
    if (toApp && devCommand) {
      req.url = resolution.url.pathname + resolution.url.search;
      const headers = resolution.headers;
      for (const [key, value] of Object.entries(headers)) {
        res.setHeader(key, key === "content-security-policy" ? allowDevEval(value) : value);
      }
      proxy.web(req, res, { target: `http://127.0.0.1:${devCommand.port}` }).catch(() => {});
      return;
    }
    if (resolution.kind === "external") {
      req.url = resolution.url.pathname + resolution.url.search;
      proxy.web(req, res, { target: resolution.url.origin, changeOrigin: true }).catch(() => {});
      return;
    }
    pending.set(req, resolution);
    void fetchListener(req, res);
  };

  const server: Server = createServer(listener);
  server.keepAliveTimeout = 65_000;
  server.on("upgrade", (req, socket, head) => {
    if (devCommand)
      proxy
        .ws(req, socket as Socket, { target: `ws://127.0.0.1:${devCommand.port}` }, head)
        .catch(() => socket.destroy());
    else socket.destroy();
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 3000, options.host ?? "localhost", () => ok());
  });
  const { port } = server.address() as AddressInfo;
  cronOrigin = ownOrigin(options.host, port);
  let ready: (() => void | Promise<void>) | undefined;
  let closeLocal: (() => void | Promise<void>) | undefined;
  try {
    const local = await loadLocalConfig(root, loader, {
      origin: `http://localhost:${port}`,
      root,
      mode: options.mode,
    });
    // The functions run in this process, so their environment is this process's.
    Object.assign(process.env, local.env);
    mounts = local.mounts;
    ready = local.ready;
    closeLocal = local.close;
  } catch (error) {
    await new Promise<void>((ok) => server.close(() => ok()));
    await devCommand?.stop();
    await loader.close();
    throw error;
  }
  // Vercel sends a project's CRON_SECRET with each cron invocation. Without one set here, a random
  // one stands in, so that functions which check it run as they would on Vercel.
  if (!process.env.CRON_SECRET) process.env.CRON_SECRET = randomBytes(32).toString("base64url");

  if (ready) {
    try {
      await ready();
    } catch (error) {
      // Logged, not thrown: ready() does local chores (recovering what the last run left), and a
      // runtime that will not start because one failed is worse than one that serves and says so
      // loudly; the failure can be looked into (and retried by restarting) while the app is up.
      console.error(`[runtime] ${LOCAL_CONFIG_FILE}: ready() failed; serving anyway:`, error);
    }
  }
  if (options.crons !== false) cronRunner.start();

  return {
    url: `http://localhost:${port}`,
    port,
    functions: () => functions,
    crons: () => config.crons.map((job) => ({ path: job.path, schedule: job.schedule.source })),
    runCron: (path) => cronRunner.run(path),
    async close() {
      cronRunner.close();
      await new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      });
      proxy.close?.();
      await devCommand?.stop();
      try {
        await closeLocal?.();
      } catch (error) {
        console.error(`[runtime] ${LOCAL_CONFIG_FILE}: close() failed:`, error);
      }
      await loader.close();
    },
  };
}
