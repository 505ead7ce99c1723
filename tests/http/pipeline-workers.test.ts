import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { FilesystemBlobStore } from "@repo/blob-store/filesystem";
import { connectPostgres, type Database } from "@repo/db/database";
import { migrateToLatest } from "@repo/db/migrate";
import { createTestDatabase, type TestDatabase } from "@repo/test-support/postgres";
import type { BlobResultAnswer } from "@repo/validation/api/blobs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signUp } from "../support/accounts.js";
import { salesCsv, salesCsvMeans } from "../support/sales-csv.js";
import { startWorker, startWorkers, type Worker } from "../support/workers.js";

// The "past one machine": two `pnpm start` processes on one PostgreSQL server (Debian's, a
// fresh database for this run) are workers of one Postgres world, sharing its queue, the accounts'
// tables and a blob directory. A CSV fans out into chunk steps, both workers take some, one is
// killed with SIGKILL mid-run, and the other finishes: one result, one merge, once.
const ROWS = 2_000_000; // ~75 MB in 2 MiB chunks: about 36 chunk steps, four at a time
const CRON_SECRET = "workers-test-secret-0123456789";

let dir: string;
let database: TestDatabase;
let db: Database;
let workers: Worker[] = [];

/** The chunks a worker says it analysed for one file (chunk-steps.ts logs each), by index. */
function chunksBy(worker: Worker, path: string): number[] {
  const said = new RegExp(
    `\\[pipeline\\] ${path.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: chunk (\\d+) analysed`,
    "g",
  );
  return [...worker.output().matchAll(said)].map((m) => Number(m[1]));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pipeline-workers-"));
  database = await createTestDatabase("pipeline_workers");
  db = connectPostgres(database.url, { max: 2 });
  // The accounts' schema, as `pnpm db:migrate` applies it before a deployment; the workflow
  // world's own schema is applied by the workers at start.
  await migrateToLatest(db.db);
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill()));
  await db?.destroy();
  // DEBUG_WORKERS=1 keeps the database, to look into the world's tables after a failure.
  if (process.env.DEBUG_WORKERS) console.log(`kept ${database?.url}`);
  else await database?.drop();
  await rm(dir, { recursive: true, force: true, maxRetries: 10 });
});

/** The result document, as the contract declares it. */
type Result = NonNullable<BlobResultAnswer["result"]>;

