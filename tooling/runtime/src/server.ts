import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { type DevCommand, startDevCommand } from "./dev-command.ts";
import type { FunctionRoute } from "./functions.ts";
import { IdleCollector } from "./idle-collector.ts";
import { listen, ownOrigin, stopListening } from "./listen.ts";
import { createModuleLoader } from "./loader.ts";
import { LOCAL_CONFIG_FILE, type LoadedLocalConfig, loadLocalConfig } from "./local-config.ts";
import { Observer } from "./observe/observer.ts";
import { Recorder } from "./observe/recorder.ts";
import { createDashboardRoutes } from "./observe/routes.ts";
import { setProcessEnv } from "./process-env.ts";
import { loadProject } from "./project.ts";
import { reduceMemory } from "./reduce-memory.ts";
import { reloadOnChange } from "./reload.ts";
import { createRequestHandler } from "./request-handler.ts";
import { createRuntimeCrons } from "./runtime-crons.ts";

export { CRON_USER_AGENT } from "./runtime-crons.ts";

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
  /** One line per request on stdout, and the functions' own output with their request ids. */
  log?: boolean;
  /**
   * Record every function invocation (default true): request ids, timings, the functions' output,
   * and the dashboard and its JSON at /__runtime. False leaves all of that out (the bench compares).
   */
  record?: boolean;
  /** Start vercel.json's devCommand in dev mode (default true); false serves the functions alone. */
  app?: boolean;
  /**
   * Run vercel.json's `crons` on their schedules (default true). False schedules nothing;
   * `runCron` still invokes a cron on demand.
   */
  crons?: boolean;
  /**
   * After this many ms with no request in flight and none started or ended, run one
   * memory-reducing garbage collection, so that what a load added to the process's memory goes
   * back (reduce-memory.ts, idle-collector.ts). Default 10 000; false never collects.
   */
  idleCollectMs?: number | false;
}

/** See RuntimeOptions.idleCollectMs: well inside issue 15's "back near rest within 30 s". */
const IDLE_COLLECT_MS = 10_000;

export interface Runtime {
  url: string;
  port: number;
  functions(): FunctionRoute[];
  /** What the runtime recorded of its function invocations; null with `record: false`. */
  recorder: Recorder | null;
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

/**
 * The local form of Vercel's runtime: one origin that routes every request by vercel.json and the
 * api/ folder as Vercel's router would (request-handler.ts), runs functions in-process (warm after
 * the first call, reloaded when their files change) and serves the web app beside them. This file
 * starts and stops it.
 *
 * vercel.json's `crons` run on their schedules (5-field cron, UTC; see cron.ts) as Vercel runs them
 * (runtime-crons.ts). A tick is skipped while the previous invocation of the same path runs; each
 * invocation is logged with its status and duration; failures are logged and never reach the
 * runtime. In dev, a change to vercel.json re-schedules them. `crons: false` schedules nothing;
 * `runCron(path)` runs one now.
 *
 * Start-up order: listen, load vercel-local.config.ts, put its `env` (and a CRON_SECRET) in
 * process.env, await its `ready()` (a throw is logged, not fatal), schedule the crons, resolve.
 *
 * @example
 * const runtime = await createRuntime({ root: ".", mode: "dev", port: 3000, log: true });
 * await fetch(`${runtime.url}/api/health`);
 * await runtime.close();
 */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const dev = options.mode === "dev";
  const project = await loadProject(options.root, dev);
  const { root } = project;
  const baseLoader = await createModuleLoader({
    root,
    mode: dev ? "development" : "production",
    watch: dev,
    entries: [...project.functions.map((fn) => fn.file), LOCAL_CONFIG_FILE],
  });
  const recorder = options.record === false ? null : new Recorder();
  const observer = recorder ? new Observer({ recorder, log: options.log ?? false }) : undefined;
  // Through the observer, which notes each function module's first run (a cold start).
  const loader = observer ? observer.watchLoads(baseLoader) : baseLoader;
  let devCommand: DevCommand | undefined;
  if (dev && options.app !== false && project.config.raw.devCommand)
    devCommand = await startDevCommand(project.config.raw.devCommand, root);

  let origin = "http://localhost";
  const crons = createRuntimeCrons(project, () => origin);
  const stopReloading = dev
    ? reloadOnChange(project, loader, (config) => crons.setJobs(config.crons))
    : undefined;

  const handler = createRequestHandler({
    project,
    loader,
    appPort: devCommand?.port,
    log: options.log,
    observer,
  });
  const idleMs = options.idleCollectMs ?? IDLE_COLLECT_MS;
  const idle = idleMs === false ? undefined : new IdleCollector({ idleMs, collect: reduceMemory });
  const server = createServer(idle ? idle.watch(handler) : handler);
  server.keepAliveTimeout = 65_000;
  server.on("upgrade", handler.upgrade);
  const port = await listen(server, options.port ?? 3000, options.host ?? "localhost");
  origin = ownOrigin(options.host, port);

  let local: LoadedLocalConfig;
  try {
    local = await loadLocalConfig(root, loader, {
      origin: `http://localhost:${port}`,
      root,
      mode: options.mode,
    });
  } catch (error) {
    stopReloading?.();
    idle?.close();
    await stopListening(server);
    handler.close();
    await devCommand?.stop();
    await loader.close();
    throw error;
  }
  // The local config's values are what the functions are meant to see here: they win. Vercel sends
  // a project's CRON_SECRET with each cron invocation; without one set, a random one stands in, so
  // functions that check it run as they would on Vercel.
  setProcessEnv(local.env, { keep: false });
  setProcessEnv({ CRON_SECRET: randomBytes(32).toString("base64url") }, { keep: true });
  // The runtime's own pages first: a local config cannot shadow them.
  const dashboard: [string, (request: Request) => Promise<Response>][] = recorder
    ? [
        [
          "/__runtime",
          createDashboardRoutes({
            recorder,
            project,
            crons,
            host: options.host,
            workflowRuns: local.workflowRuns,
          }),
        ],
      ]
    : [];
  handler.setMounts([...dashboard, ...local.mounts]);

  if (local.ready) {
    try {
      await local.ready();
    } catch (error) {
      // Logged, not thrown: ready() does local chores (recovering what the last run left), and a
      // runtime that will not start because one failed is worse than one that serves and says so
      // loudly; the failure can be looked into (and retried by restarting) while the app is up.
      console.error(`[runtime] ${LOCAL_CONFIG_FILE}: ready() failed; serving anyway:`, error);
    }
  }
  if (options.crons !== false) crons.start();
  idle?.start();

  return {
    url: `http://localhost:${port}`,
    port,
    functions: () => project.functions,
    recorder,
    crons: () => project.config.crons.map((job) => ({ path: job.path, schedule: job.schedule.source })),
    runCron: (path) => crons.run(path),
    async close() {
      stopReloading?.();
      crons.close();
      idle?.close();
      await stopListening(server);
      handler.close();
      await devCommand?.stop();
      try {
        await local.close?.();
      } catch (error) {
        console.error(`[runtime] ${LOCAL_CONFIG_FILE}: close() failed:`, error);
      }
      await loader.close();
    },
  };
}
