/**
 * The work inside the chunk steps, as plain functions: plan how a large CSV is cut, read one chunk's
 * byte range from the store, and merge the partial results into the file's statistics. Only step
 * functions import this module (it reaches node: modules through the processors).
 */
import { deserialize, serialize } from "node:v8";
import type { BlobStore } from "@repo/blob-store/types";
import {
  analyzeCsvChunks,
  CHUNK_PLAN_HEAD_BYTES,
  type CsvChunkPlan,
  type CsvChunkResult,
  type CsvPartial,
  mergeCsvPartialsInto,
  planCsvChunks,
  summarizeCsv,
} from "@repo/processors/csv";
import {
  isTypeMismatch,
  readWhole,
  reusedChunksOf,
  SNIFF_HEAD_BYTES,
  sniffType,
} from "@repo/processors/sniff";
import {
  type AnalysisOutput,
  type BlobVersion,
  type Inspection,
  openVersion,
  READ_BUFFER_BYTES,
} from "./analyze.ts";
import { chunkPartialPath, type FileFacts } from "./result.ts";

/** What every chunk step of a run gets: the cut, and the facts the head already gave. */
export interface ChunkedRun {
  plan: CsvChunkPlan;
  /** Chunk steps at once. */
  parallel: number;
  /** The file's facts but its hash, which no chunk can compute alone (see {@link FileFacts.sha256}). */
  facts: Omit<FileFacts, "sha256">;
}

/**
 * One chunk's outcome, as a step returns it: where its rows began and ended, whether they ended
 * clean, and where its partial result waits for the merge. The partial itself (fixed-size sketches
 * and bounded exact tables, ~40 KB a column) stays out of the engine's event log: every replay of
 * the run reads the whole log, so hundreds of partials in it would make each step's bookkeeping
 * cost grow with the file (measured: 100 chunks of partials in the log took over 45 s in the local
 * world; with outcomes of ~200 bytes, 16 s).
 */
export interface ChunkOutcome extends Omit<CsvChunkResult, "partial"> {
  /** The stored partial: its path and its size in bytes. */
  partial: { path: string; size: number };
  ms: number;
}

/** Past the range's nominal end, the bytes a first read asks for to find the line feed ending it. */
const TAIL_BYTES = 64 * 1024;
/** Each further read, in the rare case the last row of a range is longer than that. */
const MORE_BYTES = 4 * 1024 * 1024;

/**
 * The chunked plan of a CSV version larger than `chunkBytes`, or null when it is analysed in one
 * pass (small, or a first row too long to plan from).
 */
export async function planChunkedRun(
  store: BlobStore,
  version: BlobVersion,
  inspection: Inspection,
  settings: { chunkBytes: number; parallel: number },
): Promise<ChunkedRun | null> {
  if (inspection.kind !== "csv" || inspection.size <= settings.chunkBytes) return null;
  const got = await openVersion(store, version, {
    start: 0,
    end: Math.min(inspection.size, CHUNK_PLAN_HEAD_BYTES) - 1,
  });
  const head = new Uint8Array(await new Response(got.body).arrayBuffer());
  const plan = planCsvChunks(head, inspection.size, settings.chunkBytes);
  if (!plan) return null;
  // As the single pass sniffs: its first bytes, complete when they are the whole file.
  const sniffed = sniffType(head, { complete: inspection.size <= SNIFF_HEAD_BYTES });
  return {
    plan,
    parallel: Math.max(1, Math.floor(settings.parallel)),
    facts: {
      size: inspection.size,
      sniffedType: sniffed.mime,
      description: sniffed.description,
      claimedType: inspection.contentType,
      mismatch: isTypeMismatch(inspection.contentType, sniffed.mime),
    },
  };
}

/**
 * The version's bytes from `from` on, in ranged reads: the first asks for `firstBytes`, the next
 * ones (only if the reader wants more) for a few MiB each. Stopping early cancels the open read.
 * Each piece is valid until the next is asked for (one reused buffer): the accumulator copies it.
 */
