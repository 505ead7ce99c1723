/** One function invocation as the runtime saw it. */
export interface Invocation {
  /** The request id (`x-vercel-id`). */
  id: string;
  /** The function file, without extension: `api/weather`. */
  function: string;
  method: string;
  /** The request target, query values of sensitive endpoints hidden (redact.ts). */
  path: string;
  status: number;
  durationMs: number;
  /**
   * CPU time of the whole process during the invocation, measured only when it ran alone (no other
   * invocation under way at any point); NaN otherwise. See cost.ts for what that is worth.
   */
  cpuMs: number;
  cold: boolean;
  /** Epoch milliseconds at the start. */
  startedAt: number;
  /** The process's resident set size when the invocation ended, in bytes. */
  rssBytes: number;
  /** The function's own console output during the invocation, bounded (invocation-console.ts). */
  logs: string[] | null;
  /** The client went away before the response was written whole. */
  aborted: boolean;
}

/** Per function, what /__runtime/functions answers. */
export interface FunctionSummary {
  name: string;
  invocations: number;
  errors: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  coldStarts: number;
  /** Highest process RSS seen at the end of one of its invocations (not the function's own). */
  peakRssMb: number;
  /** Mean over the invocations in the sample. */
  meanDurationMs: number | null;
  /** Over the invocations in the sample that ran alone; null if none did. */
  meanCpuMs: number | null;
  /** How many invocations in the sample ran alone (their CPU time measured). */
  cpuSamples: number;
  /** Invocations per second between the first and the last one seen, or null with fewer than two. */
  ratePerSecond: number | null;
  /** How many of the latest invocations the percentiles and means are over. */
  sampleSize: number;
  lastAt: string | null;
}

export interface RecorderOptions {
  /** Invocations kept for /__runtime/invocations (default 500). */
  capacity?: number;
  /** Durations kept per function for its percentiles (default 1024). */
  sample?: number;
}

class FunctionStats {
  invocations = 0;
  errors = 0;
  coldStarts = 0;
  peakRssBytes = 0;
  firstAt = 0;
  lastAt = 0;
  /** Ring buffers of the latest durations and CPU times. */
  readonly durations: Float64Array;
  readonly cpu: Float64Array;
  constructor(sample: number) {
    this.durations = new Float64Array(sample);
    this.cpu = new Float64Array(sample);
  }
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: Float64Array, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return round(sorted[Math.min(sorted.length, Math.max(rank, 1)) - 1] ?? 0);
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * The latest invocations, kept column by column: numbers in typed arrays, strings and logs in plain
 * arrays (the strings are mostly shared: function names, methods and clean paths are made once).
 * Keeping each Invocation object instead kept it, its boxed numbers and its strings for
 * `capacity` invocations, long enough under load to be copied at a scavenge and then promoted to
 * the old space (issue 15). Objects are made again only when someone asks (/__runtime).
 */
class InvocationRing {
  readonly ids: string[];
  readonly functions: string[];
  readonly methods: string[];
  readonly paths: string[];
  readonly logs: (string[] | null)[];
  /** status, durationMs, cpuMs, startedAt, rssBytes: five numbers per slot. */
  readonly numbers: Float64Array;
  /** cold (1) and aborted (2). */
  readonly flags: Uint8Array;
  constructor(readonly capacity: number) {
    this.ids = new Array<string>(capacity).fill("");
    this.functions = new Array<string>(capacity).fill("");
    this.methods = new Array<string>(capacity).fill("");
    this.paths = new Array<string>(capacity).fill("");
    this.logs = new Array<string[] | null>(capacity).fill(null);
    this.numbers = new Float64Array(capacity * 5);
    this.flags = new Uint8Array(capacity);
  }

  set(slot: number, invocation: Invocation): void {
    this.ids[slot] = invocation.id;
    this.functions[slot] = invocation.function;
    this.methods[slot] = invocation.method;
    this.paths[slot] = invocation.path;
    this.logs[slot] = invocation.logs;
    const at = slot * 5;
    this.numbers[at] = invocation.status;
    this.numbers[at + 1] = invocation.durationMs;
    this.numbers[at + 2] = invocation.cpuMs;
    this.numbers[at + 3] = invocation.startedAt;
    this.numbers[at + 4] = invocation.rssBytes;
    this.flags[slot] = (invocation.cold ? 1 : 0) | (invocation.aborted ? 2 : 0);
  }

