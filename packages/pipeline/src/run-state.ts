/**
 * What every step of a run checks and writes about the run itself: whether this attempt still owns
 * the result document, and how it marks it failed. Plain functions, shared by the step files.
 */
import { FatalError } from "workflow";
import type { UnprocessableError } from "./analyze.ts";
import { pipelineContext } from "./context.ts";
import { updateResult } from "./documents.ts";
import type { BlobResult } from "./result.ts";
import type { ProcessInput } from "./steps.ts";

export function now(): Date {
  return (pipelineContext().now ?? (() => new Date()))();
}

/** Only the attempt that owns the document may change it, and a finished document stays finished. */
export function owns(doc: BlobResult, input: ProcessInput): boolean {
  return doc.attempt === input.attempt && doc.status !== "done" && doc.status !== "failed";
}

/** Marks the attempt failed with a reason, unless it is no longer this run's to mark. */
export async function markFailed(
  input: ProcessInput,
  error: { code: string; message: string },
): Promise<void> {
  const at = now().toISOString();
  await updateResult(pipelineContext().store, input.path, input.etag, (doc) =>
    owns(doc, input)
      ? {
          ...doc,
          status: "failed",
          error,
          timings: { ...doc.timings, finishedAt: at, durationMs: elapsed(doc, at) },
          updatedAt: at,
        }
      : null,
  );
}

/** Writes the failure a retry cannot fix, then stops the run without further retries. */
export async function giveUp(input: ProcessInput, error: UnprocessableError): Promise<never> {
  await markFailed(input, { code: error.code, message: error.message });
  throw new FatalError(error.message);
}

export function elapsed(doc: BlobResult, at: string): number | null {
  return doc.timings.startedAt ? Date.parse(at) - Date.parse(doc.timings.startedAt) : null;
}
