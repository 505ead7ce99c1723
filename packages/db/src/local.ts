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
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { type Database, wrapPool } from "./database.ts";
import { migrateToLatest } from "./migrate.ts";
import type { Database as Tables } from "./schema.ts";
import { tracedDialect } from "./traced-dialect.ts";

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

/** Takes `where` for this process (the lock file, and this process's own set); gives the release. */
async function take(where: string): Promise<() => Promise<void>> {
  if (where === MEMORY) return async () => {};
  if (openHere.has(where)) throw new DatabaseLockedError(`The database at ${where} is already open here.`);
  const unlock = await lock(where);
  openHere.add(where);
  return async () => {
    openHere.delete(where);
    await unlock();
  };
}

/** Opens PGlite at a directory already taken and migrates it; `destroy()` also calls `release`. */
async function openTaken(where: string, release: () => Promise<void>): Promise<LocalDatabase> {
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
        await release();
      },
    };
  } catch (error) {
    await pglite?.close().catch(() => {});
    throw error;
  }
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
  const release = await take(where);
  try {
    return await openTaken(where, release);
  } catch (error) {
    await release();
    throw error;
  }
}

export interface LazyLocalDatabase extends Database {
  dir: string;
  /** The open database, once a query has opened it. */
  opened(): LocalDatabase | undefined;
}

/**
 * The embedded database with its directory taken now (a second server on it is refused at start,
 * as with openLocalDatabase) and PGlite opened and migrated on the first query. PGlite holds about
 * 250 MiB of WebAssembly memory; a server whose requests never reach the database (health, weather,
 * the card check) should not carry it (issue 15). A failed open is tried again on the next query.
 * `pool` is the open database's and exists only once a query has run.
 *
 * @example const database = await lazyLocalDatabase(".data/pglite", (db) => console.log(db.applied))
 */
export async function lazyLocalDatabase(
  dir: string,
  onOpen: (database: LocalDatabase) => void = () => {},
): Promise<LazyLocalDatabase> {
  const where = dir === MEMORY ? MEMORY : resolve(dir);
  const release = await take(where);
  let opening: Promise<LocalDatabase> | undefined;
  let open: LocalDatabase | undefined;
  const openNow = () => {
    opening ??= openTaken(where, release).then(
      (database) => {
        open = database;
        onOpen(database);
        return database;
      },
      (error: unknown) => {
        opening = undefined;
        throw error;
      },
    );
    return opening;
  };
  // Kysely asks for the pool on its first connection; destroying this Kysely would end the open
  // database's pool a second time, so destroy() goes through the open database alone.
  const db = new Kysely<Tables>({
    dialect: tracedDialect(new PostgresDialect({ pool: async () => (await openNow()).pool })),
  });
  return {
    db,
    kind: "pglite",
    dir: where,
    get pool(): pg.Pool {
      if (!open) throw new Error("The embedded database opens on its first query; none has run yet.");
      return open.pool;
    },
    opened: () => open,
    async destroy() {
      const database = opening ? await opening.catch(() => undefined) : undefined;
      if (database) await database.destroy();
      else await release();
    },
  };
}
