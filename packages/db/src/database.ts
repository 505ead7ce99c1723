import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Database as Tables } from "./schema.ts";
import { tracedDialect } from "./traced-dialect.ts";

/** A connected database: Kysely for queries, the pool it runs on, and how to let go of both. */
export interface Database {
  db: Kysely<Tables>;
  pool: pg.Pool;
  /** "postgres" for a server reached by URL, "pglite" for the embedded one in this process. */
  kind: "postgres" | "pglite";
  destroy(): Promise<void>;
}

export interface PostgresOptions {
  /** Connections this instance may hold. A function instance serves many requests at once on Fluid compute. */
  max?: number;
  /** Idle connections close after this long, so a suspended instance does not hold them open. */
  idleTimeoutMillis?: number;
  /** A database that does not answer within this fails the request rather than hanging it. */
  connectionTimeoutMillis?: number;
}

/**
 * A PostgreSQL server by URL (Neon from the Vercel Marketplace, or any Postgres), through
 * node-postgres's pool. On Fluid compute an instance lives on between requests and serves them
 * concurrently, so a small pool of TCP connections is the fast path; the caller hands the pool to
 * `attachDatabasePool` from @vercel/functions so idle connections close before the instance is
 * suspended. Use the provider's pooled URL (Neon's `-pooler` host) when many instances run.
 *
 * @example const database = connectPostgres(process.env.DATABASE_URL)
 */
export function connectPostgres(url: string, options: PostgresOptions = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 5,
    idleTimeoutMillis: options.idleTimeoutMillis ?? 5_000,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5_000,
  });
  // An idle client's connection dropping (a server restart, a pooler timeout) must not crash the
  // process; the pool replaces it and the next query reconnects.
  pool.on("error", (error) => console.warn("[db] idle connection lost:", error.message));
  return wrapPool(pool, "postgres");
}

/**
 * Kysely over a node-postgres pool: the one driver path, whatever the pool connects to, and so the
 * one place every query gets its span.
 */
export function wrapPool(pool: pg.Pool, kind: Database["kind"]): Database {
  const db = new Kysely<Tables>({ dialect: tracedDialect(new PostgresDialect({ pool })) });
  return { db, pool, kind, destroy: () => db.destroy() };
}

const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "57P01", // admin_shutdown
  "57P03", // cannot_connect_now
  "53300", // too_many_connections
]);

/**
 * True when an error means the database could not be reached or refused connections (as opposed
 * to a bad query): a 503 for the caller, not a bug.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && UNAVAILABLE_CODES.has(code)) return true;
  return /timeout exceeded when trying to connect|Connection terminated/i.test(error.message);
}
