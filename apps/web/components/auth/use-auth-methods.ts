"use client";

import type { AuthMethodsAnswer } from "@repo/validation/api/auth-methods";
import useSWR from "swr";
import { type ApiError, api, apiUrl } from "@/lib/api";

export type AuthMethods = AuthMethodsAnswer;

/** GET /api/auth-methods: which ways to sign in this deployment offers. */
export function useAuthMethods() {
  return useSWR<AuthMethods, ApiError>(apiUrl.authMethods, () => api.authMethods.get(), {
    revalidateOnFocus: false,
  });
}
