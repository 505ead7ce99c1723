"use client";

import useSWR from "swr";
import { type ApiError, getJson } from "@/lib/api";

export interface AuthMethods {
  emailAndPassword: boolean;
  passkey: boolean;
  github: boolean;
}

/** GET /api/auth-methods: which ways to sign in this deployment offers. */
export function useAuthMethods() {
  return useSWR<AuthMethods, ApiError>("/api/auth-methods", getJson, { revalidateOnFocus: false });
}
