/**
 * The blob trigger on a huge CSV, end to end (the upload excluded): one streaming step beside the
 * fan-out (one step per byte range, one merge) in one worker and, on the Postgres world, in two. Each
 * configuration gets the same file (hard links into a store of its own), a fresh workflow world and a
 * fresh PostgreSQL database for its accounts, so no worker carries the embedded database's memory.
 * From the per-chunk figures and the merge's cost it prints the projection for 100 GB at 50 instances.
 */
import { execFile } from "node:child_process";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { FilesystemBlobStore } from "@repo/blob-store/filesystem";
import { DEFAULT_CHUNK_BYTES } from "@repo/pipeline/context";
import { createTestDatabase, type TestDatabase } from "@repo/test-support/postgres";
import { createLocalWorld } from "@workflow/world-local";
import { createWorld as createPostgresWorld } from "@workflow/world-postgres";
import { signUp } from "../support/accounts.js";
import { REPO_ROOT } from "../support/paths.js";
import { startServer } from "./measure.js";
import { startWorkers } from "./workers.js";

const MB = 1024 * 1024;
const CRON_SECRET = "bench-cron-secret-0123456789abcdef";
const run = promisify(execFile);

interface Worker {
  url: string;
  pid: number;
  stop(): Promise<void>;
  /** How many chunk steps it ran, when it can tell (the Postgres world's workers log each). */
  chunksRun?: () => number;
}

interface Engine {
  name: string;
  /** Starts the configuration's workers on the given environment. */
  start(env: Record<string, string>): Promise<Worker[]>;
  /** The step records of a finished run, from the engine's own world. */
  steps(runId: string, env: Record<string, string>): Promise<StepTiming[]>;
  env?: Record<string, string>;
}

interface StepTiming {
  name: string;
  ms: number;
  /** Its serialized output as the world stores it: what every replay of the workflow reads back. */
  outputBytes: number;
}

interface Outcome {
  name: string;
  seconds: number;
  chunks: number;
  chunkMs: number[];
  mergeMs: number | null;
  peakRssMb: number[];
  chunksByWorker: number[] | null;
  largestChunkOutput: number;
  stats: unknown;
  rows: number;
}

