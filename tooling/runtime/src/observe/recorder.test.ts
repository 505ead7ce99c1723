import { describe, expect, it } from "vitest";
import { type Invocation, Recorder } from "./recorder.ts";

const invocation = (over: Partial<Invocation> = {}): Invocation => ({
  id: "dev1::x",
  function: "api/a",
  method: "GET",
  path: "/api/a",
  status: 200,
  durationMs: 1,
  cpuMs: 0.5,
  cold: false,
  startedAt: 1_000,
  rssBytes: 100 * 1024 * 1024,
  logs: null,
  aborted: false,
  ...over,
});

describe("Recorder", () => {
  it("computes nearest-rank percentiles, errors (5xx) and cold starts per function", () => {
    const recorder = new Recorder();
    for (let ms = 1; ms <= 100; ms++) {
      recorder.record(invocation({ durationMs: ms, status: ms % 10 === 0 ? 500 : 200, cold: ms === 1 }));
    }
    recorder.record(invocation({ function: "api/b", durationMs: 7, status: 404 }));
    const [a, b] = recorder.functions();
    expect(a).toMatchObject({ name: "api/a", invocations: 100, errors: 10, coldStarts: 1 });
    expect([a?.p50Ms, a?.p95Ms, a?.p99Ms]).toEqual([50, 95, 99]);
    expect(b).toMatchObject({ name: "api/b", invocations: 1, errors: 0, p50Ms: 7, p99Ms: 7 });
  });

  it("keeps only the latest invocations, newest first, in bounded memory", () => {
    const recorder = new Recorder({ capacity: 3, sample: 4 });
    for (let i = 1; i <= 10; i++) recorder.record(invocation({ id: `r${i}`, durationMs: i }));
    expect(recorder.invocations().map((i) => i.id)).toEqual(["r10", "r9", "r8"]);
    expect(recorder.invocations(2).map((i) => i.id)).toEqual(["r10", "r9"]);
    const [a] = recorder.functions();
    // Counts cover everything; percentiles the latest `sample` durations (7..10).
    expect(a).toMatchObject({ invocations: 10, sampleSize: 4, p50Ms: 8, p99Ms: 10 });
    expect(recorder.total).toBe(10);
  });

  it("averages CPU time over the invocations that ran alone only", () => {
    const recorder = new Recorder();
    recorder.record(invocation({ cpuMs: 2 }));
    recorder.record(invocation({ cpuMs: Number.NaN }));
    recorder.record(invocation({ cpuMs: 4 }));
    expect(recorder.functions()[0]).toMatchObject({ meanCpuMs: 3, cpuSamples: 2 });
    const other = new Recorder();
    other.record(invocation({ cpuMs: Number.NaN }));
    expect(other.functions()[0]).toMatchObject({ meanCpuMs: null, cpuSamples: 0 });
  });

  it("reports the rate between the first and last invocation, and the peak RSS", () => {
    const recorder = new Recorder();
    recorder.record(invocation({ startedAt: 0, durationMs: 0, rssBytes: 50 * 1024 * 1024 }));
    recorder.record(invocation({ startedAt: 2_000, durationMs: 0, rssBytes: 80 * 1024 * 1024 }));
    const [a] = recorder.functions();
    expect(a?.ratePerSecond).toBe(1);
    expect(a?.peakRssMb).toBe(80);
  });
});
