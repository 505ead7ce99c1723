/**
 * pnpm start and pnpm dev as the bench runs them: createRuntime as the CLI calls it (one log line
 * per request; the bench sends stdout to /dev/null), in plain JavaScript so that no TypeScript
 * loader (tsx) sits in the measured process and its memory. The functions load through the
 * runtime's own loader, as they do under the CLI. Crons stay off: a timer firing mid-measurement
 * would be measured too.
 * RUNTIME_RECORD=0 turns the runtime's recording off (request ids, the /__runtime dashboard): the
 * recording bench compares the two.
 * Usage: node runtime-server.mjs dev|start <port>
 */
import { createRuntime } from "@repo/runtime";

const [mode, port] = process.argv.slice(2);
const runtime = await createRuntime({
  root: new URL("../..", import.meta.url).pathname,
  mode: mode === "dev" ? "dev" : "start",
  port: Number(port),
  host: "127.0.0.1",
  app: false,
  log: true,
  crons: false,
  record: process.env.RUNTIME_RECORD !== "0",
});
process.send?.("ready");
process.on("SIGTERM", () => void runtime.close().then(() => process.exit(0)));
