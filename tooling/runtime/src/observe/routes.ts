import { isIP } from "node:net";
import { networkInterfaces } from "node:os";
import type { CronRunner } from "../cron-jobs.ts";
import type { WorkflowRunView } from "../local-config.ts";
import type { Project } from "../project.ts";
import { estimateCost } from "./cost.ts";
import { dashboardPage } from "./dashboard-page.ts";
import type { Invocation, Recorder } from "./recorder.ts";

export interface DashboardSources {
  recorder: Recorder;
  project: Project;
  crons: CronRunner;
  /** The host the runtime was asked to listen on (`--host`), besides the loopback names. */
  host?: string;
  /** The latest workflow runs with their steps, from the local config (the Workflow SDK's world). */
  workflowRuns?: (limit: number) => Promise<WorkflowRunView[]>;
}

const DEFAULT_LIMIT = 50;
const WORKFLOW_RUNS = 20;

class RouteError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers: { "cache-control": "no-store", ...headers } });

/**
 * Whether a request comes from this origin's own pages (or is no browser's cross-site request):
 * the dashboard shows what the functions logged, which no other site may read or make it fetch.
 */
function sameOrigin(request: Request, hosts: Set<string>): boolean {
  // A site whose name was made to resolve to this machine (DNS rebinding) is "same origin" to the
  // browser; its Host header still names it.
  if (!hosts.has(new URL(request.url).hostname)) return false;
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return false;
  const origin = request.headers.get("origin");
  if (origin && origin !== new URL(request.url).origin) return false;
  return true;
}

/**
 * Whether the request came from this machine: a loopback address, or one of its own interfaces'
 * (a page opened at the LAN address `--host` names). The runtime puts the socket's peer address in
 * `x-forwarded-for`, replacing any the client sent (client-address.ts), so it cannot be claimed.
 * With `--host 0.0.0.0` the functions are on the network, as asked; what they logged is not.
 */
function fromThisMachine(request: Request): boolean {
  const peer = request.headers.get("x-forwarded-for") ?? "";
  if (isIP(peer) === 0) return false;
  if (peer === "::1" || peer.startsWith("127.")) return true;
  // Read when asked (rare: a non-loopback peer), as interfaces come and go.
  return Object.values(networkInterfaces()).some((addresses) =>
    addresses?.some((address) => address.address === peer),
  );
}

/** The JSON form of an invocation, as /__runtime/invocations answers it. */
function invocationJson(item: Invocation) {
  return {
    id: item.id,
    function: item.function,
    method: item.method,
    path: item.path,
    status: item.status,
    durationMs: Math.round(item.durationMs * 100) / 100,
    cold: item.cold,
    at: new Date(item.startedAt).toISOString(),
    cpuMs: Math.round(item.cpuMs * 100) / 100,
    aborted: item.aborted,
    logs: item.logs ?? [],
  };
}

function parseLimit(raw: string | null, max: number): number {
  if (raw === null) return Math.min(DEFAULT_LIMIT, max);
  const limit = /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new RouteError(400, "invalid_request", `limit must be a whole number from 1 to ${max}`);
  }
  return limit;
}

/**
 * The runtime's own pages under /__runtime (served only by the local runtime, never deployed):
 * the dashboard, and its data as JSON: `functions`, `invocations?limit=`, `cost`, `crons`,
 * `workflows`. GET only, from this machine only, same origin only; errors as
 * `{ error: { code, message } }`.
 *
 * @example
 * handler.setMounts([["/__runtime", createDashboardRoutes({ recorder, project, crons })]]);
 */
export function createDashboardRoutes(sources: DashboardSources): (request: Request) => Promise<Response> {
  const { recorder, project, crons } = sources;
  const hosts = new Set(["localhost", "127.0.0.1", "[::1]"]);
  if (sources.host) hosts.add(sources.host.includes(":") ? `[${sources.host}]` : sources.host);
  const memoryOf = (name: string) => {
    const route = project.functions.find((fn) => fn.file.replace(/\.[cm]?[jt]sx?$/, "") === name);
    return route ? project.config.functionSettings(route.file).memory : undefined;
  };
  const pages: Record<string, (url: URL) => Response | Promise<Response>> = {
    "": () =>
      new Response(dashboardPage(), {
        headers: {
          "content-type": "text/html; charset=utf-8",
          "cache-control": "no-store",
          // The page's one script is inline; nothing else runs, nothing is framed.
          "content-security-policy":
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        },
      }),
    "/functions": () => json(recorder.functions().map(functionJson)),
    "/invocations": (url) => {
      const limit = parseLimit(url.searchParams.get("limit"), recorder.capacity);
      return json(recorder.invocations(limit).map(invocationJson));
    },
    "/cost": () => json(estimateCost(recorder.functions(), memoryOf)),
    "/crons": () => json(crons.status()),
    "/workflows": async () => {
      if (!sources.workflowRuns) return json({ available: false, runs: [] });
      try {
        return json({ available: true, runs: await sources.workflowRuns(WORKFLOW_RUNS) });
      } catch (error) {
        throw new RouteError(
          502,
          "workflow_world_unavailable",
          `The Workflow SDK's world could not be read: ${(error as Error).message}`,
        );
      }
    },
  };
  return async (request) => {
    try {
      if (!fromThisMachine(request)) {
        throw new RouteError(
          403,
          "local_only",
          "The runtime's pages answer only this machine: they show what every invocation logged. From another device, forward a port to it (ssh -L).",
        );
      }
      if (!sameOrigin(request, hosts)) {
        throw new RouteError(403, "cross_origin", "The runtime's pages answer only their own origin.");
      }
      const url = new URL(request.url);
      const sub = url.pathname.slice("/__runtime".length).replace(/\/$/, "");
      const page = pages[sub];
      if (!page || !Object.hasOwn(pages, sub)) {
        throw new RouteError(404, "not_found", `No runtime page at ${url.pathname}.`);
      }
      if (request.method !== "GET" && request.method !== "HEAD") {
        throw new RouteError(405, "method_not_allowed", "Only GET.", { allow: "GET, HEAD" });
      }
      return await page(url);
    } catch (error) {
      if (error instanceof RouteError) {
        return json({ error: { code: error.code, message: error.message } }, error.status, error.headers);
      }
      console.error("[runtime] /__runtime failed:", error);
      return json({ error: { code: "internal", message: "The runtime could not answer." } }, 500);
    }
  };
}

/** The fields the issue names first, then the rest. */
function functionJson(fn: ReturnType<Recorder["functions"]>[number]) {
  const { name, invocations, errors, p50Ms, p95Ms, p99Ms, coldStarts, ...rest } = fn;
  return { name, invocations, errors, p50Ms, p95Ms, p99Ms, coldStarts, ...rest };
}
