// Every api test runs the blob trigger for real: the Workflow SDK's local world in this process, its
// queue handing messages to the same flow/step functions that `pnpm dev` and Vercel serve. Accounts
// live in an embedded PGlite database, lent to the functions as the local runtime lends its own.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openLocalDatabase, provideLocalDatabase } from "@repo/db/local";
import { deliverInProcess } from "@repo/pipeline/in-process";
import { resumeInterruptedRuns } from "@repo/pipeline/world";

process.env.WORKFLOW_LOCAL_DATA_DIR = mkdtempSync(join(tmpdir(), "api-world-"));
process.env.APP_URL = "http://localhost";
process.env.BETTER_AUTH_SECRET = "api-tests-secret-api-tests-secret-0123456789";
delete process.env.DATABASE_URL;
// Tests sign up and upload far faster than people; the limits have tests of their own.
process.env.RATE_LIMIT_SIGN_IN_PER_MINUTE = "10000";
provideLocalDatabase(await openLocalDatabase("memory://"));
const flow = await import("./workflow/flow.js");
const step = await import("./workflow/step.js");
deliverInProcess({ flow: flow.POST, step: step.POST });
await resumeInterruptedRuns();
