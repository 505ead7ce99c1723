import type { UserSpace } from "@repo/files/space";
import { spaceUsage } from "@repo/files/usage";
import { blobStore } from "./blob-store.js";
import { env, requireValidEnv } from "./env.js";
import { HttpError } from "./http-error.js";

export interface Quota {
  quotaBytes: number;
  usedBytes: number;
  remainingBytes: number;
}

/** How much of their storage quota the user has used, from the store itself. */
export async function quotaOf(space: UserSpace): Promise<Quota> {
  requireValidEnv("STORAGE_QUOTA_BYTES");
  const quotaBytes = env().STORAGE_QUOTA_BYTES;
  const usedBytes = await spaceUsage(blobStore(), space);
  return { quotaBytes, usedBytes, remainingBytes: Math.max(0, quotaBytes - usedBytes) };
}

/** 413 `quota_exceeded`, saying how much is left. */
export function quotaExceeded(quota: Quota, wanted?: number): HttpError {
  const left = `${quota.remainingBytes} of your ${quota.quotaBytes} bytes are left`;
  return new HttpError(
    413,
    "quota_exceeded",
    wanted === undefined
      ? `Your storage is full: ${left}. Delete files to make room.`
      : `This file (${wanted} bytes) does not fit: ${left}. Delete files to make room.`,
    { ...quota, ...(wanted === undefined ? {} : { wantedBytes: wanted }) },
  );
}
