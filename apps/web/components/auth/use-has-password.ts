"use client";

import useSWR from "swr";
import { authClient } from "@/lib/auth-client";

/** Whether the account has a password (passkey-only and GitHub accounts have none). */
export function useHasPassword(signedIn: boolean): boolean {
  const { data } = useSWR(signedIn ? "auth:accounts" : null, async () => {
    const { data, error } = await authClient.listAccounts();
    if (error) throw error;
    return data;
  });
  return Boolean(data?.some((account) => account.providerId === "credential"));
}
