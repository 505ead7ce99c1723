/**
 * pnpm start and pnpm dev as the bench runs them: createRuntime as the CLI calls it (one log line
 * per request; the bench sends stdout to /dev/null), in plain JavaScript so that no TypeScript
 * loader (tsx) sits in the measured process and its memory. The functions load through the
 * runtime's own loader, as they do under the CLI. Crons stay off: a timer firing mid-measurement
 * would be measured too. NODE_ENV and the working directory are set as the CLI sets them.
 * RUNTIME_RECORD=0 turns the runtime's recording off (request ids, the /__runtime dashboard): the
 * recording bench compares the two. RUNTIME_LOG=0 turns the per-request log line off, to measure
 * what it costs. RUNTIME_IDLE_COLLECT=0 turns off the collection the runtime runs
 * after 10 s without requests (idle-collector.ts), to measure the load section without it.
 * Usage: node runtime-server.mjs dev|start <port>
 */
const [mode, port] = process.argv.slice(2);
// As the CLI does before anything loads (cli.ts): pnpm start runs with NODE_ENV=production, so that
// the function loader resolves workspace packages to their compiled dist, not their sources; and
// from the project root, as functions do on Vercel.
if (mode !== "dev") process.env.NODE_ENV ??= "production";
const root = new URL("../..", import.meta.url).pathname;
process.chdir(root);
const { createRuntime } = await import("@repo/runtime");
const runtime = await createRuntime({
  root,
  mode: mode === "dev" ? "dev" : "start",
  port: Number(port),
  host: "127.0.0.1",
  app: false,
  log: process.env.RUNTIME_LOG !== "0",
  crons: false,
  record: process.env.RUNTIME_RECORD !== "0",
  ...(process.env.RUNTIME_IDLE_COLLECT === "0" ? { idleCollectMs: false } : {}),
});
process.send?.("ready");
process.on("SIGTERM", () => void runtime.close().then(() => process.exit(0)));
