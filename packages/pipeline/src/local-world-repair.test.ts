import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalWorld } from "@workflow/world-local";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { repairInterruptedSteps } from "./local-world-repair.ts";
import { runWithStartedStep as startedRun, startStep } from "./test-support/world-events.ts";

// The local world itself (not a copy of its file layout): a run with one started step, then the
// state a SIGKILL leaves between the step's terminal claim and its event.
let dir: string;
let world: ReturnType<typeof createLocalWorld>;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "world-repair-"));
  world = createLocalWorld({ dataDir: dir, recoverActiveRuns: false });
});
afterEach(async () => {
  await world.close?.();
  await rm(dir, { recursive: true, force: true });
});

const STEP = "step_01M96J076HPEQ6RPC9S2SFYY8C";
const runWithStartedStep = () => startedRun(world, STEP);

const complete = (runId: string, stepId: string) =>
  world.events.create(runId, {
    eventType: "step_completed",
    specVersion: 3,
    correlationId: stepId,
    eventData: { result: new Uint8Array([1]) },
  } as never);

/** The finish's first write: its claim on the step. */
async function claim(runId: string, stepId: string) {
  await mkdir(join(dir, ".locks", "steps"), { recursive: true });
  await writeFile(join(dir, ".locks", "steps", `${runId}-${stepId}.terminal`), "");
}

describe("repairInterruptedSteps", () => {
  it("releases a finish claimed but never logged, so the step can finish when it runs again", async () => {
    const { runId, stepId } = await runWithStartedStep();
    // Another step of the run finished properly.
    await startStep(world, runId, "step_01M96J076HPEQ6RPC9S2SFYY8D");
    await complete(runId, "step_01M96J076HPEQ6RPC9S2SFYY8D");
    await claim(runId, stepId);

    // Unrepaired, the world refuses the finish: the run would wait for it forever.
    const stuck = createLocalWorld({ dataDir: dir, recoverActiveRuns: false });
    await expect(
      stuck.events.create(runId, {
        eventType: "step_completed",
        specVersion: 3,
        correlationId: stepId,
        eventData: { result: new Uint8Array([1]) },
      } as never),
    ).rejects.toThrow(/terminal state/);

    expect(await repairInterruptedSteps(dir)).toEqual([`${runId}-${stepId}`]);
    world = createLocalWorld({ dataDir: dir, recoverActiveRuns: false });
    await complete(runId, stepId);
    const step = await world.steps.get(runId, stepId);
    expect(step.status).toBe("completed");
    // The step whose finish was logged keeps its claim and its result.
    expect(await repairInterruptedSteps(dir)).toEqual([]);
    expect((await world.steps.get(runId, "step_01M96J076HPEQ6RPC9S2SFYY8D")).status).toBe("completed");
  });

  it("puts back to running a record written as completed whose event never was", async () => {
    const { runId, stepId } = await runWithStartedStep();
    await claim(runId, stepId);
    const recordPath = join(dir, "steps", `${runId}-${stepId}.json`);
    const record = JSON.parse(await readFile(recordPath, "utf8"));
    await writeFile(recordPath, JSON.stringify({ ...record, status: "completed", completedAt: new Date() }));

    expect(await repairInterruptedSteps(dir)).toEqual([`${runId}-${stepId}`]);
    const repaired = JSON.parse(await readFile(recordPath, "utf8"));
    expect(repaired).toMatchObject({ status: "running", attempt: 1 });
    expect(repaired.completedAt).toBeUndefined();
    world = createLocalWorld({ dataDir: dir, recoverActiveRuns: false });
    await world.events.create(runId, {
      eventType: "step_started",
      specVersion: 3,
      correlationId: stepId,
    } as never);
    await complete(runId, stepId);
    expect((await world.steps.get(runId, stepId)).status).toBe("completed");
  });

  it("does nothing to a world with no claims, or none at all", async () => {
    expect(await repairInterruptedSteps(join(dir, "missing"))).toEqual([]);
    await runWithStartedStep();
    expect(await repairInterruptedSteps(dir)).toEqual([]);
  });
});
