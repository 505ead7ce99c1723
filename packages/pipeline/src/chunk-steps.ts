/**
 * The steps of a chunked analysis: one per byte range of a large CSV, and the merge. Each chunk step
 * reads only its range (ranged GETs), stores its partial result (fixed-size sketches) beside the
 * result document and returns where; the engine keeps that outcome in the run's event log, so a
 * chunk that finished is never analysed again, and one that failed or crashed is retried alone.
 */
import { nextRedo } from "@repo/processors/csv";
import { type AnalysisOutput, UnprocessableError } from "./analyze.ts";
import {
  analyzeChunkRange,
  type ChunkedRun,
  type ChunkOutcome,
  dropPartials,
  mergeChunkOutcomes,
} from "./chunked.ts";
import { pipelineContext } from "./context.ts";
import { updateResult } from "./documents.ts";
import { giveUp, owns } from "./run-state.ts";
import type { ProcessInput } from "./steps.ts";

/**
 * Analyses chunks `first` … `last` (one chunk; several only when the merge has a wrong cut redone)
 * and, for a first analysis, counts the chunk done in the result document.
 */
export async function analyzeChunk(
  input: ProcessInput,
  run: ChunkedRun,
  first: number,
  last: number,
): Promise<ChunkOutcome> {
  "use step";
  const { store } = pipelineContext();
  let outcome: ChunkOutcome;
  try {
    outcome = await analyzeChunkRange(store, input, run.plan, first, last);
  } catch (error) {
    if (error instanceof UnprocessableError) return await giveUp(input, error);
    throw error;
  }
  // Said by the process that ran the step: with several workers on one queue (the Postgres world),
  // each worker's log tells which chunks it analysed.
  console.log(`[pipeline] ${input.path}: chunk ${first === last ? first : `${first}-${last}`} analysed`);
  if (first === last) {
    const bytes = outcome.end - outcome.start;
    // By index, so that a step retried after this write does not count its chunk twice. Progress
    // only: a lost write must not cost the analysis, and the last step writes the whole count.
    await updateResult(store, input.path, input.etag, (doc) => {
      const chunks = doc.chunks;
      if (!owns(doc, input) || doc.status !== "processing" || !chunks) return null;
      const finished = chunks.finished ?? [];
      if (finished.includes(first)) return null;
      return {
        ...doc,
        chunks: {
          ...chunks,
          done: chunks.done + 1,
          bytes: chunks.bytes + bytes,
          finished: [...finished, first].sort((a, b) => a - b),
        },
        progress: { bytes: chunks.bytes + bytes, total: run.plan.size },
        updatedAt: new Date().toISOString(),
      };
    }).catch((error: unknown) => console.warn(`[pipeline] progress of ${input.path} not saved:`, error));
  }
  return outcome;
}

/**
 * Merges the chunks' partial results into the file's analysis, or names the range that must be
 * analysed again first: one that did not end where the next began (a cut inside a quoted field).
 */
export async function mergeChunks(
  input: ProcessInput,
  run: ChunkedRun,
  outcomes: ChunkOutcome[],
): Promise<{ redo: number } | { output: AnalysisOutput }> {
  "use step";
  const redo = nextRedo(outcomes);
  if (redo >= 0) return { redo };
  return { output: await mergeChunkOutcomes(pipelineContext().store, input, run, outcomes) };
}

/** After the result is written: the partials have served their purpose. */
export async function dropChunkPartials(input: ProcessInput): Promise<void> {
  "use step";
  // Tidying only: the result is written, and a leftover is removed with the file's other derived blobs.
  await dropPartials(pipelineContext().store, input).catch((error: unknown) =>
    console.warn(`[pipeline] partials of ${input.path} not removed:`, error),
  );
}
