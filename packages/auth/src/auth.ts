import { passkey } from "@better-auth/passkey";
import { betterAuth } from "better-auth";
import type { Kysely } from "kysely";
import { passkeySignUp } from "./passkey-signup.js";

// Lets the declaration of createAuth name the WebAuthn types the passkey plugin exposes.
export type {} from "@simplewebauthn/server";

export interface AuthConfig {
  /** The database (Better Auth's tables come from @repo/db's migrations). */
  // biome-ignore lint/suspicious/noExplicitAny: Better Auth takes any Kysely instance
  db: Kysely<any>;
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
}

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
    database: { db: config.db, type: "postgres", transaction: true },
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
    // Rate limits come with the abuse-limits work, stored in Postgres so they hold across instances.
    rateLimit: { enabled: false },
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
