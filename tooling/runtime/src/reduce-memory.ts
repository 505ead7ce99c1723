import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** V8's `gc` extension function, with the options its newer versions read. */
type GcFunction = (options?: {
  type?: "major" | "minor";
  execution?: "sync" | "async";
  flavor?: "regular" | "last-resort";
}) => unknown;

let gcFunction: GcFunction | undefined;

/**
 * V8's `gc` function, without giving it to anyone else: the flag is turned on only while one new
 * context is made (the extension is installed in contexts made while it is on; the main context,
 * where functions run, was made before and never gets a `gc` global), then off again, so a context
 * that function code makes later gets none either. Nothing else runs in between: it is synchronous.
 * A process started with `--expose-gc` already has one, and its flag is left as it is.
 */
function v8Gc(): GcFunction {
  if (gcFunction) return gcFunction;
  const own = (globalThis as { gc?: unknown }).gc;
  if (typeof own === "function") {
    gcFunction = own as GcFunction;
    return gcFunction;
  }
  setFlagsFromString("--expose-gc");
  try {
    gcFunction = runInNewContext("gc") as GcFunction;
  } finally {
    setFlagsFromString("--no-expose-gc");
  }
  return gcFunction;
}

/**
 * V8 13 (Node 24) keeps the pages a collection frees in a pool for reuse, resident, and empties it
 * only in a memory-reducing collection: its `last-resort` flavour (two full collections that shrink
 * the young generation and release the pool). V8 11 (Node 20) does not know the option (it ran a
 * scavenge with it) and gives freed pages back after any full collection, so there a plain `gc()`.
 * Node 22's V8 12 was not measured; it takes the newer path.
 */
const MEMORY_REDUCING = Number(process.versions.v8.split(".")[0]) >= 12;

/**
 * Runs one memory-reducing full collection now, on this thread (tens of ms for a ~50 MB heap):
 * the young generation shrunk back to its smallest, garbage promoted during load collected, and
 * the freed pages returned to the OS. Meant for a process with nothing to do (idle-collector.ts):
 * V8's own memory reducer would do this after an idle spell, but on Node 24 it waits for a "low
 * allocation rate" that an idle process never shows (the embedder heap's rate is 0, which V8 reads
 * as mutator utilisation 0, i.e. busy) and only its 100 s watchdog starts it.
 *
 * @example
 * reduceMemory(); // after a load, RSS back near where the process started
 */
export function reduceMemory(): void {
  const gc = v8Gc();
  if (MEMORY_REDUCING) gc({ type: "major", execution: "sync", flavor: "last-resort" });
  else gc();
}
