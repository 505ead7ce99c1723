import { listAll } from "@repo/blob-store/list-all";
import type { BlobMetadata } from "@repo/blob-store/types";
import { listItemJson, type ProtocolContext } from "../context.ts";
import { badRequest, fromStoreError, unknown } from "../errors.ts";
import { isStaged } from "../protocol.ts";
import { checkParams, json } from "../wire.ts";

/** `GET {api}?limit=&prefix=&cursor=&mode=`: one page of blobs, expanded or folded; staged uploads never show. */
export async function list(ctx: ProtocolContext, params: URLSearchParams): Promise<Response> {
  checkParams(params, ["limit", "prefix", "cursor", "mode"], "list");
  const limitText = params.get("limit");
  const limit = limitText === null ? 1000 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw badRequest(`limit must be an integer from 1 to 1000, not ${JSON.stringify(limitText)}.`);
  }
  const prefix = params.get("prefix") ?? "";
  const cursor = params.get("cursor") || undefined;
  const mode = params.get("mode") ?? "expanded";
  if (mode === "folded") return listFolded(ctx, prefix, limit, cursor);
  if (mode !== "expanded") throw unknown("list mode", { mode });

  // The store's pages are filled up past the staged blobs it skips, so a page stays full.
  const blobs: BlobMetadata[] = [];
  let next: string | null | undefined = cursor;
  try {
    do {
      const page = await ctx.store.list({
        ...(prefix ? { prefix } : {}),
        ...(next ? { cursor: next } : {}),
        limit: limit - blobs.length,
      });
      blobs.push(...page.blobs.filter((b) => !isStaged(b.path)));
      next = page.cursor;
    } while (next && blobs.length < limit);
  } catch (error) {
    throw fromStoreError(error);
  }
  return json(200, {
    blobs: blobs.map((b) => listItemJson(ctx, b)),
    ...(next ? { cursor: next } : {}),
    hasMore: Boolean(next),
  });
}

const FOLDED = "folded:";

/** Folded listing: blobs directly under the prefix, and the "folders" (prefix + next segment + "/") below it. */
async function listFolded(
  ctx: ProtocolContext,
  prefix: string,
  limit: number,
  cursor: string | undefined,
): Promise<Response> {
  let after: string | null = null;
  if (cursor !== undefined) {
    if (!cursor.startsWith(FOLDED)) throw badRequest("This cursor does not belong to a folded listing.");
    after = Buffer.from(cursor.slice(FOLDED.length), "base64url").toString("utf8");
  }
  const entries = new Map<string, BlobMetadata | null>();
  try {
    for await (const blob of listAll(ctx.store, prefix)) {
      if (isStaged(blob.path)) continue;
      const rest = blob.path.slice(prefix.length);
      const slash = rest.indexOf("/");
      if (slash >= 0) entries.set(prefix + rest.slice(0, slash + 1), null);
      else entries.set(blob.path, blob);
    }
  } catch (error) {
    throw fromStoreError(error);
  }
  const keys = [...entries.keys()].sort().filter((k) => after === null || k > after);
  const pageKeys = keys.slice(0, limit);
  const hasMore = keys.length > limit;
  const last = pageKeys[pageKeys.length - 1];
  return json(200, {
    folders: pageKeys.filter((k) => entries.get(k) === null),
    blobs: pageKeys.flatMap((k) => {
      const blob = entries.get(k);
      return blob ? [listItemJson(ctx, blob)] : [];
    }),
    ...(hasMore && last !== undefined ? { cursor: FOLDED + Buffer.from(last).toString("base64url") } : {}),
    hasMore,
  });
}
