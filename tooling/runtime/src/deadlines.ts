/**
 * Every invocation's maxDuration, watched by one timer for the process rather than a setTimeout
 * and a Promise.race per call (issue 15: together about 5% of a light request's CPU). The timer
 * ticks every TICK_MS while anything is in flight and stops when nothing is; a deadline fires within
 * one tick of its time. Vercel counts maxDuration in whole seconds, so a tick of 100 ms is precise
 * enough.
 */
const TICK_MS = 100;

interface Deadline {
  at: number;
  expire: () => void;
}

const inFlight = new Set<Deadline>();
let timer: NodeJS.Timeout | undefined;

function sweep(): void {
  const now = performance.now();
  for (const deadline of inFlight) {
    if (deadline.at > now) continue;
    inFlight.delete(deadline);
    deadline.expire();
  }
  if (inFlight.size === 0 && timer) {
    clearInterval(timer);
    timer = undefined;
  }
}

/**
 * Calls `expire` once `ms` have passed, unless the returned function is called first.
 *
 * @example const done = watchDeadline(10_000, () => abort()); await work(); done();
 */
export function watchDeadline(ms: number, expire: () => void): () => void {
  const deadline: Deadline = { at: performance.now() + ms, expire };
  inFlight.add(deadline);
  if (!timer) {
    timer = setInterval(sweep, Math.min(TICK_MS, Math.max(1, ms)));
    timer.unref();
  }
  return () => {
    inFlight.delete(deadline);
  };
}
