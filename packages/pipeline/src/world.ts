import { getWorld } from "workflow/runtime";

/**
 * Picks up runs that were queued or running when the process stopped. The local world keeps its queue
 * in memory and nothing in the standalone wiring restarts it, so a long-lived local server calls this
 * once at start; on Vercel the platform's queues redeliver by themselves and this is not needed. (The
 * Postgres world starts with its schema: postgres-world.ts.)
 */
export async function resumeInterruptedRuns(): Promise<void> {
  const world = getWorld() as { start?: () => Promise<void> };
  await world.start?.();
}