async function* readFrom(
  store: BlobStore,
  version: BlobVersion,
  size: number,
  from: number,
  firstBytes: number,
): AsyncGenerator<Uint8Array> {
  let at = from;
  let want = firstBytes;
  while (at < size) {
    const end = Math.min(size, at + want) - 1;
    const got = await openVersion(store, version, { start: at, end });
    for await (const bytes of reusedChunksOf(got.body, READ_BUFFER_BYTES)) {
      at += bytes.length;
      yield bytes;
    }
    want = MORE_BYTES;
  }
}

/**
 * Analyses chunks `first` … `last` of the run (one chunk, or adjacent ones redone together) and
 * stores the partial result; a retry writes the same key again.
 */
export async function analyzeChunkRange(
  store: BlobStore,
  version: BlobVersion & { attempt: number },
  plan: CsvChunkPlan,
  first: number,
  last: number,
): Promise<ChunkOutcome> {
  const started = performance.now();
  const nominalEnd = Math.min(plan.size, (last + 1) * plan.chunkBytes);
  const { partial, ...result } = await analyzeCsvChunks(plan, first, last, (at) =>
    readFrom(store, version, plan.size, at, nominalEnd - at + TAIL_BYTES),
  );
  const at = chunkPartialPath(version.path, version.etag, { attempt: version.attempt, first, last });
  // v8's format keeps the typed arrays as they are; writer and reader are the same deployment.
  const bytes = serialize(partial);
  await store.put(at, bytes, {
    contentType: "application/octet-stream",
    overwrite: true,
    meta: { derivedFrom: version.path },
  });
  return { ...result, partial: { path: at, size: bytes.length }, ms: performance.now() - started };
}

/**
 * A stored partial, read into one buffer of its size (its typed arrays are views of that buffer
 * after deserializing): no chunks to concatenate, for a merge that reads hundreds of them.
 */
async function readPartial(store: BlobStore, at: string): Promise<CsvPartial> {
  const got = await store.get(at);
  return deserialize(await readWhole(got.body, got.metadata.size)) as CsvPartial;
}

/**
 * Removes the partials an attempt stored (redone ranges' first partials included), once its result
 * is written or it has failed.
 */
export async function dropPartials(
  store: BlobStore,
  version: BlobVersion & { attempt: number },
): Promise<number> {
  const prefix = chunkPartialPath(version.path, version.etag, {
    attempt: version.attempt,
    first: 0,
    last: 0,
  }).replace(/0-0\.bin$/, "");
  let removed = 0;
  // store.list, not @repo/blob-store/list-all: the step bundle requires what it imports at run time,
  // and that entry has no CommonJS build.
  for (let cursor: string | null = null; ; ) {
    const page = await store.list({ prefix, limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const blob of page.blobs) if (await store.delete(blob.path)) removed++;
    cursor = page.cursor;
    if (!cursor) return removed;
  }
}

/**
 * The file's analysis from its chunks' outcomes, in file order. `sha256` comes from the etag when
 * the store's etag is the content's SHA-256 (the filesystem store's), else it is unknown.
 */
export async function mergeChunkOutcomes(
  store: BlobStore,
  version: BlobVersion,
  run: ChunkedRun,
  outcomes: readonly ChunkOutcome[],
): Promise<AnalysisOutput> {
  // One stored partial at a time, in file order: memory holds two, whatever the chunk count. The
  // first one read is this merge's own, so the others merge into its arrays instead of new ones.
  let merged: CsvPartial | null = null;
  for (const o of outcomes) {
    const partial = await readPartial(store, o.partial.path);
    merged = merged ? mergeCsvPartialsInto(merged, partial) : partial;
  }
  if (!merged) throw new Error("no chunks to merge");
  const hash = /^"?sha256:([0-9a-f]{64})"?$/.exec(version.etag)?.[1] ?? null;
  return {
    file: { ...run.facts, sha256: hash },
    csv: summarizeCsv(merged),
    image: null,
    analysisMs: outcomes.reduce((sum, o) => sum + o.ms, 0),
  };
}
