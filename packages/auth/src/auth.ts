import { passkey } from "@better-auth/passkey";
import { consume, type Limit } from "@repo/db/rate-limit";
import type { Database } from "@repo/db/schema";
import { betterAuth } from "better-auth";
import type { Kysely } from "kysely";
import { passkeySignUp } from "./passkey-signup.ts";

// Lets the declaration of createAuth name the WebAuthn types the passkey plugin exposes.
export type {} from "@simplewebauthn/server";

export interface AuthConfig {
  /** The database (Better Auth's tables come from @repo/db's migrations). */
  db: Kysely<Database>;
  /** The app's origin, e.g. "https://app.example.com": cookies, passkeys and origin checks follow it. */
  baseURL: string;
  /** Signs cookies and tokens; 32 random bytes or more. */
  secret: string;
  /** Origins besides baseURL's allowed to send state-changing requests (e.g. a preview URL). */
  trustedOrigins?: string[];
  /** GitHub sign-in, when the OAuth app's credentials are configured. */
  github?: { clientId: string; clientSecret: string };
  /**
   * Removes what the user owns (files, results) before the account goes. A throw stops the
   * deletion, so an account is never gone while its files stay; it runs again after the row is
   * deleted, for anything that landed in between.
   */
  deleteUserData?: (userId: string) => Promise<void>;
  /**
   * Per client address, counted in the database so every instance shares the count: `signIn` for
   * what guesses or creates credentials (sign-in, sign-up, passkey ceremonies, password change,
   * account deletion), `other` for the rest. Default 10 and 600 a minute.
   */
  rateLimits?: { signIn?: Limit; other?: Limit };
}

/** The endpoints that try a credential or make an account: a tight limit per client address. */
const CREDENTIAL_PATHS = [
  "/sign-in/*",
  "/sign-up/*",
  "/change-password",
  "/delete-user",
  "/passkey/generate-register-options",
  "/passkey/verify-registration",
  "/passkey/generate-authenticate-options",
  "/passkey/verify-authentication",
];

/** What the UI names the relying party in the passkey prompt. */
export const APP_NAME = "Serverless on Vercel";

/**
 * Better Auth as this app uses it: email + password, passkeys (including sign-up with a passkey
 * alone), optional GitHub; sessions in an HttpOnly, SameSite=Lax cookie (Secure, `__Secure-`
 * prefixed, when baseURL is https), stored in Postgres and checked there on every request: no
 * cookie cache, so a revoked session or a deleted account stops working at once.
 *
 * @example const auth = createAuth({ db, baseURL: "http://localhost:3000", secret })
 */
export function createAuth(config: AuthConfig) {
  const origin = new URL(config.baseURL).origin;
  return betterAuth({
    appName: APP_NAME,
    baseURL: origin,
    basePath: "/api/auth",
    secret: config.secret,
    // biome-ignore lint/suspicious/noExplicitAny: Better Auth's own tables are typed by Better Auth
    database: { db: config.db as Kysely<any>, type: "postgres", transaction: true },
    trustedOrigins: [origin, ...(config.trustedOrigins ?? [])],
    emailAndPassword: { enabled: true, minPasswordLength: 10, maxPasswordLength: 128, autoSignIn: true },
    socialProviders: config.github
      ? { github: { clientId: config.github.clientId, clientSecret: config.github.clientSecret } }
      : {},
    session: {
      expiresIn: 60 * 60 * 24 * 7,
      updateAge: 60 * 60 * 24,
      cookieCache: { enabled: false },
    },
    user: {
      deleteUser: {
        enabled: true,
        beforeDelete: async (user) => {
          await config.deleteUserData?.(user.id);
        },
        afterDelete: async (user) => {
          await config.deleteUserData?.(user.id).catch((error: unknown) => {
            // The account is gone; the reconcile timer sweeps files of users that no longer exist.
            console.warn(`[auth] files of deleted user ${user.id} not all removed yet:`, error);
          });
        },
      },
    },
    // The same origin and CSRF checks everywhere: Better Auth would skip them under NODE_ENV=test.
    advanced: { disableOriginCheck: false, disableCSRFCheck: false },
    rateLimit: rateLimitOptions(config),
    telemetry: { enabled: false },
    plugins: [
      passkey({
        rpID: new URL(origin).hostname,
        rpName: APP_NAME,
        origin,
        registration: passkeySignUp,
      }),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;

function rateLimitOptions(config: AuthConfig) {
  const signIn = config.rateLimits?.signIn ?? { max: 10, windowSeconds: 60 };
  const other = config.rateLimits?.other ?? { max: 600, windowSeconds: 60 };
  const rule = (limit: Limit) => ({ window: limit.windowSeconds, max: limit.max });
  return {
    // On everywhere, not only under NODE_ENV=production (Better Auth's default).
    enabled: true,
    ...rule(other),
    customRules: {
      ...Object.fromEntries(CREDENTIAL_PATHS.map((path) => [path, rule(signIn)])),
      // Every page load asks who is signed in; that costs no credential and needs no write.
      "/get-session": false as const,
      "/ok": false as const,
    },
    customStorage: {
      consume: async (key: string, { window, max }: { window: number; max: number }) => {
        const verdict = await consume(config.db, `auth:${key}`, { max, windowSeconds: window });
        return { allowed: verdict.allowed, retryAfter: verdict.allowed ? null : verdict.retryAfterSeconds };
      },
    },
  };
}
