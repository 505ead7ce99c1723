import useSWR from "swr";
import { type ApiError, getJson } from "@/lib/api";
import { CONFIG_URL } from "./keys";

export interface BlobConfig {
  store: "vercel-blob" | "filesystem";
  /** The access mode of the store; client uploads must name the same. */
  access: "public" | "private";
  clientUploads: boolean;
  /** Where upload() sends files when running locally; null means Vercel Blob itself. */
  clientApiUrl: string | null;
  /** The store prefix of the signed-in user's own space: client tokens are issued under it. */
  uploadPrefix: string | null;
  /** The signed-in user's storage: what they may store, have stored, and have left, in bytes. */
  quota: { quotaBytes: number; usedBytes: number; remainingBytes: number } | null;
  limits: {
    maxBytes: number;
    maxServerUploadBytes: number;
    allowedContentTypes: string[];
    tokenValidSeconds: number;
  };
}

/** GET /api/blobs/config for the signed-in user (their upload prefix is in it). */
export function useBlobConfig(userId: string) {
  return useSWR<BlobConfig, ApiError>([CONFIG_URL, userId], ([url]: [string, string]) => getJson(url), {
    revalidateOnFocus: false,
  });
}
