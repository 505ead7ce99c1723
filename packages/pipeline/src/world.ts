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

/** One run and its steps, as the local runtime's dashboard shows them. */
export interface RunSummary {
  runId: string;
  workflowName: string;
  status: string;
  createdAt: string;
  startedAt?: string;
  completedAt?: string;
  steps: {
    stepId: string;
    stepName: string;
    status: string;
    attempt: number;
    startedAt?: string;
    completedAt?: string;
  }[];
}

const iso = (date: Date | undefined) => (date ? new Date(date).toISOString() : undefined);

/**
 * The latest runs (newest first) with their steps, read through the Workflow SDK's own world API
 * (runs and steps without their data: names, statuses and times only). For the local runtime's
 * dashboard; the SDK's own observability reads the same records.
 */
export async function listRecentRuns(limit: number): Promise<RunSummary[]> {
  const world = getWorld();
  const runs = await world.runs.list({ pagination: { limit, sortOrder: "desc" }, resolveData: "none" });
  return Promise.all(
    runs.data.map(async (run) => {
      const steps = await world.steps.list({
        runId: run.runId,
        pagination: { limit: 100, sortOrder: "asc" },
        resolveData: "none",
      });
      return {
        runId: run.runId,
        workflowName: run.workflowName,
        status: run.status,
        createdAt: new Date(run.createdAt).toISOString(),
        startedAt: iso(run.startedAt),
        completedAt: iso(run.completedAt),
        steps: steps.data.map((step) => ({
          stepId: step.stepId,
          stepName: step.stepName,
          status: step.status,
          attempt: step.attempt,
          startedAt: iso(step.startedAt),
          completedAt: iso(step.completedAt),
        })),
      };
    }),
  );
}
