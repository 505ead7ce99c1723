import { createTestDatabase, type TestDatabase } from "@repo/test-support/postgres";
import { createWorld } from "@workflow/world-postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyWorldSchema } from "./postgres-world.ts";
import { runWithStartedStep } from "./test-support/world-events.ts";

// Our patch to @workflow/world-postgres writes a step's row and the event that changes it in one
// transaction. Shown on the real package and a real PostgreSQL server by making the event's insert
// fail (a trigger), the way a worker killed between the two writes would leave them: the step's row
// must not have changed either, or replays would wait for an event that never comes.
let database: TestDatabase;
let admin: pg.Client;
let world: ReturnType<typeof createWorld>;

beforeAll(async () => {
  database = await createTestDatabase("world_patch");
  await applyWorldSchema(database.url);
  admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  await admin.query(`create function workflow.refuse_step_end() returns trigger language plpgsql as $$
    begin raise exception 'the event write fails'; end $$`);
  await admin.query(`create trigger refuse_step_end before insert on workflow.workflow_events for each row
    when (new.type in ('step_completed', 'step_failed', 'step_retrying')) execute function workflow.refuse_step_end()`);
  world = createWorld({ connectionString: database.url, maxPoolSize: 2 });
});
afterAll(async () => {
  await world?.close?.();
  await admin?.end();
  await database?.drop();
});

let n = 0;
const startedStep = () =>
  runWithStartedStep(world, `step_01M96J076HPEQ6RPC9S2SFYY${(10 + n++).toString(36).toUpperCase()}`);
const stepRow = async (stepId: string) =>
  (await admin.query("select status, error from workflow.workflow_steps where step_id = $1", [stepId]))
    .rows[0];

describe("a step's end, when its event cannot be written", () => {
  const ends = {
    step_completed: { result: new Uint8Array([1]) },
    step_failed: { error: "boom" },
    step_retrying: { error: "boom", retryAfter: new Date(Date.now() + 1000) },
  };
  for (const [eventType, eventData] of Object.entries(ends)) {
    it(`leaves the step as it was (${eventType})`, async () => {
      const { runId, stepId } = await startedStep();
      await expect(
        world.events.create(runId, { eventType, specVersion: 3, correlationId: stepId, eventData } as never),
      ).rejects.toThrow();
      expect(await stepRow(stepId)).toMatchObject({ status: "running", error: null });
    });
  }
});
