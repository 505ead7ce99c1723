import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type EndpointRequest, load, percentile, startServer, table } from "./measure.js";
import { cpuMicros } from "./proc.js";

const ROUNDS = Number(process.env.BENCH_RECORDING_ROUNDS ?? 3000);
const WARMUP = 300;
const LOAD_SECONDS = Number(process.env.BENCH_RECORDING_SECONDS ?? 5);
const CONNECTIONS = 10;
const TARGET_MS = 0.1;
const HEALTH: { path: string; request: EndpointRequest } = {
  path: "/api/health",
  request: { method: "GET" },
};

type Server = Awaited<ReturnType<typeof startServer>>;

/** One timed GET, its body read. */
async function timed(url: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${url}: status ${res.status}`);
  return performance.now() - t0;
}

/** CPU per request under concurrent load, in µs. */
async function cpuPerRequest(server: Server): Promise<{ us: number; rps: number; p50: number; p99: number }> {
  const cpu0 = await cpuMicros(server.pid);
  const r = await load(`${server.url}${HEALTH.path}`, HEALTH.request, LOAD_SECONDS, CONNECTIONS);
  if (r.errors + r.non2xx > 0) throw new Error(`errors under load: ${r.errors + r.non2xx}`);
  const us = ((await cpuMicros(server.pid)) - cpu0) / Math.max(1, r.requests);
  return { us, rps: r.rps, p50: r.p50, p99: r.p99 };
}

/**
 * What the runtime's recording costs per invocation (issue 14): pnpm start with recording (request
 * id, timing, CPU and RSS reads, the console captured per invocation, the ring buffer) and without,
 * both running at once, on GET /api/health. Warm p50 of sequential requests sent alternately to the
 * two (so that whatever else the machine does falls on both alike), then CPU per request under load.
 * Target: ≤ 0.1 ms added at warm p50.
 */
export async function recordingSection(): Promise<void> {
  console.log(
    `\n▸ Recording cost: GET ${HEALTH.path} on pnpm start with and without recording, ${ROUNDS} sequential requests to each (alternating), then ${CONNECTIONS} connections × ${LOAD_SECONDS} s each\n`,
  );
  const on = await startServer("runtime-start");
  // Its own data directories: two runtimes may not share one embedded database.
  const own = (name: string) => join(dirname(process.env.PGLITE_DIR ?? tmpdir()), `unrecorded-${name}`);
  const off = await startServer("runtime-start", {
    RUNTIME_RECORD: "0",
    PGLITE_DIR: own("pglite"),
    BLOB_DIR: own("blobs"),
    WORKFLOW_LOCAL_DATA_DIR: own("workflow"),
  });
  try {
    const urls = [`${on.url}${HEALTH.path}`, `${off.url}${HEALTH.path}`] as const;
    for (let i = 0; i < WARMUP; i++) for (const url of urls) await timed(url);
    const withIt: number[] = [];
    const without: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate which goes first, so neither always follows the other.
      if (i % 2 === 0) {
        withIt.push(await timed(urls[0]));
        without.push(await timed(urls[1]));
      } else {
        without.push(await timed(urls[1]));
        withIt.push(await timed(urls[0]));
      }
    }
    withIt.sort((a, b) => a - b);
    without.sort((a, b) => a - b);
    const p50On = percentile(withIt, 50);
    const p50Off = percentile(without, 50);
    const loadOn = await cpuPerRequest(on);
    const loadOff = await cpuPerRequest(off);
    const recorded = (await (await fetch(`${on.url}/__runtime/functions`)).json()) as {
      invocations: number;
    }[];
    console.log(
      table([
        {
          name: "pnpm start, recording off",
          rps: loadOff.rps,
          p50: loadOff.p50,
          p99: loadOff.p99,
          seqMedian: p50Off,
          seqCount: without.length,
        },
        {
          name: "pnpm start, recording on",
          rps: loadOn.rps,
          p50: loadOn.p50,
          p99: loadOn.p99,
          seqMedian: p50On,
          seqCount: withIt.length,
        },
      ]),
    );
    const added = p50On - p50Off;
    console.log(
      `\nCPU per request under load (server process): ${loadOff.us.toFixed(0)} µs off, ${loadOn.us.toFixed(0)} µs on (${(loadOn.us - loadOff.us).toFixed(0)} µs added)`,
    );
    console.log(
      `Target (issue 14): recording adds ≤ ${TARGET_MS} ms at warm p50 → ${added.toFixed(3)} ms added ` +
        `(${p50Off.toFixed(3)} → ${p50On.toFixed(3)} ms): ${added <= TARGET_MS ? "met" : "NOT met"}. ` +
        `Invocations the recording server counted: ${recorded.reduce((n, f) => n + f.invocations, 0)}.`,
    );
  } finally {
    await on.stop();
    await off.stop();
  }
}
