import { handleAuthRequest } from "@repo/auth/handler";
import { auth } from "./_lib/auth.js";
import { route } from "./_lib/route.js";

/**
 * /api/auth/* — Better Auth: sign-up, sign-in (email + password, passkeys, GitHub when configured),
 * sessions, sign-out, passwords, account deletion. One function for the whole tree: vercel.json
 * rewrites /api/auth/:path* here, and the function sees the path that was asked for, which is how
 * Better Auth routes. Its answers keep Better Auth's own shape (`{ code, message }` on errors), which
 * its browser client reads.
 */
const handler = (request: Request) => handleAuthRequest(auth(), request);

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({ GET: handler, POST: handler });
