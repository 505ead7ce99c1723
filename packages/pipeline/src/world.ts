import { getWorld } from "workflow/runtime";
import { repairInterruptedSteps } from "./local-world-repair.ts";

export interface ResumeOptions {
  /** The local world's data directory: its steps a kill left half-finished are repaired first. */
  localDataDir?: string;
}

/**
 * Picks up runs that were queued or running when the process stopped. The local world keeps its queue
 * in memory and nothing in the standalone wiring restarts it, so a long-lived local server calls this
 * once at start; on Vercel the platform's queues redeliver by themselves and this is not needed. (The
 * Postgres world starts with its schema: postgres-world.ts.)
 */
export async function resumeInterruptedRuns(options: ResumeOptions = {}): Promise<void> {
  if (options.localDataDir) {
    const repaired = await repairInterruptedSteps(options.localDataDir);
    if (repaired.length > 0)
      console.log(`[workflow] ${repaired.length} step(s) a stop left half-finished will run again`);
  }
  const world = getWorld() as { start?: () => Promise<void> };
  await world.start?.();
}
