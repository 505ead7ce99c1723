import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DatabaseLockedError,
  type LocalDatabase,
  lazyLocalDatabase,
  localDatabase,
  openLocalDatabase,
  provideLocalDatabase,
} from "./local.ts";
import { MIGRATIONS } from "./migrations/index.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "local-db-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("openLocalDatabase", () => {
  it("keeps data in its directory across opens, and migrates only the first time", async () => {
    const where = join(dir, "keep");
    const first = await openLocalDatabase(where);
    expect(first.applied).toEqual(Object.keys(MIGRATIONS));
    await first.db
      .insertInto("user")
      .values({ id: "u", name: "u", email: "u@x.org", emailVerified: true })
      .execute();
    await first.destroy();
    const again = await openLocalDatabase(where);
    expect(again.applied).toEqual([]);
    expect(await again.db.selectFrom("user").select("email").execute()).toEqual([{ email: "u@x.org" }]);
    await again.destroy();
  });

  it("refuses a directory this process or another live one has open, and takes over a stale lock", async () => {
    const where = join(dir, "locked");
    const held = await openLocalDatabase(where);
    await expect(openLocalDatabase(where)).rejects.toBeInstanceOf(DatabaseLockedError);
    await held.destroy();

    // A live process holds the lock.
    const sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    await writeFile(`${where}.lock`, String(sleeper.pid));
    await expect(openLocalDatabase(where)).rejects.toThrow(/in use by process/);
    sleeper.kill("SIGKILL");
    await new Promise((r) => sleeper.once("exit", r));

    // Its holder is gone: the lock is stale and taken over.
    const reopened = await openLocalDatabase(where);
    expect(await readFile(`${where}.lock`, "utf8")).toBe(String(process.pid));
    await reopened.destroy();
  });
});

describe("lazyLocalDatabase", () => {
  it("takes the directory at once, opens and migrates it on the first query, and lets go on destroy", async () => {
    const where = join(dir, "lazy");
    const opened: LocalDatabase[] = [];
    const lazy = await lazyLocalDatabase(where, (database) => opened.push(database));
    await expect(openLocalDatabase(where)).rejects.toBeInstanceOf(DatabaseLockedError);
    expect([lazy.opened(), opened.length]).toEqual([undefined, 0]);
    expect(() => lazy.pool).toThrow(/first query/);

    expect(await lazy.db.selectFrom("user").select("id").execute()).toEqual([]);
    expect(opened.map((d) => d.applied)).toEqual([Object.keys(MIGRATIONS)]);
    expect(lazy.opened()?.pool).toBe(lazy.pool);
    await lazy.db.selectFrom("user").select("id").execute();
    expect(opened).toHaveLength(1);
    await lazy.destroy();

    const again = await openLocalDatabase(where);
    expect(again.applied).toEqual([]);
    await again.destroy();
  });

  it("lets go of a directory it never opened", async () => {
    const where = join(dir, "never");
    await (await lazyLocalDatabase(where)).destroy();
    await (await openLocalDatabase(where)).destroy();
  });
});

describe("the registry", () => {
  it("hands the runtime's database to the functions of the same process", async () => {
    expect(localDatabase()).toBeNull();
    const database = await openLocalDatabase("memory://");
    provideLocalDatabase(database);
    expect(localDatabase()).toBe(database);
    provideLocalDatabase(null);
    await database.destroy();
  });
});
