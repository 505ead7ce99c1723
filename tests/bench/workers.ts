/**
 * A chunked run over N workers on one Postgres world, timed end to end: for the bench's "chunked with
 * 1 and 2 workers". The upload is not timed: the file is put into the workers' shared blob directory
 * first, then the timer trigger starts its run and the clock runs until the result says done.
 * Each call makes a fresh database on the test server (TEST_POSTGRES_URL) and drops it after.
 *
 * Usage: tsx bench/workers.ts <file.csv> [workers…]   e.g. tsx bench/workers.ts /tmp/4g.csv 1 2
 */
import { createReadStream } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { FilesystemBlobStore } from "@repo/blob-store/filesystem";
import { connectPostgres } from "@repo/db/database";
import { migrateToLatest } from "@repo/db/migrate";
import { createTestDatabase } from "@repo/test-support/postgres";
import { signUp } from "../support/accounts.js";
import { startWorkers, type Worker } from "../support/workers.js";

export { startWorker, startWorkers, type Worker } from "../support/workers.js";

export interface ChunkedRunOptions {
  /** How many `pnpm start` workers share the queue. */
  workers: number;
  /** A CSV on disk. */
  file: string;
  /** PIPELINE_CHUNK_BYTES (default: the pipeline's, 128 MiB). */
  chunkBytes?: number;
  /** PIPELINE_CHUNK_PARALLEL (default: the pipeline's, 4). */
  parallel?: number;
  /** More environment for every worker. */
  env?: Record<string, string>;
  /** Give up after this long (default 30 minutes). */
  timeoutMs?: number;
}

export interface ChunkedRunFigures {
  workers: number;
  bytes: number;
  /** From the trigger to the result document saying done. */
  ms: number;
  mbPerSecond: number;
  chunks: number;
  /** Chunk steps each worker ran (its log), in worker order. */
  chunksByWorker: number[];
  /** Each worker's peak resident memory (VmHWM), MiB. */
  peakRssMiB: number[];
  rows: number | null;
}

const CRON_SECRET = "bench-workers-secret-0123456789";

async function peakRssMiB(pid: number | undefined): Promise<number> {
  if (!pid) return Number.NaN;
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

/**
 * Starts `workers` workers on a fresh database, puts `file` into their store, and times its run.
 *
 * @example const figures = await timeChunkedRun({ workers: 2, file: "/tmp/big.csv" })
 */
export async function timeChunkedRun(options: ChunkedRunOptions): Promise<ChunkedRunFigures> {
  const dir = await mkdtemp(join(tmpdir(), "bench-workers-"));
  const database = await createTestDatabase("bench_workers");
  let workers: Worker[] = [];
  try {
    const accounts = connectPostgres(database.url, { max: 1 });
    await migrateToLatest(accounts.db).finally(() => accounts.destroy());
    workers = await startWorkers(options.workers, {
      DATABASE_URL: database.url,
      BLOB_DIR: join(dir, "blobs"),
      BETTER_AUTH_SECRET: "bench-secret-bench-secret-bench-secret-01",
      CRON_SECRET,
      PIPELINE_CSV_WORKERS: "1",
      ...(options.chunkBytes ? { PIPELINE_CHUNK_BYTES: String(options.chunkBytes) } : {}),
      ...(options.parallel ? { PIPELINE_CHUNK_PARALLEL: String(options.parallel) } : {}),
      ...options.env,
    });
    const first = workers[0] as Worker;
    const account = await signUp(first.url);
    const cookie = account.client.cookieHeader();
    const name = "bench/workers.csv";
    const stored = `${account.space}${name}`;
    const bytes = (await stat(options.file)).size;
    await new FilesystemBlobStore({ root: join(dir, "blobs") }).put(
      stored,
      Readable.toWeb(createReadStream(options.file)) as ReadableStream,
      { contentType: "text/csv" },
    );

    const started = performance.now();
    const cron = await fetch(`${first.url}/api/cron/reconcile`, {
      headers: { authorization: `Bearer ${CRON_SECRET}` },
    });
    if (cron.status !== 200) throw new Error(`the timer trigger answered ${cron.status}`);
    const deadline = started + (options.timeoutMs ?? 30 * 60_000);
    type Result = {
      status: string;
      error?: unknown;
      chunks?: { count: number } | null;
      csv?: { rows: number };
    };
    let result: Result | null = null;
    while (performance.now() < deadline) {
      const answer = await fetch(`${first.url}/api/blobs/result?path=${encodeURIComponent(name)}`, {
        headers: { cookie },
      });
      result = ((await answer.json()) as { result: Result | null }).result;
      if (result?.status === "done" || result?.status === "failed") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const ms = performance.now() - started;
    if (result?.status !== "done") throw new Error(`the run did not finish: ${JSON.stringify(result)}`);
    const said = /\[pipeline\] \S+: chunk \d+ analysed/g;
    return {
      workers: options.workers,
      bytes,
      ms,
      mbPerSecond: bytes / 1e6 / (ms / 1000),
      chunks: result.chunks?.count ?? 1,
      chunksByWorker: workers.map((w) => w.output().match(said)?.length ?? 0),
      peakRssMiB: await Promise.all(workers.map((w) => peakRssMiB(w.process.pid))),
      rows: result.csv?.rows ?? null,
    };
  } finally {
    await Promise.all(workers.map((w) => w.kill()));
    // BENCH_KEEP_DB=1 keeps the database, to read the world's tables after a run.
    if (process.env.BENCH_KEEP_DB) console.log(`kept ${database.url}`);
    else await database.drop();
    await rm(dir, { recursive: true, force: true, maxRetries: 10 });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, ...counts] = process.argv.slice(2);
  if (!file) {
    console.error("usage: tsx bench/workers.ts <file.csv> [workers…]");
    process.exit(2);
  }
  const chunkBytes = process.env.PIPELINE_CHUNK_BYTES ? Number(process.env.PIPELINE_CHUNK_BYTES) : undefined;
  for (const n of counts.length ? counts.map(Number) : [1, 2]) {
    const f = await timeChunkedRun({ workers: n, file, ...(chunkBytes ? { chunkBytes } : {}) });
    console.log(
      `${n} worker(s): ${(f.bytes / 1e6).toFixed(0)} MB in ${(f.ms / 1000).toFixed(1)} s = ${f.mbPerSecond.toFixed(1)} MB/s, ` +
        `${f.chunks} chunks (by worker: ${f.chunksByWorker.join(" + ")}), peak RSS per worker ${f.peakRssMiB.map((m) => m.toFixed(0)).join(" / ")} MiB, ${f.rows} rows`,
    );
  }
}
