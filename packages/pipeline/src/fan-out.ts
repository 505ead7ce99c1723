/**
 * Fan-out/fan-in inside the workflow: every chunk of a large CSV in its own step, a bounded number at
 * a time, then one merge step. Workflow code: deterministic, no I/O of its own, only step calls (each
 * a function invocation of its own on Vercel; concurrent in the local world).
 */
import type { AnalysisOutput } from "./analyze.ts";
import { analyzeChunk, mergeChunks } from "./chunk-steps.ts";
import type { ChunkedRun, ChunkOutcome } from "./chunked.ts";
import type { ProcessInput } from "./steps.ts";

/**
 * `count` calls of `task`, at most `limit` at once, results in index order. A sliding window rather
 * than batches: a slow chunk holds up one slot, not a whole batch. On replay the engine settles the
 * steps in the order of its log, so the calls are made in the same order again.
 */
export async function inParallel<T>(
  count: number,
  limit: number,
  task: (index: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(count, Math.max(1, limit)) }, lane));
  return results;
}

/** The analysis of a chunked run: chunks in parallel, wrong cuts redone, one merge. */
export async function analyzeInChunks(input: ProcessInput, run: ChunkedRun): Promise<AnalysisOutput> {
  const outcomes: ChunkOutcome[] = await inParallel(run.plan.count, run.parallel, (i) =>
    analyzeChunk(input, run, i, i),
  );
  for (;;) {
    const merged = await mergeChunks(input, run, outcomes);
    if ("output" in merged) return merged.output;
    // A cut fell inside a quoted field: the range before it, started right, did not end clean. It
    // and the next are analysed again as one range, from that right start.
    const a = outcomes[merged.redo] as ChunkOutcome;
    const b = outcomes[merged.redo + 1] as ChunkOutcome;
    outcomes.splice(merged.redo, 2, await analyzeChunk(input, run, a.first, b.last));
  }
}
