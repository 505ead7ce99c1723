/**
 * The blob trigger's workflow: a new blob version in, a result document out. The engine persists each
 * step's outcome, so a crash resumes after the last finished step instead of starting over, and a
 * step that throws is retried on its own. A large CSV is analysed in chunks, each its own step.
 */
import { dropChunkPartials } from "./chunk-steps.ts";
import { analyzeInChunks } from "./fan-out.ts";
import { analyzeBlob, failProcessing, finishProcessing, openRun, type ProcessInput } from "./steps.ts";

export async function processBlob(input: ProcessInput): Promise<{ status: "done"; kind: string }> {
  "use workflow";
  try {
    const inspection = await openRun(input);
    if (!inspection.chunked) return await finishProcessing(input, await analyzeBlob(input, inspection));
    // A large CSV fans out into one step per byte range, merged by one more.
    const done = await finishProcessing(input, await analyzeInChunks(input, inspection.chunked));
    await dropChunkPartials(input);
    return done;
  } catch (error) {
    await failProcessing(input, error instanceof Error ? error.message : String(error));
    throw error;
  }
}
