import { fork } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import autocannon from "autocannon";
import { startNodeFlags } from "../support/workers.js";

/**
 * The flags `pnpm start` gives node (api/package.json's start script), which the bench's
 * `pnpm start` runs with too:
 * - `--max-old-space-size=256`: the V8 heap capped, so memory stays bounded.
 * - `--max-semi-space-size=16`: the young generation's largest semi-space, V8's default without a
 *   cap. V8 sizes it from the old generation's cap, and at 256 MB halves it: half again as many
 *   scavenges for the same garbage (Node 20), more of each request's short-lived objects promoted,
 *   and 11% of a loaded card check's CPU in the collector where 16 MB gave 8.5% (issue 15, one
 *   profile each).
 * - `--no-allocation-site-pretenuring`: V8 otherwise decides, from a few scavenges that caught
 *   requests in flight, that what some allocation sites make lives long, and from then on makes it
 *   in the old generation: under load zod's per-parse objects were, 10 MB/s of short-lived garbage
 *   in the old generation and a full collection (3–7 ms) every second (issue 15, --trace-gc and a
 *   sampling heap profile of what survived the scavenges, on Node 20 and 24). Without it nothing a
 *   card check makes outlives its request, and the old generation stays flat under load.
 */
export const START_FLAGS = startNodeFlags();
/** The V8 heap `pnpm start` gives the runtime, in MB. */
export const START_HEAP_MB = Number(
  /^--max-old-space-size=(\d+)$/.exec(
    START_FLAGS.find((f) => f.startsWith("--max-old-space-size=")) ?? "",
  )?.[1],
);

export interface Figures {
  name: string;
  /** Requests per second under load (concurrent connections); null when not measured. */
  rps: number | null;
  p50: number | null;
  p99: number | null;
  /** Median of sequential, one-at-a-time requests once warm, in ms; null when not measured. */
  seqMedian: number | null;
  seqCount: number;
  /** Errors and non-2xx answers under load, when counted. */
  errors?: number;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Starts one of bench/servers.ts's servers (the runtime's own from runtime-server.mjs) in its own
 * process, on the node binary `execPath` (this process's by default).
 */
export async function startServer(
  kind: string,
  env: Record<string, string> = {},
  execPath: string = process.execPath,
): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const runtime = kind === "runtime-start" || kind === "runtime-dev";
  const child = runtime
    ? fork(new URL("./runtime-server.mjs", import.meta.url), [kind.slice("runtime-".length), String(port)], {
        // As `pnpm start` runs it (api/package.json's flags, START_FLAGS above).
        // The runtime's collection after 10 s idle is createRuntime's default: on here as there.
        execArgv: kind === "runtime-start" ? START_FLAGS : [],
        execPath,
        env: { ...process.env, ...env },
        stdio: ["ignore", "ignore", "inherit", "ipc"],
      })
    : fork(new URL("./servers.ts", import.meta.url), [kind, String(port)], {
        execArgv: ["--import", "tsx"],
        execPath,
        env: { ...process.env, ...env },
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
  const [message] = (await Promise.race([once(child, "message"), once(child, "exit")])) as unknown[];
  if (message !== "ready") throw new Error(`${kind} server did not start`);
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    stop: async () => {
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

/** Times `count` requests sent one after another, after `warmup` unmeasured ones. */
export async function sequential(
  send: () => Promise<Response>,
  count: number,
  warmup: number,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await (await send()).arrayBuffer();
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const res = await send();
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

/** Requests/s and latency percentiles under concurrent load, from autocannon. */
export async function load(
  url: string,
  request: EndpointRequest,
  seconds: number,
  connections: number,
): Promise<{ rps: number; p50: number; p99: number; errors: number; non2xx: number; requests: number }> {
  const result = await autocannon({ url, ...request, duration: seconds, connections });
  return {
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

export interface EndpointRequest {
  method: "GET" | "POST";
  body?: string;
  headers?: Record<string, string>;
}

/**
 * One endpoint's figures: `count` sequential requests after a warm-up (their median), then
 * autocannon's load for `seconds` over `connections`. Any error or non-2xx answer fails the bench.
 */
export async function measureEndpoint(
  name: string,
  url: string,
  request: EndpointRequest,
  {
    seconds,
    connections,
    count = 500,
    warmup = 100,
  }: { seconds: number; connections: number; count?: number; warmup?: number },
): Promise<Figures & { seqMedian: number }> {
  const seq = await sequential(() => fetch(url, request), count, warmup);
  const loaded = await load(url, request, seconds, connections);
  if (loaded.errors || loaded.non2xx)
    throw new Error(`${name}: ${loaded.errors} errors, ${loaded.non2xx} non-2xx`);
  return {
    name,
    rps: loaded.rps,
    p50: loaded.p50,
    p99: loaded.p99,
    seqMedian: percentile(seq, 50),
    seqCount: seq.length,
  };
}

const fmt = (n: number | null, digits = 2) => (n === null ? "—" : n.toFixed(digits));

/** A table of figures, side by side, for the terminal (errors, when counted, in a column of their own). */
export function table(rows: Figures[]): string {
  const errors = rows.some((r) => r.errors !== undefined);
  const head = ["", "req/s", "p50 ms", "p99 ms", "sequential median ms (n)", ...(errors ? ["errors"] : [])];
  const body = rows.map((r) => [
    r.name,
    fmt(r.rps, 0),
    fmt(r.p50),
    fmt(r.p99),
    r.seqMedian === null ? "—" : `${fmt(r.seqMedian)} (${r.seqCount})`,
    ...(errors ? [String(r.errors ?? "—")] : []),
  ]);
  const widths = head.map((_, i) => Math.max(...[head, ...body].map((row) => (row[i] ?? "").length)));
  return [head, ...body]
    .map((row) =>
      row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join("  "),
    )
    .join("\n");
}
