import type { BlobStore } from "@repo/blob-store/types";

/** What the steps need from the outside world, handed in by whoever hosts them (an api/ function, a test). */
export interface PipelineContext {
  store: BlobStore;
  /** How many worker threads a CSV analysis may use; 1 keeps it on the calling thread. */
  csvWorkers?: number;
  /** Clock, replaceable in tests. */
  now?: () => Date;
}

// The step bundle that `workflow build` writes carries its own copy of this module, separate from the
// copy the api/ function imports, so a module-level variable would not be shared between them. A
// registered symbol on globalThis is one slot per process whichever copy reads it.
const SLOT = Symbol.for("@repo/pipeline/context");

type Slot = { [SLOT]?: PipelineContext };

/** Called once by the host before any step runs (api/workflow/step.ts, tests). */
export function configurePipeline(context: PipelineContext): void {
  (globalThis as Slot)[SLOT] = context;
}

/** The configured context; a step running without one is a wiring bug, said plainly. */
export function pipelineContext(): PipelineContext {
  const context = (globalThis as Slot)[SLOT];
  if (!context) {
    throw new Error(
      "The pipeline has no blob store: the host must call configurePipeline({ store }) before steps run.",
    );
  }
  return context;
}
