/**
 * The Workflow SDK's Postgres world (`@workflow/world-postgres`) for self-hosting past one machine:
 * runs, steps and events in tables of a `workflow` schema, and the queue in graphile-worker's
 * tables, on one PostgreSQL server that N processes (workers) share. Each worker takes queued
 * messages from the shared queue and hands them to its own flow and step endpoints over HTTP, so a
 * run's chunk steps spread over the workers.
 *
 * The world itself is made by the SDK from the environment (WORKFLOW_TARGET_WORLD,
 * WORKFLOW_POSTGRES_URL), so that every copy of the SDK in the process (the api/ functions', the
 * step bundle's) finds the one same instance; this file only prepares its schema and starts it.
 */
import { EventEmitter } from "node:events";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { getWorld } from "workflow/runtime";
import { createLivenessTable, type Liveness, startLiveness } from "./postgres-liveness.ts";

/** What WORKFLOW_TARGET_WORLD names to choose this world. */
export const POSTGRES_WORLD = "@workflow/world-postgres";

// Any constant works; it only has to be the same in every worker and differ from the app's other locks.
const SETUP_LOCK = 0x77_6b_66_70; // "wkfp"

/** Where our patch to the world finds the event emitter it hands graphile-worker. */
const GRAPHILE_EVENTS = Symbol.for("workflow-postgres.graphile-events");

let liveness: Liveness | null = null;

/**
 * Brings the world's schema up to date and starts this process's queue worker, which also queues
 * again the runs that were pending or running (a worker that stopped mid-run left them so).
 *
 * The schema is what the package's own `bootstrap` command applies (its Drizzle migrations, same
 * bookkeeping table), followed by graphile-worker's; neither is safe to run from two processes at
 * once on a fresh database (both `CREATE SCHEMA IF NOT EXISTS`), so workers starting together take
 * turns on a session advisory lock. A worker that dies holding it lets go with its connection.
 *
 * @example await startPostgresWorld("postgres://app:secret@db.internal:5432/app")
 */
export async function startPostgresWorld(connectionString: string): Promise<void> {
  const lock = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  try {
    await lock.connect();
  } catch (error) {
    throw new Error(
      `The Postgres world cannot reach its database at ${redact(connectionString)}: ${(error as Error).message}`,
    );
  }
  try {
    await lock.query("select pg_advisory_lock($1)", [SETUP_LOCK]);
    await applyWorldSchema(connectionString);
    await createLivenessTable(lock);
    const world = getWorld() as { start?: () => Promise<void> };
    if (!world.start) throw new Error(`WORKFLOW_TARGET_WORLD does not name ${POSTGRES_WORLD}.`);
    // Before the queue starts, so that its first worker ids are recorded (see postgres-liveness.ts).
    const events = new EventEmitter();
    (globalThis as Record<symbol, unknown>)[GRAPHILE_EVENTS] = events;
    liveness = await startLiveness({
      connectionString,
      events,
      intervalMs: Number(process.env.WORKFLOW_POSTGRES_LIVENESS_SECONDS || 5) * 1000,
    });
    await world.start();
    console.log(`[workflow] Postgres world: this process is queue worker process ${liveness.process}`);
  } finally {
    await lock.end().catch(() => {});
  }
}

/**
 * Stops this process's queue worker: the messages it holds go back to the queue for the other
 * workers now. A worker killed outright cannot: the others free its jobs once they see it gone
 * (postgres-liveness.ts), and the run's next replay queues its unfinished steps again.
 */
export async function stopWorld(): Promise<void> {
  const world = getWorld() as { close?: () => Promise<void> };
  try {
    await world.close?.();
  } catch {
    // On SIGTERM graphile-worker runs its own graceful shutdown first (it hands the jobs back and
    // ends the process); what is left for close() may already be closed, which is what we wanted.
  } finally {
    await liveness?.stop();
    liveness = null;
  }
}

/**
 * The engine's tables, by the package's own migrations (what its `bootstrap` command applies, same
 * bookkeeping table). Not safe from two processes at once: startPostgresWorld holds a lock around it.
 */
export async function applyWorldSchema(connectionString: string): Promise<void> {
  const pool = new pg.Pool({ connectionString, max: 1 });
  try {
    await migrate(drizzle(pool), {
      migrationsFolder: migrationsFolder(),
      migrationsTable: "workflow_migrations",
      migrationsSchema: "workflow_drizzle",
    });
  } finally {
    await pool.end();
  }
}

/** The package ships its migrations beside dist/ (src/drizzle/migrations), as its bootstrap reads them. */
function migrationsFolder(): string {
  const main = createRequire(import.meta.url).resolve(POSTGRES_WORLD);
  return join(dirname(main), "..", "src", "drizzle", "migrations");
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}
