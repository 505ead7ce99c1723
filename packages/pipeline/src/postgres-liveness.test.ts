import { EventEmitter } from "node:events";
import { createTestDatabase, type TestDatabase } from "@repo/test-support/postgres";
import { makeWorkerUtils, type WorkerUtils } from "graphile-worker";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLivenessTable, type Liveness, startLiveness } from "./postgres-liveness.ts";

// Two "processes" (two liveness records on their own connections) on a real PostgreSQL server with
// graphile-worker's schema; one dies the way a SIGKILLed process does: its session ends.
let database: TestDatabase;
let admin: pg.Client;
let utils: WorkerUtils;
const lines: string[] = [];
const started: Liveness[] = [];

const start = async (events = new EventEmitter()) => {
  const liveness = await startLiveness({
    connectionString: database.url,
    events,
    intervalMs: 60_000, // the test calls reap() itself
    log: (line) => lines.push(line),
  });
  started.push(liveness);
  return { liveness, events };
};

/** Adds a job and locks it to `workerId`, as graphile-worker's get_job does when it takes one. */
const jobTakenBy = async (workerId: string): Promise<string> => {
  const job = await utils.addJob("analyse", { n: 1 });
  await admin.query(
    "update graphile_worker._private_jobs set locked_by = $1, locked_at = now() where id = $2",
    [workerId, job.id],
  );
  return job.id;
};
const lockedBy = async (id: string) =>
  (await admin.query("select locked_by from graphile_worker._private_jobs where id = $1", [id])).rows[0]
    ?.locked_by;

/**
 * Ends the session that holds a process's liveness lock: what the kernel does for a killed process.
 * pg_terminate_backend only signals the backend, so this waits until the lock is gone with it.
 */
const kill = async (liveness: Liveness) => {
  const holder = "from pg_locks where locktype = 'advisory' and classid = $1 and objid = $2 and granted";
  const args = [0x77_6b_6c_76, liveness.process];
  await admin.query(`select pg_terminate_backend(pid) ${holder}`, args);
  for (let i = 0; (await admin.query(`select 1 ${holder}`, args)).rowCount; i++) {
    if (i > 100) throw new Error("the session did not end");
    await new Promise((r) => setTimeout(r, 20));
  }
};

beforeAll(async () => {
  database = await createTestDatabase("liveness");
  admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  utils = await makeWorkerUtils({ connectionString: database.url });
  await utils.migrate();
  await admin.query("create schema if not exists workflow");
  await createLivenessTable(admin);
});
afterAll(async () => {
  await Promise.all(started.map((l) => l.stop()));
  await utils?.release();
  await admin?.end();
  await database?.drop();
});

describe("queue workers of a process that died", () => {
  it("are freed by a living process once the dead one's session is gone, and not before", async () => {
    const doomed = await start();
    const survivor = await start();
    doomed.events.emit("worker:create", { worker: { workerId: "worker-doomed" } });
    survivor.events.emit("worker:create", { worker: { workerId: "worker-survivor" } });
    const held = await jobTakenBy("worker-doomed");
    const own = await jobTakenBy("worker-survivor");

    expect(await survivor.liveness.reap()).toBe(0);
    expect(await lockedBy(held)).toBe("worker-doomed");

    await kill(doomed.liveness);
    expect(await survivor.liveness.reap()).toBe(1);
    expect(await lockedBy(held)).toBeNull();
    expect(await lockedBy(own)).toBe("worker-survivor");
    expect(lines).toContainEqual(expect.stringMatching(/1 of its jobs are free/));
    const left = await admin.query(
      "select worker_id from workflow.workflow_queue_workers order by worker_id",
    );
    expect(left.rows).toEqual([{ worker_id: "worker-survivor" }]);
    // The dead process's number is free again, not held by the one that looked.
    const free = await admin.query("select pg_try_advisory_lock($1, $2) as free", [
      0x77_6b_6c_76,
      doomed.liveness.process,
    ]);
    expect(free.rows[0].free).toBe(true);
    await admin.query("select pg_advisory_unlock($1, $2)", [0x77_6b_6c_76, doomed.liveness.process]);
  });

  it("are forgotten when their process stops cleanly, and a process never frees its own", async () => {
    const { liveness, events } = await start();
    events.emit("worker:create", { worker: { workerId: "worker-clean" } });
    const job = await jobTakenBy("worker-clean");
    expect(await liveness.reap()).toBe(0);
    expect(await lockedBy(job)).toBe("worker-clean");
    await liveness.stop();
    const rows = await admin.query(
      "select 1 from workflow.workflow_queue_workers where worker_id = 'worker-clean'",
    );
    expect(rows.rowCount).toBe(0);
  });
});
