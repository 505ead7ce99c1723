import { describe, expect, it } from "vitest";
import { estimateCost } from "./cost.ts";
import { PRICES } from "./prices.ts";
import type { FunctionSummary } from "./recorder.ts";

const summary = (over: Partial<FunctionSummary>): FunctionSummary => ({
  name: "api/a",
  invocations: 10,
  errors: 0,
  p50Ms: 10,
  p95Ms: 10,
  p99Ms: 10,
  coldStarts: 1,
  peakRssMb: 100,
  meanDurationMs: 100,
  meanCpuMs: 10,
  cpuSamples: 10,
  ratePerSecond: 1,
  sampleSize: 10,
  lastAt: null,
  ...over,
});

describe("estimateCost", () => {
  it("prices a million invocations from CPU time, memory × wall time and the invocation fee", () => {
    const cost = estimateCost([summary({})], () => 1024);
    const row = cost.functions[0];
    // 1e6 × 10 ms = 2.78 CPU-hours; 1e6 × 100 ms × 1 GB = 27.8 GB-hours.
    const cpu = (1e6 * 10) / 3.6e6;
    const gbHours = (1e6 * 100) / 3.6e6;
    expect(row?.perMillion?.activeCpu).toBeCloseTo(cpu * PRICES.vercel.activeCpuPerHour, 3);
    expect(row?.perMillion?.provisionedMemory).toBeCloseTo(
      gbHours * PRICES.vercel.provisionedMemoryPerGbHour,
      3,
    );
    expect(row?.perMillion?.total).toBeCloseTo(
      cpu * PRICES.vercel.activeCpuPerHour + gbHours * PRICES.vercel.provisionedMemoryPerGbHour + 0.6,
      3,
    );
    expect(cost.estimate).toBe(true);
  });

  it("prices a month at the observed rate, beside always-on instances sized for the same CPU", () => {
    const cost = estimateCost([summary({ ratePerSecond: 2 })], () => 512);
    const invocations = 2 * PRICES.hoursPerMonth * 3600;
    expect(cost.vercel?.invocationsPerMonth).toBe(invocations);
    expect(cost.alwaysOn?.instances).toBe(1);
    expect(cost.alwaysOn?.perMonth).toBeCloseTo(PRICES.alwaysOn.perHour * PRICES.hoursPerMonth, 2);
  });

  it("charges wall time as CPU when no invocation ran alone, and says so", () => {
    const cost = estimateCost([summary({ meanCpuMs: null, cpuSamples: 0 })], () => 1024);
    expect(cost.functions[0]).toMatchObject({ meanCpuMs: 100, cpuFrom: "wall time" });
  });

  it("uses Vercel's default memory when vercel.json names none, and says so", () => {
    const cost = estimateCost([summary({ ratePerSecond: null })], () => undefined);
    expect(cost.functions[0]).toMatchObject({
      memoryMb: PRICES.vercel.defaultMemoryMb,
      memoryConfigured: false,
    });
    expect(cost.vercel).toBeNull();
  });
});
