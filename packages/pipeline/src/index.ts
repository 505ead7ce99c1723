/**
 * `@repo/pipeline`: the blob trigger. Server code calls the trigger functions; the workflow itself
 * (process-blob.ts, steps.ts) reaches the runtime only through the bundles `workflow build` writes
 * to .well-known/workflow/v1 (exported as `@repo/pipeline/workflow/flow` and `/step`).
 */
export { configurePipeline, type PipelineContext } from "./context.js";
export { readResult } from "./documents.js";
export { PipelineError, type PipelineErrorCode } from "./errors.js";
export { deliverInProcess, listRuns } from "./in-process.js";
export * from "./result.js";
export {
  type Engine,
  PROCESS_BLOB_WORKFLOW,
  type ReconcileOptions,
  type ReconcileReport,
  type RunStatus,
  reconcile,
  removeDerived,
  restartBlob,
  type TriggerDeps,
  type TriggerOutcome,
  triggerBlob,
  workflowEngine,
} from "./trigger.js";
export { resumeInterruptedRuns } from "./world.js";
