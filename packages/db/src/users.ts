import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";

/**
 * Which of these user ids still have an account: for work that outlives a request (an upload
 * completing, the timer's sweep) and must not act for a deleted user.
 *
 * @example (await existingUserIds(db, [id])).has(id)
 */
export async function existingUserIds(db: Kysely<Database>, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom("user")
    .select("id")
    .where("id", "in", [...ids])
    .execute();
  return new Set(rows.map((row) => row.id));
}
