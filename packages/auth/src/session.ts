import type { Auth } from "./auth.js";

/** Who is calling, as the API needs it. */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  /** The session's own id, e.g. to tell "this device" in a list. */
  sessionId: string;
}

/**
 * The signed-in user behind a request's cookies, or null. Always asks the database (no cookie
 * cache), so sign-out, a revoked session or a deleted account takes effect on the next request;
 * it does not extend the session (Better Auth's own /get-session does, and sets the cookie).
 *
 * @example const user = await sessionUser(auth, request.headers)
 */
export async function sessionUser(auth: Auth, headers: Headers): Promise<SessionUser | null> {
  if (!headers.get("cookie")) return null;
  const found = await auth.api.getSession({
    headers,
    query: { disableCookieCache: true, disableRefresh: true },
  });
  if (!found) return null;
  return { id: found.user.id, email: found.user.email, name: found.user.name, sessionId: found.session.id };
}
