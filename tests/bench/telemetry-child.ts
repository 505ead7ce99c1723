/**
 * One process of the telemetry bench: calls /api/health's GET handler in-process, in batches, and
 * prints the median µs per call as JSON. OpenTelemetry's registration is process-wide, so each
 * mode runs in a process of its own:
 * - `bare`: the handler's body alone (what GET answers, without route() and its invocation wrapper)
 * - `default`: GET as deployed when nobody collects traces (the local default): the no-op path
 * - `traced`: GET with @vercel/otel registered (a batch processor, spans dropped at export) and
 *   JSON logs, as on Vercel
 */
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { register } from "../../api/_lib/instrumentation.ts";
import { json } from "../../api/_lib/respond.ts";

const mode = process.argv[2] ?? "default";
const BATCH = Number(process.env.BENCH_TELEMETRY_BATCH ?? 20_000);
const BATCHES = 9;

if (mode === "traced") {
  process.env.LOG_FORMAT = "json";
  const dropping = {
    export: (_spans: unknown, done: (result: { code: number }) => void) => done({ code: 0 }),
    shutdown: async () => {},
  };
  await register({ spanProcessors: [new BatchSpanProcessor(dropping)] });
}
const { GET } = await import("../../api/health.ts");
const bare = async (_request: Request) =>
  json({ status: "ok", node: process.versions.node }, { headers: { "cache-control": "no-store" } });
const call = mode === "bare" ? bare : GET;
const request = new Request("http://localhost/api/health", { headers: { "x-vercel-id": "bench::1" } });

for (let i = 0; i < BATCH; i++) await call(request);
const perCall: number[] = [];
for (let b = 0; b < BATCHES; b++) {
  const t0 = performance.now();
  for (let i = 0; i < BATCH; i++) await call(request);
  perCall.push(((performance.now() - t0) * 1000) / BATCH);
}
perCall.sort((a, b) => a - b);
process.stdout.write(`${JSON.stringify({ mode, usPerCall: perCall[Math.floor(BATCHES / 2)] })}\n`);
