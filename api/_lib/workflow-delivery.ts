import { env } from "./env.js";
import { HttpError } from "./http-error.js";
import { sameSecret } from "./secret.js";

/** The header the local runtime's deliveries carry (see vercel-local.config.ts). */
export const LOCAL_DELIVERY_HEADER = "x-workflow-local-delivery";

/**
 * Refuses a request to the workflow engine's queue endpoints that is not the engine's own delivery.
 * Locally the runtime hands each message over with a secret only it knows (the local world's
 * in-process queue, and a Postgres world worker's deliveries, which reach it through a path that
 * carries the secret: vercel-local.config.ts); anything else (a crafted POST that would write events
 * for a made-up run) is a 403 before the engine parses a byte. On Vercel the secret is unset: its
 * queues deliver through the functions' queue triggers.
 */
export function refuseForeignDelivery(request: Request): void {
  const secret = env().WORKFLOW_LOCAL_DELIVERY_SECRET;
  if (!secret) return;
  if (!sameSecret(request.headers.get(LOCAL_DELIVERY_HEADER) ?? "", secret)) {
    throw new HttpError(
      403,
      "forbidden",
      "The workflow engine's queue endpoints take only the engine's own deliveries.",
    );
  }
}
