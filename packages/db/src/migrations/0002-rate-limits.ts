import { type Kysely, sql } from "kysely";

/**
 * Rate limits that hold across function instances: one row per key (who, doing what), counting the
 * requests of its current window. Better Auth's own limits (sign-in, sign-up) use it too, through
 * its custom storage, so there is no `rateLimit` table of Better Auth's.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table "rate_limit" (
      "key" text not null primary key,
      "window_start" bigint not null,
      "count" integer not null
    );
    create index "rate_limit_window_start_idx" on "rate_limit" ("window_start");
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table "rate_limit"`.execute(db);
}
