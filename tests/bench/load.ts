import { readFile } from "node:fs/promises";
import { startStandin } from "@repo/weather-standin/standin";
import { signUp } from "../support/accounts.js";
import { type EndpointRequest, type Figures, load, startServer, table } from "./measure.js";

const loadRow = (name: string, r: Awaited<ReturnType<typeof load>>): Figures => ({
  name,
  rps: r.rps,
  p50: r.p50,
  p99: r.p99,
  seqMedian: null,
  seqCount: 0,
  errors: r.errors + r.non2xx,
});

const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 20);
const CONNECTIONS = 64;

/** Resident memory of a process now (Linux), in MiB. */
async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

/**
 * The runtime under heavy load, as `pnpm start` runs it: 64 connections for 20 s each on cached
 * weather, the card check and a signed-in user's file list, beside a bare node:http server
 * answering the same bytes (the floor), in the same run. Any error or non-2xx fails the bench.
 * The runtime's memory is printed at rest, after the load, and after 30 s idle.
 */
export async function loadSection(): Promise<void> {
  console.log(
    `\n▸ Under load: ${CONNECTIONS} connections × ${SECONDS} s per endpoint, pnpm start beside the node:http floor\n`,
  );
  const standin = await startStandin();
  const server = await startServer("runtime-start", {
    OPEN_METEO_BASE_URL: standin.url,
    NWS_BASE_URL: standin.url,
  });
  try {
    const user = await signUp(server.url, "Load");
    const cookie = user.client.cookieHeader();
    for (const n of [1, 2, 3]) {
      await user.client.fetch(`/api/blobs/upload?path=uploads/f${n}.csv`, {
        method: "POST",
        body: `a,b\n${n},2\n`,
        headers: { "content-type": "text/csv" },
      });
    }
    const endpoints: { name: string; path: string; request: EndpointRequest }[] = [
      { name: "cached weather", path: "/api/weather?zipcode=48824", request: { method: "GET" } },
      {
        name: "card check",
        path: "/api/validate/card",
        request: {
          method: "POST",
          body: JSON.stringify({ number: "4242 4242 4242 4242" }),
          headers: { "content-type": "application/json" },
        },
      },
      {
        name: "signed-in file list",
        path: "/api/blobs?prefix=uploads/",
        request: { method: "GET", headers: { cookie } },
      },
    ];
    const rest = await rssMiB(server.pid);
    const rows: Figures[] = [];
    for (const e of endpoints) {
      const body = await (await fetch(`${server.url}${e.path}`, e.request)).text();
      const floor = await startServer("floor", { FLOOR_BODY: body });
      try {
        const f = await load(`${floor.url}${e.path}`, e.request, SECONDS, CONNECTIONS);
        rows.push(loadRow(`${e.name}: node:http floor`, f));
      } finally {
        await floor.stop();
      }
      const r = await load(`${server.url}${e.path}`, e.request, SECONDS, CONNECTIONS);
      rows.push(loadRow(`${e.name}: pnpm start`, r));
    }
    console.log(table(rows));
    const failed = rows.filter((r) => (r.errors ?? 0) > 0);
    for (let i = 0; i + 1 < rows.length; i += 2) {
      const [floor, ours] = [rows[i], rows[i + 1]];
      if (!floor || !ours) continue;
      const share = (ours.rps ?? 0) / (floor.rps ?? 1);
      const p99 = (ours.p99 ?? 0) / Math.max(1, floor.p99 ?? 1);
      console.log(
        `${ours.name.padEnd(34)} ${share.toFixed(2)}× the floor's req/s, p99 ${p99.toFixed(1)}× the floor's`,
      );
    }
    const after = await rssMiB(server.pid);
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    const idle = await rssMiB(server.pid);
    console.log(
      `\nRSS of the runtime (pnpm start, V8 heap capped as its start script caps it): ${rest.toFixed(0)} MiB at rest, ` +
        `${after.toFixed(0)} MiB right after the load, ${idle.toFixed(0)} MiB after 30 s idle`,
    );
    if (failed.length)
      throw new Error(`errors under load: ${failed.map((r) => `${r.name} ${r.errors}`).join(", ")}`);
  } finally {
    await server.stop();
    await standin.close();
  }
}
