/**
 * How the local runtime lends its embedded database to the functions it runs in the same process.
 * Kept apart from local.ts so that a function, which only looks here, never bundles PGlite.
 */
import type { Database } from "./database.ts";

const REGISTRY = Symbol.for("@repo/db/local-database");

type Registry = { [REGISTRY]?: Database | null };

/** Makes `database` the one the functions in this process use when no DATABASE_URL is set. */
export function provideLocalDatabase(database: Database | null): void {
  (globalThis as Registry)[REGISTRY] = database;
}

/** The database the local runtime provides to this process, if any. */
export function localDatabase(): Database | null {
  return (globalThis as Registry)[REGISTRY] ?? null;
}
