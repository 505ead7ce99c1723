/**
 * `pnpm bench`: the figures the issues name, each beside its anchor, measured in the same run.
 * Servers run in child processes; the load comes from this one (autocannon).
 */
import { copyProject, startVercelDev } from "../support/vercel-project.js";
import { type Figures, freePort, load, percentile, sequential, startServer, table } from "./measure.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 10;
const VERCEL_DEV_REQUESTS = Number(process.env.BENCH_VERCEL_DEV_REQUESTS ?? 5);

const cardRequest = {
  method: "POST" as const,
  body: JSON.stringify({ number: "4242 4242 4242 4242" }),
  headers: { "content-type": "application/json" },
};
const send = (url: string) => () => fetch(`${url}/api/validate/card`, cardRequest);

async function measureServer(kind: string, name: string): Promise<Figures> {
  const server = await startServer(kind);
  try {
    const seq = await sequential(send(server.url), 500, 100);
    const loaded = await load(`${server.url}/api/validate/card`, cardRequest, SECONDS, CONNECTIONS);
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
  } finally {
    await server.stop();
  }
}

async function measureVercelDev(): Promise<Figures> {
  const project = await copyProject();
  const dev = await startVercelDev(project.dir, await freePort());
  try {
    const seq = await sequential(send(dev.url), VERCEL_DEV_REQUESTS, 1);
    return {
      name: "vercel dev --local",
      rps: null,
      p50: percentile(seq, 50),
      p99: percentile(seq, 99),
      seqMedian: percentile(seq, 50),
      seqCount: seq.length,
    };
  } finally {
    await dev.stop();
    await project.remove();
  }
}

async function main() {
  console.log(
    `\nCard endpoint: POST /api/validate/card, ${CONNECTIONS} connections for ${SECONDS} s; sequential after warm-up\n`,
  );
  const rows: Figures[] = [];
  rows.push(await measureServer("floor", "node:http floor (same JSON)"));
  rows.push(await measureServer("runtime-dev", "local runtime (pnpm dev)"));
  rows.push(await measureServer("runtime-start", "local runtime (pnpm start)"));
  if (process.env.BENCH_SKIP_VERCEL_DEV !== "1") rows.push(await measureVercelDev());
  console.log(table(rows));
  const dev = rows[1];
  console.log(
    `\nTarget: a warm function answers in ≤ 5 ms median → pnpm dev: ${dev?.seqMedian.toFixed(2)} ms ${
      dev && dev.seqMedian <= 5 ? "(met)" : "(NOT met)"
    }`,
  );
  console.log(
    "Anchor: vercel dev --local took 1.0–1.6 s per request on this machine (new process per request).\n",
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
