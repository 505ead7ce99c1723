import { listAll } from "@repo/blob-store/list-all";
import type { BlobStore } from "@repo/blob-store/types";
import { DERIVED_PREFIX } from "@repo/pipeline/result";
import { deleteSpace } from "./files.ts";
import { ownerOf, SPACES_PREFIX, userSpace } from "./space.ts";

export interface SweepReport {
  /** Users with a space in the store that were checked. */
  checked: number;
  /** Spaces of users that no longer exist, and how many blobs went with each. */
  removed: { userId: string; blobs: number }[];
}

/**
 * The timer's backstop for deleted accounts: a space whose owner no longer exists (an upload that
 * landed while the account was being deleted, a deletion that failed half-way) is removed.
 * `existing` answers which of the given user ids still exist.
 */
export async function sweepDeletedOwners(
  store: BlobStore,
  existing: (userIds: string[]) => Promise<Set<string>>,
): Promise<SweepReport> {
  const owners = new Set<string>();
  for (const prefix of [SPACES_PREFIX, `${DERIVED_PREFIX}${SPACES_PREFIX}`]) {
    for await (const blob of listAll(store, prefix)) {
      const owner = ownerOf(blob.path);
      if (owner) owners.add(owner);
    }
  }
  const ids = [...owners];
  const alive = ids.length ? await existing(ids) : new Set<string>();
  const removed: SweepReport["removed"] = [];
  for (const userId of ids) {
    if (alive.has(userId)) continue;
    removed.push({ userId, blobs: await deleteSpace(store, userSpace(userId)) });
  }
  return { checked: ids.length, removed };
}
