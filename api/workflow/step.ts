import { createRequire } from "node:module";
import { configureSteps } from "../_lib/pipeline.js";

/**
 * The workflow engine's step endpoint (vercel.json rewrites /.well-known/workflow/v1/step here; on
 * Vercel the queue trigger in vercel.json delivers to it): runs one step of the blob trigger. Loaded
 * with Node's require for the reason given in flow.ts.
 */
const require = createRequire(import.meta.url);
const bundle = require("@repo/pipeline/workflow/step") as { POST: (request: Request) => Promise<Response> };

export const POST = (request: Request): Promise<Response> => {
  configureSteps();
  return bundle.POST(request);
};