/** Rows of a sales ledger: an id, an amount, a quoted label with a comma, a date. ~46 bytes a row. */
async function writeCsv(path: string, bytes: number): Promise<number> {
  const out = createWriteStream(path);
  let written = 0;
  let i = 0;
  const labels = Array.from({ length: 97 }, (_, k) => `"item ${k}, boxed"`);
  const header = "id,amount,label,day\n";
  out.write(header);
  written += header.length;
  while (written < bytes) {
    let block = "";
    for (let n = 0; n < 20_000; n++) {
      i++;
      block += `${i},${(i % 100_000) / 100},${labels[i % 97]},2026-${String((i % 12) + 1).padStart(2, "0")}-${String((i % 28) + 1).padStart(2, "0")}\n`;
    }
    written += block.length;
    if (!out.write(block)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((ok, fail) => out.end((error?: Error | null) => (error ? fail(error) : ok())));
  return i;
}

async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

type ResultDocument = {
  status: string;
  runId: string | null;
  error?: { message: string };
  chunks?: { count: number; done: number; bytes: number } | null;
  csv: Record<string, unknown> & { rows: number };
};

async function awaitResult(url: string, path: string, cookie: string): Promise<ResultDocument> {
  for (;;) {
    const res = await fetch(`${url}/api/blobs/result?path=${encodeURIComponent(path)}`, {
      headers: { cookie },
    });
    const { result } = (await res.json()) as { result: ResultDocument | null };
    if (result?.status === "failed") throw new Error(`${path} failed: ${result.error?.message}`);
    if (result?.status === "done") return result;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const localEngine = (name: string, env: Record<string, string>): Engine => ({
  name,
  env,
  async start(all) {
    return [await startServer("runtime-start", all)];
  },
  steps: (runId, all) =>
    stepTimings(createLocalWorld({ dataDir: all.WORKFLOW_LOCAL_DATA_DIR, recoverActiveRuns: false }), runId),
});

/** `count` `pnpm start` workers on one Postgres world (the accounts' database), sharing the store. */
const postgresEngine = (count: number, env: Record<string, string>): Engine => ({
  name: `chunked, ${count} workers (Postgres world)`,
  env,
  async start(all) {
    const workers = await startWorkers(count, all);
    return workers.map((w) => ({
      url: w.url,
      pid: w.process.pid ?? -1,
      stop: () => w.stop(),
      chunksRun: () => w.output().match(/\[pipeline\] \S+: chunk \d+ analysed/g)?.length ?? 0,
    }));
  },
  async steps(runId, all) {
    const world = createPostgresWorld({ connectionString: all.DATABASE_URL as string, maxPoolSize: 2 });
    try {
      return await stepTimings(world, runId);
    } finally {
      await (world as { close?: () => Promise<void> }).close?.();
    }
  },
});

type StepLister = Pick<ReturnType<typeof createLocalWorld>, "steps">;

/** A run's steps with their durations and output sizes, through the world's own API. */
async function stepTimings(world: StepLister, runId: string): Promise<StepTiming[]> {
  const steps: StepTiming[] = [];
  let cursor: string | undefined;
  do {
    const page = await world.steps.list({ runId, resolveData: "all", pagination: { cursor } });
    for (const s of page.data)
      if (s.startedAt && s.completedAt)
        steps.push({
          name: s.stepName,
          ms: +new Date(s.completedAt) - +new Date(s.startedAt),
          outputBytes: serializedSize((s as { output?: unknown }).output),
        });
    cursor = page.hasMore ? (page.cursor ?? undefined) : undefined;
  } while (cursor);
  return steps;
}

async function measure(engine: Engine, seed: string, dir: string, database: TestDatabase): Promise<Outcome> {
  const own = join(dir, engine.name.replace(/\W+/g, "-"));
  // Hard links: the store's objects are immutable, so every configuration reads the same bytes.
  await mkdir(own, { recursive: true });
  await run("cp", ["-al", seed, join(own, "blobs")]);
  const env = {
    DATABASE_URL: database.url,
    BLOB_DIR: join(own, "blobs"),
    WORKFLOW_LOCAL_DATA_DIR: join(own, "workflow"),
    CRON_SECRET,
    ...engine.env,
  };
  const workers = await engine.start(env);
  try {
    const first = workers[0] as Worker;
    const account = await signUp(first.url, "Fan-out");
    const cookie = account.client.cookieHeader();
    const path = `${account.space}bench/huge.csv`;
    // Into the account's space, without its trigger firing (as if the upload's callback were lost):
    // the timer trigger starts it, so the clock starts at one known moment.
    const store = new FilesystemBlobStore({ root: env.BLOB_DIR });
    await store.copy("seed/huge.csv", path);
    await store.delete("seed/huge.csv");
    for (const w of workers) await writeFile(`/proc/${w.pid}/clear_refs`, "5");
    const t0 = performance.now();
    const cron = await fetch(`${first.url}/api/cron/reconcile`, {
      headers: { authorization: `Bearer ${CRON_SECRET}` },
    });
    if (cron.status !== 200) throw new Error(`reconcile: ${cron.status} ${await cron.text()}`);
    const result = await awaitResult(first.url, "bench/huge.csv", cookie);
    const seconds = (performance.now() - t0) / 1000;
    const peakRss = await Promise.all(workers.map((w) => peakRssMb(w.pid)));
    const steps = result.runId ? await engine.steps(result.runId, env) : [];
    const chunkMs = steps.filter((s) => s.name.endsWith("//analyzeChunk")).map((s) => s.ms);
    const merges = steps.filter((s) => s.name.endsWith("//mergeChunks")).map((s) => s.ms);
    return {
      name: engine.name,
      seconds,
      chunks: result.chunks?.count ?? 1,
      chunkMs,
      mergeMs: merges.length ? merges.reduce((a, b) => a + b, 0) : null,
      peakRssMb: peakRss,
      chunksByWorker: workers.every((w) => w.chunksRun) ? workers.map((w) => w.chunksRun?.() ?? 0) : null,
      largestChunkOutput: Math.max(
        0,
        ...steps.filter((s) => s.name.endsWith("//analyzeChunk")).map((s) => s.outputBytes),
      ),
      stats: result.csv,
      rows: result.csv.rows,
    };
  } finally {
    for (const w of workers) await w.stop();
  }
}

/** Every number of two result documents side by side (sketches' estimates included). */
function differences(a: unknown, b: unknown, at = "csv") {
  const out = {
    numbers: 0,
    equal: 0,
    worst: null as { relative: number; at: string } | null,
    other: [] as string[],
  };
  const walk = (x: unknown, y: unknown, path: string) => {
    if (typeof x === "number" && typeof y === "number") {
      out.numbers++;
      if (x === y) out.equal++;
      else {
        const relative = Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y));
        if (!out.worst || relative > out.worst.relative) out.worst = { relative, at: path };
      }
    } else if (x && y && typeof x === "object" && typeof y === "object") {
      for (const key of new Set([...Object.keys(x), ...Object.keys(y)]))
        walk((x as Record<string, unknown>)[key], (y as Record<string, unknown>)[key], `${path}.${key}`);
    } else if (x !== y && JSON.stringify(x) !== JSON.stringify(y)) out.other.push(path);
  };
  walk(a, b, at);
  return out;
}

function serializedSize(value: unknown): number {
  if (value instanceof Uint8Array) return value.byteLength;
  return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value) ?? "");
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)] as number) : Number.NaN;
};

