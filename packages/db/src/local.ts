/**
 * The embedded default: with no DATABASE_URL, the local runtime (pnpm dev, pnpm start) opens one
 * PGlite database under .data/ and hands it to every function it runs, the way it serves the local
 * blob endpoint. PGlite is in-process and single-connection, and a data directory must never be
 * opened by two PGlite instances at once (the second silently overwrites the first's writes), so
 * the opener takes a lock file and the functions borrow the runtime's instance through the
 * registry (registry.ts) instead of opening their own.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, open, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { createPgConfig } from "@electric-sql/pglite/node-postgres";
import pg from "pg";
import { type Database, wrapPool } from "./database.ts";
import { migrateToLatest } from "./migrate.ts";

export { localDatabase, provideLocalDatabase } from "./registry.ts";

const MEMORY = "memory://";

/**
 * The embedded database through the same node-postgres pool and Kysely dialect as a server, so
 * every query takes the production driver's path. PGlite is one connection: the pool holds one,
 * and a transaction has it to itself.
 */
export function connectPGlite(pglite: PGlite): Database {
  return wrapPool(new pg.Pool(createPgConfig(pglite) as unknown as pg.PoolConfig), "pglite");
}

export class DatabaseLockedError extends Error {
  override readonly name = "DatabaseLockedError";
}

/** Directories this process has open: a second PGlite on one of them is refused too. */
const openHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes `<dir>.lock` for this process; a lock left by a process that is gone is taken over. */
async function lock(dir: string): Promise<() => Promise<void>> {
  const file = `${dir}.lock`;
  await mkdir(dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number((await readFile(file, "utf8").catch(() => "")).trim());
      if (holder && holder !== process.pid && alive(holder)) {
        throw new DatabaseLockedError(
          `The database at ${dir} is in use by process ${holder} (another pnpm dev or pnpm start?). Stop it, or give this one its own with PGLITE_DIR.`,
        );
      }
      await rm(file, { force: true });
    }
  }
  throw new DatabaseLockedError(`Could not take the lock ${file}.`);
}

/**
 * Creates a new data directory in a short-lived child process. PostgreSQL's initdb, run inside
 * PGlite, peaks near 850 MB of resident memory and the process keeps most of it; opened afresh, the
 * same database holds about 300 MB. Done apart, the long-running server only ever pays the latter.
 */
async function initializeApart(dir: string): Promise<void> {
  const pglite = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  const script =
    "const { PGlite } = require(process.argv[1]); PGlite.create(process.argv[2]).then((db) => db.close());";
  await promisify(execFile)(process.execPath, ["-e", script, pglite, dir], { timeout: 120_000 });
}

export interface LocalDatabase extends Database {
  /** Where its files are, or "memory://". */
  dir: string;
  /** Migrations this open applied. */
  applied: string[];
}

/**
 * Opens (creating if needed) the embedded database at `dir`, or an in-memory one for "memory://",
 * and applies the migrations. `destroy()` closes it and releases the lock.
 *
 * @throws DatabaseLockedError when another live process, or this one, has it open.
 * @example const database = await openLocalDatabase(".data/pglite")
 */
export async function openLocalDatabase(dir: string): Promise<LocalDatabase> {
  const where = dir === MEMORY ? MEMORY : resolve(dir);
  let unlock = async () => {};
  if (where !== MEMORY) {
    if (openHere.has(where)) throw new DatabaseLockedError(`The database at ${where} is already open here.`);
    unlock = await lock(where);
    openHere.add(where);
  }
  let pglite: PGlite | undefined;
  try {
    if (where !== MEMORY && !existsSync(join(where, "PG_VERSION"))) await initializeApart(where);
    pglite = await PGlite.create(where === MEMORY ? undefined : where);
    const database = connectPGlite(pglite);
    const applied = await migrateToLatest(database.db);
    const owned = pglite;
    return {
      ...database,
      dir: where,
      applied,
      async destroy() {
        await database.destroy();
        await owned.close();
        openHere.delete(where);
        await unlock();
      },
    };
  } catch (error) {
    await pglite?.close().catch(() => {});
    openHere.delete(where);
    await unlock();
    throw error;
  }
}
