import { connectPostgres, type Database } from "@repo/db/database";
import { localDatabase } from "@repo/db/registry";
import { attachDatabasePool } from "@vercel/functions";
import { env, requireValidEnv } from "./env.js";
import { HttpError } from "./http-error.js";

let server: Database | undefined;

/**
 * The database: the PostgreSQL server DATABASE_URL names (one small pool per function instance,
 * handed to Vercel so idle connections close before the instance is suspended), or, locally, the
 * embedded PGlite database the runtime opened and lends to every function in its process.
 */
export function database(): Database {
  if (server) return server;
  requireValidEnv("DATABASE_URL");
  const url = env().DATABASE_URL;
  if (url) {
    server = connectPostgres(url);
    attachDatabasePool(server.pool);
    return server;
  }
  const local = localDatabase();
  if (local) return local;
  throw new HttpError(
    503,
    "database_not_configured",
    env().VERCEL
      ? "Accounts need a database: connect Postgres to the project (Neon from the Vercel Marketplace sets DATABASE_URL), then run pnpm db:migrate against it."
      : "Accounts need a database: run the app with pnpm dev or pnpm start (they embed one), or set DATABASE_URL.",
  );
}
