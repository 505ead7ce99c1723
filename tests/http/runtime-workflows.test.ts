import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectPostgres } from "@repo/db/database";
import { migrateToLatest } from "@repo/db/migrate";
import { createRuntime, type Runtime, type WorkflowRunView } from "@repo/runtime";
import { createTestDatabase, type TestDatabase } from "@repo/test-support/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Account, signUp } from "../support/accounts.js";
import { REPO_ROOT } from "../support/paths.js";

// The dashboard's workflow runs and function figures for the real app: an upload starts the blob
// trigger's workflow on the local world, whose runs and steps /__runtime/workflows reads through
// the Workflow SDK's world API. Accounts on a PostgreSQL server's throwaway database: what is looked
// at here is the runtime, not the embedded database's first open.
let database: TestDatabase;
let dir: string;
let runtime: Runtime;
let account: Account;
beforeAll(async () => {
  database = await createTestDatabase("runtime_workflows");
  const migrating = connectPostgres(database.url);
  await migrateToLatest(migrating.db);
  await migrating.destroy();
  process.env.DATABASE_URL = database.url;
  dir = await mkdtemp(join(tmpdir(), "runtime-workflows-"));
  process.env.BLOB_DIR = dir;
  delete process.env.BLOB_READ_WRITE_TOKEN;
  runtime = await createRuntime({ root: REPO_ROOT, mode: "dev", port: 0, app: false, crons: false });
  account = await signUp(runtime.url);
});
afterAll(async () => {
  await runtime?.close();
  await rm(dir, { recursive: true, force: true, maxRetries: 10 });
  await database?.drop();
});

const runtimeJson = async <T>(path: string): Promise<T> => {
  const res = await fetch(`${runtime.url}/__runtime/${path}`);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
};

describe("/__runtime on the real app", () => {
  it("lists an upload's workflow run with its steps and their timings", async () => {
    const res = await account.client.fetch("/api/blobs/upload?path=uploads/seen.csv", {
      method: "POST",
      body: "a,b\n1,2\n3,4\n",
      headers: { "content-type": "text/csv" },
    });
    expect(res.status).toBe(201);
    let runs: WorkflowRunView[] = [];
    for (let i = 0; i < 300; i++) {
      ({ runs } = await runtimeJson<{ available: boolean; runs: WorkflowRunView[] }>("workflows"));
      if (runs[0]?.status === "completed") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const [run] = runs;
    expect(run?.status).toBe("completed");
    expect(run?.steps.length).toBeGreaterThan(0);
    for (const step of run?.steps ?? []) {
      expect(step.status, step.stepName).toBe("completed");
      expect(Date.parse(step.completedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(step.startedAt ?? ""));
    }
  });

  it("counts the functions the upload ran, the workflow's queue deliveries among them", async () => {
    const names = (await runtimeJson<{ name: string; invocations: number }[]>("functions")).map(
      (f) => f.name,
    );
    expect(names).toEqual(expect.arrayContaining(["api/auth", "api/blobs/upload", "api/workflow/step"]));
    const cost = await runtimeJson<{ functions: { name: string; memoryMb: number }[] }>("cost");
    // vercel.json gives the step function 2048 MB and the upload function 1024 MB.
    expect(cost.functions.find((f) => f.name === "api/workflow/step")?.memoryMb).toBe(2048);
    expect(cost.functions.find((f) => f.name === "api/blobs/upload")?.memoryMb).toBe(1024);
  });
});
