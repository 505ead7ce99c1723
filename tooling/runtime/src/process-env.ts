/**
 * The one place the local runtime writes `process.env`.
 *
 * Why it writes at all: the functions run in this process, as each Vercel instance runs its
 * function in its own, and they read their settings from `process.env` when they are called
 * (`api/_lib/env.ts` parses it on use, never at import). So what the runtime provides for them (the
 * `env` of vercel-local.config.ts, a stand-in CRON_SECRET, NODE_ENV for `start`) has to be in this
 * process's environment before the first function runs. Every write goes through here, so that one
 * search finds them all.
 *
 * `keep` leaves a variable that already has a value alone: the developer's own value wins over a default.
 *
 * @example
 * setProcessEnv({ NODE_ENV: "production" }, { keep: true }); // unless the caller chose another
 * setProcessEnv(local.env, { keep: false }); // the local config's values win
 */
export function setProcessEnv(vars: Record<string, string>, { keep }: { keep: boolean }): void {
  for (const [name, value] of Object.entries(vars)) {
    if (keep && process.env[name]) continue;
    process.env[name] = value;
  }
}
