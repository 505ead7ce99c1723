/**
 * The trigger side of the pipeline, plain server code that api/ functions call: start processing a
 * new blob version exactly once in effect, restart one on request or from the timer, and reconcile
 * the whole container. The engine is reached through `startRun` and `runStatus`, so tests can watch
 * what would be started.
 */
import { listAll } from "@repo/blob-store/list-all";
import type { BlobStore } from "@repo/blob-store/types";
import { getRun, start } from "workflow/api";
import { createResult, readResult, readResultAt, updateResult } from "./documents.js";
import { PipelineError } from "./errors.js";
import {
  type BlobResult,
  DERIVED_PREFIX,
  derivedPrefixOf,
  isDerivedPath,
  MAX_ATTEMPTS,
  queuedResult,
  resultPath,
  sourceOfResultPath,
  type TriggerReason,
  versionKey,
} from "./result.js";
import type { ProcessInput } from "./steps.js";

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

export interface ReconcileOptions {
  /** Which blobs are files to process (default: every one but the derived): e.g. only users' files. */
  isSource?: (path: string) => boolean;
  /** A queued document with no run after this long means the start was lost. */
  startGraceMs?: number;
  /** Derived blobs of versions that no longer exist are removed after this long. */
  orphanGraceMs?: number;
  /** At most this many blobs examined per call; the next call continues. */
  maxBlobs?: number;
}

export interface ReconcileReport {
  scanned: number;
  started: { path: string; why: string }[];
  removed: string[];
  problems: { path: string; message: string }[];
  truncated: boolean;
}

/**
 * The timer trigger's work: every current blob version has a result, or is on its way to one. Missing
 * results (a lost callback) are started; failed ones are retried up to MAX_ATTEMPTS; queued ones whose
 * start was lost and runs the engine has lost are restarted; derived blobs of deleted or replaced
 * versions are removed.
 */
export async function reconcile(deps: TriggerDeps, options: ReconcileOptions = {}): Promise<ReconcileReport> {
  const engine = deps.engine ?? workflowEngine;
  const now = deps.now ?? (() => new Date());
  const startGrace = options.startGraceMs ?? 2 * 60_000;
  const orphanGrace = options.orphanGraceMs ?? 60 * 60_000;
  const maxBlobs = options.maxBlobs ?? 2000;
  const isSource = options.isSource ?? (() => true);
  const report: ReconcileReport = { scanned: 0, started: [], removed: [], problems: [], truncated: false };

  const current = new Map<string, string>(); // path → etag of its current version
  let cursor: string | null = null;
  do {
    const page = await deps.store.list({ limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const blob of page.blobs) {
      if (isDerivedPath(blob.path) || !isSource(blob.path)) continue;
      if (current.size >= maxBlobs) {
        report.truncated = true;
        break;
      }
      current.set(blob.path, blob.etag);
    }
    cursor = report.truncated ? null : page.cursor;
  } while (cursor);

  const results = new Set<string>(); // paths of result documents
  const derived: { path: string; uploadedAt: Date }[] = [];
  cursor = null;
  do {
    const page = await deps.store.list({
      prefix: DERIVED_PREFIX,
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    });
    for (const blob of page.blobs) {
      derived.push({ path: blob.path, uploadedAt: blob.uploadedAt });
      if (blob.path.endsWith(".json")) results.add(blob.path);
    }
    cursor = page.cursor;
  } while (cursor);

  for (const [path, etag] of current) {
    report.scanned++;
    try {
      const why = await reconcileOne(deps, engine, { path, etag }, results.has(resultPath(path, etag)), {
        now: now(),
        startGrace,
      });
      if (why) report.started.push({ path, why });
    } catch (error) {
      report.problems.push({ path, message: error instanceof Error ? error.message : String(error) });
    }
  }

  if (!report.truncated) {
    for (const blob of derived) {
      if (now().getTime() - blob.uploadedAt.getTime() < orphanGrace) continue;
      const owner = ownerOf(blob.path);
      if (!owner) continue;
      const etag = current.get(owner.path);
      if (etag !== undefined && versionKey(etag) === owner.key) continue;
      await deps.store.delete(blob.path);
      report.removed.push(blob.path);
    }
  }
  return report;
}

/** The source path and version key a derived blob (result or thumbnail) belongs to. */
function ownerOf(derived: string): { path: string; key: string } | null {
  const asResult = derived.replace(/\.thumb\.webp$/, ".json");
  return sourceOfResultPath(asResult);
}

async function reconcileOne(
  deps: TriggerDeps,
  engine: Engine,
  version: { path: string; etag: string },
  hasResult: boolean,
  at: { now: Date; startGrace: number },
): Promise<string | null> {
  if (!hasResult) {
    const outcome = await triggerBlob(deps, version, "cron");
    return outcome.started ? "no result" : null;
  }
  const stored = await readResultAt(deps.store, resultPath(version.path, version.etag));
  if (!stored) return null;
  const doc = stored.doc;
  if (doc.status === "done") return null;
  if (doc.status === "failed") {
    if (doc.attempt >= MAX_ATTEMPTS) return null;
    const outcome = await restartBlob(deps, version, "cron");
    return outcome.started ? `failed (attempt ${doc.attempt} of ${MAX_ATTEMPTS})` : null;
  }
  // queued or processing
  const age = at.now.getTime() - Date.parse(doc.updatedAt);
  if (doc.runId === null) {
    if (age < at.startGrace) return null;
    const outcome = await restartBlob(deps, version, "cron");
    return outcome.started ? "queued but never started" : null;
  }
  const status = await engine.runStatus(doc.runId);
  if (status === "pending" || status === "running") return null; // the engine resumes its own runs
  if (status === "completed" && age < at.startGrace) return null; // its last write is landing
  if (doc.attempt >= MAX_ATTEMPTS) {
    await updateResult(deps.store, version.path, version.etag, (d) =>
      d.attempt === doc.attempt && (d.status === "queued" || d.status === "processing")
        ? {
            ...d,
            status: "failed",
            error: { code: "run_lost", message: `The processing run ended (${status}) without a result.` },
            updatedAt: at.now.toISOString(),
          }
        : null,
    );
    return null;
  }
  const outcome = await restartBlob(deps, version, "cron");
  return outcome.started ? `run ${status} without a result` : null;
}

/**
 * Removes the derived blobs of a path: of every version (the file was deleted), or of every version
 * but the one it now has (`keep`: the file was replaced).
 */
export async function removeDerived(
  store: BlobStore,
  path: string,
  keep?: { etag: string },
): Promise<number> {
  let removed = 0;
  for await (const blob of listAll(store, derivedPrefixOf(path))) {
    // The prefix of "a.csv" also matches "a.csv/x.csv/…" (a blob in a folder named a.csv): keep those.
    const owner = ownerOf(blob.path);
    if (owner?.path !== path) continue;
    if (keep && owner.key === versionKey(keep.etag)) continue;
    if (await store.delete(blob.path)) removed++;
  }
  return removed;
}
