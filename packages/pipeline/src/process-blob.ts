/**
 * The blob trigger's workflow: a new blob version in, a result document out. The engine persists each
 * step's outcome, so a crash resumes after the last finished step instead of starting over, and a
 * step that throws is retried on its own.
 */
import { analyzeBlob, failProcessing, finishProcessing, openRun, type ProcessInput } from "./steps.ts";

export async function processBlob(input: ProcessInput): Promise<{ status: "done"; kind: string }> {
  "use workflow";
  try {
    const inspection = await openRun(input);
    const output = await analyzeBlob(input, inspection);
    return await finishProcessing(input, output);
  } catch (error) {
    await failProcessing(input, error instanceof Error ? error.message : String(error));
    throw error;
  }
}
