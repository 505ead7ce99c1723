/**
 * Gives back the queue jobs of a worker process that died, within seconds instead of hours.
 *
 * The Postgres world's queue is graphile-worker: a job is locked to the worker that took it and
 * graphile-worker frees a lock only 4 hours after it was taken. A step job of a killed worker is
 * queued again by the run's next replay (our patch to the world), but a run whose only message the
 * killed worker held would sit still for those 4 hours.
 *
 * So each process says which graphile worker ids are its own (a row per id in
 * `workflow.workflow_queue_workers`, under a number for the process) and holds a session advisory
 * lock on that number for as long as it lives. PostgreSQL drops a session's locks when its
 * connection ends, and a killed process's connections end with it (the kernel closes its sockets).
 * Every few seconds each process looks at the others' numbers: one whose lock it can take belongs
 * to a process that is gone, and that process's jobs are unlocked (graphile-worker's own
 * `force_unlock_workers`) for the living workers to take. A machine that vanishes without closing
 * its sockets is noticed only when PostgreSQL's TCP keepalive gives up on the connection
 * (`tcp_keepalives_*` on the server), and otherwise by graphile-worker's 4 hours.
 */
import { randomInt } from "node:crypto";
import type { EventEmitter } from "node:events";
import pg from "pg";

/** First key of the two-key advisory locks that mark a live process; the second is its number. */
const LIVENESS_LOCK = 0x77_6b_6c_76; // "wklv"

const TABLE = "workflow.workflow_queue_workers";

/** Creates the table of worker ids. Run under the world's setup lock, after its migrations. */
export async function createLivenessTable(client: pg.ClientBase): Promise<void> {
  await client.query(`create table if not exists ${TABLE} (
    worker_id text primary key,
    process integer not null,
    since timestamptz not null default now()
  )`);
}

export interface Liveness {
  /** This process's number. */
  readonly process: number;
  /** Looks for processes that are gone now and frees their jobs; resolves to the jobs freed. */
  reap(): Promise<number>;
  /** Forgets this process's worker ids and ends its connection (and so its lock). */
  stop(): Promise<void>;
}

/**
 * Marks this process alive, records the graphile worker ids `events` announces ("worker:create"),
 * and every `intervalMs` frees the jobs of processes that are gone.
 *
 * @example const liveness = await startLiveness({ connectionString, events }); … await liveness.stop();
 */
export async function startLiveness(opts: {
  connectionString: string;
  events: EventEmitter;
  intervalMs?: number;
  log?: (line: string) => void;
}): Promise<Liveness> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const client = new pg.Client({ connectionString: opts.connectionString, connectionTimeoutMillis: 10_000 });
  await client.connect();
  // A failing connection must not take the process down; the next reap reports it.
  client.on("error", (error) => log(`[workflow] liveness connection failed: ${error.message}`));
  let own = 0;
  while (!own) {
    const candidate = randomInt(1, 2 ** 31 - 1);
    const { rows } = await client.query<{ taken: boolean }>("select pg_try_advisory_lock($1, $2) as taken", [
      LIVENESS_LOCK,
      candidate,
    ]);
    if (rows[0]?.taken) own = candidate;
  }

  // One query at a time on the one connection, in the order they were asked for.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.then(task, task);
    queue = next.catch(() => {});
    return next;
  };

  const onWorker = ({ worker }: { worker: { workerId: string } }) => {
    serial(() =>
      client.query(
        `insert into ${TABLE} (worker_id, process) values ($1, $2) on conflict (worker_id) do update set process = $2`,
        [worker.workerId, own],
      ),
    ).catch((error: Error) =>
      log(`[workflow] could not record queue worker ${worker.workerId}: ${error.message}`),
    );
  };
  opts.events.on("worker:create", onWorker);

  const reap = () =>
    serial(async () => {
      const { rows } = await client.query<{ process: number; workers: string[] }>(
        `select process, array_agg(worker_id) as workers from ${TABLE} where process <> $1 group by process`,
        [own],
      );
      let freed = 0;
      for (const other of rows) {
        const { rows: lock } = await client.query<{ gone: boolean }>(
          "select pg_try_advisory_lock($1, $2) as gone",
          [LIVENESS_LOCK, other.process],
        );
        if (!lock[0]?.gone) continue;
        try {
          const { rows: held } = await client.query<{ n: number }>(
            "select count(*)::int as n from graphile_worker._private_jobs where locked_by = any($1::text[])",
            [other.workers],
          );
          await client.query("select graphile_worker.force_unlock_workers($1::text[])", [other.workers]);
          await client.query(`delete from ${TABLE} where process = $1`, [other.process]);
          const n = held[0]?.n ?? 0;
          freed += n;
          if (n > 0)
            log(`[workflow] a queue worker process stopped: ${n} of its jobs are free for the others`);
        } finally {
          await client.query("select pg_advisory_unlock($1, $2)", [LIVENESS_LOCK, other.process]);
        }
      }
      return freed;
    });

  const timer = setInterval(
    () =>
      reap().catch((error: Error) => log(`[workflow] could not look for stopped workers: ${error.message}`)),
    opts.intervalMs ?? 5_000,
  );
  timer.unref();

  return {
    process: own,
    reap,
    async stop() {
      clearInterval(timer);
      opts.events.off("worker:create", onWorker);
      await serial(() => client.query(`delete from ${TABLE} where process = $1`, [own])).catch(() => {});
      await client.end().catch(() => {});
    },
  };
}
