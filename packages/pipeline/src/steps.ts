/**
 * The steps of the blob trigger. Each is retried on its own (a crash or a transient store error
 * repeats the step, not the whole run), and each write it makes is idempotent: the same keys, a
 * compare-and-swap on the result document, and a guard that only the current attempt may write.
 */
import { FatalError, getWorkflowMetadata } from "workflow";
import {
  type AnalysisOutput,
  analyzeVersion,
  type BlobVersion,
  type Inspection,
  inspectVersion,
  UnprocessableError,
} from "./analyze.ts";
import { type ChunkedRun, dropPartials, planChunkedRun } from "./chunked.ts";
import { DEFAULT_CHUNK_BYTES, DEFAULT_CHUNK_PARALLEL, pipelineContext } from "./context.ts";
import { updateResult } from "./documents.ts";
import { elapsed, giveUp, markFailed, now, owns } from "./run-state.ts";

export interface ProcessInput extends BlobVersion {
  /** Which attempt this run is: a run that is no longer the current attempt writes nothing. */
  attempt: number;
}

/** How often a running analysis writes its progress into the result document. */
const PROGRESS_EVERY_MS = 750;

/**
 * Step 1, which opens the run: the version is still current; its kind comes from its first bytes;
 * status → processing. (Starting a run at all is the trigger's job: triggerBlob, restartBlob.)
 */
export async function openRun(input: ProcessInput): Promise<Inspection & { chunked: ChunkedRun | null }> {
  "use step";
  const { store, chunkBytes, chunkParallel } = pipelineContext();
  const { workflowRunId } = getWorkflowMetadata();
  let inspection: Inspection;
  let chunked: ChunkedRun | null;
  try {
    inspection = await inspectVersion(store, input);
    chunked = await planChunkedRun(store, input, inspection, {
      chunkBytes: chunkBytes ?? DEFAULT_CHUNK_BYTES,
      parallel: chunkParallel ?? DEFAULT_CHUNK_PARALLEL,
    });
  } catch (error) {
    if (error instanceof UnprocessableError) return await giveUp(input, error);
    throw error;
  }
  const at = now().toISOString();
  const doc = await updateResult(store, input.path, input.etag, (current) =>
    owns(current, input)
      ? {
          ...current,
          status: "processing",
          runId: workflowRunId,
          kind: inspection.kind,
          progress: { bytes: 0, total: inspection.size },
          // A restarted attempt starts its count again: its chunks are new steps.
          chunks: chunked ? { count: chunked.plan.count, done: 0, bytes: 0, finished: [] } : null,
          timings: { ...current.timings, startedAt: current.timings.startedAt ?? at },
          updatedAt: at,
        }
      : null,
  );
  if (!doc) {
    throw new FatalError(
      "This run is no longer the current attempt for the file, or its result was removed.",
    );
  }
  return { ...inspection, chunked };
}

/** Step 2: the input binding and the processor, in one streaming pass. */
export async function analyzeBlob(input: ProcessInput, inspection: Inspection): Promise<AnalysisOutput> {
  "use step";
  const { store, csvWorkers } = pipelineContext();
  let last = 0;
  let writing: Promise<unknown> = Promise.resolve();
  const onProgress = (bytes: number) => {
    const t = Date.now();
    if (t - last < PROGRESS_EVERY_MS) return;
    last = t;
    // One progress write at a time, never awaited by the reader: progress must not slow the analysis.
    writing = writing.then(() =>
      updateResult(store, input.path, input.etag, (doc) =>
        owns(doc, input) && doc.status === "processing"
          ? { ...doc, progress: { bytes, total: inspection.size }, updatedAt: new Date().toISOString() }
          : null,
      ).catch((error: unknown) => console.warn(`[pipeline] progress of ${input.path} not saved:`, error)),
    );
  };
  try {
    return await analyzeVersion(store, input, inspection.kind, {
      onProgress,
      ...(csvWorkers === undefined ? {} : { csvWorkers }),
    });
  } catch (error) {
    if (error instanceof UnprocessableError) return await giveUp(input, error);
    throw error;
  } finally {
    await writing;
  }
}
analyzeBlob.maxRetries = 2;

/** Step 3: the output binding's commit point: the whole result, in one atomic write. */
export async function finishProcessing(
  input: ProcessInput,
  output: AnalysisOutput,
): Promise<{ status: "done"; kind: string }> {
  "use step";
  const at = now().toISOString();
  const doc = await updateResult(pipelineContext().store, input.path, input.etag, (current) =>
    owns(current, input)
      ? {
          ...current,
          status: "done",
          file: output.file,
          csv: output.csv,
          image: output.image,
          progress: { bytes: output.file.size, total: output.file.size },
          // Every chunk is in the merged result; the per-chunk list has served its purpose.
          chunks: current.chunks
            ? { count: current.chunks.count, done: current.chunks.count, bytes: output.file.size }
            : null,
          timings: {
            ...current.timings,
            finishedAt: at,
            durationMs: elapsed(current, at),
            analysisMs: Math.round(output.analysisMs),
          },
          error: null,
          updatedAt: at,
        }
      : null,
  );
  if (!doc) throw new FatalError("This run is no longer the current attempt for the file.");
  return { status: "done", kind: doc.kind ?? "file" };
}

/** When a step gave up after its retries: say so in the document, unless it already says why. */
export async function failProcessing(input: ProcessInput, message: string): Promise<void> {
  "use step";
  await markFailed(input, {
    code: "processing_failed",
    message: `Processing failed after retries: ${message}`,
  });
  // A chunked attempt may have left partials of its chunks; nothing will merge them now.
  await dropPartials(pipelineContext().store, input).catch((error: unknown) =>
    console.warn(`[pipeline] partials of ${input.path} not removed:`, error),
  );
}
