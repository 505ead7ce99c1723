import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { FilesystemBlobStore } from "@repo/blob-store/filesystem";
import type { BlobResultAnswer } from "@repo/validation/api/blobs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signUp } from "../support/accounts.js";
import { REPO_ROOT } from "../support/paths.js";
import { salesCsv, salesCsvMeans } from "../support/sales-csv.js";

// The "done means": kill the dev server while a file is being processed, start it again, and
// the result still arrives, once. The server is a real process (the local runtime serving api/), so
// the kill is a SIGKILL with nothing flushed; the Workflow SDK's local world picks the run up again
// at start, from the step it was in. The embedded database is on disk, as in `pnpm dev`, so the
// account whose file it is (and its session) survives the kill too.
const SERVER = join(REPO_ROOT, "tests/support/serve-functions.mjs");
const ROWS = 4_000_000; // ~150 MB: long enough to be caught mid-analysis on one thread

let dir: string;
let server: ChildProcess | undefined;

function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

async function start(extraEnv: Record<string, string> = {}): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, [SERVER, REPO_ROOT, String(port)], {
    env: {
      ...process.env,
      BLOB_DIR: join(dir, "blobs"),
      WORKFLOW_LOCAL_DATA_DIR: join(dir, "workflow"),
      PGLITE_DIR: join(dir, "pglite"),
      PIPELINE_CSV_WORKERS: "1",
      // One streaming step unless a test asks for chunks.
      PIPELINE_CHUNK_BYTES: String(1024 ** 3),
      CRON_SECRET: "crash-test-secret-0123456789",
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  server = child;
  // Keep reading its output for its whole life: a closed pipe would kill it with EPIPE on its next log.
  return new Promise((ok, fail) => {
    let out = "";
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => {
      out += chunk;
      const ready = /ready (http:\/\/\S+)/.exec(out);
      if (ready?.[1]) ok(ready[1]);
    });
    child.once("exit", () => fail(new Error(`server exited before it was ready: ${out}`)));
  });
}

async function kill() {
  if (!server || server.exitCode !== null) return;
  const exited = once(server, "exit");
  server.kill("SIGKILL");
  await exited;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pipeline-crash-"));
});
afterAll(async () => {
  await kill();
  await rm(dir, { recursive: true, force: true, maxRetries: 10 });
});

/** The result document, as the contract declares it. */
type Result = NonNullable<BlobResultAnswer["result"]>;

/**
 * One record of the local world's run data. The world may be rewriting it as we read (the result
 * document is written by a step before that step's record says it completed), so an unfinished
 * file is read again.
 */
