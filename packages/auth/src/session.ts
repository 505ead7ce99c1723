import { createHmac, timingSafeEqual } from "node:crypto";
import type { Database } from "@repo/db/schema";
import type { Kysely } from "kysely";
import type { Auth } from "./auth.ts";

/** Who is calling, as the API needs it. */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  /** The session's own id, e.g. to tell "this device" in a list. */
  sessionId: string;
}

export type SessionCheck = (headers: Headers) => Promise<SessionUser | null>;

/** The value of one cookie in a Cookie header, or null. */
function cookieValue(header: string, name: string): string | null {
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/**
 * The session check every private request runs: the signed-in user behind a request's cookies, or
 * null. It is Better Auth's own check (its session cookie, its HMAC-SHA256 signature over the token,
 * its session table), done as one indexed join instead of `auth.api.getSession`'s two queries and
 * endpoint pipeline (about 0.9 ms at p50 on PGlite; this costs one query). There is no cache: a
 * revoked session, a signed-out one or a deleted account fails on the very next request. It never
 * extends a session; Better Auth's /get-session does that, and sets the cookie.
 *
 * @example const check = createSessionCheck(auth, db); const user = await check(request.headers)
 */
export function createSessionCheck(auth: Auth, db: Kysely<Database>): SessionCheck {
  let settings: Promise<{ cookie: string; secret: string }> | undefined;
  return async (headers) => {
    const header = headers.get("cookie");
    if (!header) return null;
    settings ??= auth.$context.then((ctx) => ({
      cookie: ctx.authCookies.sessionToken.name,
      secret: ctx.secret,
    }));
    const { cookie, secret } = await settings;
    const raw = cookieValue(header, cookie);
    if (!raw) return null;
    let value: string;
    try {
      value = decodeURIComponent(raw);
    } catch {
      return null;
    }
    const dot = value.lastIndexOf(".");
    if (dot < 1) return null;
    const token = value.slice(0, dot);
    const given = Buffer.from(value.slice(dot + 1));
    const expected = Buffer.from(createHmac("sha256", secret).update(token).digest("base64"));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const row = await db
      .selectFrom("session")
      .innerJoin("user", "user.id", "session.userId")
      .select(["session.id as sessionId", "session.expiresAt", "user.id", "user.email", "user.name"])
      .where("session.token", "=", token)
      .executeTakeFirst();
    if (!row || new Date(row.expiresAt).getTime() <= Date.now()) return null;
    return { id: row.id, email: row.email, name: row.name, sessionId: row.sessionId };
  };
}
