import { BlobInvalidPathError } from "./errors.ts";

/**
 * Blob paths are the store's own names: "uploads/2026/report.csv". Every store validates them the
 * same way, so a path that works on the filesystem store works on Vercel Blob and the other way
 * round, and no path can name anything outside the store.
 */

/** The longest path, in UTF-8 bytes (Vercel Blob's pathname limit is about 950; this leaves room). */
export const MAX_PATH_BYTES = 900;

/** The longest segment, in UTF-8 bytes: the common filesystem limit on one name. */
export const MAX_SEGMENT_BYTES = 255;

/**
 * Segments the filesystem store keeps for itself: a blob's metadata is the file `~blob.json` inside
 * the directory named after the blob, so no user segment may have that name (compared without case,
 * for case-insensitive filesystems). Every store rejects it, so paths stay portable.
 */
export const RESERVED_SEGMENTS: readonly string[] = ["~blob.json"];

// Control characters (General Category Cc): C0 (U+0000–U+001F), DEL and C1 (U+0080–U+009F).
const CONTROL = /\p{Cc}/u;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const EDGE_WHITESPACE = /^\s|\s$/u;
/**
 * Bidirectional controls reorder what a name looks like ("a\u202Egnp.exe" shows as "aexe.png"):
 * LRM, RLM, ALM, the embeddings and overrides, and the isolates.
 */
const BIDI_CONTROL = /[\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069]/u;
/** What a decoder puts in place of bytes that are not UTF-8: two different inputs, one name. */
const REPLACEMENT = "\uFFFD";
const PERCENT_ESCAPE = /%([0-9a-fA-F]{2})/g;

/** UTF-8 length without allocating: 1 to 4 bytes per code point (surrogate pairs count as one). */
export function utf8ByteLength(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Decodes %XX escapes until nothing changes, byte by byte (so malformed UTF-8 never throws), to see
 * what a segment becomes for a server or proxy that decodes once, twice or more.
 */
function percentDecodeFully(segment: string): string {
  let current = segment;
  for (let round = 0; round < 8 && current.includes("%"); round++) {
    const next = current.replace(PERCENT_ESCAPE, (_, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );
    if (next === current) break;
    current = next;
  }
  return current;
}

/**
 * A character that compatibility normalization (NFKC) turns into a dot or two, a slash or a
 * backslash: a fullwidth "．" or "／", a one-dot leader "․", a two-dot leader "‥". Some systems fold
 * them, so "．．" could act as "..". (An ellipsis "…" folds to "...", a name like any other.)
 */
function looksLikeSeparator(path: string): boolean {
  for (const ch of path) {
    if (ch.charCodeAt(0) < 0x80) continue;
    const folded = ch.normalize("NFKC");
    if (folded === "." || folded === ".." || folded.includes("/") || folded.includes("\\")) return true;
  }
  return false;
}

/** Why a single segment (no "/") is not allowed, or null when it is. */
function segmentProblem(segment: string): string | null {
  if (segment === "") return "empty segment (two slashes in a row)";
  if (EDGE_WHITESPACE.test(segment)) {
    return `segment ${JSON.stringify(segment)} starts or ends with whitespace`;
  }
  if (segment === "." || segment === "..") return `segment ${JSON.stringify(segment)} is not allowed`;
  const decoded = percentDecodeFully(segment);
  if (decoded !== segment) {
    if (decoded === "." || decoded === "..") {
      return `segment ${JSON.stringify(segment)} decodes to ${JSON.stringify(decoded)}`;
    }
    if (decoded.includes("/") || decoded.includes("\\") || CONTROL.test(decoded)) {
      return `segment ${JSON.stringify(segment)} hides a slash, backslash or control character in percent-escapes`;
    }
  }
  if (utf8ByteLength(segment) > MAX_SEGMENT_BYTES) {
    return `a segment is longer than ${MAX_SEGMENT_BYTES} bytes`;
  }
  const lower = segment.toLowerCase();
  if (RESERVED_SEGMENTS.includes(lower)) return `segment ${JSON.stringify(segment)} is reserved by the store`;
  return null;
}

function pathProblem(input: unknown): { reason: string; path: string } | { normalized: string } {
  if (typeof input !== "string") return { reason: "not a string", path: String(input) };
  if (input === "") return { reason: "empty", path: input };
  if (LONE_SURROGATE.test(input)) return { reason: "not well-formed Unicode (lone surrogate)", path: input };
  const path = input.normalize("NFC");
  if (CONTROL.test(path)) return { reason: "contains a NUL or control character", path };
  if (path.includes(REPLACEMENT)) {
    return {
      reason: "contains U+FFFD (bytes that were not valid UTF-8 turn into it, so names collide)",
      path,
    };
  }
  if (BIDI_CONTROL.test(path)) {
    return { reason: "contains a bidirectional control character, which disguises the name", path };
  }
  if (looksLikeSeparator(path)) {
    return {
      reason: "contains a character that stands for a dot, slash or backslash (e.g. a fullwidth dot)",
      path,
    };
  }
  if (path.includes("\\")) return { reason: "contains a backslash; use forward slashes", path };
  if (path.startsWith("/")) return { reason: "absolute (starts with /); paths are relative", path };
  if (path.endsWith("/")) return { reason: "ends with /; a blob path names a file, not a folder", path };
  if (utf8ByteLength(path) > MAX_PATH_BYTES) return { reason: `longer than ${MAX_PATH_BYTES} bytes`, path };
  for (const segment of path.split("/")) {
    const problem = segmentProblem(segment);
    if (problem !== null) return { reason: problem, path };
  }
  return { normalized: path };
}

/**
 * Validates a blob path and returns its canonical form (Unicode NFC), so "café.txt" typed on macOS
 * (NFD) and on Linux (NFC) name the same blob. Nothing is trimmed or repaired: a path that is not
 * already acceptable is refused.
 *
 * Refused: empty; absolute ("/x"); backslashes; NUL and other C0/C1 control characters; lone
 * surrogates; U+FFFD (what invalid UTF-8 decodes to); bidirectional controls; characters that
 * compatibility-fold to a dot, slash or backslash (fullwidth "．", "／"); "." and ".." segments, also when percent-encoded ("%2e%2E", "%252e%252e"); segments
 * that percent-decode to a slash, backslash or control character; empty segments ("a//b"); a
 * trailing "/"; whitespace at either end of a segment; a segment over 255 UTF-8 bytes; a path over
 * 900 UTF-8 bytes; the store's reserved segment names (see RESERVED_SEGMENTS).
 *
 * @throws BlobInvalidPathError, whose `details.reason` says what is wrong
 * @example normalizeBlobPath("uploads/cafe\u0301.txt") // "uploads/café.txt" (NFC)
 */
export function normalizeBlobPath(input: string): string {
  const result = pathProblem(input);
  if ("reason" in result) throw new BlobInvalidPathError(result.path, result.reason);
  return result.normalized;
}

/** True when `normalizeBlobPath` would accept the path. */
export function isValidBlobPath(input: string): boolean {
  return "normalized" in pathProblem(input);
}

/** True when one segment (no "/") is acceptable on its own; used to walk list prefixes safely. */
export function isValidBlobPathSegment(segment: string): boolean {
  return !segment.includes("/") && isValidBlobPath(segment);
}
