import { createRequire } from "node:module";
import { configureSteps } from "../_lib/pipeline.js";
import { route } from "../_lib/route.js";
import { refuseForeignDelivery } from "../_lib/workflow-delivery.js";

/**
 * The workflow engine's step endpoint (vercel.json rewrites /.well-known/workflow/v1/step here; on
 * Vercel the queue trigger in vercel.json delivers to it): runs one step of the blob trigger. Loaded
 * with Node's require for the reason given in flow.ts.
 */
const require = createRequire(import.meta.url);
const bundle = require("@repo/pipeline/workflow/step") as { POST: (request: Request) => Promise<Response> };

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({
  POST: (request) => {
    refuseForeignDelivery(request);
    configureSteps();
    return bundle.POST(request);
  },
});
