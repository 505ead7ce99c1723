/**
 * Every user's files live in their own space of the one blob store, so ownership is in the path
 * and nothing can drift between a table and the store:
 *
 *   what the user names it        where the store keeps it
 *   uploads/sales.csv             users/<id>/uploads/sales.csv
 *   _results/uploads/sales.csv/…  _results/users/<id>/uploads/sales.csv/…   (the pipeline's results)
 *
 * The pipeline derives results from store paths under its own `_results/` prefix, which therefore
 * mirrors the spaces. Users see and name only their own paths; every store path an API call
 * touches is made by `toStore`, so no path a user sends can reach outside their space.
 */
import { DERIVED_PREFIX } from "@repo/pipeline/result";

/** The store prefix under which every user's space lies. */
export const SPACES_PREFIX = "users/";

const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface UserSpace {
  readonly userId: string;
  /** The store prefix of the user's own files, e.g. "users/abc/": what a client token may write under. */
  readonly filesPrefix: string;
  /** The store prefixes holding all this user owns: their files and the results derived from them. */
  readonly roots: readonly [string, string];
  /**
   * The store path (or list prefix) for a path as the user names it. The path must already be
   * checked by normalizeBlobPath; a prefix may be partial ("uploads/sa") or empty.
   */
  toStore(path: string): string;
  /** The user's name for a store path, or null when the path is not in this space. */
  toUser(storePath: string): string | null;
}

/** The space of one user. @example userSpace(user.id).toStore("uploads/a.csv") */
export function userSpace(userId: string): UserSpace {
  if (!USER_ID.test(userId)) throw new Error(`not a user id: ${JSON.stringify(userId)}`);
  const files = `${SPACES_PREFIX}${userId}/`;
  const derived = `${DERIVED_PREFIX}${files}`;
  return {
    userId,
    filesPrefix: files,
    roots: [files, derived],
    toStore: (path) =>
      path.startsWith(DERIVED_PREFIX) ? derived + path.slice(DERIVED_PREFIX.length) : files + path,
    toUser(storePath) {
      if (storePath.startsWith(derived)) return DERIVED_PREFIX + storePath.slice(derived.length);
      if (!storePath.startsWith(files)) return null;
      const own = storePath.slice(files.length);
      // A file of theirs never starts with the results prefix (uploads may not write there); such a
      // name would map back to the results, so it is no user path at all.
      return own.startsWith(DERIVED_PREFIX) ? null : own;
    },
  };
}

/** The id of the user whose space a store path (a file or a result of one) is in, or null. */
export function ownerOf(storePath: string): string | null {
  const rest = storePath.startsWith(DERIVED_PREFIX) ? storePath.slice(DERIVED_PREFIX.length) : storePath;
  if (!rest.startsWith(SPACES_PREFIX)) return null;
  const id = rest.slice(SPACES_PREFIX.length).split("/", 1)[0] ?? "";
  return USER_ID.test(id) ? id : null;
}