describe("two workers on one Postgres world", () => {
  it("share a file's chunks, and when one is killed mid-run the result still arrives once", async () => {
    workers = await startWorkers(2, {
      DATABASE_URL: database.url,
      BLOB_DIR: join(dir, "blobs"),
      PIPELINE_CSV_WORKERS: "1",
      PIPELINE_CHUNK_BYTES: String(2 * 1024 * 1024),
      PIPELINE_CHUNK_PARALLEL: "4",
      CRON_SECRET,
      // A step whose job a killed worker still holds runs again after this lease (default 30 s);
      // short here so that the test does not wait long for the killed worker's steps.
      WORKFLOW_POSTGRES_STEP_LEASE_SECONDS: "3",
      WORKFLOW_POSTGRES_LIVENESS_SECONDS: "1",
    });
    const [doomed, survivor] = workers as [Worker, Worker];

    const account = await signUp(doomed.url);
    const cookie = account.client.cookieHeader();
    const stored = `${account.space}big/workers.csv`;
    await new FilesystemBlobStore({ root: join(dir, "blobs") }).put(
      stored,
      Readable.toWeb(Readable.from(salesCsv(ROWS))) as ReadableStream,
      { contentType: "text/csv" },
    );
    // The timer trigger starts the file's run; its messages go to the shared queue.
    const cron = await fetch(`${doomed.url}/api/cron/reconcile`, {
      headers: { authorization: `Bearer ${CRON_SECRET}` },
    });
    expect(cron.status).toBe(200);
    expect((await cron.json()).started).toContainEqual({ path: stored, why: "no result" });

    // Either worker answers for the file: one database, one store.
    const result = async (worker: Worker): Promise<Result | null> =>
      (
        await (
          await fetch(`${worker.url}/api/blobs/result?path=big/workers.csv`, { headers: { cookie } })
        ).json()
      ).result;

    // Both have analysed chunks and several are left: kill one.
    let before: Result | null = null;
    for (let i = 0; i < 3000; i++) {
      before = await result(survivor);
      const done = before?.chunks?.done ?? 0;
      const both = chunksBy(doomed, stored).length > 0 && chunksBy(survivor, stored).length > 0;
      if (before?.status === "processing" && both && done < (before.chunks?.count ?? 0) - 4) break;
      if (before?.status === "done") throw new Error("finished before it could be interrupted: grow ROWS");
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(before?.status).toBe("processing");
    const doomedProcess = Number(/queue worker process (\d+)/.exec(doomed.output())?.[1]);
    const doomedIds = (
      await db.pool.query<{ worker_id: string }>(
        "select worker_id from workflow.workflow_queue_workers where process = $1",
        [doomedProcess],
      )
    ).rows.map((r) => r.worker_id);
    expect(doomedIds.length).toBeGreaterThan(0);
    await doomed.kill();
    // The survivor sees the doomed process gone (its PostgreSQL session ended with it) and frees
    // the queue jobs it held, which graphile-worker alone would keep locked for 4 hours.
    await vi.waitFor(
      async () => {
        const held = await db.pool.query(
          "select 1 from graphile_worker._private_jobs where locked_by = any($1::text[]) union all select 1 from workflow.workflow_queue_workers where process = $2",
          [doomedIds, doomedProcess],
        );
        expect(held.rowCount).toBe(0);
      },
      { timeout: 15_000, interval: 200 },
    );
    const byDoomed = chunksBy(doomed, stored);
    const chunkCount = before?.chunks?.count ?? 0;
    expect(chunkCount).toBeGreaterThan(8);

    let after: Result | null = null;
    for (let i = 0; i < 1800 && after?.status !== "done" && after?.status !== "failed"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await result(survivor);
    }
    if (after?.status !== "done") {
      // What the world holds when it did not finish: its unfinished steps and the queue's jobs.
      const jobs = await db.pool.query(
        "select task_identifier, key, locked_by, locked_at, attempts, last_error from graphile_worker.jobs",
      );
      const open = await db.pool.query(
        "select step_id, step_name, status, attempt from workflow.workflow_steps where status <> 'completed'",
      );
      console.error(JSON.stringify({ jobs: jobs.rows, steps: open.rows }, null, 1));
    }
    expect(after).toMatchObject({ status: "done", attempt: 1, runId: before?.runId });
    expect(after?.csv?.rows).toBe(ROWS);
    // Means from exact sums: the chunked run gives the exact values, to the bit.
    const means = salesCsvMeans(ROWS);
    expect(after?.csv?.columns.map((c) => c.numeric?.mean)).toEqual([means.id, means.amount, undefined]);
    expect(after?.chunks).toEqual({ count: chunkCount, done: chunkCount, bytes: after?.progress?.bytes });

    // Chunks done by both workers, and between them every chunk.
    const bySurvivor = chunksBy(survivor, stored);
    expect(byDoomed.length).toBeGreaterThan(0);
    expect(bySurvivor.length).toBeGreaterThan(0);
    expect(new Set([...byDoomed, ...bySurvivor])).toEqual(
      new Set(Array.from({ length: chunkCount }, (_, i) => i)),
    );

    // Exactly once, in the world's own tables: one run, one merge, one step per chunk, all completed.
    const steps = async (name: string) =>
      (
        await db.pool.query<{ status: string; attempt: number }>(
          "select status, attempt from workflow.workflow_steps where step_name like $1",
          [`%//${name}`],
        )
      ).rows;
    // The merge step writes the result before its record says completed: wait for the record.
    await vi.waitFor(
      async () => expect((await steps("mergeChunks")).map((s) => s.status)).toEqual(["completed"]),
      {
        timeout: 10_000,
        interval: 100,
      },
    );
    // The run itself completes after one more step (the partials removed) and a last replay.
    await vi.waitFor(
      async () =>
        expect((await db.pool.query("select id as run_id, status from workflow.workflow_runs")).rows).toEqual(
          [{ run_id: before?.runId, status: "completed" }],
        ),
      { timeout: 20_000, interval: 200 },
    );
    const chunkSteps = await steps("analyzeChunk");
    expect(chunkSteps).toHaveLength(chunkCount);
    expect(chunkSteps.every((s) => s.status === "completed")).toBe(true);
  }, 300_000);

  it("is refused at start without a PostgreSQL server to share, saying why", async () => {
    // Without DATABASE_URL the accounts use the embedded PGlite, which one process owns: no queue
    // for several workers. The runtime does not start rather than run on another engine.
    const none = { DATABASE_URL: "", WORKFLOW_POSTGRES_URL: "" };
    const started = startWorker("lonely", { ...none, BLOB_DIR: join(dir, "lonely-blobs") });
    await expect(started).rejects.toThrow(
      /WORKFLOW_TARGET_WORLD=postgres needs a PostgreSQL server: set DATABASE_URL/,
    );
    const wrong = startWorker("wrong", {
      WORKFLOW_TARGET_WORLD: "vercel",
      BLOB_DIR: join(dir, "wrong-blobs"),
    });
    await expect(wrong).rejects.toThrow(/WORKFLOW_TARGET_WORLD=vercel is not a world this runtime runs/);
  });
});
