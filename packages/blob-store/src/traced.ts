import { inSpan, packageTracer, type Span, SpanKind } from "@repo/telemetry/span";
import type { BlobMetadata, BlobStore, GetResult, ListResult } from "./types.ts";

const tracer = packageTracer("@repo/blob-store");

/**
 * The same store with one CLIENT span per operation (`blob.put`, `blob.get`, …): a no-op until an
 * SDK is registered. Spans say which store, what happened and how many bytes — never the path:
 * paths hold a user's id and their own file names, which a trace vendor has no need to keep.
 * A `get` span ends when the body starts to arrive; the read is the caller's, and its time shows
 * in the caller's span.
 *
 * @example const store = traced(new FilesystemBlobStore({ root }));
 */
export function traced(store: BlobStore): BlobStore {
  const span = <T>(operation: string, run: (span: Span) => Promise<T>) =>
    inSpan(
      tracer,
      `blob.${operation}`,
      { kind: SpanKind.CLIENT, attributes: { "blob.store": store.kind, "blob.operation": operation } },
      run,
    );
  const sized = (s: Span, metadata: BlobMetadata) => {
    s.setAttribute("blob.size", metadata.size);
    return metadata;
  };
  return {
    kind: store.kind,
    put: (path, body, options) => span("put", async (s) => sized(s, await store.put(path, body, options))),
    get: (path, options) =>
      span("get", async (s): Promise<GetResult> => {
        const result = await store.get(path, options);
        sized(s, result.metadata);
        if (result.range)
          s.setAttributes({ "blob.range.start": result.range.start, "blob.range.end": result.range.end });
        return result;
      }),
    head: (path) =>
      span("head", async (s) => {
        const metadata = await store.head(path);
        s.setAttribute("blob.found", metadata !== null);
        return metadata && sized(s, metadata);
      }),
    list: (options) =>
      span("list", async (s): Promise<ListResult> => {
        const result = await store.list(options);
        s.setAttribute("blob.count", result.blobs.length);
        return result;
      }),
    delete: (path) =>
      span("delete", async (s) => {
        const deleted = await store.delete(path);
        s.setAttribute("blob.found", deleted);
        return deleted;
      }),
    copy: (from, to, options) => span("copy", async (s) => sized(s, await store.copy(from, to, options))),
  };
}
