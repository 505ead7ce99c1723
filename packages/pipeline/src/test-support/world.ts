// Vitest setup: the pipeline runs in this process on the Workflow SDK's local world, through the same
// bundles `pnpm build` makes for deployment (.well-known/workflow/v1), with the world's queue handing
// messages straight to their handlers instead of over HTTP.
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

process.env.WORKFLOW_LOCAL_DATA_DIR = mkdtempSync(join(tmpdir(), "pipeline-world-"));

type Handler = (request: Request) => Promise<Response>;
const require = createRequire(import.meta.url);
const load = (name: string): Handler => {
  try {
    return (require(`../../.well-known/workflow/v1/${name}.js`) as { POST: Handler }).POST;
  } catch (error) {
    throw new Error("The workflow bundles are missing: run `pnpm build` in packages/pipeline first.", {
      cause: error,
    });
  }
};

const { deliverInProcess } = await import("../in-process.ts");
const { resumeInterruptedRuns } = await import("../world.ts");
deliverInProcess({ flow: load("flow"), step: load("step") });
await resumeInterruptedRuns();
