import type { BlobStore } from "@repo/blob-store/types";

/** What the steps need from the outside world, handed in by whoever hosts them (an api/ function, a test). */
export interface PipelineContext {
  store: BlobStore;
  /** How many worker threads a CSV analysis may use; 1 keeps it on the calling thread. */
  csvWorkers?: number;
  /**
   * A CSV larger than this is analysed in chunks of about this many bytes, each in its own step (its
   * own function invocation on Vercel), in parallel, and merged. Default {@link DEFAULT_CHUNK_BYTES}.
   */
  chunkBytes?: number;
  /** How many chunk steps of one file run at once. Default {@link DEFAULT_CHUNK_PARALLEL}. */
  chunkParallel?: number;
  /** Clock, replaceable in tests. */
  now?: () => Date;
}

/**
 * 128 MiB: one chunk parses in about a second on one core (the kernel reads ~150–300 MB/s), far
 * inside a step's 300 s, while a step's fixed cost (an invocation, a queue message, a ranged GET, a
 * partial of ~20 KB per column in the event log) stays small beside it. 1 GB makes 8 chunks.
 */
export const DEFAULT_CHUNK_BYTES = 128 * 1024 * 1024;

/** Chunk steps of one file at once: enough to spread over instances, few enough to bound memory locally. */
export const DEFAULT_CHUNK_PARALLEL = 4;

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
