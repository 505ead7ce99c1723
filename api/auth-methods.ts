import type { AuthMethodsAnswer } from "@repo/validation/api/auth-methods";
import { env } from "./_lib/env.js";
import { json } from "./_lib/respond.js";
import { route } from "./_lib/route.js";

/**
 * GET /api/auth-methods — which ways to sign in this deployment offers, for the sign-in page:
 * email and password and passkeys always, GitHub when its OAuth app is configured.
 */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({
  GET: () => {
    const config = env();
    return json(
      {
        emailAndPassword: true,
        passkey: true,
        github: Boolean(config.GITHUB_CLIENT_ID && config.GITHUB_CLIENT_SECRET),
      } satisfies AuthMethodsAnswer,
      { headers: { "cache-control": "public, max-age=60" } },
    );
  },
});
