/** What these need of a world (local or Postgres): its event API. */
interface EventsWorld {
  events: { create(runId: string | null, data: never): Promise<unknown> };
}

/**
 * A run with one step started, written through a world's own event API as the SDK writes it: the
 * state the crash tests of both worlds begin from. Run ids come from the world; `stepId` is the
 * caller's (a step id is the workflow's, made deterministic by replay).
 */
export async function runWithStartedStep(
  world: EventsWorld,
  stepId: string,
): Promise<{ runId: string; stepId: string }> {
  const created = (await world.events.create(null, {
    eventType: "run_created",
    specVersion: 3,
    eventData: { deploymentId: "dpl_test", workflowName: "workflow//flow", input: new Uint8Array() },
  } as never)) as { run?: { runId: string } };
  const runId = created.run?.runId as string;
  await world.events.create(runId, { eventType: "run_started", specVersion: 3 } as never);
  await startStep(world, runId, stepId);
  return { runId, stepId };
}

/** Creates step `stepId` of run `runId` and starts it. */
export async function startStep(world: EventsWorld, runId: string, stepId: string): Promise<void> {
  await world.events.create(runId, {
    eventType: "step_created",
    specVersion: 3,
    correlationId: stepId,
    eventData: { stepName: "step//chunk", workflowName: "workflow//flow", input: new Uint8Array() },
  } as never);
  await world.events.create(runId, {
    eventType: "step_started",
    specVersion: 3,
    correlationId: stepId,
  } as never);
}
