import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime, type Runtime } from "@repo/runtime";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signUp } from "../support/accounts.js";
import { REPO_ROOT } from "../support/paths.js";

// 4. A bad optional setting (a CRON_SECRET too short to be a secret) turns off only what needs it,
// and the runtime says so at start; it used to answer 500 to every weather and blob request.
let dir: string;
let runtime: Runtime;
const warnings: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "settings-"));
  process.env.BLOB_DIR = dir;
  process.env.CRON_SECRET = "s3cret";
  vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => {
    warnings.push(args.map(String).join(" "));
  });
  runtime = await createRuntime({ root: REPO_ROOT, mode: "dev", port: 0, app: false, crons: false });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await runtime?.close();
  await rm(dir, { recursive: true, force: true, maxRetries: 10 });
});

describe("a CRON_SECRET too short to be one", () => {
  it("is named at start", () => {
    expect(warnings.join("\n")).toMatch(/\[settings\] CRON_SECRET is not accepted/);
  });

  it("leaves everything else working", async () => {
    expect((await fetch(`${runtime.url}/api/health`)).status).toBe(200);
    expect((await fetch(`${runtime.url}/api/card-brands/visa`)).status).toBe(200);
    const user = await signUp(runtime.url);
    const put = await user.client.fetch("/api/blobs/upload?path=a.csv", {
      method: "POST",
      body: "a\n1\n",
      headers: { "content-type": "text/csv" },
    });
    expect(put.status).toBe(201);
    expect((await user.client.call("GET", "/api/blobs?prefix=")).json.blobs).toHaveLength(1);
  });

  it("turns off the cron endpoint with a 503 that names it", async () => {
    const res = await fetch(`${runtime.url}/api/cron/reconcile`, {
      headers: { authorization: "Bearer s3cret" },
    });
    expect(res.status).toBe(503);
    const { error } = await res.json();
    expect(error).toMatchObject({ code: "misconfigured", details: { variable: "CRON_SECRET" } });
  });
});