async function readRecord(path: string): Promise<{ stepName?: string; attempt: number; status: string }> {
  for (let i = 0; ; i++) {
    try {
      return JSON.parse(await readFile(path, "utf8"));
    } catch (error) {
      if (i >= 50 || !(error instanceof SyntaxError)) throw error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/**
 * The step records of the local world's run data, by step name's end. Only `<id>.json`: a write the
 * kill interrupted leaves its `<id>.json.tmp.<ulid>` behind, a copy of a record, not another step.
 */
async function stepRecords(name: string): Promise<{ attempt: number; status: string }[]> {
  const folder = join(dir, "workflow/steps");
  const files = (await readdir(folder)).filter((f) => f.endsWith(".json"));
  const steps = await Promise.all(files.map((f) => readRecord(join(folder, f))));
  return steps.filter((s) => String(s.stepName).endsWith(`//${name}`));
}

describe("a crash in the middle of processing", () => {
  it("is resumed after a restart and the result arrives once", async () => {
    // The file lands in the store without its trigger firing (as if the callback were lost); the
    // timer trigger starts it.
    let url = await start();
    const account = await signUp(url);
    const cookie = account.client.cookieHeader();
    const stored = `${account.space}big/sales.csv`;
    const store = new FilesystemBlobStore({ root: join(dir, "blobs") });
    await store.put(stored, Readable.toWeb(Readable.from(salesCsv(ROWS))) as ReadableStream, {
      contentType: "text/csv",
    });

    const cron = await fetch(`${url}/api/cron/reconcile`, {
      headers: { authorization: "Bearer crash-test-secret-0123456789" },
    });
    expect(cron.status).toBe(200);
    expect((await cron.json()).started).toContainEqual({ path: stored, why: "no result" });

    const result = async (): Promise<Result | null> =>
      (await (await fetch(`${url}/api/blobs/result?path=big/sales.csv`, { headers: { cookie } })).json())
        .result;

    // Wait until the analysis is under way and has reported progress, then kill the server.
    let before: Result | null = null;
    for (let i = 0; i < 1200; i++) {
      before = await result();
      if (before?.status === "processing" && (before.progress?.bytes ?? 0) > 0) break;
      if (before?.status === "done") throw new Error("finished before it could be interrupted: grow ROWS");
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(before?.status).toBe("processing");
    await kill();

    url = await start();
    let after: Result | null = null;
    for (let i = 0; i < 1200 && after?.status !== "done" && after?.status !== "failed"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await result();
    }
    expect(after).toMatchObject({ status: "done", attempt: 1, runId: before?.runId });
    expect(after?.csv?.rows).toBe(ROWS);

    // One run, and its analysis step ran twice: the interrupted attempt and the resumed one.
    const runs = await readdir(join(dir, "workflow/runs"));
    expect(runs).toHaveLength(1);
    const analysis = await stepRecords("analyzeBlob");
    expect(analysis).toHaveLength(1);
    expect(analysis[0]?.attempt).toBeGreaterThanOrEqual(2);
    expect(analysis[0]?.status).toBe("completed");
  }, 240_000);

  it("in chunks, redoes only the chunks in flight and the result arrives once", async () => {
    await kill();
    await rm(dir, { recursive: true, force: true, maxRetries: 10 });
    dir = await mkdtemp(join(tmpdir(), "pipeline-crash-chunks-"));
    const count = 1_000_000; // ~37 MB in 2 MiB chunks: about 18 steps, two at a time
    const chunked = { PIPELINE_CHUNK_BYTES: String(2 * 1024 * 1024), PIPELINE_CHUNK_PARALLEL: "2" };
    let url = await start(chunked);
    const account = await signUp(url);
    const cookie = account.client.cookieHeader();
    const stored = `${account.space}big/chunks.csv`;
    const store = new FilesystemBlobStore({ root: join(dir, "blobs") });
    await store.put(stored, Readable.toWeb(Readable.from(salesCsv(count))) as ReadableStream, {
      contentType: "text/csv",
    });
    const cron = await fetch(`${url}/api/cron/reconcile`, {
      headers: { authorization: "Bearer crash-test-secret-0123456789" },
    });
    expect(cron.status).toBe(200);
    const result = async (): Promise<Result | null> =>
      (await (await fetch(`${url}/api/blobs/result?path=big/chunks.csv`, { headers: { cookie } })).json())
        .result;

    // Some chunks done, not all: kill.
    let before: Result | null = null;
    for (let i = 0; i < 2400; i++) {
      before = await result();
      const done = before?.chunks?.done ?? 0;
      if (before?.status === "processing" && done >= 2 && done < (before.chunks?.count ?? 0) - 2) break;
      if (before?.status === "done") throw new Error("finished before it could be interrupted: grow it");
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(before?.status).toBe("processing");
    await kill();
    const doneBefore = before?.chunks?.done ?? 0;
    const chunkCount = before?.chunks?.count ?? 0;

    url = await start(chunked);
    let after: Result | null = null;
    for (let i = 0; i < 1200 && after?.status !== "done" && after?.status !== "failed"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await result();
    }
    expect(after).toMatchObject({ status: "done", attempt: 1, runId: before?.runId });
    expect(after?.csv?.rows).toBe(count);
    // Means from exact sums: the chunked run gives the exact values, to the bit.
    const means = salesCsvMeans(count);
    expect(after?.csv?.columns.map((c) => c.numeric?.mean)).toEqual([means.id, means.amount, undefined]);
    expect(after?.chunks).toEqual({ count: chunkCount, done: chunkCount, bytes: after?.progress?.bytes });

    // The merge step wrote the result before its own record says "completed": wait for the record.
    await vi.waitFor(
      async () => expect((await stepRecords("mergeChunks")).map((s) => s.status)).toEqual(["completed"]),
      { timeout: 10_000, interval: 100 },
    );
    // One step per chunk (no cut here falls in a quoted line break), all completed; only those in
    // flight at the kill (two at most) ran again, and the chunks done before it did not.
    const steps = await stepRecords("analyzeChunk");
    expect(steps).toHaveLength(chunkCount);
    expect(steps.every((s) => s.status === "completed")).toBe(true);
    const again = steps.filter((s) => s.attempt > 1).length;
    expect(again).toBeLessThanOrEqual(2);
    expect(steps.filter((s) => s.attempt === 1).length).toBeGreaterThanOrEqual(doneBefore);
    expect(await stepRecords("mergeChunks")).toHaveLength(1);
  }, 240_000);
});
