import { formatBytes } from "@/lib/bytes";
import { chunkLabel, chunkStates } from "@/lib/result-format";
import type { ChunkProgress as Chunks } from "@/lib/result-types";

/** Past this many chunks one cell each would be noise: the bar and the count say it. */
const MAX_CELLS = 256;

/**
 * A chunked analysis (a large CSV cut into byte ranges, each analysed in its own step): how many
 * chunks are done, as a bar and in words, and which ones, one cell per chunk in file order. A cell
 * is filled when its chunk is done and hollow while it waits, so the state is not in colour alone;
 * each cell names its chunk and state for screen readers.
 */
export function ChunkProgress({ chunks, running }: { chunks: Chunks; running: boolean }) {
  const label = chunkLabel(chunks);
  if (!running) {
    return (
      <p className="hint" data-testid="chunk-summary">
        Analysed in {chunks.count} chunks, in parallel, and merged.
      </p>
    );
  }
  const states = chunkStates(chunks);
  return (
    <div className="chunk-progress" data-testid="chunk-progress">
      <p className="progress-line">
        <progress max={chunks.count} value={Math.min(chunks.done, chunks.count)} aria-label={label} />
        <span className="hint">
          {label} ({formatBytes(chunks.bytes)})
        </span>
      </p>
      {chunks.count <= MAX_CELLS ? (
        <ol className="chunk-cells" aria-label="Chunks">
          {states.map((state, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the chunks are fixed and in file order
            <li key={i} className={state} title={`Chunk ${i + 1}: ${state}`}>
              <span className="visually-hidden">
                Chunk {i + 1}: {state}
              </span>
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}
