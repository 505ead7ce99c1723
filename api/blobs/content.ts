import { BlobRangeNotSatisfiableError } from "@repo/blob-store/errors";
import {
  contentDisposition,
  parseRange,
  quotedEtag,
  rangeToHonour,
  type SatisfiableRange,
  SERVED_FILE_HEADERS,
  servedBytes,
} from "@repo/blob-store/http";
import { findFile } from "@repo/files/files";
import { requireUser } from "../_lib/auth.js";
import { BlobError, blobToHttpError } from "../_lib/blob-errors.js";
import { blobPath } from "../_lib/blob-query.js";
import { blobStore } from "../_lib/blob-store.js";
import { route } from "../_lib/route.js";

/**
 * GET /api/blobs/content?path= — the bytes of one of the caller's files (or of a result derived
 * from one, such as a thumbnail), streamed, with its stored type, as a download, with byte ranges
 * (206/416, If-Range honoured). Whatever was uploaded never runs as our page: nosniff, and a
 * sandboxing Content-Security-Policy.
 */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = route({
  GET: async (request) => {
    const { space } = await requireUser(request);
    const path = blobPath(request);
    const stored = space.toStore(path);
    const store = blobStore();
    try {
      let range: SatisfiableRange | null = null;
      if (request.headers.has("range")) {
        // A range is read against the file's size and version, so those come first.
        const head = await findFile(store, space, path);
        const honoured = rangeToHonour(request.headers, { etag: head.etag, lastModified: head.uploadedAt });
        const parsed = parseRange(honoured, head.size);
        if (parsed === "unsatisfiable") throw new BlobRangeNotSatisfiableError(stored, head.size);
        range = parsed;
      }
      const result = await store.get(
        stored,
        range ? { range, signal: request.signal } : { signal: request.signal },
      );
      const { metadata } = result;
      const bytes = servedBytes(result.range, metadata.size);
      const headers = new Headers({
        ...SERVED_FILE_HEADERS,
        "content-type": metadata.contentType,
        "content-disposition": contentDisposition("attachment", path),
        "accept-ranges": "bytes",
        etag: quotedEtag(metadata.etag),
        "last-modified": metadata.uploadedAt.toUTCString(),
        "cache-control": "private, no-cache",
        ...bytes.headers,
      });
      return new Response(result.body, { status: bytes.status, headers });
    } catch (error) {
      // Named by the caller's path, never the store's.
      if (error instanceof BlobError) throw blobToHttpError(error, path);
      throw error;
    }
  },
});
