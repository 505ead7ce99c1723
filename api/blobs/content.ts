import { requireUser } from "../_lib/auth.js";
import { BlobError, blobToHttpError } from "../_lib/blob-errors.js";
import { blobNotFound, pathParam } from "../_lib/blob-query.js";
import { blobStore } from "../_lib/blob-store.js";
import { route } from "../_lib/route.js";

/** Parses one `bytes=a-b` range; several ranges or odd forms are answered whole, as RFC 9110 allows. */
function parseRange(header: string | null): { start: number; end?: number } | "suffix" | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  const [, from = "", to = ""] = m;
  if (from === "" && to === "") return null;
  if (from === "") return "suffix";
  const start = Number(from);
  if (to === "") return { start };
  const end = Number(to);
  if (end < start) return null;
  return { start, end };
}

/** `attachment; filename="a.csv"; filename*=UTF-8''a.csv`, safe for any name. */
function disposition(path: string): string {
  const name = path.split("/").pop() ?? "download";
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * GET /api/blobs/content?path= — the bytes of one of the caller's files (or of a result derived
 * from one, such as a thumbnail), streamed, with its stored type, a download name,
 * `nosniff` (a stored HTML file must never run as our page) and byte ranges (206/416).
 */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({
  GET: async (request) => {
    const { space } = await requireUser(request);
    const path = pathParam(new URL(request.url));
    const stored = space.toStore(path);
    const store = blobStore();
    let range = parseRange(request.headers.get("range"));
    if (range === "suffix") {
      // bytes=-N: the last N bytes, which needs the size first.
      const head = await store.head(stored);
      if (!head) throw blobNotFound(path);
      const n = Number(request.headers.get("range")?.split("-")[1]);
      range = { start: Math.max(0, head.size - n) };
    }
    let result: Awaited<ReturnType<typeof store.get>>;
    try {
      result = await store.get(
        stored,
        range ? { range, signal: request.signal } : { signal: request.signal },
      );
    } catch (error) {
      // Named by the caller's path, never the store's.
      if (error instanceof BlobError) throw blobToHttpError(error, path);
      throw error;
    }
    const { metadata } = result;
    const headers = new Headers({
      "content-type": metadata.contentType,
      "x-content-type-options": "nosniff",
      "content-disposition": disposition(path),
      "accept-ranges": "bytes",
      etag: `"${metadata.etag.replace(/"/g, "")}"`,
      "last-modified": metadata.uploadedAt.toUTCString(),
      "cache-control": "private, no-cache",
    });
    if (result.range) {
      headers.set("content-range", `bytes ${result.range.start}-${result.range.end}/${metadata.size}`);
      headers.set("content-length", String(result.range.end - result.range.start + 1));
      return new Response(result.body, { status: 206, headers });
    }
    headers.set("content-length", String(metadata.size));
    return new Response(result.body, { status: 200, headers });
  },
});
