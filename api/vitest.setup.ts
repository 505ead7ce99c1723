// Every api test runs the blob trigger for real: the Workflow SDK's local world in this process, its
// queue handing messages to the same flow/step functions that `pnpm dev` and Vercel serve.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deliverInProcess, resumeInterruptedRuns } from "@repo/pipeline";

process.env.WORKFLOW_LOCAL_DATA_DIR = mkdtempSync(join(tmpdir(), "api-world-"));
const flow = await import("./workflow/flow.js");
const step = await import("./workflow/step.js");
deliverInProcess({ flow: flow.POST, step: step.POST });
await resumeInterruptedRuns();
