import { type CronRunner, createCronRunner } from "./cron-jobs.ts";
import type { Project } from "./project.ts";
import { DEFAULT_MAX_DURATION } from "./vercel-config.ts";

/** Vercel sends this user agent with every cron invocation. */
export const CRON_USER_AGENT = "vercel-cron/1.0";

/**
 * The runner of vercel.json's crons, invoking them as Vercel does: a GET of the path through the
 * runtime's own origin (so vercel.json's routes apply as to any request; redirects not followed),
 * with `user-agent: vercel-cron/1.0` and `authorization: Bearer $CRON_SECRET`. The origin is asked
 * for at each invocation: it is known only once the server listens.
 */
export function createRuntimeCrons(project: Project, origin: () => string): CronRunner {
  const runner = createCronRunner({
    invoke: (path, signal) => {
      // The functions read CRON_SECRET from this process's environment, so the request does too.
      const headers: Record<string, string> = { "user-agent": CRON_USER_AGENT };
      if (process.env.CRON_SECRET) headers.authorization = `Bearer ${process.env.CRON_SECRET}`;
      return fetch(new URL(path, origin()), { headers, signal, redirect: "manual" });
    },
    // A cron runs as long as a function may; past that (the path reached something that is not a
    // function and hangs), it is given up on so that its next ticks run.
    timeoutMs: () => {
      const settings = Object.values(project.config.raw.functions ?? {});
      const longest = settings.map((setting) => setting.maxDuration ?? 0);
      return (Math.max(DEFAULT_MAX_DURATION, ...longest) + 30) * 1000;
    },
  });
  runner.setJobs(project.config.crons);
  return runner;
}
