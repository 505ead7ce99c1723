/**
 * What the runtime's CLI does to the console of its process: one rewrite, for one known case.
 *
 * The Workflow SDK (its local world runs in this process) logs every `FatalError` a step throws
 * twice, each time with the whole stack: once when the step gives up, once when the run fails. A
 * FatalError is a step saying on purpose "stop, do not retry" (a file deleted or replaced while its
 * run was under way, or a file that cannot be processed), and its message already says why; the
 * stacks point into the SDK's bundle and tell nothing more. So those two entries become one short
 * line. Every other line, the SDK's other errors included, passes untouched. On Vercel the SDK's
 * lines reach the function logs as they are; this is only the local console.
 */

/** Rewrites one console.error call: new arguments, `null` to drop it, `undefined` when not its case. */
export type ErrorRewrite = (args: unknown[]) => unknown[] | null | undefined;

const STEP_FATAL = "[Workflow] Encountered FatalError while executing step";
const RUN_FAILED = "[Workflow] Error while running workflow";
/** Runs whose give-up was told; bounded, in case a run's failure is never logged. */
const TOLD_MAX = 1000;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;

/** "FatalError: The file was deleted…\n    at giveUp (…)" → "The file was deleted…". */
function reason(stack: unknown): string {
  const first = String(stack ?? "").split("\n", 1)[0] ?? "";
  return first.replace(/^FatalError: /, "") || "(no message)";
}

/**
 * The Workflow SDK's FatalError entries as one line per run:
 * `[workflow] wrun_… stopped in analyzeBlob, not retried: The file was deleted before it could be processed.`
 */
export function workflowFatalErrors(): ErrorRewrite {
  const told = new Set<string>();
  return ([message, meta]) => {
    if (typeof message !== "string" || !isRecord(meta)) return undefined;
    const run = String(meta.workflowRunId ?? "");
    if (message.startsWith(STEP_FATAL)) {
      told.add(run);
      if (told.size > TOLD_MAX) told.delete(told.values().next().value ?? "");
      const step =
        String(meta.stepName ?? "")
          .split("//")
          .pop() || "a step";
      return [`[workflow] ${run} stopped in ${step}, not retried: ${reason(meta.errorStack)}`];
    }
    if (message.startsWith(RUN_FAILED) && meta.errorName === "FatalError") {
      // The step's line said it; a FatalError thrown by the workflow itself is told here.
      if (told.delete(run)) return null;
      return [`[workflow] ${run} stopped, not retried: ${reason(meta.errorStack)}`];
    }
    return undefined;
  };
}

/**
 * Routes console.error through the rewrites: the first that claims a call decides; a rewritten
 * call goes to console.log (an expected outcome, not an error). Answers a function that restores it.
 *
 * @example
 * const restore = filterConsoleErrors([workflowFatalErrors()]);
 */
export function filterConsoleErrors(rewrites: ErrorRewrite[]): () => void {
  const original = console.error;
  console.error = (...args: unknown[]) => {
    for (const rewrite of rewrites) {
      const out = rewrite(args);
      if (out === undefined) continue;
      if (out !== null) console.log(...out);
      return;
    }
    original(...args);
  };
  return () => {
    console.error = original;
  };
}
