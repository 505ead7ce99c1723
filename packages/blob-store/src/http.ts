/**
 * How a stored file is served over HTTP, in one place for every server that serves one (the app's
 * /api/blobs/content and the local Vercel Blob endpoint): byte ranges, If-Range, download names,
 * validators, and the headers that keep an uploaded file from ever running as the app's own page.
 */
import type { ByteRange } from "./types.ts";

/** A range to serve: bytes start..end inclusive, within the file. */
export interface SatisfiableRange extends ByteRange {
  end: number;
}

/**
 * The one `bytes=a-b`, `bytes=a-` or `bytes=-n` range of a Range header against a file of `size`
 * bytes (RFC 9110 §14). A last position past the end, however large, is the end. Several ranges, or
 * a malformed header, are answered with the whole file (null), as RFC 9110 allows; a range that
 * starts past the end is "unsatisfiable" (416).
 *
 * @example parseRange("bytes=0-9007199254740993", 10) // { start: 0, end: 9 }
 */
export function parseRange(header: string | null, size: number): SatisfiableRange | "unsatisfiable" | null {
  if (header === null) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  const [, first = "", last = ""] = m;
  if (first === "" && last === "") return null;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  // Digits beyond what a double holds exactly are past any real file's end.
  const start = first.length > 15 ? Number.POSITIVE_INFINITY : Number(first);
  if (start >= size) return "unsatisfiable";
  if (last === "") return { start, end: size - 1 };
  const end = last.length > 15 ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return null;
  return { start, end };
}

/**
 * The status and length headers of an answer that carries a whole file (200) or one range of it
 * (206), as the store's get() answered it.
 *
 * @example servedBytes({ start: 0, end: 9 }, 100)
 * // { status: 206, headers: { "content-range": "bytes 0-9/100", "content-length": "10" } }
 */
export function servedBytes(
  range: { start: number; end: number } | null,
  size: number,
): { status: 200 | 206; headers: Record<string, string> } {
  if (range === null) return { status: 200, headers: { "content-length": String(size) } };
  return {
    status: 206,
    headers: {
      "content-range": `bytes ${range.start}-${range.end}/${size}`,
      "content-length": String(range.end - range.start + 1),
    },
  };
}

/** The header of a 416 answer: the file's size, for a range that lies outside it. */
export function unsatisfiableRange(size: number): Record<string, string> {
  return { "content-range": `bytes */${size}` };
}

/** An etag without quotes or the weak prefix: what two spellings of one validator share. */
export function bareEtag(etag: string): string {
  let e = etag.trim();
  if (e.startsWith("W/")) e = e.slice(2);
  if (e.length >= 2 && e.startsWith('"') && e.endsWith('"')) e = e.slice(1, -1);
  return e;
}

/** An etag as a header carries it: quoted. */
export function quotedEtag(etag: string): string {
  return etag.startsWith('"') || etag.startsWith("W/") ? etag : `"${etag}"`;
}

/** True when `wanted` (from If-Match, If-None-Match, If-Range) names the current etag, or is "*". */
export function etagMatches(current: string, wanted: string): boolean {
  return wanted.trim() === "*" || bareEtag(current) === bareEtag(wanted);
}

/**
 * The Range header to honour: the request's own, unless an If-Range names another version (an
 * etag that differs, or a date other than the file's), in which case the whole file is sent.
 */
export function rangeToHonour(
  headers: Headers,
  current: { etag: string; lastModified: Date },
): string | null {
  const range = headers.get("range");
  const ifRange = headers.get("if-range");
  if (range === null || ifRange === null) return range;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith("W/")) {
    // A weak validator never matches for If-Range (RFC 9110 §13.1.5).
    return !value.startsWith("W/") && bareEtag(value) === bareEtag(current.etag) ? range : null;
  }
  const date = Date.parse(value);
  return Number.isFinite(date) && Math.floor(current.lastModified.getTime() / 1000) === date / 1000
    ? range
    : null;
}

/** `attachment; filename="a.csv"`, with `filename*` for names beyond ASCII: safe for any name. */
export function contentDisposition(kind: "inline" | "attachment", path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1) || "download";
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const star = ascii === name ? "" : `; filename*=UTF-8''${encodeURIComponent(name)}`;
  return `${kind}; filename="${ascii}"${star}`;
}

/** Types a browser shows without running anything in them: raster images, plain text, CSV. */
const SHOWN_INLINE = /^(?:image\/(?:png|jpeg|gif|webp|avif)|text\/(?:plain|csv|tab-separated-values))$/i;

/** Whether a type may be shown in the browser rather than only downloaded. */
export function mayShowInline(contentType: string): boolean {
  return SHOWN_INLINE.test(contentType.split(";")[0]?.trim() ?? "");
}

/**
 * Headers for serving any stored file, whatever its type: the browser must not guess a type
 * (nosniff), and the file, if a page, runs in a sandbox with no script, on an origin of its own,
 * and in no frame of another site; so an uploaded HTML or SVG can never act as the app.
 */
export const SERVED_FILE_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "content-security-policy":
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'none'",
  "cross-origin-resource-policy": "same-site",
};
