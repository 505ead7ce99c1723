import { PRICES } from "./prices.ts";
import type { FunctionSummary } from "./recorder.ts";

export interface FunctionCost {
  name: string;
  memoryMb: number;
  /** The configured memory came from vercel.json (false: Vercel's default). */
  memoryConfigured: boolean;
  meanCpuMs: number | null;
  /** `measured`, or `wall time` when no invocation ran alone (an upper bound of its CPU). */
  cpuFrom: "measured" | "wall time";
  meanDurationMs: number | null;
  /** USD per million invocations like the observed ones: CPU, memory, invocations and their sum. */
  perMillion: { activeCpu: number; provisionedMemory: number; invocations: number; total: number } | null;
  /** Invocations a month at the observed rate, and what they would cost. */
  perMonth: { invocations: number; total: number } | null;
}

export interface CostEstimate {
  estimate: true;
  note: string;
  method: string[];
  prices: typeof PRICES;
  functions: FunctionCost[];
  /** Every function together, at the observed rates. */
  vercel: { invocationsPerMonth: number; perMonth: number } | null;
  /** The same work on always-on instances: whole instances, paid every hour. */
  alwaysOn: {
    instances: number;
    perMonth: number;
    /** The CPU share of one instance the observed work would keep busy. */
    cpuUtilisation: number;
  } | null;
}

const MS_PER_HOUR = 3_600_000;
const money = (usd: number) => Math.round(usd * 10_000) / 10_000;

/**
 * What the observed invocations would cost on Vercel's fluid compute, and the same work on an
 * always-on instance, from the recorder's per-function means and each function's configured
 * memory. An estimate, and says so: see `method` for each approximation.
 *
 * @example
 * estimateCost(recorder.functions(), (name) => ({ memory: 512 }));
 */
export function estimateCost(
  functions: FunctionSummary[],
  memoryOf: (name: string) => number | undefined,
): CostEstimate {
  const v = PRICES.vercel;
  let cpuHoursPerMonth = 0;
  let monthInvocations = 0;
  let monthTotal = 0;
  let anyRate = false;
  const rows = functions.map((fn): FunctionCost => {
    const configured = memoryOf(fn.name);
    const memoryMb = configured ?? v.defaultMemoryMb;
    const row: FunctionCost = {
      name: fn.name,
      memoryMb,
      memoryConfigured: configured !== undefined,
      meanCpuMs: fn.meanCpuMs ?? fn.meanDurationMs,
      cpuFrom: fn.meanCpuMs === null ? "wall time" : "measured",
      meanDurationMs: fn.meanDurationMs,
      perMillion: null,
      perMonth: null,
    };
    const cpuMs = row.meanCpuMs;
    if (cpuMs === null || fn.meanDurationMs === null) return row;
    const activeCpu = ((cpuMs * 1e6) / MS_PER_HOUR) * v.activeCpuPerHour;
    const provisionedMemory =
      ((fn.meanDurationMs * 1e6) / MS_PER_HOUR) * (memoryMb / 1024) * v.provisionedMemoryPerGbHour;
    const total = activeCpu + provisionedMemory + v.invocationsPerMillion;
    row.perMillion = {
      activeCpu: money(activeCpu),
      provisionedMemory: money(provisionedMemory),
      invocations: v.invocationsPerMillion,
      total: money(total),
    };
    if (fn.ratePerSecond !== null) {
      anyRate = true;
      const invocations = fn.ratePerSecond * PRICES.hoursPerMonth * 3600;
      row.perMonth = { invocations: Math.round(invocations), total: money((invocations / 1e6) * total) };
      monthInvocations += invocations;
      monthTotal += (invocations / 1e6) * total;
      cpuHoursPerMonth += (invocations * cpuMs) / MS_PER_HOUR;
    }
    return row;
  });
  const a = PRICES.alwaysOn;
  const capacity = a.vcpus * PRICES.hoursPerMonth * a.targetUtilisation;
  const instances = Math.max(1, Math.ceil(cpuHoursPerMonth / capacity));
  return {
    estimate: true,
    note: "An estimate from the work seen on this machine, not a bill: list prices, no included usage, no bandwidth, builds or other products.",
    method: [
      "Active CPU: the whole process's CPU time (user + system, process.cpuUsage) during invocations that ran alone (no other invocation under way), averaged per function; it includes the runtime's own work for the request and anything else the process did meanwhile. A function none of whose invocations ran alone is charged its wall time instead (an upper bound). This machine's CPU is not Vercel's.",
      "Provisioned memory: each function's configured memory (vercel.json `functions`) held for each invocation's wall time, as if every invocation had an instance to itself; fluid compute shares an instance between concurrent invocations (less) but keeps it a while after the last one (more).",
      "Invocations: every recorded invocation counts, failures included, as on Vercel.",
      "Per month: each function's rate between its first and last invocation seen, held for a month.",
      `Always-on: enough ${a.name} instances to run the same CPU time at ${a.targetUtilisation * 100}% utilisation, paid every hour of the month, at least one.`,
    ],
    prices: PRICES,
    functions: rows,
    vercel: anyRate
      ? { invocationsPerMonth: Math.round(monthInvocations), perMonth: money(monthTotal) }
      : null,
    alwaysOn: anyRate
      ? {
          instances,
          perMonth: money(instances * a.perHour * PRICES.hoursPerMonth),
          cpuUtilisation:
            Math.round((cpuHoursPerMonth / (a.vcpus * PRICES.hoursPerMonth * instances)) * 10_000) / 10_000,
        }
      : null,
  };
}
