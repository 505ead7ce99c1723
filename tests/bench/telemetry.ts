import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_TELEMETRY_ROUNDS ?? 3);
const here = dirname(fileURLToPath(import.meta.url));

async function perCall(mode: string): Promise<number> {
  const { stdout } = await run(
    process.execPath,
    ["--import", "tsx", join(here, "telemetry-child.ts"), mode],
    {
      cwd: join(here, ".."),
      env: { ...process.env, VERCEL: "", OTEL_EXPORTER_OTLP_ENDPOINT: "", LOG_FORMAT: "" },
    },
  );
  return (JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as { usPerCall: number }).usPerCall;
}

/**
 * What telemetry costs /api/health per invocation, in-process (no HTTP, so the handler's own time
 * is what is measured): the handler's body alone, the deployed handler with tracing not registered
 * (the no-op path every local run takes), and with @vercel/otel registered and JSON logs (Vercel).
 * Median µs per call over 9 batches per process; each mode in its own process, the three modes
 * interleaved over ROUNDS rounds (a shared 2-core machine drifts), and the median round printed.
 */
export async function telemetrySection(): Promise<void> {
  console.log("\n## Telemetry: /api/health handler, µs per call in-process (median of 9 batches)\n");
  const runs: Record<string, number[]> = { bare: [], default: [], traced: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of Object.keys(runs)) runs[mode]?.push(await perCall(mode));
  }
  const median = (xs: number[] = []) =>
    [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  const bare = median(runs.bare);
  const noop = median(runs.default);
  const traced = median(runs.traced);
  const rows: [string, number][] = [
    ["handler body alone (anchor)", bare],
    ["deployed, tracing not registered", noop],
    ["deployed, @vercel/otel + JSON logs", traced],
  ];
  for (const [name, us] of rows) {
    console.log(
      `${name.padEnd(36)} ${us.toFixed(2).padStart(8)} µs   ${(us - bare >= 0 ? "+" : "") + (us - bare).toFixed(2)} µs`,
    );
  }
  console.log("\nTarget: the no-op path adds nothing noticeable (well under 1 µs) to the anchor.");
}
