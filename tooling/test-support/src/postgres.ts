/**
 * Throwaway databases on Debian's PostgreSQL server (`bash scripts/postgres.sh` installs and starts
 * it; `scripts/setup.sh test` runs that), so the code that production runs against a server is
 * tested against one. Each call makes a fresh database; `drop()` removes it.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

/** The server's maintenance database, as the test role (scripts/postgres.sh creates it). */
export const TEST_POSTGRES_URL =
  process.env.TEST_POSTGRES_URL ?? "postgres://repo_test:repo_test@127.0.0.1:5432/postgres";

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `No PostgreSQL server for the tests at ${TEST_POSTGRES_URL.replace(/:[^:@/]*@/, ":***@")} (${(error as Error).message}). Run "bash scripts/postgres.sh" (scripts/setup.sh test does), or point TEST_POSTGRES_URL at one.`,
    );
  }
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database on the test server. */
export async function createTestDatabase(label = "test"): Promise<TestDatabase> {
  const name = `${label.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}_${randomBytes(6).toString("hex")}`;
  await admin((client) => client.query(`create database "${name}"`));
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    name,
    drop: () =>
      admin((client) => client.query(`drop database if exists "${name}" with (force)`)).then(() => {}),
  };
}
