import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type CronJob, parseCron } from "./cron.ts";
import { createCronRunner } from "./cron-jobs.ts";

const job = (path: string, schedule: string): CronJob => ({ path, schedule: parseCron(schedule) });
const minute = 60_000;

let calls: { path: string; at: string }[];
let lines: string[];

beforeEach(() => {
  vi.useFakeTimers({ now: new Date("2025-06-13T10:00:30Z") });
  calls = [];
  lines = [];
});
afterEach(() => {
  vi.useRealTimers();
});

function runner(
  answer: (path: string, signal: AbortSignal) => Promise<Response> = async () => new Response("ok"),
) {
  return createCronRunner({
    invoke: (path, signal) => {
      calls.push({ path, at: new Date().toISOString().slice(11, 19) });
      return answer(path, signal);
    },
    timeoutMs: () => 10 * minute,
    log: (line) => lines.push(line),
  });
}

describe("createCronRunner", () => {
  it("invokes each job at its fire times, and logs status and duration", async () => {
    const cron = runner();
    cron.setJobs([job("/api/every-minute", "* * * * *"), job("/api/every-5", "*/5 * * * *")]);
    cron.start();
    await vi.advanceTimersByTimeAsync(29_000);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toEqual([{ path: "/api/every-minute", at: "10:01:00" }]);
    await vi.advanceTimersByTimeAsync(4 * minute);
    expect(calls.map((c) => `${c.at} ${c.path}`).sort()).toEqual([
      "10:01:00 /api/every-minute",
      "10:02:00 /api/every-minute",
      "10:03:00 /api/every-minute",
      "10:04:00 /api/every-minute",
      "10:05:00 /api/every-5",
      "10:05:00 /api/every-minute",
    ]);
    expect(lines[0]).toMatch(/^\[runtime\] cron GET \/api\/every-minute 200 \d+\.\dms$/);
    cron.close();
  });

  it("skips a tick while the previous invocation of the same path runs, and says so", async () => {
    const release: (() => void)[] = [];
    const cron = runner(() => new Promise((ok) => release.push(() => ok(new Response("done")))));
    cron.setJobs([job("/api/slow", "* * * * *")]);
    cron.start();
    await vi.advanceTimersByTimeAsync(30_000 + 2 * minute);
    expect(calls).toHaveLength(1);
    expect(lines).toEqual([
      "[runtime] cron GET /api/slow skipped: the previous invocation is still running",
      "[runtime] cron GET /api/slow skipped: the previous invocation is still running",
    ]);
    release.shift()?.();
    await vi.advanceTimersByTimeAsync(minute);
    expect(calls).toHaveLength(2);
    expect(lines[2]).toMatch(/cron GET \/api\/slow 200/);
    release.shift()?.();
    cron.close();
  });

  it("logs a failing invocation and keeps to the schedule", async () => {
    const cron = runner(async () => {
      throw new Error("connection refused");
    });
    cron.setJobs([job("/api/down", "* * * * *")]);
    cron.start();
    await vi.advanceTimersByTimeAsync(30_000 + minute);
    expect(calls).toHaveLength(2);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[runtime\] cron GET \/api\/down failed after \d+\.\dms: connection refused$/);
    cron.close();
  });

  it("gives up on an invocation that hangs past the timeout, so the next tick runs", async () => {
    const cron = createCronRunner({
      invoke: (path, signal) => {
        calls.push({ path, at: "" });
        return new Promise((_, fail) => signal.addEventListener("abort", () => fail(signal.reason)));
      },
      timeoutMs: () => 45_000,
      log: (line) => lines.push(line),
    });
    cron.setJobs([job("/api/hang", "* * * * *")]);
    cron.start();
    await vi.advanceTimersByTimeAsync(30_000 + minute);
    expect(calls).toHaveLength(2);
    expect(lines[0]).toMatch(/cron GET \/api\/hang failed after .*: no answer within 45s/);
    cron.close();
  });

  it("re-schedules when the jobs change, and stops on close", async () => {
    const cron = runner();
    cron.setJobs([job("/api/a", "* * * * *")]);
    cron.start();
    await vi.advanceTimersByTimeAsync(30_000);
    cron.setJobs([job("/api/b", "*/2 * * * *")]);
    await vi.advanceTimersByTimeAsync(3 * minute);
    expect(calls.map((c) => `${c.path} ${c.at}`)).toEqual([
      "/api/a 10:01:00",
      "/api/b 10:02:00",
      "/api/b 10:04:00",
    ]);
    cron.close();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10 * minute);
    expect(calls).toHaveLength(3);
  });

  it("schedules nothing until started, and a far fire time by waits of at most an hour", async () => {
    const cron = runner();
    cron.setJobs([job("/api/yearly", "0 0 1 1 *")]);
    await vi.advanceTimersByTimeAsync(minute);
    expect(vi.getTimerCount()).toBe(0);
    vi.setSystemTime(new Date("2025-12-31T20:00:30Z"));
    cron.start();
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(4 * 60 * minute - 31_000);
    expect(calls).toEqual([]);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toEqual([{ path: "/api/yearly", at: "00:00:00" }]);
    cron.close();
  });

  it("logs a schedule that never fires instead of arming it", () => {
    const cron = runner();
    cron.setJobs([job("/api/never", "0 0 30 2 *")]);
    cron.start();
    expect(vi.getTimerCount()).toBe(0);
    expect(lines).toEqual(['[runtime] cron /api/never: "0 0 30 2 *" never fires; not scheduled']);
  });

  it("runs a job on demand, answering the response with its body, and refuses an unknown path", async () => {
    const cron = runner(async () => new Response("reconciled", { status: 202, headers: { "x-n": "3" } }));
    cron.setJobs([job("/api/reconcile", "0 0 * * *")]);
    const response = await cron.run("/api/reconcile");
    expect(response.status).toBe(202);
    expect(response.headers.get("x-n")).toBe("3");
    expect(await response.text()).toBe("reconciled");
    expect(lines).toHaveLength(1);
    await expect(cron.run("/api/other")).rejects.toThrow(
      /no cron job in vercel.json has the path \/api\/other/,
    );
  });

  it("skips ticks while a manual run of the same path is under way", async () => {
    let release = () => {};
    const cron = runner(() => new Promise((ok) => (release = () => ok(new Response(null, { status: 204 })))));
    cron.setJobs([job("/api/x", "* * * * *")]);
    cron.start();
    const manual = cron.run("/api/x");
    await vi.advanceTimersByTimeAsync(30_000);
    expect(calls).toHaveLength(1);
    expect(lines[0]).toMatch(/skipped/);
    release();
    expect((await manual).status).toBe(204);
    cron.close();
  });

  it("aborts invocations under way on close", async () => {
    let aborted: unknown;
    const cron = runner(
      (_, signal) =>
        new Promise((_, fail) =>
          signal.addEventListener("abort", () => {
            aborted = signal.reason;
            fail(signal.reason);
          }),
        ),
    );
    cron.setJobs([job("/api/x", "* * * * *")]);
    const run = cron.run("/api/x");
    cron.close();
    await expect(run).rejects.toThrow(/the runtime closed/);
    expect(String(aborted)).toMatch(/the runtime closed/);
  });
});
