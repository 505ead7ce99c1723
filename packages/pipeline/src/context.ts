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
 * 128 MiB, from `pnpm --filter @repo/processors bench` (ours-chunks): one chunk parses at ~266 MB/s
 * on one core here, so a chunk takes about half a second, far inside a step's 300 s even on a slow
 * instance or a slow store, while a step's fixed cost (an invocation, queue messages, a ranged GET,
 * a stored partial of ~40 KB a column: 276 KB for 7 columns) stays small beside it, and the merge
 * reads few partials (1 GB makes 8 chunks; 100 GB, 800).
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
