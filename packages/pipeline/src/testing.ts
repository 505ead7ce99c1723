/**
 * What tests of code that runs the pipeline need from it, kept out of the product's entry points:
 * the runs the engine has started.
 */
import { getWorld } from "workflow/runtime";

/**
 * The runs the world knows, newest first: for tests that count what was started.
 *
 * @example expect((await listRuns()).length).toBe(before + 1);
 */
export async function listRuns(): Promise<{ runId: string; status: string }[]> {
  const world = getWorld();
  const page = await world.runs.list({ resolveData: "none", pagination: { limit: 1000 } });
  return page.data.map((run) => ({ runId: run.runId, status: run.status }));
}
