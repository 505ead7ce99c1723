/**
 * Every invocation's maxDuration, watched by one timer for the process rather than a setTimeout
 * and a Promise.race per call (issue 15: together about 5% of a light request's CPU). The timer
 * ticks every TICK_MS while anything is in flight and stops when nothing is; a deadline fires within
 * one tick of its time. Vercel counts maxDuration in whole seconds, so a tick of 100 ms is precise
 * enough.
 *
 * The deadlines in flight are a doubly linked list through the deadlines themselves, not a Set: a
 * Set that lives as long as the process and takes and drops an entry per invocation reallocates
 * its hash table as it grows and shrinks, and each table, held from the old generation, was
 * promoted at the next scavenge (issue 15: half of what a card check's load promoted, and with it
 * a full collection every second or two).
 */
const TICK_MS = 100;

class Deadline {
  prev: Deadline | null = null;
  next: Deadline | null = null;
  /** Still in the list: neither done nor expired. */
  linked = true;
  constructor(
    readonly at: number,
    readonly expire: () => void,
  ) {}
}

let head: Deadline | null = null;
let tail: Deadline | null = null;
let timer: NodeJS.Timeout | undefined;

function unlink(deadline: Deadline): void {
  if (!deadline.linked) return;
  deadline.linked = false;
  if (deadline.prev) deadline.prev.next = deadline.next;
  else head = deadline.next;
  if (deadline.next) deadline.next.prev = deadline.prev;
  else tail = deadline.prev;
  deadline.prev = null;
  deadline.next = null;
}

function sweep(): void {
  const now = performance.now();
  let deadline = head;
  while (deadline) {
    const next = deadline.next;
    if (deadline.at <= now) {
      unlink(deadline);
      deadline.expire();
      // An expiry may end other invocations, and with them their deadlines: go on from one still in.
      if (next && !next.linked) {
        deadline = head;
        continue;
      }
    }
    deadline = next;
  }
  if (!head && timer) {
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
  const deadline = new Deadline(performance.now() + ms, expire);
  if (tail) {
    tail.next = deadline;
    deadline.prev = tail;
  } else head = deadline;
  tail = deadline;
  if (!timer) {
    timer = setInterval(sweep, Math.min(TICK_MS, Math.max(1, ms)));
    timer.unref();
  }
  return () => unlink(deadline);
}
