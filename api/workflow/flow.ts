import { createRequire } from "node:module";
import { route } from "../_lib/route.js";
import { refuseForeignDelivery } from "../_lib/workflow-delivery.js";

/**
 * The workflow engine's orchestration endpoint (vercel.json rewrites /.well-known/workflow/v1/flow
 * here; on Vercel the queue trigger in vercel.json delivers to it). The handler is the bundle
 * `workflow build` compiled from packages/pipeline. It is CommonJS, so it is loaded with Node's own
 * require: Vite's module runner, which serves api/ locally, would evaluate it as ESM and fail.
 */
const require = createRequire(import.meta.url);
const bundle = require("@repo/pipeline/workflow/flow") as { POST: (request: Request) => Promise<Response> };

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({
  POST: (request) => {
    refuseForeignDelivery(request);
    return bundle.POST(request);
  },
});
