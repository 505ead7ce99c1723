"use client";

import { passkeyClient } from "@better-auth/passkey/client";
import { createAuthClient } from "better-auth/react";

/**
 * Better Auth's browser client for /api/auth on this origin, with passkeys. Its calls answer
 * `{ data, error }` and never throw; `useSession()` follows sign-in and sign-out as they happen.
 */
export const authClient = createAuthClient({ plugins: [passkeyClient()] });

export const { useSession } = authClient;
