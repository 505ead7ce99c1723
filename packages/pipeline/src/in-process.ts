import { getWorld } from "workflow/runtime";

type Handler = (request: Request) => Response | Promise<Response>;

/**
 * Makes the local world hand queue messages straight to the flow and step handlers in this process
 * instead of POSTing them to an HTTP origin itself: for tests and scripts that run the pipeline
 * without a server, and for a local server that hands them over its own way. Everything else
 * (persistence, retries, replay) is the world's own.
 */
export function deliverInProcess(handlers: { flow: Handler; step: Handler }): void {
  const world = getWorld() as {
    registerHandler?: (prefix: string, handler: (request: Request) => Promise<Response>) => void;
  };
  if (!world.registerHandler) {
    // The Postgres world's workers take messages from the shared queue and POST them to their own
    // origin (WORKFLOW_LOCAL_BASE_URL); there is nothing to hand over in-process.
    throw new Error(
      "In-process delivery needs the local world (WORKFLOW_TARGET_WORLD unset or 'local'); this world has no handlers to register.",
    );
  }
  world.registerHandler("__wkf_workflow_", async (request) => handlers.flow(request));
  world.registerHandler("__wkf_step_", async (request) => handlers.step(request));
}
