import type { Migration } from "kysely";
import * as accounts from "./0001-accounts.ts";
import * as rateLimits from "./0002-rate-limits.ts";

/**
 * Every migration, in order, by name. A static list rather than a folder read at run time, so a
 * bundled function carries them. Names sort in the order they apply; never rename or edit one that
 * has shipped: add the next.
 */
export const MIGRATIONS: Record<string, Migration> = {
  "0001-accounts": accounts,
  "0002-rate-limits": rateLimits,
};
