import useSWR from "swr";
import { type ApiError, getJson } from "@/lib/api";

export interface BlobConfig {
  store: "vercel-blob" | "filesystem";
  clientUploads: boolean;
  /** Where upload() sends files when running locally; null means Vercel Blob itself. */
  clientApiUrl: string | null;
  limits: {
    maxBytes: number;
    maxServerUploadBytes: number;
    allowedContentTypes: string[];
    tokenValidSeconds: number;
  };
}

export function useBlobConfig() {
  return useSWR<BlobConfig, ApiError>("/api/blobs/config", getJson, { revalidateOnFocus: false });
}
