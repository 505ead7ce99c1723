import { consume, type Limit } from "@repo/db/rate-limit";
import { database } from "./db.js";
import { env, requireValidEnv } from "./env.js";
import { HttpError } from "./http-error.js";

export type LimitedAction = "upload-tokens" | "uploads" | "reprocess";

const SETTING = {
  "upload-tokens": "RATE_LIMIT_UPLOAD_TOKENS_PER_MINUTE",
  uploads: "RATE_LIMIT_UPLOADS_PER_MINUTE",
  reprocess: "RATE_LIMIT_REPROCESS_PER_MINUTE",
} as const;

const WHAT = {
  "upload-tokens": "upload tokens",
  uploads: "uploads",
  reprocess: "reprocess requests",
} as const;

/** The configured limit of an action (per user, per minute). */
export function limitOf(action: LimitedAction): Limit {
  requireValidEnv(SETTING[action]);
  return { max: env()[SETTING[action]], windowSeconds: 60 };
}

/**
 * Counts one `action` by `userId` against its limit, in Postgres so every function instance shares
 * the count; over it, a 429 with Retry-After.
 *
 * @example await rateLimit("uploads", user.id)
 */
export async function rateLimit(action: LimitedAction, userId: string): Promise<void> {
  const limit = limitOf(action);
  const verdict = await consume(database().db, `${action}:${userId}`, limit);
  if (verdict.allowed) return;
  throw new HttpError(
    429,
    "rate_limited",
    `Too many ${WHAT[action]}: at most ${limit.max} a minute. Try again in ${verdict.retryAfterSeconds} s.`,
    { limit: limit.max, windowSeconds: limit.windowSeconds, retryAfterSeconds: verdict.retryAfterSeconds },
    { "retry-after": String(verdict.retryAfterSeconds) },
  );
}
