/**
 * The timer trigger's sweep over the whole container: every current version gets a result or a run
 * on its way to one, and derived blobs of deleted or replaced versions go.
 */
import { listAll } from "@repo/blob-store/list-all";
import { ownerOf } from "./derived.ts";
import { readResultAt, updateResult } from "./documents.ts";
import { DERIVED_PREFIX, isDerivedPath, MAX_ATTEMPTS, resultPath, versionKey } from "./result.ts";
import { type Engine, restartBlob, type TriggerDeps, triggerBlob, workflowEngine } from "./trigger.ts";

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
  for await (const blob of listAll(deps.store, "")) {
    if (isDerivedPath(blob.path) || !isSource(blob.path)) continue;
    if (current.size >= maxBlobs) {
      report.truncated = true;
      break;
    }
    current.set(blob.path, blob.etag);
  }

  const results = new Set<string>(); // paths of result documents
  const derived: { path: string; uploadedAt: Date }[] = [];
  for await (const blob of listAll(deps.store, DERIVED_PREFIX)) {
    derived.push({ path: blob.path, uploadedAt: blob.uploadedAt });
    if (blob.path.endsWith(".json")) results.add(blob.path);
  }

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
