/**
 * `pnpm bench`: the figures the issues name, each beside its anchor, measured in the same run.
 * Servers run in child processes; the load comes from this one (autocannon).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startStandin } from "@repo/weather-standin/standin";
import { copyProject, startVercelDev } from "../support/vercel-project.js";
import { accountsSection } from "./accounts.js";
import { blobSection } from "./blobs.js";
import { fanoutSection } from "./fanout.js";
import { loadSection } from "./load.js";
import {
  type EndpointRequest,
  type Figures,
  freePort,
  measureEndpoint,
  percentile,
  sequential,
  startServer,
  table,
} from "./measure.js";
import { recordingSection } from "./recording.js";
import { telemetrySection } from "./telemetry.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
// The servers under test keep their database, blobs and workflow runs on disk as `pnpm start` does,
// in a directory of their own: a developer's .data/ is neither read nor written.
const databaseDir = mkdtempSync(join(tmpdir(), "bench-db-"));
process.env.PGLITE_DIR = join(databaseDir, "pglite");
process.env.BLOB_DIR ??= join(databaseDir, "blobs");
process.env.WORKFLOW_LOCAL_DATA_DIR ??= join(databaseDir, "workflow");
process.env.BETTER_AUTH_SECRET ??= "bench-secret-bench-secret-bench-secret-01";
// The bench signs in and uploads far faster than people do.
process.env.RATE_LIMIT_SIGN_IN_PER_MINUTE ??= "100000";
process.env.RATE_LIMIT_UPLOAD_TOKENS_PER_MINUTE ??= "100000";
// The blob section stores more than one user's default quota (1 GiB).
process.env.STORAGE_QUOTA_BYTES ??= String(64 * 1024 ** 3);
const CONNECTIONS = 10;
const VERCEL_DEV_REQUESTS = Number(process.env.BENCH_VERCEL_DEV_REQUESTS ?? 5);

interface Endpoint {
  path: string;
  request: EndpointRequest;
}

const CARD: Endpoint = {
  path: "/api/validate/card",
  request: {
    method: "POST",
    body: JSON.stringify({ number: "4242 4242 4242 4242" }),
    headers: { "content-type": "application/json" },
  },
};
const WEATHER: Endpoint = { path: "/api/weather?zipcode=48824", request: { method: "GET" } };

const sender = (url: string, e: Endpoint) => () => fetch(`${url}${e.path}`, e.request);

const measure = (name: string, url: string, e: Endpoint) =>
  measureEndpoint(name, `${url}${e.path}`, e.request, { seconds: SECONDS, connections: CONNECTIONS });

async function measureServer(kind: string, name: string, e: Endpoint, env: Record<string, string> = {}) {
  const server = await startServer(kind, env);
  try {
    return await measure(name, server.url, e);
  } finally {
    await server.stop();
  }
}

async function measureVercelDev(): Promise<Figures> {
  const project = await copyProject();
  const dev = await startVercelDev(project.dir, await freePort());
  try {
    const seq = await sequential(sender(dev.url, CARD), VERCEL_DEV_REQUESTS, 1);
    const [p50, p99] = [percentile(seq, 50), percentile(seq, 99)];
    return { name: "vercel dev --local (anchor)", rps: null, p50, p99, seqMedian: p50, seqCount: seq.length };
  } finally {
    await dev.stop();
    await project.remove();
  }
}

async function cardSection() {
  console.log(
    `\n▸ Card endpoint: POST /api/validate/card, ${CONNECTIONS} connections for ${SECONDS} s; sequential after warm-up\n`,
  );
  const rows: Figures[] = [];
  rows.push(await measureServer("floor", "node:http floor (same JSON)", CARD));
  rows.push(await measureServer("runtime-dev", "local runtime (pnpm dev)", CARD));
  rows.push(await measureServer("runtime-start", "local runtime (pnpm start)", CARD));
  if (process.env.BENCH_SKIP_VERCEL_DEV !== "1") rows.push(await measureVercelDev());
  console.log(table(rows));
  const dev = rows[1]?.seqMedian ?? Number.NaN;
  console.log(
    `\nTarget: a warm function answers in ≤ 5 ms median → pnpm dev ${dev.toFixed(2)} ms ${dev <= 5 ? "(met)" : "(NOT met)"}`,
  );
  console.log(
    "Anchor: vercel dev --local took 1.0–1.6 s per request on this machine (a new process per request).",
  );
}

async function weatherSection() {
  console.log(
    `\n▸ Weather endpoint, warm cache: GET /api/weather?zipcode=48824, ${CONNECTIONS} connections for ${SECONDS} s\n`,
  );
  // The forecast comes from the local stand-in; once cached, requests never reach it.
  const standin = await startStandin();
  const env = { OPEN_METEO_BASE_URL: standin.url, NWS_BASE_URL: standin.url };
  try {
    const server = await startServer("runtime-dev", env);
    let row: Figures;
    let body: string;
    try {
      body = await (await fetch(`${server.url}${WEATHER.path}`)).text();
      row = await measure("local runtime (pnpm dev)", server.url, WEATHER);
    } finally {
      await server.stop();
    }
    const floor = await measureServer("floor", "node:http floor (same JSON)", WEATHER, { FLOOR_BODY: body });
    console.log(table([floor, row]));
    console.log(
      `\nAnswer: ${(body.length / 1024).toFixed(1)} KiB; upstream calls during the run: ${standin.count("open-meteo")} (1 expected: the cache held)`,
    );
  } finally {
    await standin.close();
  }
}

const SECTIONS: Record<string, () => Promise<void>> = {
  card: cardSection,
  weather: weatherSection,
  accounts: accountsSection,
  blobs: blobSection,
  load: loadSection,
  recording: recordingSection,
  telemetry: telemetrySection,
  fanout: () => fanoutSection(),
};

/** Every section, or those BENCH_SECTIONS names (comma-separated, e.g. BENCH_SECTIONS=load). */
async function main() {
  const chosen = process.env.BENCH_SECTIONS?.split(",").map((name) => name.trim()) ?? Object.keys(SECTIONS);
  for (const name of chosen) {
    const section = SECTIONS[name];
    if (!section)
      throw new Error(`unknown bench section ${name}: one of ${Object.keys(SECTIONS).join(", ")}`);
    await section();
  }
  console.log("\nThe ZIP index's cold load, lookup and heap are printed by @repo/zipcodes's own bench.\n");
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => rmSync(databaseDir, { recursive: true, force: true }));
