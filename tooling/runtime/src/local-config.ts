import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ModuleLoader } from "./loader.ts";

/** A web-standard handler served on the runtime's origin under a path prefix. */
export type MountHandler = (request: Request) => Response | Promise<Response>;

/** One workflow run as the runtime's dashboard shows it (from the Workflow SDK's world). */
export interface WorkflowRunView {
  runId: string;
  workflowName: string;
  status: string;
  createdAt: string;
  startedAt?: string;
  completedAt?: string;
  steps: {
    stepId: string;
    stepName: string;
    status: string;
    attempt: number;
    startedAt?: string;
    completedAt?: string;
  }[];
}

export interface LocalConfig {
  /** Variables the functions see, e.g. where a local stand-in of a platform service listens. */
  env?: Record<string, string>;
  /** Handlers for local stand-ins of platform services, by path prefix ("/__vercel_blob"). */
  mounts?: Record<string, MountHandler>;
  /**
   * Called once at start-up, after the runtime listens and after `env` is in process.env (with
   * CRON_SECRET), before the cron jobs are scheduled and before createRuntime resolves: the place
   * for local chores such as recovering work left unfinished by the last run. It may request the
   * runtime's origin. If it throws, the error is logged and the runtime serves anyway. It is
   * awaited: one that never settles holds start-up, so long work should be started, not awaited.
   */
  ready?: () => void | Promise<void>;
  /**
   * Called when the runtime closes, after it stopped serving: the place to let go of what the
   * config opened (a database, a lock). A throw is logged.
   */
  close?: () => void | Promise<void>;
  /**
   * The latest workflow runs (newest first, at most `limit`) with their steps, for the runtime's
   * dashboard at /__runtime. The project knows its workflow world; the runtime does not.
   */
  workflowRuns?: (limit: number) => Promise<WorkflowRunView[]>;
}

/** What loadLocalConfig answers: the config's parts, checked, with defaults filled in. */
export interface LoadedLocalConfig {
  env: Record<string, string>;
  mounts: [string, MountHandler][];
  ready?: () => void | Promise<void>;
  close?: () => void | Promise<void>;
  workflowRuns?: (limit: number) => Promise<WorkflowRunView[]>;
}

export interface LocalConfigContext {
  /** The runtime's own origin, e.g. "http://localhost:3000". */
  origin: string;
  root: string;
  mode: "dev" | "start";
}

export type LocalConfigFactory = (context: LocalConfigContext) => LocalConfig | Promise<LocalConfig>;

export const LOCAL_CONFIG_FILE = "vercel-local.config.ts";

/**
 * Loads the project's vercel-local.config.ts, if it has one: what only the local runtime provides
 * (never deployed), such as the Vercel Blob protocol over the filesystem store, and a `ready` hook
 * for start-up chores. It is loaded, and its hook called, by createRuntime; nothing here runs it.
 */
export async function loadLocalConfig(
  root: string,
  loader: ModuleLoader,
  context: LocalConfigContext,
): Promise<LoadedLocalConfig> {
  if (!existsSync(join(root, LOCAL_CONFIG_FILE))) return { env: {}, mounts: [] };
  const mod = await loader.load(LOCAL_CONFIG_FILE);
  const factory = mod.default;
  if (typeof factory !== "function") {
    throw new Error(`${LOCAL_CONFIG_FILE} must export a default function returning { env, mounts, ready }`);
  }
  const config = (await (factory as LocalConfigFactory)(context)) ?? {};
  const mounts = Object.entries(config.mounts ?? {}).map(([prefix, handler]): [string, MountHandler] => {
    if (!/^\/[\w.-]+(?:\/[\w.-]+)*$/.test(prefix))
      throw new Error(`${LOCAL_CONFIG_FILE}: bad mount prefix ${prefix}`);
    return [prefix, handler];
  });
  for (const hook of ["ready", "close", "workflowRuns"] as const) {
    if (config[hook] !== undefined && typeof config[hook] !== "function") {
      throw new Error(`${LOCAL_CONFIG_FILE}: ${hook} must be a function`);
    }
  }
  const loaded: LoadedLocalConfig = { env: config.env ?? {}, mounts };
  if (config.ready) loaded.ready = config.ready;
  if (config.close) loaded.close = config.close;
  if (config.workflowRuns) loaded.workflowRuns = config.workflowRuns;
  return loaded;
}

/** The mount a path falls under: the prefix itself or anything below it. */
export function findMount(mounts: [string, MountHandler][], pathname: string): [string, MountHandler] | null {
  for (const mount of mounts) {
    if (pathname === mount[0] || pathname.startsWith(`${mount[0]}/`)) return mount;
  }
  return null;
}
