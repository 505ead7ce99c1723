/**
 * The trigger side of the pipeline, plain server code that api/ functions call: start processing a
 * new blob version exactly once in effect, or restart one on request or from the timer (the timer's
 * sweep is reconcile.ts). The engine is reached through `startRun` and `runStatus`, so tests can
 * watch what would be started.
 */
import type { BlobStore } from "@repo/blob-store/types";
import { getRun, start } from "workflow/api";
import { createResult, readResult, updateResult } from "./documents.ts";
import { PipelineError } from "./errors.ts";
import { type BlobResult, isDerivedPath, queuedResult, type TriggerReason } from "./result.ts";
import type { ProcessInput } from "./steps.ts";

/** The id `workflow build` gives processBlob (see .well-known/workflow/v1/manifest.json). */
export const PROCESS_BLOB_WORKFLOW = { workflowId: "workflow//./src/process-blob//processBlob" } as const;

export type RunStatus = "pending" | "running" | "completed" | "failed" | "cancelled" | "missing";

export interface Engine {
  /** Starts one processBlob run; resolves with its run id once the engine has it. */
  startRun(input: ProcessInput): Promise<string>;
  runStatus(runId: string): Promise<RunStatus>;
}

/** The Workflow SDK: the local world by default, Vercel's when deployed there. */
export const workflowEngine: Engine = {
  async startRun(input) {
    // start() wants the compiled function's metadata; from plain code that is its workflow id.
    const run = await start(PROCESS_BLOB_WORKFLOW as unknown as (input: ProcessInput) => Promise<unknown>, [
      input,
    ]);
    return run.runId;
  },
  async runStatus(runId) {
    try {
      return await getRun(runId).status;
    } catch (error) {
      if (error instanceof Error && error.name === "WorkflowRunNotFoundError") return "missing";
      throw error;
    }
  },
};

export interface TriggerDeps {
  store: BlobStore;
  engine?: Engine;
  now?: () => Date;
}

export interface TriggerOutcome {
  /** True when this call started a run; false for a duplicate delivery or a derived blob. */
  started: boolean;
  reason: "started" | "duplicate" | "derived" | "start_failed";
  result: BlobResult | null;
}

/**
 * A new blob version landed: start its processing, once. The result document created with a
 * create-only write is the claim: a repeated delivery of the same event finds it and starts nothing.
 * If the engine cannot be reached after the claim, the document stays `queued` without a run, and
 * the reconcile timer starts it later: nothing is lost.
 */
export async function triggerBlob(
  deps: TriggerDeps,
  version: { path: string; etag: string; contentType?: string },
  trigger: TriggerReason,
): Promise<TriggerOutcome> {
  if (isDerivedPath(version.path)) return { started: false, reason: "derived", result: null };
  const now = deps.now ?? (() => new Date());
  const doc = queuedResult({ path: version.path, etag: version.etag, attempt: 1, trigger, now: now() });
  const claimed = await createResult(deps.store, doc);
  if (!claimed) {
    const existing = await readResult(deps.store, version.path, version.etag);
    // The same bytes uploaded again with another type: the finished result speaks of the old type,
    // so the version is processed again (a repeated delivery of one upload finds the type unchanged).
    const finished = existing?.doc.status === "done" || existing?.doc.status === "failed";
    const claimedType = existing?.doc.file?.claimedType;
    if (
      finished &&
      claimedType !== undefined &&
      version.contentType !== undefined &&
      claimedType !== version.contentType
    ) {
      return restartBlob(deps, version, trigger);
    }
    return { started: false, reason: "duplicate", result: existing?.doc ?? null };
  }
  return launch(deps, doc);
}

async function launch(deps: TriggerDeps, doc: BlobResult): Promise<TriggerOutcome> {
  const engine = deps.engine ?? workflowEngine;
  let runId: string;
  try {
    runId = await engine.startRun({ path: doc.path, etag: doc.etag, attempt: doc.attempt });
  } catch (error) {
    console.error(
      `[pipeline] could not start processing ${doc.path}; the reconcile timer retries it:`,
      error,
    );
    return { started: false, reason: "start_failed", result: doc };
  }
  // The run may already have written "processing": only fill the run id into a document still waiting.
  const updated = await updateResult(deps.store, doc.path, doc.etag, (current) =>
    current.attempt === doc.attempt && current.runId === null ? { ...current, runId } : null,
  );
  return { started: true, reason: "started", result: updated ?? { ...doc, runId } };
}

/**
 * Queue a version again as a new attempt. A person may ask at any time but while it is still
 * queued or processing (409); the reconcile timer only within MAX_ATTEMPTS.
 */
export async function restartBlob(
  deps: TriggerDeps,
  version: { path: string; etag: string },
  trigger: TriggerReason,
): Promise<TriggerOutcome> {
  if (isDerivedPath(version.path)) {
    throw new PipelineError(
      "derived",
      "Results are not processed themselves; reprocess the file they belong to.",
    );
  }
  const now = deps.now ?? (() => new Date());
  const current = await readResult(deps.store, version.path, version.etag);
  if (!current) return triggerBlob(deps, version, trigger);
  if (trigger === "reprocess" && (current.doc.status === "queued" || current.doc.status === "processing")) {
    throw new PipelineError(
      "busy",
      `The file is ${current.doc.status}; wait for it to finish before processing it again.`,
    );
  }
  const attempt = current.doc.attempt + 1;
  const next = queuedResult({ path: version.path, etag: version.etag, attempt, trigger, now: now() });
  const written = await updateResult(deps.store, version.path, version.etag, (doc) =>
    doc.attempt === current.doc.attempt ? next : null,
  );
  // Someone else restarted it between our read and write: theirs stands.
  if (!written) return { started: false, reason: "duplicate", result: current.doc };
  return launch(deps, next);
}
