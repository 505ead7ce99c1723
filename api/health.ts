import type { HealthAnswer } from "@repo/validation/api/health";
import { json } from "./_lib/respond.js";
import { route } from "./_lib/route.js";

/** GET /api/health (also /healthz, by a rewrite): the function runs and which Node.js runs it. */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({
  GET: () =>
    json({ status: "ok", node: process.versions.node } satisfies HealthAnswer, {
      headers: { "cache-control": "no-store" },
    }),
});
