import { type Kysely, sql } from "kysely";
import type { Database } from "./schema.ts";

/** At most `max` requests per `windowSeconds`. */
export interface Limit {
  max: number;
  windowSeconds: number;
}

export interface Verdict {
  allowed: boolean;
  /** Requests counted in the current window, this one included. */
  count: number;
  /** Seconds until the window frees up (0 when allowed). */
  retryAfterSeconds: number;
}

/**
 * Counts one request against `key` and says whether it is within the limit: a fixed window per key,
 * kept in Postgres so that every function instance counts against the same row. The insert and the
 * update are one statement, so concurrent requests cannot all slip past a stale count.
 *
 * @example const { allowed, retryAfterSeconds } = await consume(db, `tokens:${userId}`, { max: 60, windowSeconds: 60 })
 */
export async function consume(
  db: Kysely<Database>,
  key: string,
  limit: Limit,
  now = Date.now(),
): Promise<Verdict> {
  const windowMs = limit.windowSeconds * 1000;
  const expired = now - windowMs;
  const { rows } = await sql<{ count: number; window_start: string }>`
    insert into rate_limit (key, window_start, count) values (${key}, ${now}, 1)
    on conflict (key) do update set
      count = case when rate_limit.window_start <= ${expired} then 1 else rate_limit.count + 1 end,
      window_start = case when rate_limit.window_start <= ${expired} then ${now} else rate_limit.window_start end
    returning count, window_start`.execute(db);
  const row = rows[0];
  if (!row) throw new Error("rate_limit: the upsert returned no row");
  const allowed = row.count <= limit.max;
  const retryAfterSeconds = allowed
    ? 0
    : Math.max(1, Math.ceil((Number(row.window_start) + windowMs - now) / 1000));
  return { allowed, count: row.count, retryAfterSeconds };
}

/** Deletes the rows of windows that ended long ago; the timer calls it. Answers how many went. */
export async function sweepRateLimits(
  db: Kysely<Database>,
  olderThanMs: number,
  now = Date.now(),
): Promise<number> {
  const result = await db
    .deleteFrom("rate_limit")
    .where("window_start", "<", String(now - olderThanMs))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
