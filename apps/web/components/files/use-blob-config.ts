import type { BlobConfig } from "@repo/validation/api/blobs";
import useSWR from "swr";
import { type ApiError, api } from "@/lib/api";
import { CONFIG_URL } from "./keys";

/** GET /api/blobs/config for the signed-in user (their upload prefix is in it). */
export function useBlobConfig(userId: string) {
  return useSWR<BlobConfig, ApiError>([CONFIG_URL, userId], () => api.blobs.config(), {
    revalidateOnFocus: false,
  });
}