  get(slot: number): Invocation {
    const at = slot * 5;
    const flags = this.flags[slot] ?? 0;
    return {
      id: this.ids[slot] ?? "",
      function: this.functions[slot] ?? "",
      method: this.methods[slot] ?? "",
      path: this.paths[slot] ?? "",
      status: this.numbers[at] ?? 0,
      durationMs: this.numbers[at + 1] ?? 0,
      cpuMs: this.numbers[at + 2] ?? Number.NaN,
      cold: (flags & 1) !== 0,
      startedAt: this.numbers[at + 3] ?? 0,
      rssBytes: this.numbers[at + 4] ?? 0,
      logs: this.logs[slot] ?? null,
      aborted: (flags & 2) !== 0,
    };
  }

  clear(): void {
    this.ids.fill("");
    this.functions.fill("");
    this.methods.fill("");
    this.paths.fill("");
    this.logs.fill(null);
  }
}

/**
 * Keeps what the runtime observed of its function invocations in bounded memory: the latest
 * invocations in a ring (column by column, see InvocationRing), and per function its counts and a
 * ring of its latest durations (percentiles are over that window). Recording is O(1) and keeps no
 * object per invocation; percentiles are computed when asked.
 *
 * @example
 * const recorder = new Recorder({ capacity: 100 });
 * recorder.record(invocation);
 * recorder.functions(); // [{ name: "api/health", invocations: 1, … }]
 */
export class Recorder {
  readonly capacity: number;
  readonly sample: number;
  readonly #ring: InvocationRing;
  #next = 0;
  #total = 0;
  readonly #stats = new Map<string, FunctionStats>();

  constructor(options: RecorderOptions = {}) {
    this.capacity = options.capacity ?? 500;
    this.sample = options.sample ?? 1024;
    this.#ring = new InvocationRing(this.capacity);
  }

  /** An error is a 5xx (a thrown function becomes a 500, a timeout a 504). */
  record(invocation: Invocation): void {
    this.#ring.set(this.#next, invocation);
    this.#next = (this.#next + 1) % this.capacity;
    this.#total++;
    let stats = this.#stats.get(invocation.function);
    if (!stats) {
      stats = new FunctionStats(this.sample);
      stats.firstAt = invocation.startedAt;
      this.#stats.set(invocation.function, stats);
    }
    const slot = stats.invocations % this.sample;
    stats.durations[slot] = invocation.durationMs;
    stats.cpu[slot] = invocation.cpuMs;
    stats.invocations++;
    if (invocation.status >= 500) stats.errors++;
    if (invocation.cold) stats.coldStarts++;
    if (invocation.rssBytes > stats.peakRssBytes) stats.peakRssBytes = invocation.rssBytes;
    stats.lastAt = invocation.startedAt + invocation.durationMs;
  }

  /** Every invocation recorded since start (the ring keeps the latest `capacity`). */
  get total(): number {
    return this.#total;
  }

  /** The latest invocations, newest first. */
  invocations(limit = this.capacity): Invocation[] {
    const out: Invocation[] = [];
    const count = Math.min(limit, this.capacity, this.#total);
    for (let i = 1; i <= count; i++)
      out.push(this.#ring.get((this.#next - i + this.capacity) % this.capacity));
    return out;
  }

  /** Per function, sorted by name. */
  functions(): FunctionSummary[] {
    return [...this.#stats.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, s]) => {
        const n = Math.min(s.invocations, this.sample);
        const sorted = s.durations.slice(0, n).sort();
        let cpu = 0;
        let cpuSamples = 0;
        let wall = 0;
        for (let i = 0; i < n; i++) {
          const used = s.cpu[i] ?? Number.NaN;
          if (!Number.isNaN(used)) {
            cpu += used;
            cpuSamples++;
          }
          wall += s.durations[i] ?? 0;
        }
        const span = (s.lastAt - s.firstAt) / 1000;
        return {
          name,
          invocations: s.invocations,
          errors: s.errors,
          p50Ms: percentile(sorted, 50),
          p95Ms: percentile(sorted, 95),
          p99Ms: percentile(sorted, 99),
          coldStarts: s.coldStarts,
          peakRssMb: Math.round((s.peakRssBytes / 1024 / 1024) * 10) / 10,
          meanDurationMs: n ? round(wall / n) : null,
          meanCpuMs: cpuSamples ? round(cpu / cpuSamples) : null,
          cpuSamples,
          ratePerSecond: s.invocations > 1 && span > 0 ? s.invocations / span : null,
          sampleSize: n,
          lastAt: s.lastAt ? new Date(s.lastAt).toISOString() : null,
        };
      });
  }

  clear(): void {
    this.#ring.clear();
    this.#next = 0;
    this.#total = 0;
    this.#stats.clear();
  }
}
