import { createServer } from "node:net";
import { createTestDatabase, type TestDatabase } from "@repo/test-support/postgres";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectPostgres, type Database, isDatabaseUnavailable } from "./database.ts";
import { openLocalDatabase } from "./local.ts";
import { migrateToLatest, pendingMigrations } from "./migrate.ts";
import { MIGRATIONS } from "./migrations/index.ts";
import { consume, sweepRateLimits } from "./rate-limit.ts";
import { existingUserIds } from "./users.ts";

// The same checks on both engines: the embedded PGlite and a real PostgreSQL server through the
// production driver path (node-postgres pool, Kysely's Postgres dialect).
const engines: [string, () => Promise<{ database: Database; done: () => Promise<void> }>][] = [
  [
    "PGlite",
    async () => {
      const database = await openLocalDatabase("memory://");
      return { database, done: () => database.destroy() };
    },
  ],
  [
    "PostgreSQL",
    async () => {
      const server: TestDatabase = await createTestDatabase("db");
      const database = connectPostgres(server.url);
      await migrateToLatest(database.db);
      return {
        database,
        done: async () => {
          await database.destroy();
          await server.drop();
        },
      };
    },
  ],
];

describe.each(engines)("on %s", (_name, open) => {
  let database: Database;
  let done: () => Promise<void>;
  beforeAll(async () => {
    ({ database, done } = await open());
  });
  afterAll(() => done?.());

  it("has every migration applied, and applying again does nothing", async () => {
    expect(await pendingMigrations(database.db)).toEqual([]);
    expect(await migrateToLatest(database.db)).toEqual([]);
    const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
      database.db,
    );
    expect(rows.rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS));
  });

  it("stores a user with a session, and deleting the user takes its sessions", async () => {
    const db = database.db;
    await db
      .insertInto("user")
      .values({ id: "u1", name: "Ada", email: "ada@example.com", emailVerified: false })
      .execute();
    await db
      .insertInto("session")
      .values({
        id: "s1",
        token: "t1",
        userId: "u1",
        expiresAt: new Date(Date.now() + 60_000),
        updatedAt: new Date(),
        ipAddress: null,
        userAgent: null,
      })
      .execute();
    const found = await db
      .selectFrom("session")
      .innerJoin("user", "user.id", "session.userId")
      .select(["user.email", "session.expiresAt"])
      .where("session.token", "=", "t1")
      .executeTakeFirst();
    expect(found?.email).toBe("ada@example.com");
    expect(found?.expiresAt).toBeInstanceOf(Date);
    await db.deleteFrom("user").where("id", "=", "u1").execute();
    expect(await db.selectFrom("session").selectAll().execute()).toEqual([]);
  });

  it("tells which user ids still have an account", async () => {
    const db = database.db;
    await db
      .insertInto("user")
      .values({ id: "here", name: "h", email: "here@example.com", emailVerified: false })
      .execute();
    expect(await existingUserIds(db, ["here", "gone"])).toEqual(new Set(["here"]));
    expect(await existingUserIds(db, [])).toEqual(new Set());
  });

  it("refuses a second account with the same email, and one authenticator on two accounts", async () => {
    const db = database.db;
    const user = (id: string, email: string) => ({ id, name: id, email, emailVerified: false });
    await db.insertInto("user").values(user("a", "same@example.com")).execute();
    await expect(db.insertInto("user").values(user("b", "same@example.com")).execute()).rejects.toMatchObject(
      {
        code: "23505",
      },
    );
    await db.insertInto("user").values(user("c", "c@example.com")).execute();
    const key = (id: string, userId: string) =>
      sql`insert into passkey (id, "publicKey", "userId", "credentialID", counter, "deviceType", "backedUp")
          values (${id}, 'pk', ${userId}, 'cred-1', 0, 'singleDevice', false)`.execute(db);
    await key("k1", "a");
    await expect(key("k2", "c")).rejects.toMatchObject({ code: "23505" });
  });

  it("counts requests against a limit in one window per key, across concurrent callers", async () => {
    const limit = { max: 5, windowSeconds: 60 };
    const t0 = 1_800_000_000_000;
    const verdicts = await Promise.all(
      Array.from({ length: 20 }, () => consume(database.db, "tokens:u1", limit, t0)),
    );
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(5);
    expect(verdicts.map((v) => v.count).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    const refused = verdicts.find((v) => !v.allowed);
    expect(refused?.retryAfterSeconds).toBe(60);
    // Another key has its own count; the window ends, and the count starts again.
    expect((await consume(database.db, "tokens:u2", limit, t0)).allowed).toBe(true);
    expect((await consume(database.db, "tokens:u1", limit, t0 + 30_000)).retryAfterSeconds).toBe(30);
    expect(await consume(database.db, "tokens:u1", limit, t0 + 60_000)).toEqual({
      allowed: true,
      count: 1,
      retryAfterSeconds: 0,
    });
    // Only the window that ended long enough ago goes.
    expect(await sweepRateLimits(database.db, 60_000, t0 + 100_000)).toBe(1);
  });

  it("runs a transaction alone: a concurrent query waits for it or sees only committed rows", async () => {
    const db = database.db;
    await db
      .insertInto("user")
      .values({ id: "t", name: "t", email: "t@example.com", emailVerified: false })
      .execute();
    let inside = false;
    const tx = db.transaction().execute(async (trx) => {
      await trx.updateTable("user").set({ name: "changed" }).where("id", "=", "t").execute();
      inside = true;
      await new Promise((r) => setTimeout(r, 50));
      throw new Error("roll back");
    });
    await new Promise((r) => setTimeout(r, 10));
    const outside = await db
      .selectFrom("user")
      .select("name")
      .where("id", "=", "t")
      .executeTakeFirstOrThrow();
    await expect(tx).rejects.toThrow("roll back");
    expect(inside).toBe(true);
    expect(outside.name).toBe("t");
    expect(
      (await db.selectFrom("user").select("name").where("id", "=", "t").executeTakeFirstOrThrow()).name,
    ).toBe("t");
  });
});

describe("isDatabaseUnavailable", () => {
  it("is true when no server listens, false for a bad query", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
    const nowhere = connectPostgres(`postgres://x:y@127.0.0.1:${port}/none`, {
      connectionTimeoutMillis: 1000,
    });
    const error = await sql`select 1`.execute(nowhere.db).catch((e: unknown) => e);
    expect(isDatabaseUnavailable(error)).toBe(true);
    await nowhere.destroy();

    const local = await openLocalDatabase("memory://");
    const bad = await sql`select * from no_such_table`.execute(local.db).catch((e: unknown) => e);
    expect(isDatabaseUnavailable(bad)).toBe(false);
    await local.destroy();
  });
});
