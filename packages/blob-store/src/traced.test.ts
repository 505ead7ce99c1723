import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBytes } from "./bytes.ts";
import { blobStoreContract } from "./contract.ts";
import { FilesystemBlobStore } from "./filesystem.ts";
import { traced } from "./traced.ts";

// The wrapper must be the same store in every behaviour, spans or not.
blobStoreContract("traced filesystem", async () => {
  const root = await mkdtemp(join(tmpdir(), "blob-store-traced-"));
  return { store: traced(new FilesystemBlobStore({ root })), cleanup: () => rm(root, { recursive: true }) };
});

describe("traced spans", () => {
  const exporter = new InMemorySpanExporter();
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "blob-store-spans-"));
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
  });
  afterAll(async () => {
    trace.disable();
    context.disable();
    await rm(root, { recursive: true, force: true });
  });

  it("records one CLIENT span per operation, with sizes and outcomes but no path", async () => {
    const store = traced(new FilesystemBlobStore({ root }));
    const path = "users/u-secret-id/uploads/Private Name.csv";
    await store.put(path, "a,b\n1,2\n");
    await readBytes((await store.get(path, { range: { start: 0, end: 2 } })).body);
    await store.head(path);
    await store.head("nothing/here.txt");
    await store.list({ prefix: "users/" });
    await store.copy(path, `${path}.bak`);
    await store.delete(path);
    await expect(store.get(path)).rejects.toThrow();

    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual([
      "blob.put",
      "blob.get",
      "blob.head",
      "blob.head",
      "blob.list",
      "blob.copy",
      "blob.delete",
      "blob.get",
    ]);
    for (const span of spans) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.attributes["blob.store"]).toBe("filesystem");
      expect(JSON.stringify(span.attributes)).not.toMatch(/secret|Private|uploads/);
    }
    expect(spans[0]?.attributes["blob.size"]).toBe(8);
    expect(spans[1]?.attributes).toMatchObject({ "blob.range.start": 0, "blob.range.end": 2 });
    expect(spans[2]?.attributes["blob.found"]).toBe(true);
    expect(spans[3]?.attributes["blob.found"]).toBe(false);
    expect(spans[4]?.attributes["blob.count"]).toBe(1);
    expect(spans[7]?.status.code).toBe(SpanStatusCode.ERROR);
    expect(spans[7]?.attributes["error.type"]).toBe("BlobNotFoundError");
  });
});