export async function fanoutSection(extraEngines: Engine[] = []): Promise<void> {
  const gib = Number(process.env.BENCH_FANOUT_GB ?? 4);
  const size = Math.round(gib * 1024 * MB);
  const dir = await mkdtemp(join(tmpdir(), "bench-fanout-"));
  console.log(`\n▸ Fan-out: a ${gib} GB CSV through the blob trigger, end to end (upload excluded)\n`);
  const database = await createTestDatabase("bench_fanout");
  try {
    await run(process.execPath, [join(REPO_ROOT, "packages/db/bin/db-migrate.js")], {
      env: { ...process.env, DATABASE_URL: database.url },
    });
    const source = join(dir, "huge.csv");
    let t0 = performance.now();
    const rows = await writeCsv(source, size);
    const bytes = (await stat(source)).size;
    console.log(
      `generated ${rows.toLocaleString("en")} rows, ${(bytes / MB).toFixed(0)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const seed = join(dir, "seed");
    const seedStore = new FilesystemBlobStore({ root: seed });
    t0 = performance.now();
    await seedStore.put("seed/huge.csv", Readable.toWeb(createReadStream(source)) as ReadableStream, {
      contentType: "text/csv",
    });
    console.log(`stored once in ${((performance.now() - t0) / 1000).toFixed(1)} s (not counted below)\n`);
    await rm(source);

    const engines: Engine[] = [
      localEngine("one step (streaming)", { PIPELINE_CHUNK_BYTES: String(1024 ** 5) }),
      // Two chunk steps at once: one reads while the other parses (they share the process's thread).
      localEngine("chunked, 1 worker (local world)", { PIPELINE_CHUNK_PARALLEL: "2" }),
      // The window is the run's, not a worker's: four steps in flight give each worker two, as the
      // single worker has. Chunk steps in one process share its one JavaScript thread.
      postgresEngine(2, { PIPELINE_CHUNK_PARALLEL: "4" }),
      ...extraEngines,
    ];
    const outcomes: Outcome[] = [];
    for (const engine of engines) outcomes.push(await measure(engine, seed, dir, database));

    const head = `${"configuration".padEnd(40)} ${"time".padStart(8)} ${"MB/s".padStart(6)} ${"chunks".padStart(6)} ${"chunk MB/s".padStart(10)} ${"merge".padStart(7)}  peak RSS per worker`;
    console.log(head);
    for (const o of outcomes) {
      const perChunk = o.chunkMs.length
        ? bytes / o.chunkMs.length / MB / (median(o.chunkMs) / 1000)
        : Number.NaN;
      console.log(
        `${o.name.padEnd(40)} ${`${o.seconds.toFixed(1)} s`.padStart(8)} ${(bytes / MB / o.seconds).toFixed(0).padStart(6)} ${String(o.chunks).padStart(6)} ${(Number.isNaN(perChunk) ? "–" : perChunk.toFixed(0)).padStart(10)} ${(o.mergeMs === null ? "–" : `${(o.mergeMs / 1000).toFixed(2)} s`).padStart(7)}  ${o.peakRssMb.map((r) => `${r.toFixed(0)} MB`).join(", ")} (target ≤ 256 → ${o.peakRssMb.every((r) => r <= 256) ? "met" : "NOT met"})` +
          (o.chunksByWorker ? `; chunks by worker ${o.chunksByWorker.join(" + ")}` : ""),
      );
    }
    const largest = Math.max(...outcomes.map((o) => o.largestChunkOutput));
    console.log(
      `\nlargest chunk step output (what the event log keeps per chunk): ${(largest / 1024).toFixed(1)} KB`,
    );
    const single = outcomes[0] as Outcome;
    for (const o of outcomes.slice(1)) {
      const d = differences(single.stats, o.stats);
      console.log(
        `${o.name} vs one step: ${d.equal} of ${d.numbers} figures equal exactly` +
          (d.worst
            ? `; largest relative difference ${d.worst.relative.toExponential(1)} at ${d.worst.at}`
            : "") +
          (d.other.length ? `; differing: ${d.other.slice(0, 4).join(", ")}` : ""),
      );
    }
    const agree = outcomes.every((o) => o.rows === single.rows);
    console.log(
      `\nrows: ${single.rows.toLocaleString("en")} in every configuration → ${agree ? "agree" : "DISAGREE"}`,
    );
    projection(
      outcomes.find((o) => o.chunkMs.length > 0),
      bytes,
    );
  } finally {
    await database.drop().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * 100 GB at 50 instances, on paper:
 *   T = ⌈N / 50⌉ × t_chunk + t_merge × N / n,   N = ⌈100 GB / chunk size⌉
 * t_chunk is the median chunk step measured here (one chunk on one instance: its ranged read and its
 * analysis), t_merge the merge of the n partials measured here, scaled linearly to N partials.
 */
function projection(o: Outcome | undefined, bytes: number) {
  if (!o) return;
  const chunkBytes = Math.min(DEFAULT_CHUNK_BYTES, bytes);
  const total = 100 * 1024 ** 3;
  const n = Math.ceil(total / chunkBytes);
  // The chunk steps measured here, scaled to a whole chunk (a small bench file has smaller chunks).
  const measuredChunk = bytes / o.chunkMs.length;
  const tChunk = (median(o.chunkMs) / 1000) * (chunkBytes / measuredChunk);
  const tMerge = ((o.mergeMs ?? 0) / 1000) * (n / o.chunkMs.length);
  const waves = Math.ceil(n / 50);
  const t = waves * tChunk + tMerge;
  console.log(
    `\nProjection, 100 GB at 50 instances: T = ⌈N / 50⌉ × t_chunk + t_merge × N / n, N = ${n} chunks of ${(chunkBytes / MB).toFixed(0)} MB:\n` +
      `  ${waves} waves × ${tChunk.toFixed(2)} s + ${tMerge.toFixed(2)} s ≈ ${(t / 60).toFixed(1)} min (${(total / MB / t).toFixed(0)} MB/s overall)\n` +
      "  assuming: each instance reads its range from the store at least as fast as it analyses it (here: a local disk);\n" +
      "  a chunk step on a Vercel instance runs at this machine's one-core speed; 50 steps start at once (the workflow's\n" +
      "  window raised to 50 with PIPELINE_CHUNK_PARALLEL); the engine's per-step cost stays what it is here.",
  );
}
