import { type CronJob, nextCronTime } from "./cron.ts";

export interface CronRunnerOptions {
  /** Sends the cron's request (a GET of `path` on the runtime's origin); `signal` aborts it. */
  invoke(path: string, signal: AbortSignal): Promise<Response>;
  /** Milliseconds before an invocation is given up on, so a hanging one cannot block its next ticks. */
  timeoutMs(): number;
  log?: (line: string) => void;
}

/** How a cron job stands, for the runtime's dashboard. */
export interface CronJobStatus {
  path: string;
  schedule: string;
  /** The next fire time (ISO, UTC), or null if it never fires. */
  next: string | null;
  running: boolean;
  /** The latest invocation since the runtime started, scheduled or manual. */
  last: {
    at: string;
    durationMs: number;
    /** The response's status, or null when there was none (the request failed or timed out). */
    status: number | null;
    ok: boolean;
    error?: string;
  } | null;
}

export interface CronRunner {
  /** Each job's next and last run. */
  status(): CronJobStatus[];
  /** Replaces the jobs, and their timers if the runner is started. */
  setJobs(jobs: CronJob[]): void;
  /** Arms a timer for each job's next fire time (and again after each fire). */
  start(): void;
  /**
   * Invokes the job with this path now, as a tick would, and answers its response (the body read
   * whole). A manual run is never skipped, but ticks of the same path are while it runs.
   */
  run(path: string): Promise<Response>;
  /** Clears every timer and aborts every invocation under way. */
  close(): void;
}

/** setTimeout's longest delay is 2^31-1 ms; shorter waits also follow wall-clock changes. */
const MAX_WAIT_MS = 60 * 60 * 1000;
const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * Runs vercel.json's cron jobs on their schedules, as Vercel does: one request per fire time, none
 * while the previous invocation of the same path still runs (that tick is skipped and logged), and
 * nothing that an invocation does (fail, throw, hang) reaches the caller of a tick.
 */
export function createCronRunner(options: CronRunnerOptions): CronRunner {
  const log = options.log ?? ((line: string) => console.log(line));
  let jobs: CronJob[] = [];
  let started = false;
  let closed = false;
  const timers = new Set<NodeJS.Timeout>();
  const inflight = new Set<AbortController>();
  /** Invocations under way, by path. */
  const running = new Map<string, number>();
  /** The last fire time of each job, so that re-arming never fires the same minute twice. */
  const lastFired = new Map<string, number>();
  /** The latest outcome of each path. */
  const outcomes = new Map<string, NonNullable<CronJobStatus["last"]>>();

  const execute = async (path: string): Promise<Response> => {
    running.set(path, (running.get(path) ?? 0) + 1);
    const controller = new AbortController();
    inflight.add(controller);
    const timeoutMs = options.timeoutMs();
    const timeout = setTimeout(
      () => controller.abort(new Error(`no answer within ${timeoutMs / 1000}s`)),
      timeoutMs,
    );
    timeout.unref();
    const began = performance.now();
    const at = new Date().toISOString();
    const ms = () => (performance.now() - began).toFixed(1);
    try {
      const response = await options.invoke(path, controller.signal);
      const body = await response.arrayBuffer();
      log(`[runtime] cron GET ${path} ${response.status} ${ms()}ms`);
      outcomes.set(path, { at, durationMs: Number(ms()), status: response.status, ok: response.ok });
      return new Response(NULL_BODY.has(response.status) ? null : body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } catch (error) {
      const reason = controller.signal.aborted ? controller.signal.reason : error;
      const message = String((reason as Error)?.message ?? reason);
      log(`[runtime] cron GET ${path} failed after ${ms()}ms: ${message}`);
      outcomes.set(path, { at, durationMs: Number(ms()), status: null, ok: false, error: message });
      throw error;
    } finally {
      clearTimeout(timeout);
      inflight.delete(controller);
      const left = (running.get(path) ?? 1) - 1;
      if (left > 0) running.set(path, left);
      else running.delete(path);
    }
  };

  const tick = (job: CronJob) => {
    if (running.has(job.path)) {
      log(`[runtime] cron GET ${job.path} skipped: the previous invocation is still running`);
      return;
    }
    execute(job.path).catch(() => {});
  };

  const arm = (job: CronJob, key: string) => {
    if (closed) return;
    const now = Date.now();
    const next = nextCronTime(job.schedule, new Date(Math.max(now, lastFired.get(key) ?? now)));
    if (!next) {
      log(`[runtime] cron ${job.path}: "${job.schedule.source}" never fires; not scheduled`);
      return;
    }
    const delay = next.getTime() - now;
    const wait = Math.min(Math.max(delay, 0), MAX_WAIT_MS);
    const timer = setTimeout(() => {
      timers.delete(timer);
      // A wait shorter than the delay only brings the next look at the clock nearer. A timer that
      // waited the whole delay fires even if the clock reads a hair early.
      if (wait === delay || Date.now() >= next.getTime()) {
        lastFired.set(key, next.getTime());
        tick(job);
      }
      arm(job, key);
    }, wait);
    timer.unref();
    timers.add(timer);
  };

  const clearTimers = () => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
  };

  const armAll = () => {
    clearTimers();
    for (const job of jobs) arm(job, `${job.path} ${job.schedule.source}`);
  };

  return {
    status() {
      const now = new Date();
      return jobs.map((job) => ({
        path: job.path,
        schedule: job.schedule.source,
        next: nextCronTime(job.schedule, now)?.toISOString() ?? null,
        running: running.has(job.path),
        last: outcomes.get(job.path) ?? null,
      }));
    },
    setJobs(next) {
      jobs = next;
      if (started) armAll();
    },
    start() {
      started = true;
      armAll();
    },
    async run(path) {
      if (!jobs.some((job) => job.path === path)) {
        throw new Error(`no cron job in vercel.json has the path ${path}`);
      }
      return execute(path);
    },
    close() {
      closed = true;
      clearTimers();
      for (const controller of inflight) controller.abort(new Error("the runtime closed"));
    },
  };
}
