/**
 * Sign-up with a passkey alone, no password: Better Auth's passkey-first registration. The page
 * sends the new account's email and name as the ceremony's `context`; the server keeps it with the
 * challenge, and only once the authenticator's answer verifies is the user created and the passkey
 * and a session given to it. An abandoned ceremony leaves nothing behind.
 */
import type { PasskeyOptions } from "@better-auth/passkey";
import { type PasskeySignUp, passkeySignUpSchema } from "@repo/validation/accounts";
import { APIError } from "better-auth/api";

function parse(context: string | null | undefined): PasskeySignUp | null {
  if (!context) return null;
  let value: unknown;
  try {
    value = JSON.parse(context);
  } catch {
    throw APIError.from("BAD_REQUEST", {
      message: "The sign-up details are not JSON.",
      code: "INVALID_SIGN_UP",
    });
  }
  const result = passkeySignUpSchema.safeParse(value);
  if (!result.success) {
    throw APIError.from("BAD_REQUEST", {
      message: "Give an email address and a name (1 to 80 characters) to sign up.",
      code: "INVALID_SIGN_UP",
    });
  }
  return result.data;
}

const taken = () =>
  APIError.from("UNPROCESSABLE_ENTITY", {
    message: "User already exists. Use another email.",
    code: "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
  });

type Registration = NonNullable<PasskeyOptions["registration"]>;

export const passkeySignUp: Registration = {
  requireSession: false,
  // Without a session: who the new passkey is for. The WebAuthn user handle is random; the account
  // does not exist until the ceremony verifies.
  resolveUser: async ({ ctx, context }) => {
    const details = parse(context);
    if (!details) {
      throw APIError.from("UNAUTHORIZED", {
        message: "Sign in to add a passkey, or give an email and name to sign up with one.",
        code: "SESSION_REQUIRED",
      });
    }
    if (await ctx.context.internalAdapter.findUserByEmail(details.email)) throw taken();
    return { id: crypto.randomUUID(), name: details.email, displayName: details.name };
  },
  afterVerification: async ({ ctx, context }) => {
    const details = parse(context);
    // A signed-in user adding a passkey: it is theirs, nothing to create.
    if (!details || ctx.context.session) return;
    if (await ctx.context.internalAdapter.findUserByEmail(details.email)) throw taken();
    const user = await ctx.context.internalAdapter.createUser(
      { email: details.email, name: details.name, emailVerified: false },
      { method: "passkey" },
    );
    return { userId: user.id };
  },
};
