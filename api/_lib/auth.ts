import { type Auth, createAuth } from "@repo/auth/auth";
import { createSessionCheck, type SessionCheck, type SessionUser } from "@repo/auth/session";
import { deleteSpace } from "@repo/files/files";
import { type UserSpace, userSpace } from "@repo/files/space";
import { blobStore } from "./blob-store.js";
import { database } from "./db.js";
import { env, requireValidEnv } from "./env.js";
import { HttpError } from "./http-error.js";

/**
 * The URL people open the app at: APP_URL, else on Vercel the production URL (production) or the
 * deployment's own URL (previews). Never the request's Host header, which the caller controls.
 */
export function appUrl(): string {
  requireValidEnv("APP_URL");
  const config = env();
  if (config.APP_URL) return config.APP_URL;
  const host =
    config.VERCEL_ENV === "production"
      ? (config.VERCEL_PROJECT_PRODUCTION_URL ?? config.VERCEL_URL)
      : config.VERCEL_URL;
  if (host) return `https://${host}`;
  throw new HttpError(
    503,
    "app_url_not_configured",
    "Set APP_URL to the URL people open the app at (pnpm dev and pnpm start set it themselves).",
  );
}

/** Every origin allowed to send state-changing requests with a session cookie. */
export function trustedOrigins(): string[] {
  requireValidEnv("TRUSTED_ORIGINS");
  const config = env();
  const vercel = [config.VERCEL_URL, config.VERCEL_BRANCH_URL, config.VERCEL_PROJECT_PRODUCTION_URL]
    .filter((host): host is string => Boolean(host))
    .map((host) => `https://${host}`);
  return [...new Set([appUrl(), ...vercel, ...(config.TRUSTED_ORIGINS ?? [])])];
}

let instance: Auth | undefined;
let check: SessionCheck | undefined;

/** Better Auth over the app's database, configured from the environment once per instance. */
export function auth(): Auth {
  if (instance) return instance;
  requireValidEnv(
    "BETTER_AUTH_SECRET",
    "GITHUB_CLIENT_ID",
    "GITHUB_CLIENT_SECRET",
    "RATE_LIMIT_SIGN_IN_PER_MINUTE",
  );
  const config = env();
  const secret = config.BETTER_AUTH_SECRET;
  if (!secret) {
    throw new HttpError(
      503,
      "auth_not_configured",
      "Set BETTER_AUTH_SECRET (32 or more random characters, e.g. openssl rand -base64 32) in the project's environment.",
    );
  }
  const github =
    config.GITHUB_CLIENT_ID && config.GITHUB_CLIENT_SECRET
      ? { clientId: config.GITHUB_CLIENT_ID, clientSecret: config.GITHUB_CLIENT_SECRET }
      : undefined;
  instance = createAuth({
    db: database().db,
    baseURL: appUrl(),
    secret,
    trustedOrigins: trustedOrigins(),
    ...(github ? { github } : {}),
    deleteUserData: async (userId) => {
      await deleteSpace(blobStore(), userSpace(userId));
    },
    rateLimits: { signIn: { max: config.RATE_LIMIT_SIGN_IN_PER_MINUTE, windowSeconds: 60 } },
  });
  return instance;
}

/**
 * The signed-in user behind a request's cookies, or null: asked of the database every time, so a
 * revoked session or a deleted account is refused at once.
 */
export function sessionUser(request: Request): Promise<SessionUser | null> {
  if (!request.headers.has("cookie")) return Promise.resolve(null);
  check ??= createSessionCheck(auth(), database().db);
  return check(request.headers);
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses a state-changing request sent from another site. Browsers name the page's origin on
 * every such request; one that names an untrusted origin, or says it is cross-site, is refused.
 * Requests without either (curl, a server) carry no ambient credentials from a browser.
 */
export function refuseCrossSite(request: Request): void {
  if (SAFE_METHODS.has(request.method)) return;
  const origin = request.headers.get("origin");
  const site = request.headers.get("sec-fetch-site");
  const trusted = origin !== null && origin !== "null" && trustedOrigins().includes(origin);
  if ((origin !== null && !trusted) || (!trusted && site === "cross-site")) {
    throw new HttpError(403, "cross_site_request", "This request came from another site and was refused.");
  }
}

/** The caller, with their space in the store. */
export interface Caller {
  user: SessionUser;
  space: UserSpace;
}

/**
 * The signed-in caller, or a 401 in our error shape. Every call asks the database, so a revoked
 * session or a deleted account is refused at once. State-changing requests from other sites are
 * refused first.
 *
 * @example const { user, space } = await requireUser(request)
 */
export async function requireUser(request: Request): Promise<Caller> {
  refuseCrossSite(request);
  const user = await sessionUser(request);
  if (!user) {
    throw new HttpError(401, "unauthenticated", "Sign in to use your files.");
  }
  return { user, space: userSpace(user.id) };
}
